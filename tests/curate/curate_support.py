"""Constants and helpers of the curation tests (imported by conftest.py and the tests)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED_PDF = ROOT / "corpus" / "seed" / "000_05e11c3b259efc19.pdf"
PASSWORD = "correct horse battery"

# Debian's Chromium, driven by Playwright (the Makefile's system-deps target installs it)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_TEST = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not shutil.which("chromium"),
        reason="needs Chromium: apt-get install chromium",
    ),
]
"""``pytestmark`` of the tests that drive a real browser."""


def chromium_path() -> str:
    return str(CHROMIUM) if CHROMIUM.exists() else str(shutil.which("chromium"))


# a document whose text (and file name) carries markup: it must show as text
HOSTILE_TEXT = (
    "晚期食管癌的免疫治疗进展\n\n"
    "KEYNOTE-590研究中，帕博利珠单抗联合化疗组的中位OS为12.4个月 vs. 9.8个月 "
    '<script>alert("pwned")</script>（P<0.0001）。\n\n'
    "In the CheckMate 649 trial, median overall survival was 13.1 months <img src=x onerror=alert(1)> "
    "versus 11.1 months with chemotherapy alone (HR 0.80; 95% CI 0.68-0.94).\n"
)


def doc_id_of(store, suffix: str) -> str:
    return next(d.doc_id for d in store.documents() if d.path.endswith(suffix))


def find_record(store, doc_id: str, **fields):
    """The first stored record whose effective values include ``fields``."""
    for r in store.records(doc_id):
        if all(r.effective.get(k) == v for k, v in fields.items()):
            return r
    raise AssertionError(f"no record with {fields} in {doc_id}")


def login(client, name: str, password: str = PASSWORD) -> str:
    """Log ``client`` in through the login form; returns the session's CSRF token."""
    r = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
    r = client.post(
        "/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"}
    )
    assert r.status_code == 200, r.text[:500]
    return re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)


def edit_form(client, doc_id: str, rec, **fields) -> dict:
    """The edit form as the browser would send it: every field of the record, some changed."""
    from extract.curate.fields import display, field_specs

    data = {
        "csrf_token": client.csrf,
        "version": str(rec.version),
        "reason": fields.pop("reason", ""),
    }
    for spec in field_specs(rec.kind):
        value = fields.get(spec.name, rec.effective.get(spec.name))
        data[spec.name] = (
            value if isinstance(value, list) and spec.type == "enum_list" else display(value)
        )
    return data


def browser_login(page, server: str, name: str = "alice") -> None:
    """Log in through the login form of the app at ``server``."""
    page.goto(server + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")


def watch_errors(page) -> list[str]:
    """Collect the page's script errors and console errors (a CSP violation is one)."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors

"""Constants and helpers of the curation tests (imported by conftest.py and the tests)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED_PDF = ROOT / "corpus" / "seed" / "000_05e11c3b259efc19.pdf"
PASSWORD = "correct horse battery"

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
    r = client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"})
    assert r.status_code == 200, r.text[:500]
    return re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)

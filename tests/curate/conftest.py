"""Fixtures of the curation tests: a store with the seed PDF and a hostile text document.

The store is built once per session (the pipeline runs once per document) and
copied for each test, so tests can change it freely. ``server`` serves the app
over that copy on a free local port and ``chromium`` is a real browser, for the
browser tests.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from curate_support import (
    CHROMIUM_ARGS,
    HOSTILE_TEXT,
    PASSWORD,
    SEED_PDF,
    chromium_path,
    doc_id_of,
    login,
)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    from extract.curate.auth import add_user
    from extract.curate.db import open_store
    from extract.pipeline import load_pipeline, process_document

    d = tmp_path_factory.mktemp("curate")
    hostile = d / "hostile_<script>.txt"
    hostile.write_text(HOSTILE_TEXT, encoding="utf-8")
    db = d / "extract.db"
    config = load_pipeline()
    with open_store(db) as store:
        for path in (SEED_PDF, hostile):
            result = process_document(path, config)
            assert result.status == "ok", result.error
            store.save_result(result, config.version)
        add_user(store, "alice", PASSWORD)
        add_user(store, "bob", PASSWORD)
        add_user(store, "judy", PASSWORD, role="adjudicator")
    return db


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Path:
    out = tmp_path / "extract.db"
    shutil.copy(template_db, out)
    return out


@pytest.fixture
def store(db: Path):
    from extract.curate.db import open_store

    with open_store(db) as s:
        yield s


@pytest.fixture
def seed_id(store) -> str:
    return doc_id_of(store, ".pdf")


@pytest.fixture
def hostile_id(store) -> str:
    return doc_id_of(store, ".txt")


@pytest.fixture
def app(db: Path):
    from extract.curate import create_app

    # TestClient's requests carry "Host: testserver"; a real server answers to its own names only
    return create_app(db, allowed_hosts=("testserver",))


@pytest.fixture
def client_factory(app):
    """Make browser-like clients of one app, each logged in as a curator (or not)."""
    from fastapi.testclient import TestClient

    def make(name: str | None = None):
        # not entered as a context manager: the lifespan would close the app's store on exit
        c = TestClient(app)
        c.csrf = login(c, name) if name else None
        return c

    return make


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(db):
    """The app over ``db``, served by uvicorn in a thread; yields its base URL."""
    import uvicorn

    from extract.curate import create_app

    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the curation server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def chromium():
    """Debian's Chromium through Playwright (headless)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()

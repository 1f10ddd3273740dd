"""Bounded work: `extract run` and `extract ingest` keep every document within a time and a
memory limit, refuse files past the page and decompression limits, their workers die with
the driver, and drivers sharing one store share the work instead of repeating it.

The stages registered below exist for these tests only (workers import this module, as
they import any module that registers a configuration's stages).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import fuzzpdf
import pytest
from pydantic import BaseModel, ConfigDict

from extract.ingest import ingest
from extract.pipeline import DocState, load_pipeline, process_document, run, stage
from extract.pool import process_alive
from extract.store import Store

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
SEED = ROOT / "corpus" / "seed" / "000_05e11c3b259efc19.txt"
DEFAULT_STAGES = [name for name, _ in load_pipeline().stages]


@stage("test.limits.v1")
def _misbehave(state: DocState, settings: dict[str, Any]) -> None:
    """A document says how to misbehave: hang, eat memory (and raise MemoryError), or eat
    memory and then abort as a C library does when an allocation fails."""
    assert state.doc is not None
    text = state.doc.text
    marker = os.environ.get("EXTRACT_TEST_MARKERS")
    if marker and "SABOTAGE:" in text:
        Path(marker, f"{os.getpid()}.started").write_text(str(os.getpid()))
    if "SABOTAGE:HANG" in text:
        time.sleep(300)
    if "SABOTAGE:HOG" in text or "SABOTAGE:ABORT" in text:
        hoard = []
        try:
            while True:
                hoard.append(bytearray(32 << 20))
        except MemoryError:
            if "SABOTAGE:HOG" in text:
                raise
        time.sleep(1.0)  # long enough for the driver to see the worker at its limit
        os.abort()


class _SlowlySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: float = 1.0


@stage("test.slowly.v1", settings=_SlowlySettings)
def _slowly(state: DocState, settings: dict[str, Any]) -> None:
    time.sleep(float(settings.get("seconds", 1.0)))


def pipeline_with(tmp_path: Path, extra: str, settings: str = "") -> Path:
    stages = [DEFAULT_STAGES[0], extra, *DEFAULT_STAGES[1:]]
    path = tmp_path / "limits.toml"
    path.write_text(
        f'[pipeline]\nname = "limits"\nstages = {json.dumps(stages)}\n' + settings, encoding="utf-8"
    )
    return path


def documents(folder: Path, **sabotage: str) -> Path:
    """The seed article as ok.txt, and one copy per sabotage (name → SABOTAGE word)."""
    folder.mkdir(parents=True, exist_ok=True)
    article = SEED.read_text(encoding="utf-8")
    (folder / "ok.txt").write_text(article, encoding="utf-8")
    for name, word in sabotage.items():
        (folder / f"{name}.txt").write_text(
            article + f"\nSABOTAGE:{word} ({name})\n", encoding="utf-8"
        )
    return folder


# -- time and memory in `extract run` -----------------------------------------------------------


def test_run_stops_a_document_at_the_time_limit_and_goes_on(tmp_path):
    folder = documents(tmp_path / "in", hang="HANG")
    config = load_pipeline(pipeline_with(tmp_path, "test.limits.v1"))
    t0 = time.monotonic()
    results = run([folder], tmp_path / "out", config, workers=2, timeout=8)
    assert time.monotonic() - t0 < 90
    by_name = {r.path.name: r for r in results}
    assert by_name["ok.txt"].status == "ok" and by_name["ok.txt"].records
    hang = by_name["hang.txt"]
    assert (hang.status, hang.error_code) == ("failed", "timeout")
    assert "time limit of 8 s" in hang.error and hang.seconds < 20


def test_run_gives_each_worker_a_memory_limit(tmp_path):
    """Python code that runs out gets out_of_memory; a worker that aborts at its limit (as
    PDFium does when an allocation fails) too; the next document gets a fresh worker."""
    folder = documents(tmp_path / "in", hog="HOG", abort="ABORT")
    config = load_pipeline(pipeline_with(tmp_path, "test.limits.v1"))
    results = run([folder], tmp_path / "out", config, workers=1, timeout=60, memory_limit=1024)
    by_name = {r.path.name: r for r in results}
    assert by_name["ok.txt"].status == "ok"
    for name in ("hog.txt", "abort.txt"):
        r = by_name[name]
        assert (r.status, r.error_code) == ("failed", "out_of_memory"), (name, r.error)
        assert "1024 MiB" in r.error
    assert "SIGABRT" in by_name["abort.txt"].error
    docs = [
        json.loads(x)
        for x in (tmp_path / "out" / "documents.jsonl").read_text("utf-8").splitlines()
    ]
    assert sorted(d["error_code"] or "ok" for d in docs) == ["ok", "out_of_memory", "out_of_memory"]


def test_too_many_pages_and_flate_bombs_fail_as_too_large_at_once(tmp_path):
    pages = tmp_path / "pages.pdf"
    pages.write_bytes(fuzzpdf.many_pages(150))
    t0 = time.monotonic()
    r = process_document(pages, max_pages=100)
    assert (r.status, r.error_code) == ("failed", "too_large") and "150 pages" in r.error
    assert process_document(pages, max_pages=None, pdf_backend="pdfium").status == "ok"
    for where in ("content", "double", "ascii85", "font", "image"):
        bomb = tmp_path / f"bomb-{where}.pdf"
        bomb.write_bytes(fuzzpdf.bomb_pdf(1 << 30, where))  # 1 GiB from about 1 MB
        for backend in ("auto", "pdfium"):
            r = process_document(bomb, pdf_backend=backend)
            assert (r.status, r.error_code) == ("failed", "too_large"), (where, backend, r.error)
    assert time.monotonic() - t0 < 60


def test_cli_run_has_the_limits_of_ingest(tmp_path):
    from typer.testing import CliRunner

    from extract.cli import app

    for command in ("run", "ingest"):
        text = CliRunner().invoke(app, [command, "--help"], terminal_width=200).output
        for option in ("--timeout", "--memory-limit", "--max-pages", "--workers"):
            assert option in text, (command, option)
    pages = tmp_path / "in" / "long.pdf"
    pages.parent.mkdir()
    pages.write_bytes(fuzzpdf.many_pages(30))
    res = CliRunner().invoke(
        app,
        [
            "run",
            str(pages.parent),
            "-o",
            str(tmp_path / "out"),
            "-q",
            "--max-pages",
            "20",
            "--timeout",
            "30",
            "--memory-limit",
            "1536",
        ],
    )
    assert (
        res.exit_code == 1
        and "too_large" in res.stderr
        and "more than the limit of 20" in res.stderr
    )


# -- workers die with their driver -------------------------------------------------------------


def test_workers_die_with_a_killed_driver(tmp_path):
    folder = documents(tmp_path / "in", hang1="HANG", hang2="HANG")
    (folder / "ok.txt").unlink()
    markers = tmp_path / "markers"
    markers.mkdir()
    toml = pipeline_with(tmp_path, "test.limits.v1")
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(TESTS)!r})
        import test_limits
        from extract.ingest import ingest
        from extract.pipeline import load_pipeline
        ingest([{str(folder)!r}], {str(tmp_path / "x.db")!r}, config=load_pipeline({str(toml)!r}), workers=2)
    """)
    env = dict(os.environ, EXTRACT_TEST_MARKERS=str(markers))
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(markers.glob("*.started"))) < 2:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the workers did not start their documents"
            time.sleep(0.1)
        workers = [int(p.read_text()) for p in markers.glob("*.started")]
        assert all(process_alive(w) for w in workers)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        t0 = time.monotonic()
        while any(process_alive(w) for w in workers) and time.monotonic() - t0 < 10:
            time.sleep(0.05)
        gone_after = time.monotonic() - t0
        assert not any(process_alive(w) for w in workers), "workers outlived their driver"
        assert gone_after < 3.0
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# -- drivers sharing one store -----------------------------------------------------------------


def test_two_ingests_on_one_store_share_the_documents(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    article = SEED.read_bytes()
    total = 10
    for i in range(total):
        (folder / f"doc{i:02d}.txt").write_bytes(article + b"\n" * (i + 1))
    db = tmp_path / "x.db"
    toml = pipeline_with(tmp_path, "test.slowly.v1", '[stages."test.slowly.v1"]\nseconds = 1.5\n')
    Store(db).close()  # both find the store made
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(TESTS)!r})
        import test_limits
        from extract.ingest import ingest
        from extract.pipeline import load_pipeline
        done = []
        class Spy:
            def start(self, todo, skipped): pass
            def update(self, result): done.append(result.doc_id)
            def finish(self): pass
        r = ingest([{str(folder)!r}], {str(db)!r}, config=load_pipeline({str(toml)!r}), workers=1,
                   progress=Spy())
        print(json.dumps({{"processed": r.processed, "elsewhere": r.done_elsewhere, "docs": done}}))
    """)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outs = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr.decode()
        outs.append(json.loads(stdout.decode().strip().splitlines()[-1]))
    a, b = (set(o["docs"]) for o in outs)
    assert not a & b, "a document was processed by both drivers"
    assert len(a | b) == total and a and b, outs
    assert outs[0]["processed"] + outs[1]["processed"] == total
    with Store(db) as s:
        assert len(s.documents()) == total and s.claims() == []


def test_claims_of_dead_or_expired_drivers_are_taken_over(tmp_path):
    db = tmp_path / "x.db"
    host = socket.gethostname()
    with Store(db) as s:
        # a driver of this host whose process is gone: its claim is stale at once
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        assert s.claim("d1", "v1", f"{host}:{dead.pid}:aaaa", lease=3600) == "claimed"
        assert s.claim("d1", "v1", f"{host}:{os.getpid()}:me", lease=60) == "claimed"
        # a driver on another host: its lease decides
        assert s.claim("d2", "v1", "elsewhere:1:bbbb", lease=0.5) == "claimed"
        assert s.claim("d2", "v1", f"{host}:{os.getpid()}:me", lease=60) == "busy"
        time.sleep(0.6)
        assert s.claim("d2", "v1", f"{host}:{os.getpid()}:me", lease=60) == "claimed"
        s.renew_claims(f"{host}:{os.getpid()}:me", lease=120)
        assert {c["doc_id"] for c in s.claims() if c["lease_until"] > time.time() + 100} == {
            "d1",
            "d2",
        }
        s.release_claims(f"{host}:{os.getpid()}:me")
        assert s.claims() == []


def test_ingest_takes_over_a_stale_claim_and_skips_what_another_driver_stored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SEED.read_bytes())
    db = tmp_path / "x.db"
    config = load_pipeline()
    from extract.store import file_doc_id

    with Store(db) as s:
        assert (
            s.claim(file_doc_id(folder / "a.txt"), config.version, "gone-host:1:cccc", lease=0.1)
            == "claimed"
        )
    time.sleep(0.2)
    report = ingest([folder], db, workers=1)
    assert (report.processed, report.ok) == (1, 1)
    with Store(db) as s:
        assert s.claims() == []
        assert s.claim(file_doc_id(folder / "a.txt"), config.version, "other:2:dddd") == "done"


@pytest.mark.parametrize("limit", [None, 0])
def test_run_in_process_or_without_limits_still_works(tmp_path, limit):
    folder = documents(tmp_path / "in")
    results = run(
        [folder], tmp_path / "out", workers=0 if limit is None else 1, memory_limit=limit, timeout=0
    )
    assert [r.status for r in results] == ["ok"]

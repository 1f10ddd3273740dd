"""Batch ingestion: incremental, resumable after kill -9, crash/hang isolated, local = Dask.

The stages registered below exist for these tests only: they make a document
crash its worker, hang, or go slowly, and stand in for a new pipeline version.
Workers import this module (the executor imports the modules that register a
configuration's stages), so the stages run in the worker processes too.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict
from typer.testing import CliRunner

from extract.cli import app
from extract.ingest import LogProgress, collect_inputs, ingest, worker_loads
from extract.pipeline import DocState, load_pipeline, process_document, stage
from extract.rules import RULE_FILES
from extract.store import Store

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
SOURCES = [
    ROOT / "corpus" / "seed" / "000_05e11c3b259efc19.txt",
    ROOT / "corpus" / "composed" / "en_review_gastric_io.md",
    ROOT / "corpus" / "composed" / "zh_review_hcc_systemic.md",
    ROOT / "corpus" / "composed" / "en_review_nsclc_first_line.md",
    ROOT / "corpus" / "composed" / "zh_review_nsclc_chemoimmunotherapy.md",
]
SMALL_PDF = ROOT / "corpus" / "composed" / "en_review_nsclc_first_line.pdf"
DEFAULT_STAGES = [name for name, _ in load_pipeline().stages]


@stage("test.sabotage.v1")
def _sabotage(state: DocState, settings: dict[str, Any]) -> None:
    assert state.doc is not None
    if "SABOTAGE:CRASH" in state.doc.text:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "SABOTAGE:HANG" in state.doc.text:
        time.sleep(120)


class _SlowSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: float = 0.2


class _TweakSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    drop_trial: str | None = None


@stage("test.slow.v1", settings=_SlowSettings)
def _slow(state: DocState, settings: dict[str, Any]) -> None:
    time.sleep(float(settings.get("seconds", 0.2)))


@stage("test.tweak.v1", settings=_TweakSettings)
def _tweak(state: DocState, settings: dict[str, Any]) -> None:
    """A 'new pipeline version': every record comes out a little different, one trial is gone."""
    drop = settings.get("drop_trial")
    state.records[:] = [
        {**r, "rule_id": "test.tweak.v1"}
        for r in state.records
        if not (r["kind"] == "trial" and r["name"] == drop)
    ]


def make_corpus(folder: Path, n: int, extra: dict[str, str] | None = None) -> Path:
    """``n`` distinct documents (copies of the seed and composed articles differing in
    trailing blank lines, so each has its own content hash) plus ``extra`` name → text."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        src = SOURCES[i % len(SOURCES)]
        (folder / f"doc{i:02d}{src.suffix}").write_bytes(
            src.read_bytes() + b"\n" * (i // len(SOURCES) + 1)
        )
    for name, text in (extra or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def pipeline_file(
    tmp_path: Path,
    after_read: list[str] = (),
    at_end: list[str] = (),
    settings: str = "",
    name: str = "test",
) -> Path:
    stages = [DEFAULT_STAGES[0], *after_read, *DEFAULT_STAGES[1:], *at_end]
    path = tmp_path / f"{name}.toml"
    path.write_text(
        f'[pipeline]\nname = "{name}"\nstages = {stages!r}\n'.replace("'", '"') + settings,
        encoding="utf-8",
    )
    return path


def stored(db: Path) -> tuple[dict[str, tuple], dict[str, dict]]:
    """Documents (doc_id → path, status, pages) and records (id → machine JSON) of a store."""
    with Store(db) as s:
        docs = {d.doc_id: (Path(d.path).name, d.status, d.pages) for d in s.documents()}
        recs = {r.id: r.machine for r in s.records()}
    return docs, recs


ARTICLE_ZH = SOURCES[2].read_text(encoding="utf-8")


# -- incremental ------------------------------------------------------------------------


def test_second_ingest_of_the_same_inputs_does_no_extraction(tmp_path):
    corpus = make_corpus(tmp_path / "in", 4)
    db = tmp_path / "x.db"
    first = ingest([corpus], db, workers=2)
    assert (first.inputs, first.processed, first.ok, first.skipped) == (4, 4, 4, 0)
    before = stored(db)
    assert len(before[0]) == 4 and len(before[1]) > 100
    with Store(db) as s:
        stamps = {d.doc_id: d.ingested_at for d in s.documents()}

    second = ingest([corpus], db, workers=2)
    assert (second.processed, second.skipped, second.exit_code) == (0, 4, 0)
    assert second.workers == {}  # no worker was even started
    assert stored(db) == before
    with Store(db) as s:
        assert {d.doc_id: d.ingested_at for d in s.documents()} == stamps


def test_changed_file_is_reextracted_and_supersedes_its_old_content(tmp_path):
    corpus = make_corpus(tmp_path / "in", 3)
    db = tmp_path / "x.db"
    ingest([corpus], db, workers=1)
    changed = corpus / "doc01.md"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8"
    )

    report = ingest([corpus], db, workers=1)
    assert (report.processed, report.skipped) == (1, 2)
    with Store(db) as s:
        docs = s.documents()
        current = [d for d in docs if d.superseded_by is None]
    assert len(docs) == 4 and len(current) == 3
    assert sorted(Path(d.path).name for d in current) == ["doc00.txt", "doc01.md", "doc02.md"]


def test_new_pipeline_version_reextracts_and_curated_records_survive(tmp_path):
    corpus = make_corpus(tmp_path / "in", 2)
    db = tmp_path / "x.db"
    ingest([corpus], db, workers=2)
    with Store(db) as s:
        doc = next(d for d in s.documents() if d.path.endswith("doc01.md"))
        trials = s.records(doc.doc_id, kind="trial")
        outcome = s.records(doc.doc_id, kind="outcome")[0]
        edited = s.update_record(outcome.id, {"value": 42.0, "n": 321}, outcome.version)
        accepted = s.set_status(trials[1].id, "accepted", trials[1].version)
        dropped = s.update_record(trials[0].id, {"phase": "3"}, trials[0].version)
        added = s.add_record(
            doc.doc_id, {**{k: v for k, v in outcome.machine.items() if k != "id"}, "value": 7.0}
        )
        untouched = s.records(doc.doc_id, kind="effect")[0]

    toml = pipeline_file(
        tmp_path,
        at_end=["test.tweak.v1"],
        settings=f'[stages."test.tweak.v1"]\ndrop_trial = "{trials[0].machine["name"]}"\n',
    )
    report = ingest([corpus], db, workers=2, config=load_pipeline(toml))
    assert (report.processed, report.skipped, report.exit_code) == (2, 0, 0)

    with Store(db) as s:
        after = {r.id: r for r in s.records(doc.doc_id)}
    e = after[edited.id]
    assert (e.status, e.effective["value"], e.effective["n"], e.machine_changed) == (
        "edited",
        42.0,
        321,
        True,
    )
    assert (
        e.machine["rule_id"] == "test.tweak.v1" and e.machine["value"] == outcome.machine["value"]
    )
    a = after[accepted.id]
    assert a.status == "accepted" and a.effective == accepted.machine and a.machine_changed
    d = after[dropped.id]  # the new pipeline no longer finds it: kept, flagged
    assert d.machine is None and d.effective["phase"] == "3" and d.machine_changed
    assert after[added.id].status == "added" and after[added.id].effective["value"] == 7.0
    u = after[untouched.id]
    assert (
        u.status == "machine"
        and not u.machine_changed
        and u.effective["rule_id"] == "test.tweak.v1"
    )


# -- isolation --------------------------------------------------------------------------


def test_crashing_and_hanging_documents_fail_while_the_rest_succeed(tmp_path):
    corpus = make_corpus(
        tmp_path / "in",
        4,
        extra={
            "crash.md": ARTICLE_ZH + "\nSABOTAGE:CRASH\n",
            "hang.md": ARTICLE_ZH + "\nSABOTAGE:HANG\n",
        },
    )
    db = tmp_path / "x.db"
    config = load_pipeline(pipeline_file(tmp_path, after_read=["test.sabotage.v1"]))
    t0 = time.monotonic()
    # the limit leaves room for a worker's first document, which loads jieba and spaCy
    report = ingest([corpus], db, workers=2, config=config, timeout=12)
    assert time.monotonic() - t0 < 60
    failures = {Path(f.path).name: (f.error_code, f.error) for f in report.failures}
    assert (report.processed, report.ok, report.exit_code) == (6, 4, 1), failures
    assert failures["crash.md"][0] == "crashed" and "SIGSEGV" in failures["crash.md"][1]
    assert failures["hang.md"][0] == "timeout" and "time limit of 12 s" in failures["hang.md"][1]
    docs, recs = stored(db)
    assert sorted((name, status) for name, status, _ in docs.values()) == [
        ("crash.md", "failed"),
        ("doc00.txt", "ok"),
        ("doc01.md", "ok"),
        ("doc02.md", "ok"),
        ("doc03.md", "ok"),
        ("hang.md", "failed"),
    ]
    # failures are recorded: the next run does not try them again unless asked to
    again = ingest([corpus], db, workers=2, config=config, timeout=12)
    assert (again.processed, again.skipped, again.exit_code) == (0, 6, 0)
    assert "6 skipped (already in the store; 2 of them failed: --retry-failed)" in again.summary()


def test_killed_run_resumes_with_nothing_duplicated_or_lost(tmp_path):
    total = 12
    corpus = make_corpus(tmp_path / "in", total)
    db = tmp_path / "x.db"
    toml = pipeline_file(
        tmp_path, after_read=["test.slow.v1"], settings='[stages."test.slow.v1"]\nseconds = 0.4\n'
    )
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(TESTS)!r})
        import test_ingest
        from extract.ingest import ingest
        from extract.pipeline import load_pipeline
        ingest([{str(corpus)!r}], {str(db)!r}, config=load_pipeline({str(toml)!r}), workers=2)
    """)
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        done = 0
        while done < 3:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the run stored nothing in 90 s"
            time.sleep(0.05)
            try:
                with sqlite3.connect(db, timeout=5) as conn:
                    done = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:  # not created yet
                done = 0
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the run's own workers, if any survive it
        except ProcessLookupError:
            pass

    reference = tmp_path / "ref.db"
    ingest([corpus], reference, workers=2)
    ref_docs, ref_recs = stored(reference)

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    killed_docs, killed_recs = stored(db)
    assert 3 <= len(killed_docs) < total, "the kill should land mid-batch"
    # every document in the store is whole: all its records and its text
    with Store(db) as s:
        for doc_id in killed_docs:
            assert s.text(doc_id)
    assert killed_recs == {k: v for k, v in ref_recs.items() if v["doc_id"] in killed_docs}

    resumed = ingest([corpus], db, workers=2, config=load_pipeline(toml))
    assert (resumed.skipped, resumed.processed) == (len(killed_docs), total - len(killed_docs))
    assert stored(db) == (ref_docs, ref_recs)
    with Store(db) as s:
        assert s.conn.execute("SELECT count(*) FROM records").fetchone()[0] == len(ref_recs)


# -- Dask --------------------------------------------------------------------------------


def test_dask_path_gives_the_same_records_as_the_local_one(tmp_path):
    corpus = make_corpus(tmp_path / "in", 4)
    local, dask = tmp_path / "local.db", tmp_path / "dask.db"
    ingest([corpus], local, workers=2)
    report = ingest([corpus], dask, workers=2, executor="dask", dask_processes=False)
    assert (report.processed, report.ok) == (4, 4)
    assert stored(dask) == stored(local)
    with Store(local) as a, Store(dask) as b:
        assert [a.text(d.doc_id) for d in a.documents()] == [
            b.text(d.doc_id) for d in b.documents()
        ]
    again = ingest([corpus], dask, workers=2, executor="dask", dask_processes=False)
    assert (again.processed, again.skipped) == (0, 4)


# -- loading ----------------------------------------------------------------------------


def test_models_and_dictionaries_are_loaded_once_per_process_not_per_document(
    tmp_path, monkeypatch
):
    """Spies on every way to load a spaCy pipeline, a jieba dictionary or a rule file."""
    import jieba
    import spacy.language

    from extract import rules

    calls: dict[str, int] = {"spacy pipeline": 0, "jieba dictionary": 0, "jieba user dictionary": 0}

    def spy(name: str, fn: Any) -> Any:
        def wrapper(self: Any, *a: Any, **k: Any) -> Any:
            if name != "jieba dictionary" or not self.initialized:
                calls[name] += 1
            return fn(self, *a, **k)

        return wrapper

    monkeypatch.setattr(
        spacy.language.Language, "__init__", spy("spacy pipeline", spacy.language.Language.__init__)
    )
    monkeypatch.setattr(
        jieba.Tokenizer, "initialize", spy("jieba dictionary", jieba.Tokenizer.initialize)
    )
    monkeypatch.setattr(
        jieba.Tokenizer,
        "load_userdict",
        spy("jieba user dictionary", jieba.Tokenizer.load_userdict),
    )
    config = load_pipeline()
    for src in SOURCES[:3]:  # warm up: Chinese and English
        assert process_document(src, config).status == "ok"
    warm, rule_misses = dict(calls), rules.load_rules.cache_info().misses
    loads = worker_loads()
    for src in SOURCES * 2:
        assert process_document(src, config).status == "ok"
    assert calls == warm, "models or dictionaries were loaded again for a later document"
    assert rules.load_rules.cache_info().misses == rule_misses
    assert worker_loads() == loads

    # and in the worker processes of a batch: each loads once, whatever it processes
    report = ingest([make_corpus(tmp_path / "in", 10)], tmp_path / "x.db", workers=2)
    assert report.ok == 10
    assert max(len(h) for h in report.load_history.values()) >= 5
    models = set()
    for worker, history in report.load_history.items():
        last = history[-1]
        assert 0 < last["rule files"] <= len(RULE_FILES), (worker, last)
        assert all(v <= 1 for k, v in last.items() if k != "rule files"), (worker, last)
        models |= {k for k, v in last.items() if v and k not in ("rule files", "jieba")}
    if hasattr(sys.modules.get("extract.nlp"), "load_counts"):  # spaCy pipelines in use
        assert models, "no worker reported loading a spaCy pipeline or jieba dictionary"


# -- command line -----------------------------------------------------------------------


def test_cli_ingest_reports_failures_exits_1_and_export_writes_files(tmp_path):
    corpus = make_corpus(tmp_path / "in", 2)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not a PDF at all\n")
    db = tmp_path / "x.db"
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(corpus), "--db", str(db), "-j", "1", "-q"])
    assert res.exit_code == 1, res.output
    assert "broken.pdf" in res.output and "3 documents: 3 processed (2 ok, 1 failed)" in res.output

    res = runner.invoke(app, ["ingest", str(corpus / "*.md"), "--db", str(db), "-q"])  # a glob
    assert res.exit_code == 0, res.output
    assert "1 document: 0 processed (0 ok, 0 failed), 1 skipped" in res.output

    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"records.{fmt}"
        res = runner.invoke(app, ["export", "--db", str(db), "--format", fmt, "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert out.stat().st_size > 1000
    n = len((tmp_path / "records.jsonl").read_text(encoding="utf-8").splitlines())
    assert f"{n} records" in res.output and n == len(stored(db)[1])

    res = runner.invoke(app, ["ingest", str(corpus), "--db", str(db), "--executor", "spark"])
    assert res.exit_code == 2 and "choose local or dask" in res.output


def test_quiet_mode_logs_one_line_per_failure(tmp_path, capsys):
    import io

    corpus = make_corpus(tmp_path / "in", 1, extra={"empty.txt": ""})
    log = io.StringIO()
    report = ingest([corpus], tmp_path / "x.db", workers=1, progress=LogProgress(log, every=0))
    assert report.failed == 1
    lines = log.getvalue().splitlines()
    assert [ln for ln in lines if ln.startswith("failed: ")] == [
        f"failed: {corpus.resolve() / 'empty.txt'}: {report.failures[0].error_code}: {report.failures[0].error}"
    ]
    assert lines[-1].startswith("ingest: 2/2 documents") and lines[-1].endswith("1 failed")
    retry = ingest([corpus], tmp_path / "x.db", workers=1, retry_failed=True)
    assert (retry.processed, retry.skipped, retry.failed) == (1, 1, 1)


def test_inputs_may_be_globs_and_a_pdf_gets_pages_and_boxes(tmp_path):
    corpus = make_corpus(tmp_path / "in", 3)
    (corpus / "sub").mkdir()
    pdf = corpus / "sub" / SMALL_PDF.name
    pdf.write_bytes(SMALL_PDF.read_bytes())
    assert [p.name for p in collect_inputs([str(corpus / "**" / "*.pdf")])] == [SMALL_PDF.name]
    with pytest.raises(FileNotFoundError, match="no file matches"):
        collect_inputs([str(corpus / "*.docx")])
    report = ingest([str(corpus / "**" / "*.pdf")], tmp_path / "x.db", workers=1)
    assert report.ok == 1 and report.pages >= 2
    with Store(tmp_path / "x.db") as s:
        [doc] = s.documents()
        assert doc.page_sources[0] in ("pdfplumber", "pdfium") and doc.page_sizes
        assert any(r.boxes for r in s.records(doc.doc_id))

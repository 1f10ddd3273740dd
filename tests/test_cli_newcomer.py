"""What a new user meets in the first hour (issue 10): every input accounted for, one exit
code convention, progress, tables that fit 80 columns, help that reads like prose, hints for
optional extras, and an evaluation that says which documents it could not score."""

from __future__ import annotations

import json
import re
import shutil
import sys

import pytest
from corpus_paths import SEED_PDF, SEED_TXT
from rich.console import Console
from typer.testing import CliRunner

from extract.cli import _results_table, app
from extract.errors import missing_extra
from extract.pipeline import process_document
from extract.report import score_files, summary_table
from extract.wording import plural, short_names

runner = CliRunner()


def test_a_missing_input_fails_alone_and_the_rest_is_written(tmp_path):
    out = tmp_path / "out"
    r = runner.invoke(app, ["run", str(SEED_TXT), str(tmp_path / "nope.pdf"), "-o", str(out), "-q"])
    assert r.exit_code == 1  # some document failed; the others are written
    assert f"error: {tmp_path / 'nope.pdf'}: no such file" in r.stderr
    docs = [
        json.loads(x) for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [d["status"] for d in docs] == ["ok", "failed"]
    assert docs[1]["error_code"] == "missing"
    assert (out / "records.jsonl").read_text(encoding="utf-8").strip()


def test_files_no_reader_takes_are_listed_with_the_reason(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED_TXT, src / "seed.txt")
    (src / "protocol.docx").write_bytes(b"PK\x03\x04 not really")
    (src / "page.html").write_text("<html></html>", encoding="utf-8")
    out = tmp_path / "out"
    r = runner.invoke(app, ["run", str(src), "-o", str(out), "-q"])
    assert r.exit_code == 0
    for name in ("protocol.docx", "page.html"):
        assert re.search(
            rf"skipped: .*{re.escape(name)}: not a document type extract reads", r.stderr
        )
    docs = [
        json.loads(x) for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert sorted(d["status"] for d in docs) == ["ok", "skipped", "skipped"]


@pytest.mark.parametrize("command", [["read"], ["run", "-q", "-o", "OUT"]])
def test_a_missing_file_exits_1_in_every_command(tmp_path, command):
    cmd = [c.replace("OUT", str(tmp_path / "o")) for c in command] + [str(tmp_path / "missing.pdf")]
    r = runner.invoke(app, cmd)
    assert r.exit_code == 1 and "missing.pdf" in r.stderr


def test_progress_is_one_plain_line_a_document_when_not_a_terminal(tmp_path):
    r = runner.invoke(app, ["run", str(SEED_TXT), str(SEED_PDF), "-o", str(tmp_path / "o")])
    assert r.exit_code == 0
    lines = [x for x in r.stderr.splitlines() if x.startswith("[")]
    assert lines[0].startswith("[1/2] ") and lines[1].startswith("[2/2] ")
    assert "000_05e11c3b259efc19.txt: ok, 1 page, " in lines[0]  # singular
    assert "000_05e11c3b259efc19.pdf: ok, 4 pages, " in lines[1]


def test_run_table_fits_80_columns_and_keeps_the_md_pdf_pair_apart():
    paths = [SEED_TXT, SEED_PDF, SEED_PDF.parent / "missing_document_with_a_long_name.pdf"]
    results = [process_document(p) for p in paths]
    names = short_names(paths)
    console = Console(width=80, record=True, color_system=None)
    console.print(_results_table(results, names, SEED_PDF.parent))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    lines = text.splitlines()
    header = next(x for x in lines if " lang " in x)
    cut = header.index("lang")
    column = "".join(x[:cut].strip() for x in lines[lines.index(header) + 2 :])
    for p in paths:
        assert names[p] in column  # the whole short name, folded over lines where it is long
    status = "".join(x[header.index("status") :].strip() for x in lines[lines.index(header) + 2 :])
    assert "failed:missing" in status.replace(" ", "")
    assert "1 document" not in text.splitlines()[0] and text.splitlines()[0].startswith(
        "3 documents"
    )


def test_evaluate_table_fits_80_columns(tmp_path):
    out = tmp_path / "o"
    assert runner.invoke(app, ["run", str(SEED_TXT), "-o", str(out), "-q"]).exit_code == 0
    from corpus_paths import GOLD

    console = Console(width=80, record=True, color_system=None)
    console.print(summary_table(score_files(GOLD, out / "records.jsonl")))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text  # no header or number is cut
    assert "strict F1" in text


def test_help_reads_like_a_person_wrote_it():
    for cmd in (
        ["run", "--help"],
        ["ingest", "--help"],
        ["read", "--help"],
        ["evaluate", "--help"],
    ):
        r = runner.invoke(app, cmd)
        assert r.exit_code == 0
        assert "<bool>" not in r.output and "{" not in r.output and "<list" not in r.output, (
            r.output
        )
    r = runner.invoke(app, ["run", "--help"])
    assert "run [OPTIONS] INPUT...\n" in r.output
    assert re.search(
        r"--pdf-backend NAME\s+PDF reader: auto, pdfplumber or pdfium\s+\[default:", r.output
    )
    assert re.search(r"--ocr\s+OCR scanned pages", r.output)


def test_plural_and_short_names(tmp_path):
    assert plural(1, "document") == "1 document" and plural(2, "document") == "2 documents"
    a, b = tmp_path / "c" / "x.md", tmp_path / "c" / "x.pdf"
    assert short_names([a, b]) == {a: "x.md", b: "x.pdf"}


def test_missing_extras_name_the_exact_install_command():
    msg = missing_extra("dask", "dask.distributed")
    assert f'{sys.executable} -m pip install -e ".[dask]"' in msg and "\n" not in msg


def test_dask_executor_without_dask_is_a_one_line_hint(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name.startswith("dask") else real(name, *a),
    )
    r = runner.invoke(
        app, ["ingest", str(SEED_TXT), "--db", str(tmp_path / "x.db"), "--executor", "dask", "-q"]
    )
    assert r.exit_code == 2
    assert "Traceback" not in r.output and '-m pip install -e ".[dask]"' in r.output


def test_parquet_export_without_pyarrow_is_a_one_line_hint(tmp_path, monkeypatch):
    db = tmp_path / "x.db"
    assert (
        runner.invoke(app, ["ingest", str(SEED_TXT), "--db", str(db), "-q", "-j", "1"]).exit_code
        == 0
    )
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    r = runner.invoke(
        app, ["export", "--db", str(db), "--format", "parquet", "-o", str(tmp_path / "x.parquet")]
    )
    assert r.exit_code == 2 and '-m pip install -e ".[parquet]"' in r.output


def test_exported_jsonl_can_be_evaluated(tmp_path):
    from corpus_paths import GOLD

    db = tmp_path / "x.db"
    assert (
        runner.invoke(app, ["ingest", str(SEED_TXT), "--db", str(db), "-q", "-j", "1"]).exit_code
        == 0
    )
    out = tmp_path / "export.jsonl"
    assert runner.invoke(app, ["export", "--db", str(db), "-o", str(out)]).exit_code == 0
    assert (tmp_path / "export.documents.jsonl").is_file()
    r = runner.invoke(app, ["evaluate", "--gold", str(GOLD), "--pred", str(out)])
    assert r.exit_code == 0, r.output
    scores = score_files(GOLD, out)
    assert scores.by_doc["000_05e11c3b259efc19.txt"]["all"].loose.f1 > 0.9


def test_evaluate_lists_documents_that_failed_and_scores_them_empty(tmp_path):
    from corpus_paths import GOLD

    out = tmp_path / "o"
    broken = tmp_path / "000_05e11c3b259efc19.pdf"
    broken.write_bytes(SEED_PDF.read_bytes()[:2000])  # the seed, truncated: it fails
    runner.invoke(app, ["run", str(broken), "-o", str(out), "-q"])
    r = runner.invoke(app, ["evaluate", "--gold", str(GOLD), "--pred", str(out / "records.jsonl")])
    assert r.exit_code == 0
    assert re.search(r"000_05e11c3b259efc19\.pdf: failed", r.output)
    scores = score_files(GOLD, out / "records.jsonl")
    assert scores.by_doc["000_05e11c3b259efc19.pdf"]["all"].loose.recall == 0.0
    assert any(d["doc"] == "000_05e11c3b259efc19.pdf" for d in scores.not_processed)

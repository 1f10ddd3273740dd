"""The command line as a user meets it: outputs, exit codes, one-line errors for bad files."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from corpus_paths import SEED_PDF, SEED_TXT
from typer.testing import CliRunner

from extract.cli import app

runner = CliRunner()


@pytest.fixture()
def batch(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED_TXT, src / "seed.txt")
    (src / "empty.pdf").write_bytes(b"")
    (src / "notes.pdf").write_text("this is a text file with a .pdf suffix\n", encoding="utf-8")
    data = SEED_PDF.read_bytes()
    (src / "truncated.pdf").write_bytes(data[: len(data) // 3])
    (src / "garbage.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    return src


def test_bad_files_fail_alone_with_one_line_each(batch, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(batch), "-o", str(out), "-q"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    by_file = {line.split(": ")[1]: line for line in errors}
    assert set(by_file) == {
        str(batch / n) for n in ("empty.pdf", "notes.pdf", "truncated.pdf", "garbage.pdf")
    }
    assert "empty" in by_file[str(batch / "empty.pdf")]
    assert "not a PDF" in by_file[str(batch / "notes.pdf")]
    for name in ("truncated.pdf", "garbage.pdf"):
        assert any(
            w in by_file[str(batch / name)].lower()
            for w in ("corrupt", "damaged", "no text", "truncated")
        )
    # the good document is still processed and written
    docs = [
        json.loads(line)
        for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    ok = [d for d in docs if d["status"] == "ok"]
    assert [d["path"] for d in ok] == [str(batch / "seed.txt")]
    records = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert any(json.loads(r)["kind"] == "trial" for r in records)


def test_run_writes_the_three_outputs_and_offsets_index_the_text(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(SEED_TXT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "trials" in result.stdout and "outcomes" in result.stdout  # the summary table
    text = (out / "text" / "000_05e11c3b259efc19.txt").read_text(encoding="utf-8")
    rows = [
        json.loads(line)
        for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert rows
    for r in rows:
        for ev in r["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]
    frame = pd.read_csv(out / "records.csv")
    assert len(frame) == len(rows) and set(frame["kind"]) == {"trial", "outcome", "effect"}
    assert "帕博利珠单抗" in (out / "records.jsonl").read_text(
        encoding="utf-8"
    )  # ensure_ascii=False


def test_usage_errors_exit_2(tmp_path):
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    assert runner.invoke(app, ["run", str(empty_dir), "-o", str(tmp_path)]).exit_code == 2
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[pipeline]\nstages = ["extract.read.v1", "extract.magic.v9"]\n', encoding="utf-8"
    )
    r = runner.invoke(app, ["run", str(SEED_TXT), "-o", str(tmp_path), "--pipeline", str(bad)])
    assert r.exit_code == 2 and "extract.magic.v9" in r.stderr
    assert runner.invoke(app, ["run", "--no-such-option"]).exit_code == 2


def test_pipeline_file_selects_stages(tmp_path):
    toml = tmp_path / "trials_only.toml"
    toml.write_text(
        '[pipeline]\nname = "trials"\nstages = ["extract.read.v1", "extract.normalize.v1", '
        '"extract.segment.v1", "extract.trials.v1"]\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert (
        runner.invoke(
            app, ["run", str(SEED_TXT), "-o", str(out), "--pipeline", str(toml)]
        ).exit_code
        == 0
    )
    kinds = {
        json.loads(line)["kind"]
        for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    }
    assert kinds == {"trial"}


def test_read_prints_normalized_text_with_page_markers():
    r = runner.invoke(app, ["read", str(SEED_PDF)])
    assert r.exit_code == 0
    assert r.stdout.startswith("=== page 1 ===")
    assert "=== page 4 ===" in r.stdout
    assert "KEYNOTE-590" in r.stdout
    r = runner.invoke(app, ["read", str(SEED_TXT)])
    assert "$" not in r.stdout.split("参考文献")[0]  # LaTeX delimiters are gone
    assert "P<0.0001" in r.stdout  # math read as the page shows it


def _command(*args: str):
    """The ``extract`` command as installed: through its entry point, in a process of its own."""
    import subprocess
    import sys

    code = (
        "import sys; from extract.entry import main; sys.argv = ['extract', *sys.argv[1:]]; main()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300
    )


def test_the_installed_command_runs_a_pdf_and_answers_help(tmp_path):
    out = tmp_path / "out"
    done = _command("run", str(SEED_PDF), "-o", str(out), "-q")
    assert done.returncode == 0, done.stderr
    records = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert records and all(json.loads(r)["doc_id"] for r in records)
    helped = _command("run", "--help")
    assert helped.returncode == 0
    assert "INPUT..." in helped.stdout
    other = _command("read", str(SEED_TXT))
    assert other.returncode == 0 and other.stdout.strip()


def test_the_installed_command_ends_a_failed_batch_with_everything_said_and_written(
    batch, tmp_path
):
    """``extract run`` ends its process without the interpreter's teardown: its exit code,
    its summary (stdout, a pipe here) and its output files must be what a full exit gives."""
    out = tmp_path / "out"
    done = _command("run", str(batch), "-o", str(out))
    assert done.returncode == 1, done.stderr
    assert "5 documents" in done.stdout and "seed.txt" in done.stdout  # the summary table
    assert "4 documents of 5 failed" in done.stderr
    docs = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(d)["status"] == "ok" for d in docs) == [False] * 4 + [True]
    csv = pd.read_csv(out / "records.csv")
    assert len(csv) == len((out / "records.jsonl").read_text(encoding="utf-8").splitlines()) > 0
    usage = _command("run", str(batch), "-o", str(out), "--no-such-option")
    assert usage.returncode == 2 and "No such option" in usage.stderr

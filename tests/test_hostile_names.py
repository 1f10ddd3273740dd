"""Any name the file system allows is a valid input: names that are not UTF-8 are read,
stored, written and printed in a readable form, and never stop a batch or its resumption."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from corpus_paths import SEED_TXT
from typer.testing import CliRunner

from extract.cli import app
from extract.ingest import ingest
from extract.store import Store
from extract.wording import raw_path, readable_path

ROOT = Path(__file__).resolve().parents[1]
SMALL_PDF = ROOT / "corpus" / "composed" / "en_review_nsclc_first_line.pdf"
BAD_NAMES = (b"caf\xe9 r\xe9sum\xe9.txt", b"\xff\xfe.pdf")  # Latin-1, and bytes no encoding decodes


def folder_with_bad_names(tmp_path: Path) -> tuple[Path, list[Path]]:
    """A folder with a good document and two whose names are not UTF-8 (made with bytes paths)."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_TXT, folder / "good.txt")
    made = []
    for raw, src in zip(BAD_NAMES, (SEED_TXT, SMALL_PDF), strict=True):
        path = os.path.join(os.fsencode(folder), raw)
        with open(path, "wb") as f:
            f.write(src.read_bytes() + (b"\n" if src.suffix == ".txt" else b""))
        made.append(Path(os.fsdecode(path)))
    return folder, made


def test_readable_form_escapes_only_what_does_not_decode():
    name = Path(os.fsdecode(b"/data/caf\xe9 \xe4\xb8\xad.pdf"))  # Latin-1 é, then UTF-8 中
    assert readable_path(name) == "/data/caf\\xe9 中.pdf"
    assert raw_path(name) == b"/data/caf\xe9 \xe4\xb8\xad.pdf"
    assert (
        readable_path(Path("/data/综述.pdf")) == "/data/综述.pdf"
        and raw_path("/data/综述.pdf") is None
    )


def test_run_reads_names_that_are_not_utf8_and_writes_them_readably(tmp_path):
    folder, bad = folder_with_bad_names(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(folder), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "caf\\xe9 r\\xe9sum\\xe9.txt" in result.stdout  # the results table
    docs = {
        d["path"]: d
        for d in map(json.loads, (out / "documents.jsonl").read_text("utf-8").splitlines())
    }
    assert set(docs) == {readable_path(folder / "good.txt"), *map(readable_path, bad)}
    for path in bad:
        d = docs[readable_path(path)]
        assert d["status"] == "ok" and d["counts"]["trial"] > 0
        assert bytes.fromhex(d["path_bytes"]) == os.fsencode(path)
        assert (out / d["text_path"]).is_file()  # text/caf\xe9 r\xe9sum\xe9.txt, as the line says
    assert "\\x" in docs[readable_path(bad[0])]["text_path"]


def test_ingest_stores_them_and_a_resumed_run_goes_on(tmp_path):
    folder, bad = folder_with_bad_names(tmp_path)
    db = tmp_path / "x.db"
    first = ingest([folder], db, workers=1)
    assert (first.processed, first.ok, first.exit_code) == (3, 3, 0), first.failures
    with Store(db) as s:
        docs = {d.path: d for d in s.documents()}
    assert set(docs) == {
        readable_path(folder.resolve() / "good.txt"),
        *(readable_path(p.resolve()) for p in bad),
    }
    for p in bad:
        d = docs[readable_path(p.resolve())]
        assert d.status == "ok" and d.path_bytes == os.fsencode(p.resolve())
    # the same command again: everything is skipped, nothing crashes on the names
    again = ingest([folder], db, workers=1)
    assert (again.processed, again.skipped, again.exit_code) == (0, 3, 0)
    # a new file with such a name is processed by the resumed run too
    with open(os.path.join(os.fsencode(folder), b"new \x80.txt"), "wb") as f:
        f.write(SEED_TXT.read_bytes() + b"\n\n")
    res = CliRunner().invoke(app, ["ingest", str(folder), "--db", str(db), "-q", "-j", "1"])
    assert res.exit_code == 0, res.output
    assert "4 documents: 1 processed (1 ok, 0 failed), 3 skipped" in res.output
    with Store(db) as s:
        assert readable_path(folder.resolve() / os.fsdecode(b"new \x80.txt")) in {
            d.path for d in s.documents()
        }


def test_a_failing_document_with_such_a_name_is_reported_readably(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_TXT, folder / "good.txt")
    with open(os.path.join(os.fsencode(folder), b"broken \xe9.pdf"), "wb") as f:
        f.write(b"%PDF-1.4\nnot really\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(folder), "-o", str(out), "-q", "-j", "1"])
    assert result.exit_code == 1
    assert f"error: {folder}/broken \\xe9.pdf: " in result.stderr
    docs = [json.loads(x) for x in (out / "documents.jsonl").read_text("utf-8").splitlines()]
    assert sorted(d["status"] for d in docs) == ["failed", "ok"]

"""A document read only in part says so: warnings for damaged streams, sparse pages, the two
backends disagreeing, control and replacement characters — in documents.jsonl, the store
and the run's table; control characters leave the text with the offset map intact."""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import fuzzpdf
from typer.testing import CliRunner

from extract.cli import app
from extract.document import Document, Page
from extract.ingest import ingest
from extract.normalize import normalize
from extract.pipeline import process_document
from extract.readers.pdf import read_pdf
from extract.store import Store

ROOT = Path(__file__).resolve().parents[1]
HYPHENATED = ROOT / "corpus" / "pdftests" / "en_review_hyphenated.pdf"


def codes(warnings: list[dict]) -> list[str]:
    return [w["code"] for w in warnings]


def pages_pdf(lines: list[int]) -> bytes:
    return fuzzpdf.simple_pdf([fuzzpdf.page_content(n, i + 1) for i, n in enumerate(lines)])


def test_a_clean_pdf_has_no_warnings():
    doc = read_pdf(HYPHENATED)
    assert doc.metadata["warnings"] == []
    assert process_document(HYPHENATED).warnings == []


def test_a_content_stream_that_does_not_decode_is_a_warning(tmp_path):
    data = pages_pdf([40, 40, 40])
    streams = [
        (m.start(1), m.end(1)) for m in re.finditer(rb"stream\n(.*?)\nendstream", data, re.S)
    ]
    a, b = streams[1]  # page 2's content: break the deflate data in its middle
    mid = (a + b) // 2
    broken = data[:mid] + bytes(x ^ 0x5A for x in data[mid : mid + 12]) + data[mid + 12 :]
    path = tmp_path / "damaged.pdf"
    path.write_bytes(broken)
    res = process_document(path)
    assert res.status == "ok"
    damaged = [w for w in res.warnings if w["code"] == "stream_damaged"]
    assert damaged and damaged[0]["page"] == 2, res.warnings
    assert "page 2" in damaged[0]["message"]


def test_a_page_much_emptier_than_its_neighbours_is_a_warning(tmp_path):
    sparse = tmp_path / "sparse.pdf"
    sparse.write_bytes(pages_pdf([40, 40, 1, 40, 40]))
    res = process_document(sparse)
    assert res.status == "ok"
    [w] = [w for w in res.warnings if w["code"] == "sparse_page"]
    assert w["page"] == 3 and "page 3 has" in w["message"]
    short_end = tmp_path / "short_end.pdf"  # an article ends where it ends: no warning
    short_end.write_bytes(pages_pdf([40, 40, 40, 2]))
    assert process_document(short_end).warnings == []


def test_backends_reading_very_different_amounts_is_a_warning_and_the_fuller_reading_kept(tmp_path):
    whole = process_document(HYPHENATED)
    path = (
        tmp_path / "short_lengths.pdf"
    )  # every /Length halved: pdfminer reads half of each stream
    path.write_bytes(fuzzpdf.wrong_lengths(HYPHENATED.read_bytes(), None, "short"))
    res = process_document(path)
    assert res.status == "ok"
    disagree = [w for w in res.warnings if w["code"] == "backends_disagree"]
    assert disagree and "PDFium's reading is kept" in disagree[0]["message"]
    assert fuzzpdf.text_retained(whole.text, res.text) > 0.9
    # a file without its end mark, and one whose cross-reference table points astray, say so too
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(HYPHENATED.read_bytes().replace(b"%%EOF", b""))
    assert "truncated" in codes(process_document(cut).warnings)
    shifted = tmp_path / "shifted.pdf"
    shifted.write_bytes(fuzzpdf.broken_xref(HYPHENATED.read_bytes(), "shift"))
    assert "xref_repaired" in codes(process_document(shifted).warnings)


def test_control_characters_leave_the_text_and_the_offsets_still_map(tmp_path):
    raw = "Overall survival\x1b[1m was 12.4\x07 months\x7f vs 9.8 months\x9b (HR 0.73).\fNext page\x00 here."
    doc = Document(Path("c.txt"), "c", raw, [Page(1, 0, len(raw))])
    nd = normalize(doc)
    assert (
        nd.text == "Overall survival[1m was 12.4 months vs 9.8 months (HR 0.73).\nNext page here."
    )
    for i, ch in enumerate(nd.text):
        if ch != "\n":
            assert raw[nd.source_offset(i)] == ch
    # a PDF whose text holds control characters (PDFium passes ESC and BEL through)
    content = (
        fuzzpdf.page_content(30)
        + b"\nBT /F1 9 Tf 50 300 Td (Control \\033 escape \\007 bell) Tj ET"
    )
    pdf = tmp_path / "control.pdf"
    pdf.write_bytes(fuzzpdf.simple_pdf([content, fuzzpdf.page_content(30, 2)]))
    res = process_document(pdf, pdf_backend="pdfium")
    assert "control_chars" in codes(res.warnings)
    assert "\x1b" not in res.text and "\x07" not in res.text and "Control escape bell" in res.text
    res = process_document(pdf)  # pdfminer maps them to U+FFFD instead
    assert "replacement_chars" in codes(res.warnings)


def test_warnings_reach_documents_jsonl_the_table_and_the_store(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "sparse.pdf").write_bytes(pages_pdf([40, 40, 1, 40, 40]))
    (folder / "text.txt").write_text(
        "Overall survival was 12.4 months\x1b versus 9.8 months.\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["run", str(folder), "-o", str(out), "-j", "1"])
    assert res.exit_code == 0, res.output
    assert "ok ⚠ 1" in res.stdout
    assert (
        "warning: " in res.stderr
        and "page 3 has" in res.stderr
        and "control character" in res.stderr
    )
    docs = {
        Path(d["path"]).name: d
        for d in map(json.loads, (out / "documents.jsonl").read_text("utf-8").splitlines())
    }
    assert codes(docs["sparse.pdf"]["warnings"]) == ["sparse_page"]
    assert codes(docs["text.txt"]["warnings"]) == ["control_chars"]
    assert "\x1b" not in (out / docs["text.txt"]["text_path"]).read_text(encoding="utf-8")

    db = tmp_path / "x.db"
    report = ingest([folder], db, workers=1)
    assert report.warned == 2 and "2 documents with warnings" in report.summary()
    with Store(db) as s:
        stored = {Path(d.path).name: d for d in s.documents()}
    assert (
        codes(stored["sparse.pdf"].warnings) == ["sparse_page"]
        and stored["sparse.pdf"].warnings[0]["page"] == 3
    )
    assert codes(stored["text.txt"].warnings) == ["control_chars"]


def test_a_flate_stream_cut_short_is_read_as_far_as_it_goes_and_said(tmp_path):
    content = fuzzpdf.page_content(40)
    cut = zlib.compress(content)[: len(zlib.compress(content)) * 2 // 3]
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: fuzzpdf.FONT,
        4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        b"/Resources << /Font << /F1 3 0 R >> >> >>",
        5: fuzzpdf.stream(cut, b"/Filter /FlateDecode "),
    }
    path = tmp_path / "cut_stream.pdf"
    path.write_bytes(fuzzpdf.build_pdf(objs))
    res = process_document(path, pdf_backend="pdfplumber")
    assert res.status == "ok" and "stream_damaged" in codes(res.warnings), res.warnings

"""A long PDF is read in flat memory (issue 17): each page is cut into row segments as soon
as it is read and its characters let go, and the glyphs wait stored flat until the document
is written. What comes out is the same document as when every page's glyphs are held.

The long PDFs are made of a corpus article's pages repeated (as ``benchmarks/speed.py``
makes them): the BMJ report of ``corpus/real`` and, when ``../shared`` has it, the
Scientific Reports article a download platform stamped on every page (read in place, never
copied).
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from corpus_paths import REAL, REAL_PDF

from extract.readers import pdf as pdf_reader
from extract.readers.chars import Char
from extract.readers.pdf import read_pdf

pdfium = pytest.importorskip("pypdfium2")

BMJ = REAL / "bmj_rct_exercise_smoking_pregnancy.pdf"
STAMPED = REAL_PDF / "en_scirep2021_breast_cancer_recurrence_nlp.pdf"


def _long_pdf(src: Path, pages: int, dst: Path) -> Path:
    doc = pdfium.PdfDocument(str(src))
    out = pdfium.PdfDocument.new()
    while len(out) < pages:
        out.import_pages(doc, list(range(min(len(doc), pages - len(out)))))
    out.save(str(dst))
    doc.close()
    out.close()
    return dst


def _held(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page's glyphs held as objects, whatever the document's length."""
    monkeypatch.setattr(pdf_reader, "_FLAT_FROM", 10**6)


@pytest.mark.parametrize("src", [BMJ, STAMPED], ids=["bmj", "stamped"])
@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_a_long_pdf_reads_the_same_flat_as_held(tmp_path, monkeypatch, src, backend):
    if not src.is_file():
        pytest.skip(f"{src} not present")
    pdf = _long_pdf(src, 20 if backend == "pdfium" else 18, tmp_path / "long.pdf")
    flat = read_pdf(pdf, backend=backend)
    _held(monkeypatch)
    held = read_pdf(pdf, backend=backend)
    assert flat.text == held.text
    assert list(flat.char_boxes) == list(held.char_boxes)
    assert [vars(p) for p in flat.pages] == [vars(p) for p in held.pages]
    assert flat.citations == held.citations
    assert flat.tables == held.tables
    assert flat.metadata == held.metadata
    if src == STAMPED:  # the stamps were found and taken out on the flat path too
        assert any(p.removed for p in flat.pages)
        assert "Content courtesy" not in flat.text


def _live_chars_per_page(pdf: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], int]:
    """Live ``Char`` objects after each page is read, and the most characters a page has."""
    live: list[int] = []
    most = [0]
    add = pdf_reader._Pages.add

    def counting(self, pc):
        most[0] = max(most[0], len(pc.chars))
        add(self, pc)
        gc.collect()
        live.append(sum(1 for o in gc.get_objects() if type(o) is Char))

    with monkeypatch.context() as m:
        m.setattr(pdf_reader._Pages, "add", counting)
        read_pdf(pdf, backend="pdfium")
    return live, most[0]


def test_a_long_pdf_does_not_hold_every_page_s_characters(tmp_path, monkeypatch):
    pdf = _long_pdf(BMJ, 24, tmp_path / "long.pdf")
    live, most = _live_chars_per_page(pdf, monkeypatch)
    # flat: what is alive after the last page is about one page's characters, not 24 pages'
    assert max(live) <= 2 * most
    _held(monkeypatch)
    live_held, _ = _live_chars_per_page(pdf, monkeypatch)
    assert live_held[-1] > 10 * most  # held, they pile up: the bound above says something

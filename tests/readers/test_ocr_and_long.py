"""Slow reader tests: OCR of scanned pages (Tesseract chi_sim+eng) and the 111-page monograph."""

from __future__ import annotations

import io
import time

import pytest
from corpus_paths import REAL
from pdfcases import PDFTESTS

from extract.normalize import normalize
from extract.readers.fidelity import edit_distance
from extract.readers.ocr import tesseract_available
from extract.readers.pdf import read_pdf

needs_tesseract = pytest.mark.skipif(
    not tesseract_available(), reason="apt-get install tesseract-ocr tesseract-ocr-chi-sim"
)


def _scan(src, dst, page=0):
    """An image-only copy of one page of ``src``: what a scanner would give."""
    import pypdfium2
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = pypdfium2.PdfDocument(str(src))
    w, h = pdf[page].get_size()
    image = pdf[page].render(scale=200 / 72).to_pil().convert("L")
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    c = canvas.Canvas(str(dst), pagesize=(w, h), invariant=1)
    c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, w, h)
    c.save()


@pytest.mark.slow
@needs_tesseract
@pytest.mark.parametrize(
    ("name", "limit"), [("en_rotated_page", 0.05), ("zh_fpdf_embedded_cid", 0.10)]
)
def test_scanned_page_is_read_by_ocr_and_marked(tmp_path, name, limit):
    src = PDFTESTS / f"{name}.pdf"
    scanned = tmp_path / "scanned.pdf"
    _scan(src, scanned)
    doc = read_pdf(scanned, ocr=True)
    assert [p.source for p in doc.pages] == ["ocr"]
    truth = normalize(read_pdf(src)).doc.page_text(1)
    assert edit_distance(truth, normalize(doc).text) <= limit
    # OCR characters keep boxes on the page
    assert all(b is not None and 0 <= b[0] <= doc.pages[0].width for b in doc.char_boxes)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["auto", "pdfium"])
def test_monograph_of_111_pages(backend):
    t = time.perf_counter()
    doc = read_pdf(REAL / "zh_monograph_trophoblastic_tumours_111p.pdf", backend=backend)
    seconds = time.perf_counter() - t
    assert len(doc.pages) == 111
    text = normalize(doc).text
    assert "滋养细胞" in text
    assert len(text) > 80_000
    assert all(p.start <= p.end for p in doc.pages)
    assert seconds < (60 if backend == "pdfium" else 150)


def _with_scanned_page(dst, text_pdf, scanned_pdf, at: int) -> None:
    """``text_pdf``'s pages with the one page of ``scanned_pdf`` put in at index ``at``
    (a graphical abstract or a scanned table among pages with a text layer)."""
    import pypdfium2

    out = pypdfium2.PdfDocument.new()
    src = pypdfium2.PdfDocument(str(text_pdf))
    out.import_pages(src)
    out.import_pages(pypdfium2.PdfDocument(str(scanned_pdf)), index=at)
    out.save(str(dst))


@pytest.mark.slow
def test_a_page_without_text_layer_among_text_pages_is_listed(tmp_path):
    # zh_review_two_column has 4 pages with text; a fifth, scanned, goes in as page 3
    scan = tmp_path / "scan.pdf"
    _scan(PDFTESTS / "en_rotated_page.pdf", scan)
    mixed = tmp_path / "mixed.pdf"
    _with_scanned_page(mixed, PDFTESTS / "zh_review_two_column.pdf", scan, at=2)
    doc = read_pdf(mixed)
    assert doc.metadata["pages_needing_ocr"] == [3]
    [w] = [w for w in doc.metadata["warnings"] if w["code"] == "pages_skipped"]
    assert w["pages"] == [3] and "--ocr" in w["message"]
    assert doc.pages[2].start == doc.pages[2].end  # no text from it, none invented
    assert [p.number for p in doc.pages if p.end > p.start] == [1, 2, 4, 5]


@pytest.mark.slow
@needs_tesseract
def test_with_ocr_the_page_without_text_layer_is_read_from_its_image(tmp_path):
    scan = tmp_path / "scan.pdf"
    _scan(PDFTESTS / "en_rotated_page.pdf", scan)
    mixed = tmp_path / "mixed.pdf"
    _with_scanned_page(mixed, PDFTESTS / "zh_review_two_column.pdf", scan, at=2)
    doc = read_pdf(mixed, ocr=True)
    assert [p.source for p in doc.pages][2] == "ocr"
    assert doc.metadata["pages_needing_ocr"] == []
    truth = normalize(read_pdf(PDFTESTS / "en_rotated_page.pdf")).doc.page_text(1)
    assert edit_distance(truth, normalize(doc).doc.page_text(3)) <= 0.05

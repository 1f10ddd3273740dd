"""PDF reader: clean, ordered, traceable text from one- and multi-column PDFs.

``read_pdf`` runs the PDF layer end to end:

1. characters from a :mod:`~extract.readers.chars` source — pdfplumber by
   default; with ``backend="auto"`` a page where pdfplumber gives no characters,
   ``(cid:N)`` codes or junk is read again with pypdfium2; ``backend="pdfium"``
   reads everything with pypdfium2 (much faster);
2. each page judged (:mod:`~extract.readers.quality`): scanned pages go through
   Tesseract when ``ocr=True`` (:mod:`~extract.readers.ocr`), otherwise the
   document is reported as needing OCR; a text layer that decodes to junk is
   never passed on as text;
3. layout (:mod:`~extract.readers.layout`): rows, running headers/footers,
   columns, reading order, tables;
4. assembly (:mod:`~extract.readers.assemble`): paragraphs, citations,
   hyphenation, per-character page and bbox.

Every failure is a :class:`~extract.errors.ReaderError` whose message names the
file and the reason, with a ``code``: ``io``, ``empty``, ``not_pdf``,
``encrypted``, ``password``, ``truncated``, ``corrupt``, ``no_pages``,
``needs_ocr``, ``junk_text``, ``no_text``, ``ocr_unavailable``, ``ocr_failed``.

``Document.metadata`` carries ``backend`` (as asked), ``page_sources``,
``footnotes`` (``[{"page", "text", "bbox"}]``), ``sideways_text`` (text set at
90° in the margins, per page), and ``pages_needing_ocr`` / ``junk_pages`` for
the few pages left out of a document that was otherwise read.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from pathlib import Path

from ..document import Document, Page
from ..errors import ReaderError
from ..records import doc_id_for_bytes
from .assemble import assemble
from .chars import CharSource, PageChars, open_source
from .layout import build_segments, find_furniture, layout_page, page_em, remove_furniture
from .quality import Verdict, judge

BACKEND_CHOICES = ("auto", "pdfplumber", "pdfium")
# a document with more than this share of scanned (or junk) pages fails as a whole
_BAD_PAGE_SHARE = 0.25


def read_pdf(path: str | Path, password: str | None = None, backend: str = "auto",
             ocr: bool = False) -> Document:
    """Read a PDF into a :class:`Document`.

    Args:
        path: the PDF file.
        password: password of an encrypted PDF.
        backend: ``"auto"`` (pdfplumber, pdfium for pages pdfplumber cannot
            decode), ``"pdfplumber"`` or ``"pdfium"``.
        ocr: run Tesseract on scanned pages and pages whose text layer is junk.

    Raises:
        ReaderError: the file is not a readable PDF (see the module doc for codes).
        ValueError: ``backend`` is not one of ``auto``, ``pdfplumber``, ``pdfium``.
    """
    if backend not in BACKEND_CHOICES:
        raise ValueError(f"unknown PDF backend {backend!r}; expected one of {', '.join(BACKEND_CHOICES)}")
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReaderError(path, f"cannot read file ({e.strerror})", code="io") from e
    if not data:
        raise ReaderError(path, "file is empty (0 bytes)", code="empty")
    if b"%PDF-" not in data[:1024]:
        raise ReaderError(path, "not a PDF file (no %PDF- header)", code="not_pdf")
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    primary = "pdfium" if backend == "pdfium" else "pdfplumber"
    source = open_source(path, primary, password)
    fallback: CharSource | None = None
    try:
        try:
            n_pages = len(source)
        except Exception as e:  # a damaged page tree
            raise ReaderError(path, f"PDF is corrupt (page tree: {type(e).__name__}: {e})",
                              code="corrupt") from e
        if n_pages == 0:
            raise ReaderError(path, "PDF has no pages", code="no_pages")
        read: list[PageChars] = []
        scanned: list[int] = []
        junk: list[tuple[int, str]] = []
        for i in range(n_pages):
            pc, verdict = _read_page(source, i, path)
            if verdict.kind != "ok" and backend == "auto":
                if fallback is None:
                    fallback = open_source(path, "pdfium", password)
                alt, alt_verdict = _read_page(fallback, i, path)
                if alt_verdict.kind == "ok" or pc is None:
                    pc, verdict = alt, alt_verdict
            if pc is None:
                raise ReaderError(path, f"page {i + 1} is damaged: {verdict.reason}", code="corrupt")
            if verdict.kind in ("scanned", "junk") and ocr:
                from .ocr import ocr_page

                pc = ocr_page(path, i, password)
                verdict = judge(pc)
            if verdict.kind == "scanned":
                scanned.append(i + 1)
                pc = PageChars(pc.number, pc.width, pc.height, [], pc.source, pc.rotation, pc.image_coverage)
            elif verdict.kind == "junk":
                junk.append((i + 1, verdict.reason))
                pc = PageChars(pc.number, pc.width, pc.height, [], pc.source, pc.rotation, pc.image_coverage)
            read.append(pc)
    finally:
        source.close()
        if fallback is not None:
            fallback.close()

    text_pages = [pc for pc in read if pc.chars]
    if junk and (not text_pages or len(junk) > _BAD_PAGE_SHARE * n_pages):
        pages = ", ".join(str(p) for p, _ in junk)
        raise ReaderError(path, f"text layer decodes to junk on page(s) {pages} ({junk[0][1]}); "
                          "use --ocr to read them from the image", code="junk_text")
    if scanned and (not text_pages or len(scanned) > _BAD_PAGE_SHARE * n_pages):
        pages = ", ".join(str(p) for p in scanned)
        raise ReaderError(path, f"scanned page(s) {pages} have no text layer; needs OCR (--ocr)",
                          code="needs_ocr")
    if not text_pages:
        raise ReaderError(path, f"no text on any of the {n_pages} page(s)", code="no_text")
    return _build(path, data, read, backend, scanned, junk)


def _read_page(source: CharSource, index: int, path: Path) -> tuple[PageChars | None, Verdict]:
    try:
        pc = source.page(index)
    except ReaderError as e:
        return None, Verdict("junk", e.reason)
    except Exception as e:  # damaged content streams raise anything
        return None, Verdict("junk", f"{type(e).__name__}: {e}")
    return pc, judge(pc)


def _build(path: Path, data: bytes, read: list[PageChars], backend: str, scanned: list[int],
           junk: list[tuple[int, str]]) -> Document:
    segments = [(pc, build_segments(pc)) for pc in read]
    keys = find_furniture(segments)
    em = page_em([s for _, segs in segments for s in segs])
    layouts = []
    for pc, segs in segments:
        segs, removed = remove_furniture(pc, segs, keys)
        layouts.append(layout_page(pc, segs, removed, em))
    out, tables, footnotes = assemble(layouts)
    text = "".join(out.chars)
    page_of_char = _monotonic(out.pages)
    pages: list[Page] = []
    for pc, lay in zip(read, layouts, strict=True):
        start = bisect_left(page_of_char, pc.number)
        end = bisect_right(page_of_char, pc.number)
        pages.append(Page(pc.number, start, end, round(pc.width, 2), round(pc.height, 2),
                          pc.source, list(lay.removed)))
    sideways = {pc.number: "".join(c.text for c in pc.off_direction) for pc in read if pc.off_direction}
    metadata = {
        "backend": backend,
        "page_sources": [pc.source for pc in read],
        "footnotes": footnotes,
        "sideways_text": sideways,
        "pages_needing_ocr": scanned,
        "junk_pages": [p for p, _ in junk],
    }
    return Document(path=path, doc_id=doc_id_for_bytes(data), text=text, pages=pages,
                    char_boxes=[tuple(round(v, 2) for v in b) for b in out.boxes],
                    citations=out.citations, tables=tables, format="pdf", metadata=metadata)


def _monotonic(pages: list[int]) -> list[int]:
    out = []
    m = 0
    for p in pages:
        m = max(m, p)
        out.append(m)
    return out

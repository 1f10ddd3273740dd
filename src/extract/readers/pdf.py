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
3. private-use glyphs resolved (:mod:`~extract.readers.glyphs`: the font's
   encoding, the other backend's reading, a decimal point between digits);
   what is repaired is listed in ``metadata["glyph_repairs"]``, what is left is an
   ``unresolved_glyphs`` warning;
4. stamps laid over every page ("Content courtesy of …", "Downloaded from …") taken
   out (:mod:`~extract.readers.stamps`), then layout
   (:mod:`~extract.readers.layout`): rows, running headers/footers,
   columns, reading order, tables;
5. assembly (:mod:`~extract.readers.assemble`): paragraphs, citations,
   hyphenation, per-character page and bbox.

Every failure is a :class:`~extract.errors.ReaderError` whose message names the
file and the reason, with a ``code``: ``io``, ``empty``, ``not_pdf``,
``encrypted``, ``password``, ``truncated``, ``corrupt``, ``no_pages``,
``needs_ocr``, ``junk_text``, ``no_text``, ``ocr_unavailable``, ``ocr_failed``,
``too_large`` (more pages than ``max_pages``, or a flate stream past the
decompression budget of :mod:`~extract.readers.limits`).

A PDF that is read but perhaps not whole says so in ``metadata["warnings"]``
(``[{"code", "message", "page"?}]``, codes in :data:`extract.errors.WARNING_CODES`):
content streams that did not decode, a broken cross-reference table, a file cut
short, pages much emptier than their neighbours, pdfplumber and PDFium reading very
different amounts of text from a page (``auto`` counts every page with PDFium too,
and keeps PDFium's reading of a page where pdfplumber's holds much less), pages left
out as scanned or junk.

``Document.metadata`` carries ``backend`` (as asked), ``page_sources``,
``footnotes`` (``[{"page", "text", "bbox"}]``), ``sideways_text`` (text set at
90° in the margins, per page), and ``pages_needing_ocr`` / ``junk_pages`` for
the few pages left out of a document that was otherwise read.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ..document import CharBoxes, Document, Page
from ..errors import ReaderError
from ..records import doc_id_for_bytes
from .assemble import assemble
from .chars import Char, CharSource, PageChars, open_source
from .damage import page_warnings
from .glyphs import repair_page
from .layout import (
    Line,
    PageLayout,
    build_segments,
    em_counts,
    em_of,
    layout_lines,
    layout_page,
    margin_keys,
    pack_lines,
    remove_furniture,
    repeated_keys,
)
from .limits import (
    DEFAULT_MAX_PAGES,
    DamageLog,
    StreamTooLarge,
    check_pages,
    check_pdf,
    reading,
    structure_warnings,
    too_large,
)
from .quality import Verdict, judge
from .stamps import cut_stamps, stamp_candidates, stamp_keys

BACKEND_CHOICES = ("auto", "pdfplumber", "pdfium")
# a document with more than this share of scanned (or junk) pages fails as a whole
_BAD_PAGE_SHARE = 0.25
# pages up to which a document's glyphs are held as objects until it is written (_Pages)
_FLAT_FROM = 16


def read_pdf(
    path: str | Path,
    password: str | None = None,
    backend: str = "auto",
    ocr: bool = False,
    max_pages: int | None = DEFAULT_MAX_PAGES,
) -> Document:
    """Read a PDF into a :class:`Document`.

    Args:
        path: the PDF file.
        password: password of an encrypted PDF.
        backend: ``"auto"`` (pdfplumber, pdfium for pages pdfplumber cannot
            decode), ``"pdfplumber"`` or ``"pdfium"``.
        ocr: run Tesseract on scanned pages and pages whose text layer is junk.
        max_pages: a PDF with more pages fails as ``too_large`` (None: no limit).

    Raises:
        ReaderError: the file is not a readable PDF (see the module doc for codes).
        ValueError: ``backend`` is not one of ``auto``, ``pdfplumber``, ``pdfium``.
    """
    if backend not in BACKEND_CHOICES:
        raise ValueError(
            f"unknown PDF backend {backend!r}; expected one of {', '.join(BACKEND_CHOICES)}"
        )
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
    check_pdf(path, data)
    with reading() as damage:
        try:
            return _read(path, data, password, backend, ocr, max_pages, damage)
        except StreamTooLarge as e:
            raise too_large(path, e) from e


def _read(
    path: Path,
    data: bytes,
    password: str | None,
    backend: str,
    ocr: bool,
    max_pages: int | None,
    damage: DamageLog,
) -> Document:
    warnings = structure_warnings(data)
    asked = backend
    primary = "pdfium" if backend == "pdfium" else "pdfplumber"
    fallback: CharSource | None = None
    fallback_error: ReaderError | None = None
    try:
        source, n_pages = _open(path, primary, password)
    except ReaderError as e:
        if backend != "auto" or e.code not in ("corrupt", "truncated", "no_pages"):
            raise
        # pdfplumber cannot open the file (a broken cross-reference table, a damaged page
        # tree): PDFium repairs more; when it finds pages, it reads the whole document
        try:
            source, n_pages = _open(path, "pdfium", password)
        except ReaderError:
            raise e from None
        backend = "pdfium"
        warnings.append(
            {
                "code": "backends_disagree",
                "message": f"pdfplumber cannot open the file ({e.reason}); "
                f"PDFium reads it, and finds {n_pages} page(s)",
            }
        )
    try:
        check_pages(path, n_pages, max_pages)
        if getattr(source, "xref_repaired", False) and not any(
            w["code"] == "xref_repaired" for w in warnings
        ):
            warnings.append(
                {
                    "code": "xref_repaired",
                    "message": "the cross-reference table is broken; "
                    "the objects were found by re-scanning the file",
                }
            )
        if backend == "auto":
            # PDFium counts every page's characters too (quickly), to catch a page one backend
            # reads only in part; it reads the pages pdfplumber cannot decode
            try:
                fallback = open_source(path, "pdfium", password)
            except ReaderError as e:
                fallback_error = e
            if fallback is not None and len(fallback) != n_pages:
                warnings.append(
                    {
                        "code": "backends_disagree",
                        "message": f"pdfplumber finds {n_pages} "
                        f"page(s), PDFium {len(fallback)}; pages may be missing",
                    }
                )
        read = _Pages(n_pages)
        repairs: list[dict] = []
        scanned: list[int] = []
        junk: list[tuple[int, str]] = []
        for i in range(n_pages):
            damage.page = i + 1
            pc, verdict = _read_page(source, i, path)
            if backend == "auto" and (verdict.kind != "ok" or fallback is not None):
                if fallback is None:
                    assert fallback_error is not None
                    raise fallback_error
                if i < len(fallback):
                    pc, verdict = _cross_check(fallback, i, path, pc, verdict, warnings)
            if pc is None:
                raise ReaderError(
                    path, f"page {i + 1} is damaged: {verdict.reason}", code="corrupt"
                )
            fixed, glyph_warnings = repair_page(pc, _other_reading(pc, i, source, fallback))
            if fixed:
                repairs += fixed
                if verdict.kind == "junk":
                    verdict = judge(pc)
            warnings += glyph_warnings
            if verdict.kind in ("scanned", "junk") and ocr:
                from .ocr import ocr_page

                pc = ocr_page(path, i, password)
                verdict = judge(pc)
            if verdict.kind == "scanned":
                scanned.append(i + 1)
                pc = PageChars(
                    pc.number, pc.width, pc.height, [], pc.source, pc.rotation, pc.image_coverage
                )
            elif verdict.kind == "junk":
                junk.append((i + 1, verdict.reason))
                pc = PageChars(
                    pc.number, pc.width, pc.height, [], pc.source, pc.rotation, pc.image_coverage
                )
            read.add(pc)
    finally:
        source.close()
        if fallback is not None:
            fallback.close()

    text_pages = [pc for pc, n in zip(read.pages, read.n_chars, strict=True) if n]
    if junk and (not text_pages or len(junk) > _BAD_PAGE_SHARE * n_pages):
        pages = ", ".join(str(p) for p, _ in junk)
        raise ReaderError(
            path,
            f"text layer decodes to junk on page(s) {pages} ({junk[0][1]}); "
            "use --ocr to read them from the image",
            code="junk_text",
        )
    if scanned and (not text_pages or len(scanned) > _BAD_PAGE_SHARE * n_pages):
        pages = ", ".join(str(p) for p in scanned)
        raise ReaderError(
            path, f"scanned page(s) {pages} have no text layer; needs OCR (--ocr)", code="needs_ocr"
        )
    if not text_pages:
        raise ReaderError(path, f"no text on any of the {n_pages} page(s)", code="no_text")
    warnings += page_warnings(read.pages, scanned, [p for p, _ in junk], damage, read.counts)
    doc = _build(path, data, read, asked, scanned, junk, warnings)
    doc.metadata["glyph_repairs"] = repairs
    return doc


def _other_reading(
    pc: PageChars, i: int, *sources: CharSource | None
) -> Callable[[], list[Char] | None] | None:
    """The characters of page ``i`` as the backend that did not read ``pc`` reads them
    (for glyph repair; read only when asked for)."""
    for s in sources:
        if s is not None and s.name != pc.source:

            def get(s: CharSource = s) -> list[Char] | None:
                try:
                    return s.page(i).chars
                except (MemoryError, StreamTooLarge):
                    raise
                except Exception:  # a page this backend cannot decode: no second reading
                    return None

            return get
    return None


def _open(path: Path, backend: str, password: str | None) -> tuple[CharSource, int]:
    """The PDF opened with one backend, and its number of pages (never 0)."""
    source = open_source(path, backend, password)
    try:
        try:
            n_pages = len(source)
        except Exception as e:  # a damaged page tree
            raise ReaderError(
                path, f"PDF is corrupt (page tree: {type(e).__name__}: {e})", code="corrupt"
            ) from e
        if n_pages == 0:
            raise ReaderError(path, "PDF has no pages", code="no_pages")
    except BaseException:
        source.close()
        raise
    return source, n_pages


def _cross_check(
    fallback: CharSource,
    i: int,
    path: Path,
    pc: PageChars | None,
    verdict: Verdict,
    warnings: list[dict],
) -> tuple[PageChars | None, Verdict]:
    """A page read by pdfplumber, checked against PDFium: PDFium's reading is taken when
    pdfplumber's is not text (no characters, glyph codes, junk), or holds much less text
    than PDFium finds there; a strong disagreement that remains is a warning."""
    if verdict.kind != "ok" or pc is None:
        alt, alt_verdict = _read_page(fallback, i, path)
        if pc is None and alt is not None:
            # pdfplumber could not decode the page at all: PDFium often reads such a page
            # only up to the damage, and says nothing
            warnings.append(
                {
                    "code": "stream_damaged",
                    "page": i + 1,
                    "message": f"page {i + 1}: pdfplumber cannot decode it ({verdict.reason}); PDFium's "
                    "reading is kept, and may stop where the damage starts",
                }
            )
        if alt_verdict.kind == "ok" or pc is None:
            return alt, alt_verdict
        return pc, verdict
    mine = _count(pc)
    theirs = fallback.count_chars(i)  # type: ignore[attr-defined]
    if not _disagree(mine, theirs):
        return pc, verdict
    if theirs > mine:
        alt, alt_verdict = _read_page(fallback, i, path)
        if alt is not None and alt_verdict.kind == "ok" and _count(alt) > mine:
            warnings.append(
                {
                    "code": "backends_disagree",
                    "page": i + 1,
                    "message": f"page {i + 1}: pdfplumber reads {mine} characters, PDFium {_count(alt)}; "
                    "PDFium's reading is kept",
                }
            )
            return alt, alt_verdict
    warnings.append(
        {
            "code": "backends_disagree",
            "page": i + 1,
            "message": f"page {i + 1}: pdfplumber reads {mine} characters, PDFium {theirs}; "
            "pdfplumber's reading is kept",
        }
    )
    return pc, verdict


def _count(pc: PageChars) -> int:
    return sum(1 for c in pc.chars if not c.text.isspace()) + sum(
        1 for c in pc.off_direction if not c.text.isspace()
    )


def _disagree(a: int, b: int) -> bool:
    """Two character counts of one page that cannot both be the page's text."""
    hi, lo = max(a, b), min(a, b)
    return hi >= 200 and lo < 0.5 * hi


def _read_page(source: CharSource, index: int, path: Path) -> tuple[PageChars | None, Verdict]:
    try:
        pc = source.page(index)
    except ReaderError as e:
        return None, Verdict("junk", e.reason)
    except (MemoryError, StreamTooLarge):
        raise
    except Exception as e:  # damaged content streams raise anything
        return None, Verdict("junk", f"{type(e).__name__}: {e}")
    return pc, judge(pc)


class _Pages:
    """The pages read so far, each cut into row segments as soon as it is read (its
    characters then let go), the segments' glyphs stored flat: a long document's pages are
    not all held as objects while the rest is read.

    What the layout needs from all pages is kept per page: the stamp candidates (a page
    with some is segmented once the stamps are known, at :meth:`segments`), the margin
    keys for the running headers and footers, the glyph counts by size for the em."""

    def __init__(self, n_pages: int) -> None:
        self.n_pages = n_pages
        # a short document's pages are held as objects (making the glyphs again costs more
        # than it saves); from this many pages on, they wait stored flat
        self.flat = n_pages > _FLAT_FROM
        self.pages: list[PageChars] = []
        self.n_chars: list[int] = []  # characters of each page as read (spaces included)
        self.counts: list[int] = []  # characters other than white space (sparse pages)
        self.candidates: dict[int, list[tuple[str, int, int]]] = {}
        self._segments: list[list[Line] | None] = []
        self._keys: list[set[str]] = []
        self._em: list[Counter[float]] = []

    def add(self, pc: PageChars) -> None:
        self.pages.append(pc)
        self.n_chars.append(len(pc.chars))
        self.counts.append(sum(1 for c in pc.chars if not c.text.isspace()))
        cands = stamp_candidates(pc) if pc.chars else []
        self._segments.append(None)
        self._keys.append(set())
        self._em.append(Counter())
        if cands:
            self.candidates[pc.number] = cands  # segmented once the stamps are known
        else:
            self._segment(len(self.pages) - 1)

    def _segment(self, k: int) -> None:
        pc = self.pages[k]
        segs = build_segments(pc)
        self._keys[k] = margin_keys(pc, segs)
        self._em[k] = em_counts(segs)
        if self.flat and pc.source != "ocr":
            pack_lines(segs)
        self._segments[k] = segs
        pc.chars = []  # the segments hold the glyphs now

    def layouts(self) -> list[PageLayout]:
        """Every page laid out (stamps, running headers and footers taken out), each
        page's lines stored flat once it is laid out."""
        stamps = (
            stamp_keys({n: c for n, c in self.candidates.items()}, len(self.pages))
            if self.candidates
            else set()
        )
        texts: dict[int, list[str]] = {}
        for k, pc in enumerate(self.pages):
            if self._segments[k] is None:
                cut_stamps(pc, self.candidates.get(pc.number, []), stamps, texts)
                self._segment(k)
        keys = repeated_keys(self._keys) if len(self.pages) >= 2 else set()
        total: Counter[float] = Counter()
        for c in self._em:
            total.update(c)
        em = em_of(total)
        layouts = []
        for k, pc in enumerate(self.pages):
            segs = self._segments[k] or []
            self._segments[k] = None
            kept, removed = remove_furniture(pc, segs, keys)
            lay = layout_page(pc, kept, texts.get(pc.number, []) + removed, em)
            if self.flat and pc.source != "ocr":
                pack_lines(layout_lines(lay))
                pack_lines(segs)  # the segments the layout did not keep let go of theirs
            layouts.append(lay)
        return layouts


def _build(
    path: Path,
    data: bytes,
    read: _Pages,
    backend: str,
    scanned: list[int],
    junk: list[tuple[int, str]],
    warnings: list[dict],
) -> Document:
    layouts = read.layouts()
    # assembly lets go of each page's glyphs once it has written the page
    out, tables, footnotes = assemble(layouts)
    text = "".join(out.chars)
    page_of_char = _monotonic(out.pages)
    pages: list[Page] = []
    for pc, lay in zip(read.pages, layouts, strict=True):
        start = bisect_left(page_of_char, pc.number)
        end = bisect_right(page_of_char, pc.number)
        pages.append(
            Page(
                pc.number,
                start,
                end,
                round(pc.width, 2),
                round(pc.height, 2),
                pc.source,
                list(lay.removed),
            )
        )
    sideways = {
        pc.number: "".join(c.text for c in pc.off_direction)
        for pc in read.pages
        if pc.off_direction
    }
    metadata = {
        "backend": backend,
        "page_sources": [pc.source for pc in read.pages],
        "footnotes": footnotes,
        "sideways_text": sideways,
        "pages_needing_ocr": scanned,
        "junk_pages": [p for p, _ in junk],
        "warnings": warnings,
    }
    return Document(
        path=path,
        doc_id=doc_id_for_bytes(data),
        text=text,
        pages=pages,
        char_boxes=CharBoxes(out.boxes),  # rounded to 0.01 pt as they were written
        citations=out.citations,
        tables=tables,
        format="pdf",
        metadata=metadata,
    )


def _monotonic(pages: list[int]) -> list[int]:
    out = []
    m = 0
    for p in pages:
        m = max(m, p)
        out.append(m)
    return out

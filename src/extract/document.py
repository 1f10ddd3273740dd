"""The reader stage's output: a document's text with per-character provenance.

Every character of :attr:`Document.text` knows its page (and, for PDFs, its
bounding box on that page), so every offset the later stages produce can be
traced back to the page a curator looks at. Citation markers (``^[9]``, raised
``[8,60]``) are not text: readers remove them and keep them as
:class:`Citation` annotations at the offset where they stood.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, top-left origin


@dataclass(frozen=True)
class Citation:
    """A citation marker removed from the text: it stood at ``offset`` and cites ``refs``."""

    offset: int
    refs: tuple[str, ...]
    raw: str = ""


@dataclass
class Page:
    """One page of a document: its span ``[start, end)`` in :attr:`Document.text`."""

    number: int  # 1-based
    start: int
    end: int
    width: float | None = None
    height: float | None = None
    source: str = "text"  # text | pdfplumber | pdfium | ocr
    removed: list[str] = field(default_factory=list)  # running headers/footers/page numbers


@dataclass
class Document:
    """Text of one input file with page (and bbox) provenance for every character."""

    path: Path
    doc_id: str
    text: str
    pages: list[Page]
    char_boxes: list[BBox | None] | None = None
    citations: list[Citation] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    format: str = "text"  # text | pdf
    metadata: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._starts = [p.start for p in self.pages]
        if self.char_boxes is not None and len(self.char_boxes) != len(self.text):
            raise ValueError(
                f"{self.path}: char_boxes has {len(self.char_boxes)} entries for "
                f"{len(self.text)} characters"
            )

    @property
    def stem(self) -> str:
        return self.path.stem

    def page_of(self, offset: int) -> int:
        """1-based page number of the character at ``offset``."""
        if not self.pages:
            return 1
        i = bisect_right(self._starts, offset) - 1
        return self.pages[max(i, 0)].number

    def bbox_of(self, offset: int) -> BBox | None:
        """Bounding box of the character at ``offset`` on its page, if the reader knows it."""
        if self.char_boxes is None or not 0 <= offset < len(self.char_boxes):
            return None
        return self.char_boxes[offset]

    def page_text(self, number: int) -> str:
        for p in self.pages:
            if p.number == number:
                return self.text[p.start : p.end]
        raise KeyError(f"{self.path}: no page {number}")

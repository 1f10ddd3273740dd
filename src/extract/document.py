"""The reader stage's output: a document's text with per-character provenance.

Every character of :attr:`Document.text` knows its page (and, for PDFs, its
bounding box on that page), so every offset the later stages produce can be
traced back to the page a curator looks at. Citation markers (``^[9]``, raised
``[8,60]``) are not text: readers remove them and keep them as
:class:`Citation` annotations at the offset where they stood.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, top-left origin


class CharBoxes(Sequence):
    """Per-character boxes stored flat: four doubles a character (x0, top, x1, bottom) in one
    array, 32 bytes a character instead of a tuple and its floats. Reads as a sequence of
    :data:`BBox` tuples (``boxes[i]``, ``len``, iteration), as a list of boxes would."""

    __slots__ = ("_flat",)

    def __init__(self, flat: array | Sequence[float] = ()) -> None:
        self._flat = flat if isinstance(flat, array) and flat.typecode == "d" else array("d", flat)
        if len(self._flat) % 4:
            raise ValueError(f"{len(self._flat)} coordinates are not boxes of four")

    def __len__(self) -> int:
        return len(self._flat) >> 2

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        n = len(self._flat) >> 2
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("box index out of range")
        f = self._flat
        k = 4 * i
        return (f[k], f[k + 1], f[k + 2], f[k + 3])

    def __iter__(self) -> Iterator[BBox]:
        f = self._flat
        for k in range(0, len(f), 4):
            yield (f[k], f[k + 1], f[k + 2], f[k + 3])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CharBoxes):
            return self._flat == other._flat
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    @property
    def flat(self) -> array:
        """The coordinates themselves, four a box (read them, do not change them): a loop over
        many boxes reads them here rather than making a tuple of each."""
        return self._flat

    def __repr__(self) -> str:
        return f"CharBoxes({len(self)} boxes)"

    def __reduce__(self):
        return (CharBoxes, (self._flat,))


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
    char_boxes: Sequence[BBox | None] | None = None  # a list, or CharBoxes (PDFs)
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

    def page_span(self, offset: int) -> tuple[int, float, float]:
        """:meth:`page_of` ``offset``, and the offsets ``[lo, hi)`` around it that are on
        that page too: a loop over consecutive offsets looks the page up once for each."""
        if not self.pages:
            return 1, -math.inf, math.inf
        starts = self._starts
        i = bisect_right(starts, offset) - 1
        lo = starts[i] if i >= 0 else -math.inf
        hi = starts[i + 1] if i + 1 < len(starts) else math.inf
        return self.pages[max(i, 0)].number, lo, hi

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

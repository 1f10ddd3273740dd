"""Layout analysis: characters of a page → lines, columns, reading order, blocks.

The same code runs on characters from any :class:`~extract.readers.chars.CharSource`
(pdfplumber, pdfium or OCR). Steps, per page:

1. **Rows and segments.** Glyphs are grouped by baseline; small glyphs sitting
   above (superscripts) or below (subscripts) a baseline are attached to the row
   they belong to and flagged, so that a raised ``[8,60]`` stays with "一致".
   A row is cut into *segments* wherever the horizontal gap exceeds one em —
   column gutters and table-cell gaps, never word spaces.
2. **Page furniture.** Running headers, footers and page numbers are recognised
   by their repetition at the top or bottom of several pages
   (:func:`find_furniture`) and taken out of the flow.
3. **Reading order** by a recursive XY-cut that prefers columns: the page is cut
   into horizontal slabs at empty bands; runs of slabs that share an empty
   vertical band (a gutter) are split into columns, read left to right, each
   column analysed again. A full-width title above two columns, plain two
   columns, a sidebar and three columns all fall out of this. A run of slabs
   whose "columns" are short aligned cells is a table instead.
4. **Blocks.** The ordered lines of one column region form a :class:`TextBlock`;
   a table a :class:`TableBlock` of cells with row/column indices.

Paragraphs, citations and the text itself are made from the blocks by
:mod:`extract.readers.assemble`.
"""

from __future__ import annotations

import re
import statistics
import weakref
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .chars import Char, PageChars

# Scripts set without spaces between words (CJK ideographs and punctuation, kana, hangul,
# full-width forms, and the Roman numerals Chinese text uses: "Ⅲ期").
_CJK_RANGES = (
    (0x2160, 0x217F),
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x3040, 0x30FF),
    (0x3100, 0x312F),
    (0x3190, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x2FA1F),
)


@lru_cache(maxsize=8192)
def is_cjk(ch: str) -> bool:
    if not ch:
        return False
    o = ord(ch[0])
    if o < 0x2160:
        return False
    return any(a <= o <= b for a, b in _CJK_RANGES)


@dataclass(slots=True)
class Glyph:
    """A character placed in a row: the char, plus how it sits on the row."""

    char: Char
    space_before: bool = False  # a real space glyph stood between this and the previous glyph
    raised: bool = False  # superscript
    lowered: bool = False  # subscript


_SPACE, _RAISED, _LOWERED = 1, 2, 4


class PackedGlyphs(Sequence):
    """A line's glyphs stored flat while the line waits (for the other pages to be laid out,
    for the document to be written): their texts in one string, their x0 and x1 in an array
    of doubles, what the glyphs of a line share (top, bottom, size, baseline, font, angle)
    once for each distinct combination with an index a glyph, and a byte of flags each:
    about 20 bytes a glyph instead of a ``Glyph`` and a ``Char`` (some 230 with their
    floats). Reads as the list of glyphs, made again (once, and kept) when the line is
    first read glyph by glyph; :meth:`release` lets them go again."""

    __slots__ = ("_texts", "_xs", "_styles", "_style_ix", "_flags", "_list", "_owner")

    def __init__(self, glyphs: list[Glyph], owner: Line | None = None) -> None:
        texts = [g.char.text for g in glyphs]
        joined = "".join(texts)
        self._texts: str | list[str] = joined if len(joined) == len(texts) else texts
        xs = array("d")
        extend = xs.extend
        # keyed by the float objects themselves (a page's equal coordinates are one object):
        # exact, -0.0 and 0.0 kept apart
        styles: dict[tuple, int] = {}
        style_of: list[tuple] = []
        ix = []
        flags = bytearray()
        k = -1
        top = bottom = size = base = font = angle = None
        for g in glyphs:
            c = g.char
            extend((c.x0, c.x1))
            if not (  # most glyphs share the previous one's: no look-up
                c.top is top
                and c.bottom is bottom
                and c.size is size
                and c.baseline is base
                and c.font is font
                and c.angle == angle
            ):
                top, bottom, size, base, font, angle = (
                    c.top, c.bottom, c.size, c.baseline, c.font, c.angle
                )  # fmt: skip
                key = (id(top), id(bottom), id(size), id(base), font, angle)
                k = styles.get(key, -1)
                if k < 0:
                    k = styles[key] = len(style_of)
                    style_of.append((top, bottom, size, base, font, angle))
            ix.append(k)
            flags.append(
                (_SPACE if g.space_before else 0)
                | (_RAISED if g.raised else 0)
                | (_LOWERED if g.lowered else 0)
            )
        self._xs = xs
        self._styles = tuple(style_of)
        self._style_ix = bytes(ix) if len(style_of) <= 256 else array("I", ix)
        self._flags = bytes(flags)
        self._list: list[Glyph] | None = None
        # weakly: a line holding its glyphs that hold it would wait for the cycle collector
        self._owner = weakref.ref(owner) if owner is not None else None

    @staticmethod
    def packable(glyphs: Sequence[Glyph]) -> bool:
        """Only glyphs whose x0 and x1 are floats (as the PDF sources give them) are stored
        as doubles: an int would come back as a float."""
        return all(type(g.char.x0) is float and type(g.char.x1) is float for g in glyphs)

    def glyphs(self) -> list[Glyph]:
        out = self._list
        if out is None:
            out = self._list = self._unpack()
            owner = self._owner() if self._owner is not None else None
            if owner is not None and owner.glyphs is self:
                # the line reads the list itself from now on (no call a glyph); pack_lines
                # puts this back
                owner.glyphs = out
                owner._packed = self  # type: ignore[attr-defined]
        return out

    def _unpack(self) -> list[Glyph]:
        xs, styles, ix, flags = self._xs, self._styles, self._style_ix, self._flags
        out = []
        append = out.append
        for k, text in enumerate(self._texts):
            top, bottom, size, base, font, angle = styles[ix[k]]
            char = Char(text, xs[2 * k], top, xs[2 * k + 1], bottom, size, font, base, angle)
            fl = flags[k]
            append(Glyph(char, fl & _SPACE != 0, fl & _RAISED != 0, fl & _LOWERED != 0))
        return out

    def release(self) -> None:
        """Let go of the glyphs made again (they are made again when next read)."""
        self._list = None

    def text(self) -> str:
        """The line's text (``Line.text``) without making the glyphs again."""
        texts, flags = self._texts, self._flags
        if not any(fl & _SPACE for fl in flags[1:]):
            return texts if isinstance(texts, str) else "".join(texts)
        out = []
        for k, t in enumerate(texts):
            if k and flags[k] & _SPACE:
                out.append(" ")
            out.append(t)
        return "".join(out)

    def spaced_text(self, size: float) -> str:
        """``spaced_text`` of the line, without making the glyphs again."""
        texts, flags, f = self._texts, self._flags, self._xs
        out: list[str] = []
        for k, t in enumerate(texts):
            if k:
                if flags[k] & _SPACE:
                    out.append(" ")
                else:
                    gap = f[2 * k] - f[2 * k - 1]  # this glyph's x0 less the previous one's x1
                    if is_cjk(texts[k - 1]) or is_cjk(t):
                        wide = gap > WORD_GAP_CJK * size
                    else:
                        wide = gap > WORD_GAP * size
                    if wide:
                        out.append(" ")
            out.append(t)
        return "".join(out)

    def __len__(self) -> int:
        return len(self._flags)

    def __getitem__(self, i):  # type: ignore[override]
        return self.glyphs()[i]

    def __iter__(self) -> Iterator[Glyph]:
        return iter(self.glyphs())


def pack_lines(lines: Iterable[Line]) -> None:
    """Store the lines' glyphs flat (:class:`PackedGlyphs`) until they are read again."""
    for line in lines:
        g = line.glyphs
        if isinstance(g, PackedGlyphs):
            g.release()
            continue
        packed = line.__dict__.pop("_packed", None)
        if packed is not None and packed._list is g and len(g) == len(packed):  # unchanged
            packed.release()
            line.glyphs = packed
        elif g and PackedGlyphs.packable(g):
            line.glyphs = PackedGlyphs(g, line)  # type: ignore[assignment]


def layout_lines(page: PageLayout) -> Iterator[Line]:
    """Every line a page's layout holds: its text blocks' and its tables' (cells, and the
    lines and segments a table keeps to be read again)."""
    for b in page.blocks:
        if isinstance(b, TextBlock):
            yield from b.lines
        else:
            for cell in b.cells:
                yield from cell.lines
            yield from b.fallback
            yield from b.segments


@dataclass(eq=False)
class Line:
    """Glyphs on one baseline within one column (or one segment before ordering)."""

    glyphs: list[Glyph]
    page: int
    base: float
    size: float  # dominant size of the glyphs on the baseline
    font: str
    x0: float = 0.0
    x1: float = 0.0
    region: tuple[float, float] = (0.0, 0.0)  # x-extent of the column the line was read in
    region_id: int = 0

    def __post_init__(self) -> None:
        self.update()

    def update(self) -> None:
        self.x0 = min(g.char.x0 for g in self.glyphs)
        self.x1 = max(g.char.x1 for g in self.glyphs)

    @property
    def top(self) -> float:
        return self.base - 0.75 * self.size

    @property
    def bottom(self) -> float:
        return self.base + 0.2 * self.size

    @property
    def text(self) -> str:
        g = self.glyphs
        if isinstance(g, PackedGlyphs):
            return g.text()
        out = []
        for g in self.glyphs:
            if g.space_before and out:
                out.append(" ")
            out.append(g.char.text)
        return "".join(out)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (
            self.x0,
            min(g.char.top for g in self.glyphs),
            self.x1,
            max(g.char.bottom for g in self.glyphs),
        )

    @property
    def bold(self) -> bool:
        return is_bold_font(self.font)


# a gap between two glyphs wider than this share of the line's size is a word space (a
# Chinese or Japanese glyph beside it: nearly a whole glyph's width)
WORD_GAP = 0.12
WORD_GAP_CJK = 0.9


def gap_space(prev: Glyph, g: Glyph, size: float) -> bool:
    if g.space_before:
        return True
    a, b = prev.char, g.char
    gap = b.x0 - a.x1
    if is_cjk(a.text) or is_cjk(b.text):
        return gap > WORD_GAP_CJK * size
    return gap > WORD_GAP * size


def spaced_text(line: Line) -> str:
    """The line's text with word spaces where the glyph gaps show them."""
    if isinstance(line.glyphs, PackedGlyphs):
        return line.glyphs.spaced_text(line.size)
    out: list[str] = []
    prev = None
    for g in line.glyphs:
        if prev is not None and gap_space(prev, g, line.size):
            out.append(" ")
        out.append(g.char.text)
        prev = g
    return "".join(out)


def is_bold_font(name: str) -> bool:
    n = name.lower()
    return (
        any(k in n for k in ("bold", "black", "heavy", "semibold", ",b", "-b", "demi"))
        and "oblique" not in n[-3:]
    )


@dataclass
class TextBlock:
    """Consecutive lines read in one column region of one page."""

    page: int
    lines: list[Line]
    region: tuple[float, float]
    kind: str = "text"  # text | footnote


@dataclass
class Cell:
    row: int
    col: int
    lines: list[Line]
    colspan: int = 1
    header: bool = False


@dataclass
class TableBlock:
    """A table: cells with row/column indices, kept apart from the running text."""

    page: int
    cells: list[Cell]
    n_rows: int
    n_cols: int
    bbox: tuple[float, float, float, float]
    kind: str = "table"
    pages: list[int] = field(default_factory=list)
    # a header at the foot of a page: the lines it is read as when no body follows on the next
    # page, and its segments, to be read into the body's columns when one does
    fallback: list[Line] = field(default_factory=list)
    segments: list[Line] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.pages:
            self.pages = [self.page]


Block = TextBlock | TableBlock


@dataclass
class PageLayout:
    number: int
    width: float
    height: float
    source: str
    blocks: list[Block] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    body_lines: int = 0


# --------------------------------------------------------------------------- 1. rows and segments


def _dedupe(chars: list[Char]) -> list[Char]:
    """Drop glyphs drawn twice at (almost) the same place (fake bold, shadow text)."""
    seen: set[tuple[str, int, int]] = set()
    add = seen.add
    out = []
    append = out.append
    halves: dict[float, int] = {}  # a baseline → rounded to half points: a line's glyphs share it
    for c in chars:
        base = c.baseline
        if base is None:
            base = c.bottom - 0.2 * c.size  # Char.base, inline: this runs for every glyph
        b2 = halves.get(base)
        if b2 is None:
            b2 = halves[base] = round(base * 2)
        key = (c.text, round(c.x0 * 2), b2)
        if key in seen:
            continue
        add(key)
        append(c)
    return out


def _cluster_baselines(chars: list[Char]) -> list[list[Char]]:
    # each glyph's baseline read once (Char.base is a property), the glyphs sorted by it
    bases = [c.base for c in chars]
    order = sorted(range(len(chars)), key=bases.__getitem__)
    clusters: list[list[Char]] = []
    first_base = first_size = 0.0
    for i in order:
        c = chars[i]
        base = bases[i]
        if clusters:
            tol = 0.22 * max(min(c.size, first_size), 1.0)
            if base - first_base <= tol:
                clusters[-1].append(c)
                continue
        clusters.append([c])
        first_base, first_size = base, c.size
    return clusters


_ROUNDED_SIZE: dict[float, float] = {}  # a font size → rounded to 0.1 pt; pages use few sizes


def _rounded_size(size: float) -> float:
    r = _ROUNDED_SIZE.get(size)
    if r is None:
        if len(_ROUNDED_SIZE) > 65536:
            _ROUNDED_SIZE.clear()
        r = _ROUNDED_SIZE[size] = round(size, 1)
    return r


def _size_counts(chars) -> dict[float, int]:
    """How many glyphs other than spaces have each rounded size, in first-seen order."""
    # the glyphs counted by their exact size first (in C), then the few sizes rounded: the
    # first glyph of a rounded size comes with the first exact size that rounds to it
    exact = Counter([c.size for c in chars if not c.text.isspace()])
    counts: dict[float, int] = {}
    get = _ROUNDED_SIZE.get
    for size, n in exact.items():
        r = get(size)
        if r is None:
            r = _rounded_size(size)
        counts[r] = counts.get(r, 0) + n
    return counts


def _dominant_size(chars) -> float:
    """The most common rounded size of the glyphs other than spaces (the first seen on a tie)."""
    counts = _size_counts(chars)
    return max(counts, key=counts.__getitem__) if counts else 10.0


def _unique_top(counts: dict[float, int]) -> bool:
    """No tie for the most common size: the dominant size does not depend on the glyphs' order."""
    if len(counts) < 2:
        return True
    first, second = sorted(counts.values(), reverse=True)[:2]
    return first > second


def _pieces(cluster: list[Char], size: float) -> list[list[Char]]:
    """Split one baseline cluster at gaps wider than an em (columns, cells)."""
    chars = sorted((c for c in cluster if not c.text.isspace()), key=lambda c: c.x0)
    out: list[list[Char]] = []
    last = 0.0
    for c in chars:
        if out and c.x0 - last <= 1.0 * size:
            out[-1].append(c)
            last = max(last, c.x1)
        else:
            out.append([c])
            last = c.x1
    return out


def build_segments(page: PageChars) -> list[Line]:
    """Glyphs → row segments (superscripts attached to their row, split at gaps > 1 em)."""
    chars = _dedupe([c for c in page.chars if c.text and c.size > 0.5])
    clusters = _cluster_baselines(chars)
    # pieces: (cluster, chars, size, base, x0, x1)
    pieces = []
    for k, cl in enumerate(clusters):
        counts = _size_counts(cl)
        size = max(counts, key=counts.__getitem__) if counts else 10.0
        parts = _pieces(cl, size)
        # a cluster in one piece holds the same glyphs, only reordered by x
        same = len(parts) == 1 and _unique_top(counts)
        for pc in parts:
            psize = size if same else _dominant_size(pc)
            pbase = statistics.median(c.base for c in pc)
            pieces.append((k, pc, psize, pbase, pc[0].x0, max(c.x1 for c in pc)))
    # attach small pieces (superscripts, subscripts) to the piece of text they belong to;
    # hosts are looked up in a window of baselines around the small piece
    moved: dict[int, tuple[int, str]] = {}  # piece -> (host piece, how)
    biggest = max((p[2] for p in pieces), default=0.0)
    by_base = sorted(range(len(pieces)), key=lambda j: pieces[j][3])
    bases = [pieces[j][3] for j in by_base]
    for i, (k, _, size, base, x0, x1) in enumerate(pieces):
        if size > 0.88 * biggest:
            continue
        best = None
        lo_i = bisect_left(bases, base - 0.45 * biggest)
        hi_i = bisect_left(bases, base + 0.62 * biggest + 0.01)
        for j in by_base[lo_i:hi_i]:
            hk, _, hsize, hbase, hx0, hx1 = pieces[j]
            if hk == k or size > 0.88 * hsize:
                continue
            if x0 > hx1 + 1.0 * hsize or x1 < hx0 - 1.0 * hsize:
                continue
            d = hbase - base  # > 0: the small piece sits above the host's baseline
            if 0.12 * hsize < d < 0.62 * hsize:
                how = "raised"
            elif -0.45 * hsize < d < -0.08 * hsize:
                how = "lowered"
            else:
                continue
            if best is None or abs(d) < best[0]:
                best = (abs(d), j, how)
        if best is not None:
            moved[i] = (best[1], best[2])
    rows: dict[int, list[Glyph]] = defaultdict(list)
    for i, (_, pc, *_rest) in enumerate(pieces):
        target, how = i, ""
        seen = {i}
        while target in moved and moved[target][0] not in seen:
            nxt, h = moved[target]
            how = how or h
            target = nxt
            seen.add(target)
        cluster = pieces[target][0]
        for c in pc:
            rows[cluster].append(Glyph(c, raised=how == "raised", lowered=how == "lowered"))
    # real space glyphs stay with their cluster: they mark word boundaries
    for k, cl in enumerate(clusters):
        spaces = [Glyph(c) for c in cl if c.text.isspace()]
        if spaces and k in rows:
            rows[k].extend(spaces)
    segments: list[Line] = []
    for glyphs in rows.values():
        size = _dominant_size(
            [g.char for g in glyphs if not (g.raised or g.lowered)] or [g.char for g in glyphs]
        )
        base = statistics.median(g.char.base for g in glyphs)
        _flag_by_box(glyphs, size)
        segments.extend(_split_row(glyphs, page.number, base, size))
    return segments


def _flag_by_box(glyphs: list[Glyph], size: float) -> None:
    """Flag small glyphs raised or lowered by text rise, which leaves the baseline as it is."""
    bottoms = sorted(
        g.char.bottom
        for g in glyphs
        if abs(g.char.size - size) < 0.15 * size and not g.char.text.isspace()
    )
    if not bottoms:
        return
    mb = bottoms[len(bottoms) // 2]
    for g in glyphs:
        c = g.char
        if g.raised or g.lowered or c.size > 0.88 * size or c.text.isspace():
            continue
        if c.bottom < mb - 0.15 * size:
            g.raised = True
        elif c.bottom > mb + 0.12 * size:
            g.lowered = True


def _split_row(glyphs: list[Glyph], page: int, base: float, size: float) -> list[Line]:
    glyphs.sort(key=lambda g: (g.char.x0, g.char.x1))
    out: list[Line] = []
    cur: list[Glyph] = []
    pending_space = False
    last_x1 = 0.0
    for g in glyphs:
        c = g.char
        if c.text.isspace():
            pending_space = bool(cur)
            continue
        if cur and c.x0 - last_x1 > 1.0 * size:
            out.append(_make_line(cur, page, base))
            cur, pending_space = [], False
        g.space_before = pending_space and bool(cur)
        pending_space = False
        last_x1 = max(last_x1, c.x1) if cur else c.x1
        cur.append(g)
    if cur:
        out.append(_make_line(cur, page, base))
    return out


def _make_line(glyphs: list[Glyph], page: int, base: float) -> Line:
    main = [g.char for g in glyphs if not (g.raised or g.lowered)] or [g.char for g in glyphs]
    size = _dominant_size(main)
    bases = sorted(c.base for c in main if abs(c.size - size) < 0.15 * size)
    if bases:
        base = bases[len(bases) // 2]
    fonts = Counter(c.font for c in main)
    return Line(glyphs, page, base, size, fonts.most_common(1)[0][0] if fonts else "")


def merge_row(segments: list[Line]) -> Line:
    """Join the segments of one row (left to right) into one line."""
    segments = sorted(segments, key=lambda s: s.x0)
    glyphs: list[Glyph] = []
    for s in segments:
        for k, g in enumerate(s.glyphs):
            if k == 0 and glyphs:
                g = Glyph(g.char, True, g.raised, g.lowered)
            glyphs.append(g)
    main = max(segments, key=lambda s: len(s.glyphs))
    line = Line(glyphs, main.page, main.base, main.size, main.font)
    return line


def group_rows(segments: list[Line]) -> list[list[Line]]:
    """Cluster segments by baseline into rows, top to bottom."""
    segs = sorted(segments, key=lambda s: s.base)
    rows: list[list[Line]] = []
    for s in segs:
        if rows and s.base - rows[-1][0].base <= 0.3 * max(min(s.size, rows[-1][0].size), 1.0):
            rows[-1].append(s)
        else:
            rows.append([s])
    return rows


# --------------------------------------------------------------------------- 2. page furniture

_PAGE_NUMBER = re.compile(
    r"^[\s\-–—−•·◆◇■□*�]*(?:(?:page|p\.?|第)\s*)?(?:\d{1,4}|[ivxlcdm]{1,6})(?:\s*(?:of|/|页|共)\s*\d{1,4}页?)?[\s\-–—−•·◆◇■□*�页]*$",
    re.IGNORECASE,
)


def _furniture_key(text: str) -> str:
    t = re.sub(r"\d+", "#", text)
    return re.sub(r"[\s�◆◇•·]+", "", t).lower()


def _margin_rows(segments: list[Line], height: float) -> list[tuple[list[Line], bool]]:
    """Rows at the very top or bottom of a page: candidates for headers and footers.

    Returns (row, extreme) pairs; ``extreme`` marks the first and last row of the page.
    """
    rows = group_rows(segments)
    if not rows:
        return []
    out: list[tuple[list[Line], bool]] = []
    for k, row in enumerate(rows[:2]):
        if row[0].base <= 0.1 * height:
            out.append((row, k == 0))
    for k, row in enumerate(rows[-2:][::-1]):
        if row[0].base >= 0.9 * height and all(row is not r for r, _ in out):
            out.append((row, k == 0))
    return out


def _keyable(key: str) -> bool:
    """Masked text worth matching across pages: some words, not just numbers."""
    return sum(1 for ch in key if ch.isalpha()) >= 3


def find_furniture(pages: list[tuple[PageChars, list[Line]]]) -> set[str]:
    """Keys of header/footer segments that repeat on several pages (digits masked)."""
    if len(pages) < 2:
        return set()
    return repeated_keys([margin_keys(pc, segs) for pc, segs in pages])


def margin_keys(pc: PageChars, segs: list[Line]) -> set[str]:
    """One page's candidates for furniture: the keys of its header and footer rows."""
    keys = set()
    for row, _ in _margin_rows(segs, pc.height):
        for s in row:
            k = _furniture_key(s.text)
            if _keyable(k):
                keys.add(k)
        k = _furniture_key(" ".join(s.text for s in sorted(row, key=lambda s: s.x0)))
        if _keyable(k):
            keys.add(k)
    return keys


def repeated_keys(per_page: list[set[str]]) -> set[str]:
    """The margin keys (one set a page, every page of the document) that repeat on enough
    pages to be furniture."""
    n = len(per_page)
    if n < 2:
        return set()
    counts: Counter[str] = Counter()
    for keys in per_page:
        counts.update(keys)
    need = 2 if n <= 6 else max(3, min(6, n // 8))
    return {k for k, v in counts.items() if v >= need}


def remove_furniture(
    pc: PageChars, segments: list[Line], keys: set[str]
) -> tuple[list[Line], list[str]]:
    """Take running headers/footers and page numbers out of the page; return what was removed."""
    removed_ids: set[int] = set()
    removed_text: list[str] = []
    for row, extreme in _margin_rows(segments, pc.height):
        row = sorted(row, key=lambda s: s.x0)
        whole = _furniture_key(" ".join(s.text for s in row))
        if whole in keys:
            for s in row:
                removed_ids.add(id(s))
            removed_text.append(" ".join(spaced_text(s) for s in row))
            continue
        for k, s in enumerate(row):
            t = s.text
            # a page number stands alone in its row, or at either end of the page's first/last row
            number = _PAGE_NUMBER.match(t) and (
                len(row) == 1 or (extreme and k in (0, len(row) - 1))
            )
            if _furniture_key(t) in keys or number:
                removed_ids.add(id(s))
                removed_text.append(spaced_text(s))
    return [s for s in segments if id(s) not in removed_ids], removed_text


# --------------------------------------------------------------------------- 3. reading order


@dataclass
class _Ordered:
    line: Line | None = None
    table: TableBlock | None = None


def _slabs(segs: list[Line]) -> list[list[Line]]:
    """Cut into horizontal slabs at bands no segment reaches into."""
    segs = sorted(segs, key=lambda s: s.top)
    slabs: list[list[Line]] = []
    bottom = None
    for s in segs:
        if slabs and s.top < bottom:
            slabs[-1].append(s)
            bottom = max(bottom, s.bottom)
        else:
            slabs.append([s])
            bottom = s.bottom
    return slabs


class _Coverage:
    """The x-intervals covered by segments, merged, updated one slab at a time."""

    def __init__(self) -> None:
        self.ivs: list[list[float]] = []

    def add(self, segs: list[Line]) -> None:
        for s in segs:
            a, b = s.x0, s.x1
            i = bisect_left([iv[0] for iv in self.ivs], a)
            # merge with the neighbour on the left if they touch
            if i > 0 and self.ivs[i - 1][1] >= a:
                i -= 1
                a = self.ivs[i][0]
                b = max(b, self.ivs[i][1])
                del self.ivs[i]
            while i < len(self.ivs) and self.ivs[i][0] <= b:
                b = max(b, self.ivs[i][1])
                del self.ivs[i]
            self.ivs.insert(i, [a, b])

    def gaps(self, lo: float, hi: float, min_gap: float) -> tuple[list[tuple[float, float]], bool]:
        m = self.ivs
        internal = [
            (m[i][1], m[i + 1][0]) for i in range(len(m) - 1) if m[i + 1][0] - m[i][1] >= min_gap
        ]
        free = bool(internal) or m[0][0] - lo >= min_gap or hi - m[-1][1] >= min_gap
        return internal, free


def _gaps(
    segs: list[Line], lo: float, hi: float, min_gap: float
) -> tuple[list[tuple[float, float]], bool]:
    """Empty vertical bands within [lo, hi]: (internal gaps, any free band at all)."""
    ivs = sorted((s.x0, s.x1) for s in segs)
    merged: list[list[float]] = []
    for a, b in ivs:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    internal = [
        (merged[i][1], merged[i + 1][0])
        for i in range(len(merged) - 1)
        if merged[i + 1][0] - merged[i][1] >= min_gap
    ]
    free = bool(internal) or merged[0][0] - lo >= min_gap or hi - merged[-1][1] >= min_gap
    return internal, free


class _Orderer:
    def __init__(self, page: int, em: float) -> None:
        self.page = page
        self.em = em
        self.region_counter = 0

    def order(
        self,
        segs: list[Line],
        lo: float,
        hi: float,
        depth: int = 0,
        region_id: int = 0,
        foot_header: bool = True,
    ) -> list[_Ordered]:
        if not segs:
            return []
        region_id = region_id or self._new_region()
        min_gap = 0.9 * self.em
        slabs = _slabs(segs)
        out: list[_Ordered] = []
        # the rows last written as lines, each with where its lines start in ``out``: a table
        # found below them may take them in (a header cell above its first row)
        plain: list[tuple[int, list[Line]]] = []

        def lines(rows: list[list[Line]]) -> None:
            for row in rows:
                plain.append((len(out), row))
                out.extend(self._row(row, lo, hi, region_id))

        i = 0
        while i < len(slabs):
            # a run of columns starts at a slab that itself has a gutter; slabs on one side
            # only (a sidebar's neighbour, the longer column) may then join it
            cover = _Coverage()
            cover.add(slabs[i])
            internal, free = cover.gaps(lo, hi, min_gap)
            best = i + 1 if internal else None
            j = i + 1
            while best is not None and free and j < len(slabs) and depth < 6:
                cover.add(slabs[j])
                internal, free = cover.gaps(lo, hi, min_gap)
                if not free:
                    break
                j += 1
                if internal:
                    best = j
            if best is None:
                lines(group_rows(slabs[i]))
                i += 1
                continue
            group = [s for slab in slabs[i:best] for s in slab]
            if len(group_rows(group)) == 1:
                lines([group])
                i = best
                continue
            foot = foot_header and depth == 0 and best == len(slabs)
            handled, rest, pulled = self._split(group, lo, hi, depth, region_id, foot, plain)
            if handled is None:
                # no columns after all: take the first slab on its own and look again below it
                lines(group_rows(slabs[i]))
                i += 1
                continue
            if pulled:
                del out[plain[-pulled][0] :]
            plain.clear()
            out.extend(handled)
            if rest:
                # lines below a table that the run took in (a footnote, the columns under
                # it) are read again with what follows them
                below = rest + [s for slab in slabs[best:] for s in slab]
                return out + self.order(below, lo, hi, depth)
            i = best
        return out

    def _new_region(self) -> int:
        self.region_counter += 1
        return self.region_counter

    def _row(self, row: list[Line], lo: float, hi: float, region_id: int) -> list[_Ordered]:
        """One row: its segments as one line, unless a gap as wide as a gutter parts them.

        Words spread by justification stay one line; pieces further apart (a sidebar
        next to the text, a label and its value) are separate lines in regions of their own.
        """
        row = sorted(row, key=lambda s: s.x0)
        runs: list[list[Line]] = [[row[0]]]
        for s in row[1:]:
            if s.x0 - max(r.x1 for r in runs[-1]) > 2.5 * self.em:
                runs.append([s])
            else:
                runs[-1].append(s)
        if len(runs) == 1:
            return [_Ordered(line=self._line(row, lo, hi, region_id))]
        out = []
        for run in runs:
            out.append(
                _Ordered(
                    line=self._line(
                        run, min(s.x0 for s in run), max(s.x1 for s in run), self._new_region()
                    )
                )
            )
        return out

    def _line(self, row: list[Line], lo: float, hi: float, region_id: int) -> Line:
        line = merge_row(row) if len(row) > 1 else row[0]
        line.region = (lo, hi)
        line.region_id = region_id
        return line

    def _split(
        self,
        group: list[Line],
        lo: float,
        hi: float,
        depth: int,
        region_id: int,
        foot: bool = False,
        plain: list[tuple[int, list[Line]]] | None = None,
    ) -> tuple[list[_Ordered] | None, list[Line], int]:
        """The group read as columns or as a table (and the lines below the table), or None;
        and how many of the ``plain`` rows written above it the table took in."""
        internal, _ = _gaps(group, lo, hi, 0.9 * self.em)
        cuts = [(a + b) / 2 for a, b in internal]
        parts: list[list[Line]] = [[] for _ in range(len(cuts) + 1)]
        for s in group:
            k = sum(1 for c in cuts if s.x0 > c)
            parts[k].append(s)
        parts = [p for p in parts if p]
        kind = classify_split(parts, self.em) if _aligned_starts(parts) else "none"
        if kind == "none":
            # columns of a numbered list ("[60] Kenter GG …" | "[68] Okadome M …"): each
            # column's hanging numbers are its own, not a column of their own
            merged = _labels_into_next(parts, self.em)
            if len(merged) >= 2 and len(merged) < len(parts):
                if _aligned_starts(merged) and classify_split(merged, self.em) == "columns":
                    parts, kind = merged, "columns"
        if kind == "table":
            before, table, after = make_table(group, self.page, self.em, foot)
            if table is None:
                return None, [], 0
            pulled = 0
            if all(c.header for c in table.cells):
                # a header with its body on the next page; lines again if no body follows
                items = self.order(group, lo, hi, depth, region_id, foot_header=False)
                if before or after or any(o.line is None for o in items):
                    return None, [], 0
                table.fallback = [o.line for o in items if o.line is not None]
                table.segments = list(group)
            elif not before and plain:
                above = _rows_above([row for _, row in plain], group, self.em)
                if above:
                    more = group + [s for row in above for s in row]
                    b2, t2, a2 = make_table(more, self.page, self.em)
                    if t2 is not None and not b2 and t2.n_cols == table.n_cols:
                        before, table, after, pulled = b2, t2, a2, len(above)
            out = [o for row in before for o in self._row(row, lo, hi, region_id)]
            return out + [_Ordered(table=table)], [s for row in after for s in row], pulled
        if kind == "columns":
            out: list[_Ordered] = []
            for p in parts:
                out.extend(self.order(p, min(s.x0 for s in p), max(s.x1 for s in p), depth + 1))
            return out, [], 0
        return None, [], 0  # not a real split (a hanging number column, a stray gap)


# a table's caption ("表3", "续表2", "Table 4"): the line above a table that is not one of its rows
_CAPTION_LINE = re.compile(r"^\s*(?:续?表|附表|table)\s*\d", re.IGNORECASE)


def _rows_above(above: list[list[Line]], group: list[Line], em: float) -> list[list[Line]]:
    """The rows just above a table that are its own, top to bottom: set in the table's type
    within its width, no farther above its first row than one and a half rows, not a caption
    nor the end of a sentence nor a line across the table, nor one the table's columns would
    cut at a number. Header cells set apart from the rest of the header ("患者人数（%）" over
    the arms, a label centred on two header rows), and the section label a page break left
    above the table's continuation ("实验室检查")."""
    rows = group_rows(group)
    size = _median(s.size for s in group)
    x0, x1 = min(s.x0 for s in group), max(s.x1 for s in group)
    pitch = _median(rows[k + 1][0].base - rows[k][0].base for k in range(len(rows) - 1))
    cols = _columns(rows, em)
    top = min(s.base for s in rows[0])
    out: list[list[Line]] = []
    for row in reversed(above[-4:]):
        row = sorted(row, key=lambda s: s.x0)
        text = " ".join(s.text for s in row).strip()
        if (
            top - max(s.base for s in row) > 1.5 * pitch
            # a line of headers run together ("No gum group (n= 37) Gum group (n= 38)")
            # that the columns would cut apart
            or len(_split_at_values(row, cols)) > len(row)
            or any(abs(s.size - size) > 0.1 * size for s in row)
            or row[0].x0 < x0 - em
            or row[-1].x1 > x1 + em
            or _CAPTION_LINE.match(text)
            or text[-1:] in "。．.;；:："
            or (len(row) == 1 and row[0].x1 - row[0].x0 >= 0.75 * (x1 - x0))
        ):
            break
        out.append(row)
        top = min(s.base for s in row)
    return out[::-1]


def _aligned_starts(parts: list[list[Line]]) -> bool:
    """Do the lines right of each gap start at one x, as a column or table column does?

    A "river" of wide word spaces running down a few justified lines also leaves an
    empty band, but the words after it start wherever the spacing put them.
    """
    for part in parts[1:]:
        starts = [min(s.x0 for s in row) for row in group_rows(part)]
        n = len(starts)
        if n < 2:
            continue
        bins = Counter(round(x / 1.5) for x in starts)
        # neighbouring bins are one position split by rounding
        counts = sorted((sum(bins.get(b + d, 0) for d in (-1, 0, 1)) for b in bins), reverse=True)
        if n <= 4:
            if counts[0] < n - 1:
                return False
        elif sum(sorted(bins.values(), reverse=True)[:3]) < 0.7 * n and counts[0] < 0.5 * n:
            return False
    return True


def _is_prose(part: list[Line], em: float) -> bool:
    rows = group_rows(part)
    # the part's extent from its rows, one stray line in the margin left out (a sidebar's
    # line at x 38 beside a reference column from x 142)
    starts = sorted(min(s.x0 for s in r) for r in rows)
    ends = sorted(max(s.x1 for s in r) for r in rows)
    cut = len(rows) // 10
    x0, x1 = starts[cut], ends[len(ends) - 1 - cut]
    width = x1 - x0
    if width < 8 * em:
        return False
    if len(rows) <= 2:
        # too little to judge by shape: long runs of words are prose
        chars = sum(len(s.glyphs) for s in part)
        return chars / max(len(rows), 1) >= 25
    # prose: most rows are one long run of words across the part; table rows are short
    # cells, or several cells with gaps
    counts = sorted(sum(len(s.glyphs) for s in r) for r in rows)
    if counts[len(counts) // 2] < 20:
        return False
    full = 0
    for r in rows:
        w = max(s.x1 for s in r) - min(s.x0 for s in r)
        # an entry of a numbered list ("18 | Blair SN, Haskell WL …") is one run after its label
        runs = [x for x in r if not _LIST_LABEL.match(spaced_text(x).strip())] or r
        if len(runs) == 1 and w >= 0.75 * width:
            full += 1
    return full >= 0.5 * len(rows)


# a list's hanging label: "[60]", "［3］", "12.", "4)"
_LIST_LABEL = re.compile(r"^[\[［(（]?\d{1,3}[\]］)）.]?$")


def _labels_into_next(parts: list[list[Line]], em: float) -> list[list[Line]]:
    """Parts with every narrow part of list labels alone ("[60]", "[61]" …) merged into the part
    right of it, whose entries they number."""
    out: list[list[Line]] = []
    pending: list[Line] = []
    for k, part in enumerate(parts):
        width = max(s.x1 for s in part) - min(s.x0 for s in part)
        labels = width < 3 * em and all(_LIST_LABEL.match(spaced_text(s).strip()) for s in part)
        if labels and k + 1 < len(parts):
            pending.extend(part)
            continue
        out.append(pending + part)
        pending = []
    return out


def classify_split(parts: list[list[Line]], em: float) -> str:
    """Is a vertical split columns of text, a table, or neither?"""
    if len(parts) < 2:
        return "none"
    prose = [_is_prose(p, em) for p in parts]
    if all(prose):
        return "columns"
    rows = group_rows([s for p in parts for s in p])
    part_of = {id(s): k for k, p in enumerate(parts) for s in p}
    aligned = 0
    for row in rows:
        cols = {part_of[id(s)] for s in row}
        if len(cols) >= 2:
            aligned += 1
    n_rows = len(rows)
    if not any(prose) and aligned >= 2 and aligned >= 0.5 * n_rows:
        return "table"
    widths = [max(s.x1 for s in p) - min(s.x0 for s in p) for p in parts]
    if all(w >= 6 * em for w in widths) and sum(prose) >= 1:
        return "columns"
    return "none"


# a cell that holds a number: the body of a table starts at the first row with one
_NUMERIC_CELL = re.compile(r"^[<>≤≥=~±+\-–−]?\s*\d")
# a header that names grades or levels ("3/4级", "3级或更高级别", "≥3级") starts with a number
# but is no value
_LEVEL_HEADER = re.compile(r"^[≥>]?\s*\d+(?:\s*[/／、,，\-–~～]\s*\d+)*\s*级")


def _columns(rows: list[list[Line]], em: float) -> list[tuple[float, float]]:
    """The x-extents of the table's columns, from its fullest rows.

    A cell spanning several columns (a header over the arm columns, a footnote) bridges
    the gaps between them, so only the rows with as many pieces as the fullest row say
    where the gaps are, and only gaps that most rows leave empty.
    """
    most = max(len(r) for r in rows)
    defining = [s for r in rows if len(r) == most for s in r]
    x0 = min(s.x0 for s in defining)
    x1 = max(s.x1 for s in defining)
    gaps, _ = _gaps(defining, x0, x1, 0.9 * em)
    # a gap that most rows run across is a river of word spaces in those rows, not a column gap
    gaps = [
        (a, b)
        for a, b in gaps
        if sum(any(s.x0 < (a + b) / 2 < s.x1 for s in r) for r in rows) <= 0.4 * len(rows)
    ]
    edges = [x0] + [v for g in gaps for v in g] + [x1]
    return [(edges[k], edges[k + 1]) for k in range(0, len(edges), 2)]


def _cells_of(
    row: list[Line], cols: list[tuple[float, float]]
) -> dict[int, tuple[int, list[Line]]]:
    """The row's segments by first column: {column: (columns spanned, segments)}."""
    out: dict[int, tuple[int, list[Line]]] = {}
    for s in sorted(row, key=lambda s: s.x0):
        hit = [k for k, (a, b) in enumerate(cols) if s.x0 < b and s.x1 > a]
        if not hit:  # inside a gap: the nearest column
            mid = (s.x0 + s.x1) / 2
            hit = [min(range(len(cols)), key=lambda k: abs((cols[k][0] + cols[k][1]) / 2 - mid))]
        first, last = hit[0], hit[-1]
        # a segment that starts in a column another segment of the row already spans joins it
        owner = next((c for c, (n, _) in out.items() if c <= first < c + n), None)
        if owner is not None:
            n, segs = out.pop(owner)
            out[owner] = (max(n, last - owner + 1), segs + [s])
        else:
            out[first] = (last - first + 1, [s])
    return out


def _split_at_values(row: list[Line], cols: list[tuple[float, float]]) -> list[Line]:
    """Cut a segment that runs from one column into the next at a word gap that lies in
    the gap between the columns, when a number follows ("Absolute CD19+ count 0.1")."""
    out: list[Line] = []
    for s in row:
        cut = None
        for k in range(1, len(s.glyphs)):
            a, g = s.glyphs[k - 1].char, s.glyphs[k].char
            if not gap_space(s.glyphs[k - 1], s.glyphs[k], s.size):
                continue
            if any(a.x1 <= cols[j][0] and g.x0 >= cols[j - 1][1] for j in range(1, len(cols))):
                rest = "".join(x.char.text for x in s.glyphs[k:])
                if _NUMERIC_CELL.match(rest):
                    cut = k
                    break
        if cut is None:
            out.append(s)
        else:
            out.append(_make_line(s.glyphs[:cut], s.page, s.base))
            out.extend(_split_at_values([_make_line(s.glyphs[cut:], s.page, s.base)], cols))
    return out


def _median(values) -> float:
    v = sorted(values)
    return v[len(v) // 2] if v else 0.0


def _trim(rows: list[list[Line]]) -> tuple[int, int]:
    """The rows of the table proper: not the lines set in larger type above or below it
    (a caption, a heading)."""
    size = _median(statistics.median(s.size for s in r) for r in rows)
    lo, hi = 0, len(rows)

    def other(k: int) -> bool:
        return statistics.median(s.size for s in rows[k]) > 1.15 * size

    while lo < hi and other(lo):
        lo += 1
    while hi > lo and other(hi - 1):
        hi -= 1
    return lo, hi


Cells = dict[int, tuple[int, list[Line]]]


def _join_rows(rows: list[list[Line]], per_row: list[Cells]) -> list[Cells]:
    """Rows of one table row: lines closer than a line apart (a label on two lines with its
    value centred between them), and the next line of a cell set on two lines."""
    merged: list[tuple[list[Line], Cells]] = []
    for row, cells in zip(rows, per_row, strict=True):
        if merged:
            prev_row, prev = merged[-1]
            size = max(min(s.size for s in row), 1.0)
            pitch = min(s.base for s in row) - max(s.base for s in prev_row)
            tight = pitch < 0.9 * size
            # a wrapped line holds words: a line with a value is a row of its own
            wrapped = (
                pitch <= 1.4 * size
                and not any(_NUMERIC_CELL.match(_text(segs)) for _, segs in cells.values())
                and (
                    set(cells) <= set(prev)
                    and len(cells) < len(prev)
                    or set(cells) == set(prev)
                    and len(cells) == 1
                )
                # not a label set further left (a section label under an indented row)
                and all(
                    min(x.x0 for x in segs) >= min(x.x0 for x in prev[c][1]) - 1
                    for c, (_, segs) in cells.items()
                    if c in prev
                )
            )
            if (tight or wrapped) and all(
                c in prev or not any(p <= c < p + n for p, (n, _) in prev.items()) for c in cells
            ):
                joined = dict(prev)
                for c, (n, segs) in cells.items():
                    pn, psegs = joined.get(c, (n, []))
                    joined[c] = (max(pn, n), psegs + segs)
                merged[-1] = (prev_row + row, joined)
                continue
        merged.append((row, dict(cells)))
    return [cells for _, cells in merged]


def _text(segs: list[Line]) -> str:
    return " ".join(spaced_text(ln) for ln in segs)


def _header_rows(merged: list[Cells]) -> int:
    """The leading rows without a number in a column other than the first: none when the
    first row holds numbers (a part continued without its header), one when no row does
    or the rows without numbers are most of the table."""
    for r, cells in enumerate(merged):
        if any(_is_value(_text(segs)) for c, (_, segs) in cells.items() if c > 0):
            if r > len(merged) // 2:
                return 1
            # a label alone in the first column over the first values is a section of the body
            # ("实验室检查" under a repeated header), not a line of the header
            while r > 1 and set(merged[r - 1]) == {0} and merged[r - 1][0][0] == 1:
                r -= 1
            return r
    return 1


def _is_value(text: str) -> bool:
    return bool(_NUMERIC_CELL.match(text)) and not _LEVEL_HEADER.match(text)


def _span_over(cells: dict, below: dict, n_cols: int) -> dict:
    """Header cells over the sub-header cells of the next header row span their columns.

    A centred header ("Median OS, months" over the arm columns) reaches over the
    sub-headers it stands above, and so does one set over the gap between two sub-headers
    (between their middles) that no other header stands over ("患者百分比" over "所有级别 |
    3/4级"); a left-aligned one
    stands over the first and leaves the columns on its right empty.
    """

    def extent(segs: list[Line]) -> tuple[float, float]:
        return min(s.x0 for s in segs), max(s.x1 for s in segs)

    taken = set(cells)
    reach: dict[int, tuple[int, int]] = {}
    for c in sorted(cells):
        n, segs = cells[c]
        a, b = extent(segs)
        under = [k for k, (_, bs) in below.items() if extent(bs)[0] < b and extent(bs)[1] > a]
        first, last = c, c + n - 1
        if len(under) >= 2:
            first = min(first, *under)
            last = max(last, *(k + below[k][0] - 1 for k in under))
        else:
            # set over the gap: between the middles of two neighbouring sub-headers
            left = [k for k, (_, bs) in below.items() if sum(extent(bs)) / 2 < a]
            right = [k for k, (_, bs) in below.items() if sum(extent(bs)) / 2 > b]
            if left and right and min(right) == max(left) + below[max(left)][0]:
                lo_k, hi_k = max(left), min(right) + below[min(right)][0] - 1
                if all(k == c or k not in taken for k in range(lo_k, hi_k + 1)):
                    first, last = lo_k, hi_k
        reach[c] = (first, last)
    out: dict = {}
    for c in sorted(cells):
        n, segs = cells[c]
        first, last = reach[c]
        # the columns another header reaches over are not this one's
        others = taken | {k for o, (f, e) in reach.items() if o != c for k in range(f, e + 1)}
        while last + 1 < n_cols and last + 1 not in others and last + 1 in below and c in below:
            last += 1
        if any(k in others for k in range(first, c)) or any(
            k in others for k in range(c + 1, last + 1)
        ):
            first, last = c, c + n - 1  # it would cover a neighbour: keep it as it stands
        out[first] = (last - first + 1, segs)
    return out


def _join_header_lines(merged: list[Cells], header: int, n_cols: int) -> tuple[list[Cells], int]:
    """Header rows that are the lines of the same cells ("Group" over "I vs II", each in its
    own column) are one row; a row under a cell spanning columns is a row of sub-headers."""
    out = merged[:1]
    for r in range(1, header):
        prev, cells = out[-1], merged[r]
        lines = [ln for _, segs in prev.values() for ln in segs]
        nxt = [ln for _, segs in cells.values() for ln in segs]
        pitch = min(s.base for s in nxt) - max(s.base for s in lines)
        size = max(min(s.size for s in nxt), 1.0)
        single = all(n == 1 for n, _ in (*prev.values(), *cells.values()))
        spans = any(n > 1 for n, _ in _span_over(prev, cells, n_cols).values())
        if r + 1 < header and pitch < 1.2 * size and _centred_between(prev, cells, merged[r + 1]):
            # a cell set midway between two header rows ("血液学指标" beside "患者人数（%）" over
            # "所有级别 | 3/4级") stands in both: it joins the upper one
            out[-1] = {**prev, **cells}
        elif single and len(prev) > 1 and pitch <= 2 * size and not spans:
            joined = dict(prev)
            for c, (_, segs) in cells.items():
                joined[c] = (1, joined.get(c, (1, []))[1] + segs)
            out[-1] = joined
        else:
            out.append(cells)
    return out + merged[header:], len(out)


def _centred_between(above: Cells, cells: Cells, below: Cells) -> bool:
    """Is the header row ``cells`` set half a row below ``above`` and half a row above
    ``below``, in columns neither of them has: cells centred on the two rows?"""

    def columns(row: Cells) -> set[int]:
        return {k for c, (n, _) in row.items() for k in range(c, c + n)}

    def bases(row: Cells) -> list[float]:
        return [ln.base for _, segs in row.values() for ln in segs]

    mine = columns(cells)
    if mine & columns(above) or mine & columns(below):
        return False
    size = max(min(ln.size for _, segs in cells.values() for ln in segs), 1.0)
    return min(bases(below)) - max(bases(cells)) < 1.2 * size


def make_table(
    group: list[Line], page: int, em: float, foot: bool = False
) -> tuple[list[list[Line]], TableBlock | None, list[list[Line]]]:
    """Cells from a region classified as a table: (rows before it, the table, rows after).

    Rows by baseline; lines in other type above or below (a caption) are not rows;
    columns from the fullest rows, a label run into its value cut at the column gap; a
    one-cell line across the table above it is not part of it, nor are the lines below its
    last row of single-column cells (footnotes, the text under the table); lines closer
    than a line apart and the lines of a cell set on two lines are one row; the leading
    rows without a number are header rows, and a header cell with sub-headers under it
    spans their columns (a header row of one cell spans the columns on its right). At the
    ``foot`` of a page, rows of cells without a number are a table's header whose body
    the next page holds (all its rows are header rows).
    """
    rows = group_rows(group)
    lo, hi = _trim(rows)
    if hi - lo < 2:
        return rows, None, []
    cols = _columns(rows[lo:hi], em)
    per_row = [_cells_of(_split_at_values(r, cols), cols) for r in rows]
    while (
        lo < hi
        and len(per_row[lo]) == 1
        and next(iter(per_row[lo].values()))[0] > max(1, len(cols) // 2)
    ):
        lo += 1
    pitch = _median(rows[k + 1][0].base - rows[k][0].base for k in range(lo, hi - 1))

    def below(k: int) -> bool:
        if any(n > 1 for n, _ in per_row[k].values()):
            return True
        return k > lo and rows[k][0].base - rows[k - 1][0].base > 2.5 * pitch

    while hi > lo and below(hi - 1):
        hi -= 1
    if hi - lo < 2:
        return rows, None, []
    merged = _join_rows(rows[lo:hi], per_row[lo:hi])
    numbers = any(
        _NUMERIC_CELL.match(_text(segs)) for cells in merged for _, segs in cells.values()
    )
    text = len(merged) < 2 or len(cols) < 2 or (len(merged) <= 3 and not numbers)
    header_only = foot and not numbers and len(cols) >= 2 and any(len(c) >= 2 for c in merged)
    if text and not header_only:
        return rows, None, []  # lines of text after all (a river of word spaces down them)
    header = len(merged) if text else _header_rows(merged)
    if header:
        merged, header = _join_header_lines(merged, header, len(cols))
    out = _table_cells(merged, header, len(cols))
    allsegs = [s for row in rows[lo:hi] for s in row]
    bbox = (
        min(s.x0 for s in allsegs),
        min(s.bbox[1] for s in allsegs),
        max(s.x1 for s in allsegs),
        max(s.bbox[3] for s in allsegs),
    )
    return rows[:lo], TableBlock(page, out, len(merged), len(cols), bbox), rows[hi:]


def _table_cells(merged: list[Cells], header: int, n_cols: int) -> list[Cell]:
    """The cells of a table's rows; header cells span the sub-headers under them (a header
    row of one cell the columns on its right)."""
    for r in range(header):
        nxt = merged[r + 1] if r + 1 < len(merged) else {}
        if len(merged[r]) == 1 and r == header - 1:
            ((c, (_, segs)),) = merged[r].items()
            merged[r] = {c: (n_cols - c, segs)}
        elif r < header - 1:
            merged[r] = _span_over(merged[r], nxt, n_cols)
    out: list[Cell] = []
    for r, cells in enumerate(merged):
        for c in sorted(cells):
            n, segs = cells[c]
            lines = [merge_row(ln) if len(ln) > 1 else ln[0] for ln in group_rows(segs)]
            out.append(Cell(r, c, lines, colspan=n, header=r < header))
    return out


def header_cells(segments: list[Line], cols: list[tuple[float, float]]) -> tuple[list[Cell], int]:
    """A table's header set at the foot of a page, read into the columns ``cols`` of its body
    on the next page: (cells, rows). Lines of one cell, a cell centred on two header rows and
    a header over the arm columns are read as in :func:`make_table`."""
    rows = group_rows(segments)
    merged = _join_rows(rows, [_cells_of(r, cols) for r in rows])
    merged, header = _join_header_lines(merged, len(merged), len(cols))
    return _table_cells(merged, header, len(cols)), header


# --------------------------------------------------------------------------- 4. blocks


def page_em(segments: list[Line]) -> float:
    return em_of(em_counts(segments))


def em_counts(segments: list[Line]) -> Counter[float]:
    """Glyphs by the rounded size of their segment, in first-seen order (for :func:`em_of`)."""
    sizes: Counter[float] = Counter()
    for s in segments:
        sizes[round(s.size, 1)] += len(s.glyphs)
    return sizes


def em_of(sizes: Counter[float]) -> float:
    """The size most glyphs are set in (the first seen on a tie)."""
    return sizes.most_common(1)[0][0] if sizes else 10.0


def layout_page(
    pc: PageChars, segments: list[Line], removed: list[str], em: float | None = None
) -> PageLayout:
    """Order a page's segments into text and table blocks."""
    out = PageLayout(pc.number, pc.width, pc.height, pc.source, removed=removed)
    if not segments:
        return out
    em = em or page_em(segments)
    orderer = _Orderer(pc.number, em)
    lo = min(s.x0 for s in segments)
    hi = max(s.x1 for s in segments)
    items = orderer.order(segments, lo, hi)
    blocks: list[Block] = []
    for it in items:
        if it.table is not None:
            blocks.append(it.table)
            continue
        line = it.line
        prev = blocks[-1] if blocks else None
        if isinstance(prev, TextBlock) and prev.lines[-1].region_id == line.region_id:
            prev.lines.append(line)
        else:
            blocks.append(TextBlock(pc.number, [line], line.region))
    out.blocks = blocks
    out.body_lines = sum(len(b.lines) for b in blocks if isinstance(b, TextBlock))
    return out

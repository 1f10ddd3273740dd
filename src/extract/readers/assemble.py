"""Blocks → paragraphs → text with per-character provenance.

Takes the ordered blocks of every page (:mod:`extract.readers.layout`) and
writes the document text:

- **Paragraphs.** Within a column, a new paragraph starts at a change of font
  size or weight, a vertical gap larger than the usual line pitch, a first-line
  indent, after a line that ends early (the next line's first word would have
  fitted), and at each reference entry.
  A paragraph cut by a column or page break is joined again when the first part
  runs to the column's edge without closing its sentence and the second part
  does not start like a new paragraph. Headings (larger or bold lines) are their
  own paragraphs. Paragraphs are separated by a blank line.
- **Lines** of a paragraph are joined with nothing between Chinese characters and
  one space between Latin ones; a line-end hyphen is dropped only where the
  joined word is a word (:mod:`extract.readers.hyphen`).
- **Citations.** Raised markers (``[8,60]``, ``¹²``, ``1–3``) and inline bracketed
  markers (``[3]``, ``[3, 5]``) outside the reference list are removed from the
  text and kept as :class:`~extract.document.Citation` at the offset where they
  stood. In the reference list ``[7] Hironaka S, …`` keeps its number, one entry
  per paragraph.
- **Tables** become one paragraph each, a row per line and cells separated by a
  tab, and a ``Document.tables`` entry (see :func:`table_record`).
- **Footnotes** (small print at the foot of a page, starting with a note mark)
  are taken out of the running text into ``metadata["footnotes"]``, so that a
  paragraph running over the page break stays whole.

Every character written, including the spaces and newlines inserted, gets a
page number and a bbox: inserted characters take the bbox of the character
before them.
"""

from __future__ import annotations

import re
import statistics
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..document import Citation
from ..refs import parse_citation_refs
from .hyphen import HYPHENS, join_hyphenated
from .layout import (
    WORD_GAP,
    WORD_GAP_CJK,
    Glyph,
    Line,
    PageLayout,
    TableBlock,
    TextBlock,
    gap_space,
    header_cells,
    is_cjk,
    spaced_text,
)

_REF_HEADING = re.compile(
    r"^\s*(?:\d+\s*)?(?:参考文献|references?|bibliography|literature cited|引用文献)\s*[:：]?\s*$",
    re.IGNORECASE,
)
_ENTRY_START = re.compile(
    r"^\s*(?:[-•*]\s*)?(?:\[\d{1,3}\]|\d{1,3}[.．、]\s|\d{1,3}\s+[A-Z\u4e00-\u9fff])"
)
_BULLET = re.compile(r"^\s*[•●■▪◦▶➢►✓]\s*")
# a heading in lenticular brackets alone on its line, as Chinese books and labels set them
# ("【流行病学】", "【药理毒理】")
_BRACKET_HEADING = re.compile(r"^\s*【[^】]{1,20}】\s*$")
# an item number in brackets at the start of a line: "（4）预后：", "(2)"
_BRACKETED_NUMBER = re.compile(r"^\s*[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[）)]")
_TERMINAL = set("。！？!?.")
# a paragraph that opens with a label: "Abstract:", "Methods:", "关键词:"
_LABEL = re.compile(
    r"^\s*(?:[A-Z][A-Za-z]{1,20}(?: [A-Za-z]{1,15}){0,2}|[\u4e00-\u9fff]{2,6})\s*[:：]"
)
_CITE_BODY = re.compile(r"^\d{1,3}(?:\s*[,，\-–—~～、]\s*\d{1,3})*$")
# "survival [3].", and as Chinese journals set it in full-width brackets, "Gupta等［60］"
_INLINE_CITE = re.compile(
    r"(?<![\[［])( ?)[\[［](\d{1,3}(?:\s*[,，\-–—~～、]\s*\d{1,3}){0,20})[\]］](?![(（])"
)
_UNIT_BEFORE = re.compile(r"(?:^|[^A-Za-z])(?:[cmdkµμ]?m|ft|in|L|mL|dL|s|mmHg|/)$")
_FOOTNOTE_MARK = re.compile(r"^\s*(?:[*†‡§¶#]|\d{1,2}(?=\s|[A-Z\u4e00-\u9fff])|[a-z](?=\s))")


@dataclass
class Stats:
    """Document-wide typography the paragraph rules compare against."""

    body_size: float
    pitch: dict[float, float]
    uses_indent: bool
    words: set[str] = field(default_factory=set)
    hyphenated: set[str] = field(default_factory=set)

    def typical_pitch(self, size: float) -> float:
        key = round(size, 1)
        if key in self.pitch:
            return self.pitch[key]
        return 1.3 * size


@dataclass
class Para:
    kind: str  # text | heading | table
    lines: list[Line] = field(default_factory=list)
    table: TableBlock | None = None
    refs: bool = False  # inside the reference list

    @property
    def size(self) -> float:
        return statistics.median(line.size for line in self.lines) if self.lines else 0.0


# --------------------------------------------------------------------------- document statistics


def collect_stats(pages: list[PageLayout]) -> Stats:
    sizes: Counter[float] = Counter()  # size → area of text set in it
    pitches: dict[float, list[float]] = defaultdict(list)
    indents = 0
    words: set[str] = set()
    hyphenated: set[str] = set()
    refs_seen = False
    for p in pages:
        for b in p.blocks:
            if not isinstance(b, TextBlock):
                continue
            for i, line in enumerate(b.lines):
                if not refs_seen and _REF_HEADING.match(line.text):
                    refs_seen = True
                if not refs_seen:  # the reference list is set small: not the body size
                    # by the page area each size fills (length × size), not by glyph counts: a
                    # column of Chinese body text has fewer glyphs than one of English references
                    sizes[round(line.size, 1)] += (line.x1 - line.x0) * line.size
                text = spaced_text(line)
                for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text):
                    if "-" in w:
                        hyphenated.add(w.lower())
                    words.add(w.lower())
                if i + 1 < len(b.lines):
                    nxt = b.lines[i + 1]
                    if abs(nxt.size - line.size) < 0.3:
                        d = nxt.base - line.base
                        if 0.9 * line.size < d < 2.6 * line.size:
                            pitches[round(line.size, 1)].append(d)
                    # first-line indent: indented line after a flush line, followed by a flush one
                    lo = b.region[0]
                    if (
                        i + 2 < len(b.lines)
                        and line.x0 - lo < 0.3 * line.size
                        and 0.8 * nxt.size <= nxt.x0 - lo <= 4.5 * nxt.size
                        and b.lines[i + 2].x0 - lo < 0.3 * nxt.size
                    ):
                        indents += 1
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    # the most common pitch: leading within paragraphs, not paragraph spacing
    pitch = {}
    for k, v in pitches.items():
        rounded = Counter(round(x * 2) / 2 for x in v)
        pitch[k] = rounded.most_common(1)[0][0]
    return Stats(body, pitch, indents >= 3, words, hyphenated)


# --------------------------------------------------------------------------- paragraphs


def _line_kind_heading(line: Line, stats: Stats) -> bool:
    if line.size >= 1.1 * stats.body_size:
        return True
    return False


def _starts_entry(text: str) -> bool:
    """Does a line with this text open a reference entry? (A line's text is made from its
    glyphs at each read: callers read it once.)"""
    return bool(_ENTRY_START.match(text))


def _ends_terminal(line: Line) -> bool:
    t = line.text.rstrip()
    # a raised citation after the full stop ("interpret.12") does not hide the stop
    i = len(line.glyphs) - 1
    while i >= 0 and line.glyphs[i].raised:
        i -= 1
    if i >= 0 and i < len(line.glyphs) - 1:
        t = line.glyphs[i].char.text
    t = t.rstrip("”’\"')）]")
    return bool(t) and t[-1] in _TERMINAL


# the marks a Chinese line may not end with, and those it may not start with: the typesetter
# moves them with the character next to them ("（57%）" goes to the next line whole)
_OPENING = "（［【「『《〈“‘"
_CLOSING = "）］】」』》〉”’、，。；：！？％"


def _first_word_width(line: Line) -> float:
    """The width of what the line starts with that could not have been set at the end of the
    line before: a word, or one CJK character, with the opening brackets before it and the
    closing marks after it ("（57%）、")."""
    glyphs = [g for g in line.glyphs if not g.raised]
    if not glyphs:
        return 0.0
    k = 0
    while k + 1 < len(glyphs) and glyphs[k].char.text in _OPENING:
        k += 1
    x0 = glyphs[0].char.x0
    x1 = glyphs[k].char.x1
    if not is_cjk(glyphs[k].char.text):
        for g in glyphs[k + 1 :]:
            if g.space_before or is_cjk(g.char.text) or g.char.x0 - x1 > 0.12 * line.size:
                break
            x1 = g.char.x1
            k += 1
    if k > 0 or is_cjk(glyphs[0].char.text):
        for g in glyphs[k + 1 :]:
            if g.char.text not in _CLOSING:
                break
            x1 = g.char.x1
    return x1 - x0


def _room_for_next(a: Line, b: Line, right: float | None = None) -> bool:
    """Would the first word of ``b`` have fitted at the end of ``a``? Then ``a`` ended a paragraph."""
    right = a.region[1] if right is None else right
    room = right - a.x1 - (0 if is_cjk(b.glyphs[0].char.text) else 0.25 * a.size)
    return room >= _first_word_width(b) + 0.3 * a.size


def _indented(line: Line, left: float | None = None) -> bool:
    return line.x0 - (line.region[0] if left is None else left) >= 0.8 * line.size


def _set_edges(block: TextBlock) -> None:
    """Give the block's lines the column edges the typesetter wrapped at.

    Per type size, the right edge is the most common line end among the long
    lines (justified text ends there; CJK punctuation and Latin words may
    overhang it), else the longest line.
    """
    lines = block.lines
    lo = min(ln.x0 for ln in lines)
    hi = max(ln.x1 for ln in lines)
    groups: dict[float, list[Line]] = defaultdict(list)
    for ln in lines:
        groups[round(ln.size, 1)].append(ln)
    edges: dict[float, float] = {}
    for size, group in groups.items():
        if len(group) < 3:
            continue
        ghi = max(ln.x1 for ln in group)
        unit = 0.3 * size
        ends = Counter(round(ln.x1 / unit) for ln in group if ln.x1 >= lo + 0.7 * (ghi - lo))
        edges[size] = ghi
        if ends:
            ((bin_, count),) = ends.most_common(1)
            near = [ln.x1 for ln in group if abs(ln.x1 / unit - bin_) <= 1]
            if count >= 3 and len(near) >= 0.3 * len(group):
                edges[size] = statistics.median(near)
    # sizes with too few lines to tell take the edge of the most common size
    main = max(groups, key=lambda k: len(groups[k]))
    fallback = edges.get(main, hi)
    for size, group in groups.items():
        edge = edges.get(size, fallback)
        for ln in group:
            ln.region = (lo, edge)


def split_block(block: TextBlock, stats: Stats, in_refs: bool) -> tuple[list[Para], bool]:
    """Cut a column block into paragraphs; return them and whether the reference list is on."""
    paras: list[Para] = []
    lines = block.lines
    _set_edges(block)
    cur: list[Line] = []

    def flush():
        nonlocal cur
        if cur:
            heading = all(_line_kind_heading(ln, stats) for ln in cur) or (
                all(ln.bold for ln in cur)
                and len(cur) <= 3
                and not _ends_terminal(cur[-1])
                and not any(
                    _line_kind_heading(ln, stats) is False and ln.size < 0.9 * stats.body_size
                    for ln in cur
                )
            )
            paras.append(Para("heading" if heading else "text", cur, refs=in_refs))
            cur = []

    for i, line in enumerate(lines):
        if cur:
            prev = cur[-1]
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if (
                in_refs
                and _starts_entry(cur[0].text)
                and abs(prev.size - line.size) <= 0.12 * max(prev.size, line.size)
            ):
                # a numbered reference list: an entry runs until the next number
                if _starts_entry(line.text):
                    flush()
            elif _break_between(prev, line, nxt, stats, in_refs):
                flush()
        cur.append(line)
        if _REF_HEADING.match(line.text) and len(cur) == 1:
            flush()
            in_refs = True
    flush()
    return paras, in_refs


def _break_between(a: Line, b: Line, c: Line | None, stats: Stats, in_refs: bool) -> bool:
    big = max(a.size, b.size)
    if abs(a.size - b.size) > 0.12 * big:
        return True
    if a.bold != b.bold and (_is_short(a) or _is_short(b)):
        return True
    pitch = b.base - a.base
    typical = stats.typical_pitch(a.size)
    if pitch > typical * 1.15 + 0.3 or pitch < -0.5 * a.size:
        return True
    text = b.text  # made from the glyphs at each read: read once for the patterns below
    if in_refs and _starts_entry(text):
        return True
    if _BULLET.match(text) or _BRACKET_HEADING.match(text):
        return True
    if _BRACKETED_NUMBER.match(text) and _ends_terminal(a):
        return True  # the next item of a numbered list, however full the line before it is
    if _indented(b) and not _indented(a):
        # first-line indent, not a hanging indent (where the following lines stay indented)
        if c is None or c.x0 < b.x0 - 0.5 * b.size or abs(c.base - b.base) > 2 * typical:
            if not in_refs or _starts_entry(text):
                return True
    if _room_for_next(a, b):
        # ragged-right text leaves room at many line ends: a line that stops mid-sentence
        # ("… mortality rate. It" / "is related to …") does not end a paragraph
        return not _mid_sentence(a, b)
    return False


def _mid_sentence(a: Line, b: Line) -> bool:
    """Does Latin text run on from ``a`` into ``b``: a word or comma, then lower case?"""
    t, u = a.text.rstrip(), b.text.lstrip()
    if not t or not u:
        return False
    last, first = t[-1], u[0]
    return (last.isascii() and (last.isalnum() or last == ",")) and (
        first.isascii() and first.islower()
    )


def _is_short(line: Line) -> bool:
    return line.x1 - line.x0 < 0.6 * (line.region[1] - line.region[0])


def _continues(p: Para, q: Para, stats: Stats) -> bool:
    """Does paragraph ``q`` (after a column or page break) continue ``p``?"""
    if p.kind != "text" or q.kind != "text" or not p.lines or not q.lines:
        return False
    a, b = p.lines[-1], q.lines[0]
    if abs(a.size - b.size) > 0.12 * max(a.size, b.size):
        return False
    if a.page == b.page and not _column_flow(a, b, stats):
        return False
    b_text = b.text  # made from the glyphs at each read: read once for the patterns below
    if p.refs and _starts_entry(p.lines[0].text):
        return not _starts_entry(b_text)
    if _room_for_next(a, b):
        return False
    if _starts_entry(b_text) and (q.refs or p.refs):
        return False
    if _BULLET.match(b_text) or _LABEL.match(b_text):
        return False
    indented = _indented(b, _own_left(q))
    if stats.uses_indent:
        return not indented
    if indented:
        return False
    return not _ends_terminal(a)


def _own_left(q: Para) -> float | None:
    """The left edge of ``q``'s own lines, when it has several: its block may be wider (a
    caption across the page above a column that starts further right)."""
    return min(ln.x0 for ln in q.lines[:6]) if len(q.lines) >= 2 else None


def _column_flow(a: Line, b: Line, stats: Stats) -> bool:
    """Can text run from line ``a`` on to line ``b`` on the same page?

    Either down from a wide block into the column under it (same left edge, no
    gap), or up to the top of the next column to the right, as wide as this one.
    """
    wa = a.region[1] - a.region[0]
    wb = b.region[1] - b.region[0]
    if b.base > a.base:
        return abs(
            b.region[0] - a.region[0]
        ) <= a.size and b.base - a.base <= 3 * stats.typical_pitch(a.size)
    return b.x0 >= a.region[0] + 0.5 * wa and 0.75 <= wb / max(wa, 1.0) <= 1.33


def find_footnotes(page: PageLayout, stats: Stats, in_refs: bool) -> list[Line]:
    """Move small-print notes at the foot of the page out of its blocks; return their lines."""
    if in_refs:
        return []
    notes: list[Line] = []
    limit = 0.55 * page.height
    for b in page.blocks:
        if not isinstance(b, TextBlock) or len(b.lines) < 1:
            continue
        if any(_REF_HEADING.match(ln.text) for ln in b.lines):
            break  # the reference list starts on this page: small print below it is references
        k = len(b.lines)
        while (
            k > 0 and b.lines[k - 1].size <= 0.88 * stats.body_size and b.lines[k - 1].top >= limit
        ):
            k -= 1
        if k == len(b.lines):
            continue
        tail = b.lines[k:]
        first = tail[0]
        if _CAPTION.match(first.text):
            continue  # a figure's caption under it at the foot of the page is text, not a note
        starts_marked = bool(first.glyphs and first.glyphs[0].raised) or bool(
            _FOOTNOTE_MARK.match(first.text)
        )
        if not starts_marked and first.top < 0.7 * page.height:
            continue  # unmarked small print counts only right at the foot (correspondence notes)
        if (
            k > 0
            and first.base - b.lines[k - 1].base
            <= stats.typical_pitch(b.lines[k - 1].size) * 1.15 + 0.3
        ):
            continue  # no gap above: part of the text, not a note
        # nothing of body size may sit below the notes in the same columns
        below = [
            ln
            for bb in page.blocks
            if isinstance(bb, TextBlock)
            for ln in bb.lines
            if ln.base > first.base
            and ln.size > 0.88 * stats.body_size
            and ln.x1 > first.x0
            and ln.x0 < max(t.x1 for t in tail)
        ]
        if below:
            continue
        if (
            not starts_marked
            and first.top < 0.9 * page.height
            and _small_print_around(b, tail, page, stats)
        ):
            # small cells side by side, or under more of them: a table, not a note (in the
            # page's bottom margin, pieces of one footer line stand side by side too)
            continue
        notes.extend(tail)
        b.lines = b.lines[:k]
    page.blocks = [b for b in page.blocks if not isinstance(b, TextBlock) or b.lines]
    return notes


def _small_print_around(block: TextBlock, tail: list[Line], page: PageLayout, stats: Stats) -> bool:
    """Is ``tail`` part of more small print: a line of another block on one of its
    baselines (cells of a row), or right above its first line (the rows before)?"""
    small = 0.88 * stats.body_size
    bases = [ln.base for ln in tail]
    first = tail[0]
    x1 = max(ln.x1 for ln in tail)
    for other in page.blocks:
        if other is block or not isinstance(other, TextBlock):
            continue
        for ln in other.lines:
            if ln.size > small:
                continue
            if any(abs(ln.base - b) < 0.3 * ln.size for b in bases):
                return True
            above = first.base - ln.base
            if ln.x1 > first.x0 and ln.x0 < x1 and 0 < above <= 1.6 * stats.typical_pitch(ln.size):
                return True
    return False


# --------------------------------------------------------------------------- text


class _RoundedCoordinates(dict):
    """A glyph's top or bottom → rounded to 0.01 pt (for output), computed on the first
    look-up: the glyphs of a line share their top and bottom, so most look-ups are hits."""

    def __missing__(self, v: float) -> float:
        w = round(v, 2)
        if v:  # 0.0 and -0.0 are one key but round to two values
            self[v] = w
        return w


_R2 = _RoundedCoordinates()  # emptied before and after each document (assemble)


@dataclass
class TextOut:
    """The growing document text with page, bbox and citations for each character.

    The boxes are kept flat, four coordinates a character (x0, top, x1, bottom, rounded to
    0.01 pt as they are output) in one array of doubles: a box is 32 bytes, not a tuple and
    four float objects; the pages are an array of ints."""

    chars: list[str] = field(default_factory=list)
    boxes: array = field(default_factory=lambda: array("d"))
    pages: array = field(default_factory=lambda: array("i"))
    citations: list[Citation] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.chars)

    def put_glyphs(
        self,
        glyphs: list[Glyph],
        i: int,
        prev: Glyph | None,
        size: float,
        page: int,
        stop_raised: bool = False,
    ) -> int:
        """Append the glyphs from ``glyphs[i]`` on (up to the first raised one, with
        ``stop_raised``), each with its box, a space inserted before a glyph where
        :func:`gap_space` sees one after the glyph before it (``prev`` for the first) and
        the text does not end in one; return the index of the first glyph not written.

        One call for a run of glyphs, not one for each: this runs for every glyph of the
        document."""
        chars, boxes, pages = self.chars, self.boxes, self.pages
        append, extend, add_page = chars.append, boxes.extend, pages.append
        r = _R2
        wide_cjk, wide = WORD_GAP_CJK * size, WORD_GAP * size  # gap_space, inline
        n = len(glyphs)
        while i < n:
            g = glyphs[i]
            if stop_raised and g.raised:
                break
            c = g.char
            if prev is not None and chars and chars[-1] != " ":
                if g.space_before:
                    self.put_inserted(" ")
                else:
                    a = prev.char
                    gap = c.x0 - a.x1
                    if gap > (wide_cjk if is_cjk(a.text) or is_cjk(c.text) else wide):
                        self.put_inserted(" ")
            append(c.text)
            extend((round(c.x0, 2), r[c.top], round(c.x1, 2), r[c.bottom]))
            add_page(page)
            prev = g
            i += 1
        return i

    def extend(self, other: TextOut) -> None:
        """Append another text's characters, boxes and pages (not its citations)."""
        self.chars.extend(other.chars)
        self.boxes.extend(other.boxes)
        self.pages.extend(other.pages)

    def put_inserted(self, ch: str) -> None:
        self.chars.append(ch)
        if self.pages:
            self.boxes.extend(self.boxes[-4:])
            self.pages.append(self.pages[-1])
        else:
            self.boxes.extend((0.0, 0.0, 0.0, 0.0))
            self.pages.append(1)

    def pop(self) -> None:
        """Take back the last character."""
        self.chars.pop()
        del self.boxes[-4:]
        self.pages.pop()

    def last(self) -> str:
        return self.chars[-1] if self.chars else ""


def _citation_ok(raw: str, before: str) -> bool:
    """Is a raised run a citation marker (not an exponent, unit power, or note mark)?"""
    body = raw.strip()
    bracketed = body.startswith("[") and body.endswith("]")
    if bracketed:
        body = body[1:-1].strip()
    elif body.startswith("(") and body.endswith(")"):
        body = body[1:-1].strip()
        bracketed = True
    if not _CITE_BODY.match(body):
        return False
    if any(int(n) == 0 for n in re.findall(r"\d+", body)):
        return False
    if bracketed:
        return True
    if not before or before.isdigit() or before in "×x^+-−":
        return False  # 10⁵, 2³
    if body in ("2", "3") and _UNIT_BEFORE.search(before):
        return False  # m², cm³, kg/m²
    return True


class Writer:
    """Writes paragraphs into a :class:`TextOut`."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats
        self.out = TextOut()
        self.tables: list[dict] = []

    # ---- paragraphs
    def paragraph(self, para: Para) -> None:
        if len(self.out):
            self.out.put_inserted("\n")
            self.out.put_inserted("\n")
        start = len(self.out)
        if para.kind == "table" and para.table is not None:
            self._table(para.table)
            return
        local = TextOut()
        local_cites: list[Citation] = []
        for k, line in enumerate(para.lines):
            if k:
                self._join(local, para.lines[k - 1], line)
            self._line(local, line, local_cites, para, first=k == 0)
        if not para.refs and para.kind == "text":
            local, local_cites = _pull_inline_citations(local, local_cites)
        # strip leading/trailing spaces of the paragraph
        while local.chars and local.chars[-1] == " ":
            local.pop()
        self.out.extend(local)
        for c in local_cites:
            self.out.citations.append(Citation(start + min(c.offset, len(local)), c.refs, c.raw))
        if not local.chars and len(self.out) >= 2 and start == len(self.out):
            # nothing written: take back the separator
            for _ in range(2):
                self.out.pop()

    def _join(self, local: TextOut, a: Line, b: Line) -> None:
        """Join two lines of a paragraph: undo hyphenation, pick space or nothing."""
        last = local.last()
        # a line whose glyphs are all raised or lowered (small print in a figure) starts at its first
        first_glyph = next((g for g in b.glyphs if not g.raised), b.glyphs[0] if b.glyphs else None)
        first = first_glyph.char.text if first_glyph else ""
        if (
            last
            and last in HYPHENS
            and len(local.chars) >= 2
            and local.chars[-2].isalpha()
            and first.isalpha()
        ):
            i = len(local.chars) - 1
            j = i
            while j > 0 and local.chars[j - 1].isalpha():
                j -= 1
            left = "".join(local.chars[j:i])
            before = local.chars[j - 1] if j > 0 else ""
            right = ""
            prev_g = None
            for g in b.glyphs:
                if not g.char.text.isalpha() or (
                    prev_g is not None and gap_space(prev_g, g, b.size)
                ):
                    break
                right += g.char.text
                prev_g = g
            if last == "\u00ad" or join_hyphenated(
                left, right, before, self.stats.words, self.stats.hyphenated
            ):
                local.pop()
            return
        if not last or last == " ":
            return
        if last in "–—" and len(local.chars) >= 2 and local.chars[-2] != " ":
            return  # "hypothalamic–" + "pituitary"; a spaced dash ("tendency – namely") keeps its space
        if is_cjk(last) or is_cjk(first) or last == "/" or not first:
            return
        local.put_inserted(" ")

    def _line(
        self, local: TextOut, line: Line, cites: list[Citation], para: Para, first: bool
    ) -> None:
        glyphs = line.glyphs
        size = line.size
        i = 0
        n = len(glyphs)
        prev: Glyph | None = None
        while i < n:
            if glyphs[i].raised:
                i, prev = self._raised(local, line, i, prev, cites, para, first)
            else:
                i = local.put_glyphs(glyphs, i, prev, size, line.page, stop_raised=True)
                prev = glyphs[i - 1]

    def _raised(
        self,
        local: TextOut,
        line: Line,
        i: int,
        prev: Glyph | None,
        cites: list[Citation],
        para: Para,
        first: bool,
    ) -> tuple[int, Glyph | None]:
        """Write the run of raised glyphs from ``line.glyphs[i]`` on: a citation marker is
        taken out of the text (a space kept where it stood between words), other raised
        text is written. Returns where the run ends, and the glyph the next one follows."""
        glyphs, size = line.glyphs, line.size
        n = len(glyphs)
        j = i
        while j < n and glyphs[j].raised:
            j += 1
        run = glyphs[i:j]
        raw = "".join(
            ("" if k == 0 or not x.space_before else " ") + x.char.text for k, x in enumerate(run)
        )
        leading = first and not any(ch.isalnum() for ch in local.chars)
        before = next((ch for ch in reversed(local.chars) if ch != " "), "")
        if para.refs and leading:
            local.put_glyphs(run, 0, prev, size, line.page)
            local.put_inserted(" ")
            return j, None
        # a raised mark opening a paragraph is a note or affiliation mark, not a citation
        if (i > 0 or not first) and _citation_ok(raw, before):
            body = raw.strip()
            if body[:1] in "[(" and body[-1:] in "])":
                body = body[1:-1]
            nxt = glyphs[j] if j < n else None
            space_before = prev is not None and gap_space(prev, run[0], size)
            space_after = nxt is not None and gap_space(run[-1], nxt, size)
            cites.append(Citation(len(local), tuple(parse_citation_refs(body)), raw.strip()))
            if nxt is not None:
                nxt_text = nxt.char.text
                want = space_after or (
                    space_before and (nxt_text.isalnum() and not is_cjk(nxt_text))
                )
                if want and local.chars and local.chars[-1] != " ":
                    local.put_inserted(" ")
            return j, None
        # not a citation: keep as text
        local.put_glyphs(run, 0, prev, size, line.page)
        return j, run[-1]

    # ---- tables
    def _table(self, table: TableBlock) -> None:
        start = len(self.out)
        cells = []
        by_row: dict[int, dict[int, list[Line]]] = defaultdict(dict)
        colspan: dict[tuple[int, int], int] = {}
        header: dict[tuple[int, int], bool] = {}
        for cell in table.cells:
            by_row[cell.row][cell.col] = cell.lines
            colspan[(cell.row, cell.col)] = cell.colspan
            header[(cell.row, cell.col)] = cell.header
        for r in range(table.n_rows):
            if r:
                self.out.put_inserted("\n")
            for c in range(table.n_cols):
                if c:
                    self.out.put_inserted("\t")
                lines = by_row[r].get(c)
                if not lines:
                    continue
                cs = len(self.out)
                local = TextOut()
                for k, line in enumerate(lines):
                    if k:
                        self._join(local, lines[k - 1], line)
                    local.put_glyphs(line.glyphs, 0, None, line.size, line.page)
                self.out.extend(local)
                bx = [ln.bbox for ln in lines]
                cells.append(
                    {
                        "row": r,
                        "col": c,
                        "text": "".join(local.chars),
                        "start": cs,
                        "end": len(self.out),
                        "page": lines[0].page,
                        "rowspan": 1,
                        "colspan": colspan[(r, c)],
                        "header": header[(r, c)],
                        "bbox": [
                            round(min(b[0] for b in bx), 2),
                            round(min(b[1] for b in bx), 2),
                            round(max(b[2] for b in bx), 2),
                            round(max(b[3] for b in bx), 2),
                        ],
                    }
                )
        self.tables.append(table_record(table, start, len(self.out), cells))


def table_record(table: TableBlock, start: int, end: int, cells: list[dict]) -> dict:
    """A ``Document.tables`` entry.

    ``{"page": 3, "pages": [3], "bbox": [x0, top, x1, bottom], "n_rows": 12, "n_cols": 4,
    "start": 5210, "end": 5630, "cells": [{"row": 0, "col": 1, "text": "HR",
    "start": 5215, "end": 5217, "bbox": [...]}, …]}`` — ``start``/``end`` are
    offsets in ``Document.text``, where the table stands as one paragraph with a
    row per line and cells separated by a tab; rows and columns count from 0.
    A table continued on the next page is one table (``pages`` lists both; ``bbox``
    is its part on the first page; the header it repeats there is dropped). Each cell
    also has its ``page``, ``rowspan`` (1), ``colspan`` (the columns it spans: a header
    over the arm columns) and ``header`` (in the leading rows without numbers), as the
    tables of the other readers do; a cell's lines set on two lines are one cell.
    """
    return {
        "page": table.page,
        "pages": list(table.pages),
        "bbox": [round(v, 2) for v in table.bbox],
        "n_rows": table.n_rows,
        "n_cols": table.n_cols,
        "start": start,
        "end": end,
        "cells": cells,
    }


def _pull_inline_citations(local: TextOut, cites: list[Citation]) -> tuple[TextOut, list[Citation]]:
    """Remove bracketed citation markers set on the baseline ("survival [3].")."""
    text = "".join(local.chars)
    if "[" not in text and "［" not in text:
        return local, cites
    keep = [True] * len(text)
    new: list[tuple[int, Citation]] = []
    for m in _INLINE_CITE.finditer(text):
        if m.start() == 0 or not text[: m.start()].strip():
            continue  # an entry number at the start, not a citation
        body = m.group(2)
        if any(int(n) == 0 for n in re.findall(r"\d+", body)):
            continue
        s = m.start()
        e = m.end()
        # keep the space before if the marker sat between two words
        if m.group(1) and e < len(text) and text[e] == " ":
            s += 1
        elif m.group(1) and e < len(text) and text[e].isalnum():
            s += 1
        for k in range(s, e):
            keep[k] = False
        new.append((s, Citation(s, tuple(parse_citation_refs(body)), "[" + body + "]")))
    if not new:
        return local, cites
    # remap offsets
    prefix = [0] * (len(text) + 1)
    for k in range(len(text)):
        prefix[k + 1] = prefix[k] + (1 if keep[k] else 0)
    boxes = local.boxes
    out = TextOut(
        [ch for ch, k in zip(local.chars, keep, strict=True) if k],
        array("d"),
        array("i", [p for p, k in zip(local.pages, keep, strict=True) if k]),
    )
    for k, kept in enumerate(keep):
        if kept:
            out.boxes.extend(boxes[4 * k : 4 * k + 4])
    moved = [Citation(prefix[min(c.offset, len(text))], c.refs, c.raw) for c in cites]
    moved += [Citation(prefix[s], c.refs, c.raw) for s, c in new]
    moved.sort(key=lambda c: c.offset)
    return out, moved


# --------------------------------------------------------------------------- driver


def assemble(pages: list[PageLayout]) -> tuple[TextOut, list[dict], list[dict]]:
    """Write all pages; return the text, the table records and the footnotes. Each page's
    ``blocks`` are emptied once the page is written (its glyphs are let go)."""
    _R2.clear()
    _join_split_tables(pages)
    stats = collect_stats(pages)
    writer = Writer(stats)
    footnotes: list[dict] = []
    heights = {page.number: page.height for page in pages}
    in_refs = False
    pending: Para | None = None  # the last paragraph, held back in case the next block continues it
    # captions and page-foot blocks met while ``pending`` waits for its continuation: written
    # after it, so that a sentence a figure or a foot block cut in two comes out whole
    held: list[Para] = []

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            writer.paragraph(pending)
            pending = None
        for para in held:
            writer.paragraph(para)
        held.clear()

    for page in pages:
        notes = find_footnotes(page, stats, in_refs)
        if notes:
            footnotes.extend(_footnote_records(page.number, notes))
        for block in page.blocks:
            if isinstance(block, TableBlock):
                flush()
                writer.paragraph(Para("table", table=block))
                continue
            paras, in_refs_after = split_block(block, stats, in_refs)
            in_refs = in_refs_after
            opening = True  # no paragraph of this block written or pending yet
            for k, para in enumerate(paras):
                if (
                    pending is not None
                    and opening
                    and _after(pending, para, held)
                    and not _CAPTION.match(para.lines[0].text if para.lines else "")
                    and _continues(pending, para, stats)
                ):
                    pending.lines.extend(para.lines)
                    opening = False
                    if k + 1 < len(paras):
                        flush()
                elif pending is not None and _interposed(pending, para, held, stats, heights):
                    held.append(para)
                else:
                    flush()
                    pending = para
                    opening = False
        # written (or held in ``pending``/``held``, which keep their own lines): the page's
        # glyphs can go, so that a long document's pages are not all held until the end
        page.blocks = []
    flush()
    _R2.clear()
    if writer.out.chars and writer.out.chars[-1] != "\n":
        writer.out.put_inserted("\n")
    return writer.out, writer.tables, footnotes


def _header_texts(table: TableBlock) -> list[tuple[int, int, str]]:
    return [
        (c.row, c.col, " ".join(spaced_text(ln) for ln in c.lines)) for c in table.cells if c.header
    ]


def _after(p: Para, q: Para, held: list[Para]) -> bool:
    """Does ``q`` come after every paragraph held since ``p``: on a later page, below them,
    or at the top of the next column (a foot block under ``p``'s column)?"""
    b = q.lines[0] if q.lines else None
    a = p.lines[-1] if p.lines else None
    for h in held:
        last = h.lines[-1] if h.lines else None
        if b is None or last is None or b.page > last.page or b.top > last.bottom:
            continue
        next_column = a is not None and b.page == a.page and b.x0 >= a.region[1]
        if not next_column or _CAPTION.match(h.lines[0].text):
            return False
    return True


_CAPTION = re.compile(
    r"^\s*(?:Fig(?:ure)?\.?|Table|Scheme|图|表|附图|附表)\s*\d{1,2}[A-Za-z]?(?![\d.]\d)"
)
_HELD_MAX = 8


def _interposed(
    p: Para, q: Para, held: list[Para], stats: Stats, heights: dict[int, float]
) -> bool:
    """Does ``q`` stand between the unfinished paragraph ``p`` and its continuation?

    A caption under ``p`` (a figure interrupts the column), or a block set off at the foot
    of ``p``'s page (an article's DOI and "cite this" box, a copyright strip), while ``p``
    stops mid-sentence at the bottom of its column. Later paragraphs below ``p`` on that
    page join the ones held.
    """
    if p.kind != "text" or q.kind == "table" or len(p.lines) < 2 or not q.lines:
        return False  # a one-line paragraph (a label in a figure) is not run on past anything
    a, b = p.lines[-1], q.lines[0]
    if len(held) >= _HELD_MAX or p.refs or q.refs or b.page < a.page:
        return False
    caption = bool(_CAPTION.match(b.text))
    if b.page > a.page:
        # a figure at the top of the next page, its caption read before the text it interrupts,
        # and the small print under that caption (its "doi:…g004" line)
        if held and held[-1].lines and held[-1].lines[-1].page == b.page:
            return b.top > held[-1].lines[-1].bottom and b.size <= 0.88 * stats.body_size
        return caption and not _ends_terminal(a) and a.x1 >= a.region[1] - 2 * a.size
    if b.top <= a.bottom:
        return False
    if held:
        return True
    if _ends_terminal(a) or a.x1 < a.region[1] - 2 * a.size:
        return False
    if caption:
        return True
    return b.base - a.base > 2.5 * stats.typical_pitch(a.size) and b.top >= 0.7 * heights.get(
        a.page, 1e9
    )


def _join_split_tables(pages: list[PageLayout]) -> None:
    """A table that ends one page and goes on at the top of the next is one table.

    The part on the next page has as many columns, and may stand under a "续表3" / "Table 2
    (continued)" line; the header rows it repeats are dropped (all of them, or some: a
    repeat without the row over the arm columns), and a section label at its top ("实验室检查")
    is a row of the body, not a header. A header alone at the foot of a page is read into
    the columns of the body under it on the next page; with no body there it is lines again.
    A table may run over several pages.
    """
    prev: TableBlock | None = None
    prev_page: PageLayout | None = None
    for page in pages:
        k = 0
        while k < len(page.blocks) and _continued_line(page.blocks[k]):
            k += 1
        first = page.blocks[k] if k < len(page.blocks) else None
        if prev is not None and isinstance(first, TableBlock) and _continue_table(prev, first):
            del page.blocks[k]
            if len(page.blocks) <= k:  # the page held only the table's next part
                continue
        elif prev is not None and prev_page is not None and prev.fallback:
            _unread_header(prev_page, prev)
        last = page.blocks[-1] if page.blocks else None
        prev, prev_page = (last, page) if isinstance(last, TableBlock) else (None, None)
    if prev is not None and prev_page is not None and prev.fallback:
        _unread_header(prev_page, prev)


# the line above a table's part on the next page: "续表3", "续表", "Table 2 (continued)"
_CONTINUED = re.compile(
    r"^\s*(?:续\s*表\s*\d*|(?:table\s*\d+[a-z]?\.?\s*)?\(?\s*cont(?:inued|['’]d|\.)\s*\)?)",
    re.IGNORECASE,
)


def _continued_line(block: object) -> bool:
    return (
        isinstance(block, TextBlock)
        and len(block.lines) == 1
        and bool(_CONTINUED.match(block.lines[0].text))
    )


def _continue_table(table: TableBlock, part: TableBlock) -> bool:
    """Join ``part`` (at the top of the next page) to ``table``; False when it is another table."""
    if table.fallback:
        cols = _body_columns(part)
        if cols is None or not _under(table, part):
            return False
        cells, rows = header_cells(table.segments, cols)
        if _own_header(part, cells):
            return False  # a header of its own, not a repeat: another table
        table.cells, table.n_rows, table.n_cols = cells, rows, part.n_cols
        table.fallback, table.segments = [], []
    elif part.n_cols != table.n_cols:
        return False
    drop = _repeated_rows(part, table.cells)
    for cell in part.cells:
        cell.row += table.n_rows - drop
    table.cells.extend(c for c in part.cells if not (drop and c.header))
    table.n_rows += part.n_rows - drop
    table.pages.extend(part.pages)
    return True


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _repeated_rows(part: TableBlock, header: list) -> int:
    """How many leading rows of ``part`` repeat the table's header (their cells' texts are
    among its header texts); a lone header cell that repeats nothing is a section label at
    the top of the part: a body row."""
    head = _header_texts(part)
    if not head:
        return 0
    known = {_norm(" ".join(spaced_text(ln) for ln in c.lines)) for c in header if c.header}
    if all(_norm(t) in known for _, _, t in head):
        return max(r for r, _, _ in head) + 1
    rows = {r for r, _, _ in head}
    if all(sum(1 for q, _, _ in head if q == r) == 1 for r in rows):
        for cell in part.cells:
            if cell.header:
                cell.header, cell.colspan = False, 1
    return 0


def _own_header(part: TableBlock, header: list) -> bool:
    """Does ``part`` start with header rows of several cells that do not repeat ``header``?"""
    head = _header_texts(part)
    known = {_norm(" ".join(spaced_text(ln) for ln in c.lines)) for c in header}
    rows = {r for r, _, _ in head}
    return any(sum(1 for q, _, _ in head if q == r) > 1 for r in rows) and not all(
        _norm(t) in known for _, _, t in head
    )


def _body_columns(part: TableBlock) -> list[tuple[float, float]] | None:
    """The x-extents of the columns of a table's part, from its cells of one column."""
    cols: list[tuple[float, float]] = []
    for c in range(part.n_cols):
        boxes = [
            ln.bbox
            for cell in part.cells
            if cell.col == c and cell.colspan == 1
            for ln in cell.lines
        ]
        if not boxes:
            return None
        cols.append((min(b[0] for b in boxes), max(b[2] for b in boxes)))
    return cols


def _under(header: TableBlock, part: TableBlock) -> bool:
    """Is the header set over the part's width (the same margins on both pages)?"""
    size = statistics.median(s.size for s in header.segments)
    x0, x1 = part.bbox[0], part.bbox[2]
    return abs(header.bbox[0] - x0) <= 2 * size and header.bbox[2] <= x1 + 2 * size


def _unread_header(page: PageLayout, table: TableBlock) -> None:
    """A header at the foot of a page with no body after it: its lines, as they were read."""
    k = page.blocks.index(table)
    blocks: list = page.blocks[:k]
    for line in table.fallback:
        prev = blocks[-1] if blocks else None
        if isinstance(prev, TextBlock) and prev.lines[-1].region_id == line.region_id:
            prev.lines.append(line)
        else:
            blocks.append(TextBlock(page.number, [line], line.region))
    page.blocks = blocks + page.blocks[k + 1 :]
    page.body_lines += len(table.fallback)


def _footnote_records(page: int, lines: list[Line]) -> list[dict]:
    """One record per note: a marked line starts a note, the lines under it continue it."""
    notes: list[list[Line]] = []
    for line in lines:
        marked = bool(line.glyphs and line.glyphs[0].raised) or bool(
            _FOOTNOTE_MARK.match(line.text)
        )
        if marked or not notes:
            notes.append([line])
        else:
            notes[-1].append(line)
    records = []
    for note in notes:
        boxes = [ln.bbox for ln in note]
        text = " ".join(spaced_text(ln) for ln in note)
        records.append(
            {
                "page": page,
                "text": re.sub(r"(?<=[a-z])- (?=[a-z])", "", text),
                "bbox": [
                    round(min(b[0] for b in boxes), 2),
                    round(min(b[1] for b in boxes), 2),
                    round(max(b[2] for b in boxes), 2),
                    round(max(b[3] for b in boxes), 2),
                ],
            }
        )
    return records

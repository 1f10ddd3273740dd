"""Normalization: Document text → normalized text + offset map.

Each step is a small, individually switchable function ``str -> (str, origin)``
where ``origin[i]`` is the index in the step's input of output character ``i``.
The steps' maps are composed, so every character of the normalized text maps
back to a character of :attr:`Document.text` and from there to page and bbox.

Steps (names used in ``pipelines/*.toml``):

- ``controls``: control characters out — C0 but tab and newline, DEL, C1 (a PDF's
  ESC or BEL, a text file's stray bytes); form feed, vertical tab, the separators
  U+001C–U+001E and NEL become a newline; a lone UTF-16 surrogate becomes U+FFFD.
  It always runs, first, whether a pipeline lists it or not: nothing downstream
  wants control characters.
- ``ligatures``: ﬁ → fi, ﬂ → fl …
- ``fullwidth``: full-width digits, Latin letters and operators to ASCII
  (``１２．４％`` → ``12.4%``, ``Ｐ＜０．０５`` → ``P<0.05``); Chinese punctuation stays.
- ``dashes``: hyphen/minus variants → ``-``, tilde variants (～ 〜 ∼) → ``~``.
- ``whitespace``: NBSP and other spaces → space, runs of spaces → one, no
  trailing spaces, at most one blank line. Tabs stay: they separate table cells.
- ``join_paragraphs``: re-join a paragraph that a page or column break split
  where the first part cannot have ended (a trailing comma, a Chinese sentence
  stopping between two ideographs, English going on in lower case); Chinese
  joins without a space, Latin with one. This repairs converter output such as
  the seed text; on PDF documents, whose paragraphs the reader joined from the
  layout, only the trailing-comma rule applies.
"""

from __future__ import annotations

import operator
import re
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .document import BBox, Citation, Document
from .errors import PipelineConfigError

StepFn = Callable[[str], tuple[str, list[int]]]


_TABLE_PATTERNS: dict[int, tuple[dict[str, str], re.Pattern[str]]] = {}


def _table_pattern(table: dict[str, str]) -> re.Pattern[str]:
    """A character class of the table's keys (compiled once per table)."""
    hit = _TABLE_PATTERNS.get(id(table))
    if hit is None or hit[0] is not table:
        chars = "".join(re.escape(k) for k in table if len(k) == 1)
        hit = _TABLE_PATTERNS[id(table)] = (table, re.compile(f"[{chars}]" if chars else r"(?!)"))
    return hit[1]


def _new_origin(compact: bool) -> list[int] | array:
    """An origin map to fill: a list (the steps' public form) or, for :func:`normalize`, an
    array of int64 (8 bytes a character, not a pointer and an int object)."""
    return array("q") if compact else []


def _chain(first: array | None, second: array | None) -> array | None:
    """:func:`compose` of two compact maps; None stands for the identity."""
    if first is None:
        return second
    if second is None:
        return first
    return array("q", map(first.__getitem__, second))


def _translate(text: str, table: dict[str, str], compact: bool = False) -> tuple[str, Any]:
    """Replace single characters by the table; the regex finds the few that change, so the
    characters in between are copied in slices rather than one by one."""
    out: list[str] = []
    origin = _new_origin(compact)
    pos = 0
    for m in _table_pattern(table).finditer(text):
        i = m.start()
        if i > pos:
            out.append(text[pos:i])
            origin.extend(range(pos, i))
        rep = table[m.group()]
        out.append(rep)
        origin.extend([i] * len(rep))
        pos = i + 1
    if not pos:
        return text, None if compact else _identity(len(text))
    out.append(text[pos:])
    origin.extend(range(pos, len(text)))
    return "".join(out), origin


def _sub(
    text: str,
    pattern: re.Pattern[str],
    repl: Callable[[re.Match[str]], str],
    compact: bool = False,
) -> tuple[str, Any]:
    """Regex substitution that keeps an origin map (replacement chars map to the match start)."""
    out: list[str] = []
    origin = _new_origin(compact)
    pos = 0
    for m in pattern.finditer(text):
        out.append(text[pos : m.start()])
        origin.extend(range(pos, m.start()))
        rep = repl(m)
        out.append(rep)
        if rep == m.group(0):
            origin.extend(range(m.start(), m.end()))
        else:
            span = max(m.end() - m.start(), 1)
            origin.extend(m.start() + min(k, span - 1) for k in range(len(rep)))
        pos = m.end()
    out.append(text[pos:])
    origin.extend(range(pos, len(text)))
    return "".join(out), origin


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x0d\x0e-\x1f\x7f-\x9f]+")
_LINE_BREAKING = frozenset("\x0b\x0c\x0d\x1c\x1d\x1e\x85")


_SURROGATES = re.compile("[\ud800-\udfff]")


def controls(text: str, compact: bool = False) -> tuple[str, Any]:
    """Remove control characters; those that end a line (form feed, NEL …) become a newline.

    A lone UTF-16 surrogate (half of a character a PDF library split) becomes U+FFFD: no
    file, database or terminal takes it.
    """
    if _SURROGATES.search(text):
        text = _SURROGATES.sub("\ufffd", text)
    if not _CONTROLS.search(text):
        return text, None if compact else _identity(len(text))
    return _sub(
        text,
        _CONTROLS,
        lambda m: "\n" if any(c in _LINE_BREAKING for c in m.group(0)) else "",
        compact,
    )


_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}


def ligatures(text: str, compact: bool = False) -> tuple[str, Any]:
    return _translate(text, _LIGATURES, compact)


_FULLWIDTH: dict[str, str] = {chr(0xFF10 + i): str(i) for i in range(10)}
_FULLWIDTH.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_FULLWIDTH.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_FULLWIDTH.update(
    {
        "％": "%",
        "＜": "<",
        "＞": ">",
        "＝": "=",
        "＋": "+",
        "．": ".",
        "／": "/",
        "≦": "≤",
        "≧": "≥",
        "⩽": "≤",
        "⩾": "≥",
        "﹤": "<",
        "﹥": ">",
        "＇": "'",
        "＂": '"',
    }
)


def fullwidth(text: str, compact: bool = False) -> tuple[str, Any]:
    return _translate(text, _FULLWIDTH, compact)


_DASHES = {
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2212": "-",
    "\uff0d": "-",
    "\ufe63": "-",
    "～": "~",
    "〜": "~",
    "∼": "~",
    "\u02dc": "~",
}


def dashes(text: str, compact: bool = False) -> tuple[str, Any]:
    return _translate(text, _DASHES, compact)


# a raised or middle dot between digits is a decimal point (The Lancet: "HR 0·77 [95% CI 0·61–0·97];
# p=0·03"); elsewhere (a list separator, "Smith · Jones") it stays
_DECIMAL_DOT = re.compile(r"(?<=\d)[\u00b7\u2219\u22c5](?=\d)")


def decimal_points(text: str, compact: bool = False) -> tuple[str, Any]:
    if "\u00b7" not in text and "\u2219" not in text and "\u22c5" not in text:
        return text, None if compact else _identity(len(text))
    return _sub(text, _DECIMAL_DOT, lambda m: ".", compact)


_SPACES = re.compile(r"[ \u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_TRAILING = re.compile(r" +(?=\n)|(?<=\n) +")
_BLANKS = re.compile(r"\n{3,}")


def whitespace(text: str, compact: bool = False) -> tuple[str, Any]:
    t1, o1 = _sub(text, _SPACES, lambda m: " ", compact)
    t2, o2 = _sub(t1, _TRAILING, lambda m: "", compact)
    o1 = _chain(o1, o2) if compact else compose(o1, o2)
    del o2  # one origin map of the text's length less at a time
    t3, o3 = _sub(t2, _BLANKS, lambda m: "\n\n", compact)
    return t3, _chain(o1, o3) if compact else compose(o1, o3)


_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_END_PUNCT = "。！？!?.:：;；)）」』”\"'"
_CONTINUE_PUNCT = "，,、（(“‘-—"


def _is_heading(par: str) -> bool:
    p = par.strip()
    if len(p) > 60:
        return False
    if re.match(
        r"^(?:#+\s|\d+(?:\.\d+)*\s|[一二三四五六七八九十]+[、.]|第[一二三四五六七八九十\d]+)", p
    ):
        return True
    # short, and not a sentence fragment (lower-case start, a comma inside or at the end)
    return len(p) < 25 and not p[:1].islower() and not re.search(r"[，,、]", p)


def _join_kind(prev: str, nxt: str, strict: bool = False) -> str | None:
    """How to join two paragraphs split by a page/column break: '' (CJK), ' ' (Latin) or None.

    Only where the break cannot be a paragraph end: the first part ends on a
    comma-like mark ("研究中，" / "and,"), or a Chinese sentence stops mid-way
    (ideograph against ideograph), or an English one continues in lower case.
    Tables (tab-separated rows) and headings are never joined.
    """
    a, b = prev.rstrip(), nxt.lstrip()
    if not a or not b or "\t" in a or "\t" in b or _is_heading(a):
        return None
    last, first = a[-1], b[0]
    # after a trailing comma only a numbered heading or entry can start anew
    if _is_heading(b) and not (last in _CONTINUE_PUNCT and len(b) > 4):
        return None
    if last in _END_PUNCT:
        return None
    if re.match(r"^(?:\[\d+\]|[-•*]\s|\d+(?:\.\d+)*\s)", b):
        return None
    cjk = re.compile(f"[{_CJK}（）()，、]")
    if last in _CONTINUE_PUNCT:
        return "" if cjk.match(first) or cjk.match(last) else " "
    if strict:
        return None
    if len(a) >= 40 and re.match(f"[{_CJK}]", last) and re.match(f"[{_CJK}]", first):
        return ""
    if len(a) >= 40 and (last.isalnum() or last in ",;") and first.islower():
        return " "
    return None


_PARA_BREAK = re.compile(r"\n[ \t]*\n")


def _join_paragraphs(text: str, strict: bool, compact: bool = False) -> tuple[str, Any]:
    pieces = _PARA_BREAK.split(text)
    seps = [m.group(0) for m in _PARA_BREAK.finditer(text)]
    out: list[str] = []
    origin = _new_origin(compact)
    pos = 0
    for i, piece in enumerate(pieces):
        out.append(piece)
        origin.extend(range(pos, pos + len(piece)))
        pos += len(piece)
        if i < len(seps):
            sep = seps[i]
            how = _join_kind(piece, pieces[i + 1], strict)
            if how is None:
                out.append(sep)
                origin.extend(range(pos, pos + len(sep)))
            elif how:
                out.append(how)
                origin.append(pos)
            pos += len(sep)
    return "".join(out), origin


def join_paragraphs(text: str, compact: bool = False) -> tuple[str, Any]:
    return _join_paragraphs(text, strict=False, compact=compact)


def join_paragraphs_pdf(text: str, compact: bool = False) -> tuple[str, Any]:
    """``join_paragraphs`` for PDF text: the reader has joined by layout; only a trailing comma is left."""
    return _join_paragraphs(text, strict=True, compact=compact)


STEPS: dict[str, StepFn] = {
    "ligatures": ligatures,
    "fullwidth": fullwidth,
    "dashes": dashes,
    "decimal_points": decimal_points,
    "whitespace": whitespace,
    "join_paragraphs": join_paragraphs,
    "controls": controls,  # always runs, and first (see normalize)
}
# the steps that can give their map as an array (``compact=True``)
_COMPACT = frozenset(
    (controls, ligatures, fullwidth, dashes, decimal_points, whitespace)
    + (join_paragraphs, join_paragraphs_pdf)
)
DEFAULT_STEPS: tuple[str, ...] = (
    "controls",
    "ligatures",
    "fullwidth",
    "dashes",
    "decimal_points",
    "whitespace",
    "join_paragraphs",
)


class _Identity(list):
    """The origin map of a step that changed nothing: ``[0, 1, …, n - 1]``, marked as such so
    that :func:`normalize` skips it without comparing it element by element."""


def _identity(n: int) -> list[int]:
    return _Identity(range(n))


def _unchanged(text: str, new_text: str, origin: Sequence[int]) -> bool:
    """Did a step change nothing (the same text, each character mapped to itself)?"""
    if type(origin) is _Identity:
        return new_text == text and len(origin) == len(text)
    n = len(text)
    return (
        new_text == text
        and len(origin) == n
        and (not n or (origin[0] == 0 and origin[-1] == n - 1))
        and all(map(operator.eq, origin, range(n)))
    )


def compose(first: Sequence[int], second: Sequence[int]) -> list[int]:
    """Origin map of two steps in a row: ``second`` indexes ``first``'s output."""
    return [first[j] for j in second]


@dataclass
class NormalizedDocument:
    """Normalized text of a document, each character mapped back to the reader's text."""

    doc: Document
    text: str
    origin: Sequence[int]  # a list, or an array of int64 (normalize)
    citations: list[Citation] = field(default_factory=list)
    steps: tuple[str, ...] = DEFAULT_STEPS

    def source_offset(self, i: int) -> int:
        if not self.origin:
            return 0
        return self.origin[min(max(i, 0), len(self.origin) - 1)]

    def page_of(self, i: int) -> int:
        return self.doc.page_of(self.source_offset(i))

    def bbox_of(self, i: int) -> BBox | None:
        return self.doc.bbox_of(self.source_offset(i))


def normalize(doc: Document, steps: Sequence[str] = DEFAULT_STEPS) -> NormalizedDocument:
    """Apply the named steps in order; raise PipelineConfigError for an unknown step.

    ``controls`` runs first whether ``steps`` lists it or not.
    """
    text = doc.text
    # None while no step has changed anything; then the composed map, 8 bytes a character
    origin: array | None = None
    steps = ("controls", *(s for s in steps if s != "controls"))
    for name in steps:
        try:
            fn = STEPS[name]
            if name == "join_paragraphs" and doc.format == "pdf":
                fn = join_paragraphs_pdf
        except KeyError as e:
            raise PipelineConfigError(
                f"unknown normalization step {name!r}; known: {', '.join(STEPS)}"
            ) from e
        if fn in _COMPACT:  # a step of this module: its map comes as an array, None if identity
            new_text, step_origin = fn(text, compact=True)
            if step_origin is None or _unchanged(text, new_text, step_origin):
                if new_text is not text and new_text != text:
                    text = new_text  # changed in place (a lone surrogate): the same map
                continue
        else:
            new_text, step_origin = fn(text)
            if _unchanged(text, new_text, step_origin):
                continue  # the step changed nothing (the common case): no map to compose
        text = new_text
        if origin is None:
            origin = step_origin if isinstance(step_origin, array) else array("q", step_origin)
        else:
            origin = array("q", map(origin.__getitem__, step_origin))
        del step_origin
    if origin is None:
        origin = array("q", range(len(text)))
    # citation offsets: first normalized position whose origin is at or after the marker
    cites: list[Citation] = []
    if doc.citations:
        import bisect

        for c in doc.citations:
            j = bisect.bisect_left(origin, c.offset)
            cites.append(Citation(j, c.refs, c.raw))
    return NormalizedDocument(
        doc=doc, text=text, origin=origin, citations=cites, steps=tuple(steps)
    )

"""Stamps: text a download platform or a publisher laid over every page.

"Content courtesy of Springer Nature, terms of use apply. Rights reserved", a
"Downloaded from … on …" strip, a text watermark: each is drawn by one run of the
content stream in a font of its own, and the same words come back on page after
page. Laid over the running footer, its glyphs would interleave with the footer's
(``(2Con) 1te:9nt6 1courtesy of S|phrttipnsg://…``) and neither could be recognised.

:func:`find_stamps` takes such runs out of the pages' characters before the layout
sees them; their text is kept with the page's furniture (``Page.removed``).
"""

from __future__ import annotations

import re
from collections import Counter

from .chars import Char, PageChars

_MIN_CHARS = 12  # a stamp says something: not a page number, not a lone symbol
_SHARE = 0.5  # on at least half of the pages
_MIN_OVERLAP = 3  # glyphs of other text inside the run's box: it is laid over them


def _runs(chars: list[Char]) -> list[tuple[int, int]]:
    """Maximal runs of the content stream in one font and size on one baseline:
    (start, end) indices."""
    out: list[tuple[int, int]] = []
    if not chars:
        return out
    sizes = _SizeTenths()  # a page uses few sizes: each rounded once
    start = 0
    first = chars[0]
    key, base, tol = (first.font, sizes[first.size]), first.base, 0.5 * first.size
    for i in range(1, len(chars)):
        c = chars[i]
        if (c.font, sizes[c.size]) != key or abs(c.base - base) > tol:
            out.append((start, i))
            start = i
            key, base, tol = (c.font, sizes[c.size]), c.base, 0.5 * c.size
    out.append((start, len(chars)))
    return out


class _SizeTenths(dict):
    """A font size → rounded to 0.1 pt, computed on the first look-up."""

    def __missing__(self, size: float) -> float:
        r = self[size] = round(size, 1)
        return r


def _key(text: str) -> str:
    """The words of a run as compared across pages: a stamp says the same on every page
    (a running footer laid under it carries the page number)."""
    return re.sub(r"\s+", "", text).lower()


def _overlaps_other_text(chars: list[Char], a: int, b: int) -> bool:
    """Is the run ``chars[a:b]`` laid over other glyphs of the page (some of them inside its box)?"""
    x0 = min(c.x0 for c in chars[a:b])
    x1 = max(c.x1 for c in chars[a:b])
    top = min(c.top for c in chars[a:b])
    bottom = max(c.bottom for c in chars[a:b])
    hits = 0
    for i, c in enumerate(chars):
        if a <= i < b or c.text.isspace():
            continue
        cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
        if x0 <= cx <= x1 and top <= cy <= bottom:
            hits += 1
            if hits >= _MIN_OVERLAP:
                return True
    return False


def _candidates(pc: PageChars) -> list[tuple[str, int, int]]:
    """Runs in a font and size nothing else on the page uses, long enough to say something,
    laid over other text."""
    chars = pc.chars
    runs = _runs(chars)
    uses = Counter((chars[a].font, round(chars[a].size, 1)) for a, _ in runs)
    out = []
    for a, b in runs:
        if uses[(chars[a].font, round(chars[a].size, 1))] != 1:
            continue
        text = "".join(c.text for c in chars[a:b])
        if sum(1 for ch in text if ch.isalpha()) >= _MIN_CHARS and _overlaps_other_text(
            chars, a, b
        ):
            out.append((_key(text), a, b))
    return out


def find_stamps(pages: list[PageChars]) -> dict[int, list[str]]:
    """Remove stamp runs from the pages' characters (in place); return their text by page.

    A stamp is a run of characters in a font and size used by nothing else on its page,
    laid over other text of the page, whose text comes back, the same, on at least
    half of the document's pages, and on two at least. A running head in a font of its
    own, set apart from everything, is left to the furniture rules of the layout.
    """
    found = {pc.number: stamp_candidates(pc) for pc in pages if pc.chars}
    stamps = stamp_keys(found, len(pages))
    out: dict[int, list[str]] = {}
    if not stamps:
        return out
    for pc in pages:
        cut_stamps(pc, found.get(pc.number, []), stamps, out)
    return out


def stamp_candidates(pc: PageChars) -> list[tuple[str, int, int]]:
    """The runs of one page that may be stamps: (key, start, end) in ``pc.chars``."""
    return _candidates(pc)


def stamp_keys(found: dict[int, list[tuple[str, int, int]]], n_pages: int) -> set[str]:
    """The candidates' keys that come back on enough of the document's ``n_pages`` pages."""
    counts = Counter(k for cands in found.values() for k in {k for k, _, _ in cands})
    need = max(2, int(_SHARE * n_pages + 0.999))
    return {k for k, n in counts.items() if n >= need}


def cut_stamps(
    pc: PageChars,
    cands: list[tuple[str, int, int]],
    stamps: set[str],
    out: dict[int, list[str]],
) -> None:
    """Take the page's stamp runs out of its characters; their text goes to ``out``."""
    cut = [(a, b) for k, a, b in cands if k in stamps]
    if not cut:
        return
    drop = set()
    for a, b in cut:
        drop.update(range(a, b))
        out.setdefault(pc.number, []).append(
            " ".join("".join(c.text for c in pc.chars[a:b]).split())
        )
    pc.chars = [c for i, c in enumerate(pc.chars) if i not in drop]

"""Warnings for a document that was read, but perhaps not whole.

A damaged PDF often opens and gives text, just less of it: a content stream that does
not decode is skipped, a cross-reference table that points astray hides objects. The
reader then still succeeds, and nothing would say that text is missing. These
functions say it, as warnings ``{"code", "message", "page"?}`` (codes in
:data:`extract.errors.WARNING_CODES`) that go with the document into
``documents.jsonl``, the store and the run's table:

- :func:`page_warnings`: streams that failed to decode (from the reader's
  :class:`~extract.readers.limits.DamageLog`), pages much emptier than the pages
  around them, pages left out as scanned or junk;
- :func:`text_warnings`: control characters (C0 but tab, newline and form feed, DEL,
  C1) and U+FFFD replacement characters in the text.

The PDF reader adds its own: a file cut short, a broken cross-reference table
(:func:`~extract.readers.limits.structure_warnings`), the two backends disagreeing.
"""

from __future__ import annotations

import re
from statistics import median
from typing import Any

from .chars import PageChars
from .limits import DamageLog

SPARSE_SHARE = 0.15
"""A page is *sparse* when it holds less than this share of the text of the pages around it…"""
SPARSE_MIN_NEIGHBOURS = 600
"""…and those pages hold at least this many characters (other than white space) each, typically."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _pages(pages: list[int]) -> str:
    return ", ".join(str(p) for p in pages)


def page_warnings(
    read: list[PageChars],
    scanned: list[int],
    junk: list[int],
    damage: DamageLog | None,
    counts: list[int] | None = None,
) -> list[dict[str, Any]]:
    """What a PDF's pages say about text that may be missing (see the module doc).

    ``counts``: each page's characters other than white space, when the pages no longer hold
    their characters (counted from ``read`` otherwise)."""
    out: list[dict[str, Any]] = []
    if damage is not None:
        for page in sorted(
            set(damage.failed) | set(damage.partial), key=lambda p: (p is not None, p or 0)
        ):
            failed, partial = damage.failed.get(page, 0), damage.partial.get(page, 0)
            what = []
            if failed:
                what.append(f"{_plural(failed, 'stream')} failed to decode")
            if partial:
                what.append(f"{_plural(partial, 'stream')} decoded only in part")
            where = f"page {page}" if page is not None else "opening the file"
            w: dict[str, Any] = {
                "code": "stream_damaged",
                "message": f"{where}: {' and '.join(what)}; text may be missing",
            }
            if page is not None:
                w["page"] = page
            out.append(w)
    skipped = sorted(set(scanned) | set(junk))
    if skipped:
        out.append(
            {
                "code": "pages_skipped",
                "message": f"page(s) {_pages(skipped)} left out: "
                + ("scanned, no text layer" if not junk else "scanned or junk text")
                + " (--ocr reads them)",
                "pages": skipped,
            }
        )
    out += _sparse_pages(read, set(skipped), counts)
    return out


def _sparse_pages(
    read: list[PageChars], skipped: set[int], counts: list[int] | None = None
) -> list[dict[str, Any]]:
    """Pages with much less text than the pages around them (not the last page, which often
    holds the end of an article; not pages mostly covered by images: figures)."""
    if counts is None:
        counts = [sum(1 for c in pc.chars if not c.text.isspace()) for pc in read]
    out = []
    for i, pc in enumerate(read):
        if i == len(read) - 1 or pc.number in skipped or pc.image_coverage >= 0.3:
            continue
        around = [
            counts[j]
            for j in range(max(0, i - 2), min(len(read), i + 3))
            if j != i and read[j].number not in skipped
        ]
        if len(around) < 2:
            continue
        typical = median(around)
        if typical >= SPARSE_MIN_NEIGHBOURS and counts[i] < SPARSE_SHARE * typical:
            out.append(
                {
                    "code": "sparse_page",
                    "page": pc.number,
                    "message": f"page {pc.number} has {counts[i]} characters where the pages around it have "
                    f"about {int(typical)}; its text may not have been read",
                }
            )
    return out


def text_warnings(text: str) -> list[dict[str, Any]]:
    """Control and replacement characters in a document's text."""
    out: list[dict[str, Any]] = []
    controls = _CONTROL.findall(text)
    if controls:
        kinds = sorted(set(controls))
        shown = ", ".join(f"U+{ord(c):04X}" for c in kinds[:5]) + (" …" if len(kinds) > 5 else "")
        out.append(
            {
                "code": "control_chars",
                "message": f"{_plural(len(controls), 'control character')} "
                f"({shown}) in the text; normalization removes them",
            }
        )
    bad = text.count("\ufffd") + len(re.findall("[\ud800-\udfff]", text))
    if bad:
        out.append(
            {
                "code": "replacement_chars",
                "message": f"{_plural(bad, 'U+FFFD replacement character')} "
                "in the text: glyphs or bytes that did not decode",
            }
        )
    return out

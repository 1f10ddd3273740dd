"""Is a page's text layer text? Scanned, empty and junk pages.

A page is judged from its characters alone:

- ``ok``: readable text;
- ``scanned``: (almost) no characters but images over half the page — needs OCR;
- ``empty``: no characters and no page-sized image (a blank or figure-only page);
- ``junk``: the characters decode to garbage: ``(cid:N)`` codes, control or
  private-use code points, U+FFFD, GBK bytes shown as Latin-1 (``Í¼`` for 图),
  or a soup of ASCII punctuation from a font without a usable encoding.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .chars import PageChars

_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_LATIN1_OK = set("°±×÷·µ²³¹¼½¾®©§¶«»¢£¥¿¡ªº¯´¨¸")


@dataclass(frozen=True)
class Verdict:
    kind: str  # ok | scanned | empty | junk
    reason: str = ""
    n_chars: int = 0


def judge(page: PageChars) -> Verdict:
    chars = [c.text for c in page.chars if not c.text.isspace()]
    n = len(chars)
    if n < 5:
        if page.image_coverage >= 0.5:
            return Verdict(
                "scanned", f"no text layer, images cover {page.image_coverage:.0%} of the page", n
            )
        return Verdict("empty", "no characters", n)
    cid = sum(1 for t in chars if t.startswith("(cid:"))
    text = "".join(t for t in chars if not t.startswith("(cid:"))
    bad = sum(
        1 for ch in text if ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs")
    )
    latin1 = sum(1 for ch in text if "\u0080" <= ch <= "\u00ff" and ch not in _LATIN1_OK)
    punct = sum(1 for ch in text if ch in _PUNCT)
    if (cid + bad) / n > 0.1:
        return Verdict(
            "junk", f"{(cid + bad) / n:.0%} of the characters are unmapped glyph codes", n
        )
    if latin1 / n > 0.05 and _gbk_mojibake(text):
        return Verdict("junk", "Chinese text decoded as Latin-1 (font without a ToUnicode map)", n)
    if n >= 40 and punct / n > 0.3:
        return Verdict(
            "junk",
            f"{punct / n:.0%} of the characters are ASCII symbols: a font without "
            "a usable encoding",
            n,
        )
    return Verdict("ok", "", n)


def _gbk_mojibake(text: str) -> bool:
    """Do runs of Latin-1 letters re-read as GBK give Chinese characters?"""
    runs, cur = [], []
    for ch in text:
        if "\u0080" <= ch <= "\u00ff":
            cur.append(ch)
        else:
            if len(cur) >= 2:
                runs.append("".join(cur))
            cur = []
    if len(cur) >= 2:
        runs.append("".join(cur))
    hits = 0
    for r in runs:
        try:
            decoded = r.encode("latin-1").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if any("\u4e00" <= ch <= "\u9fff" for ch in decoded):
            hits += 1
    return hits >= 3 or (runs and hits >= 0.5 * len(runs))

"""Glyph repair: characters a text layer gives as private-use code points.

A font without a usable ToUnicode map (Symbol, Wingdings, a journal's own digit font)
leaves its glyphs at private-use code points: Word's "Symbol" bullet is U+F0B7, a
Wingdings bullet U+F09F, and a Chinese journal font sets the decimal point between
full-width digits as one (``７``\\uF0xx``７ 个月`` is 7.7 months). Passed on, such a
character splits a number in two, and 7.7 becomes 7.

:func:`repair_page` resolves them, in this order:

1. **font encoding**: a symbol font's private-use code ``U+F0xx`` is the byte ``xx``
   of the font's built-in encoding (:data:`SYMBOL_FONTS`: Adobe Symbol, Wingdings,
   ZapfDingbats), which says what the glyph is;
2. **the other backend's reading**: pdfplumber and PDFium map glyphs by different
   routes (ToUnicode, the embedded font's cmap); a glyph one reads as private-use
   and the other as a real character at the same place takes the real one;
3. **context**: a private-use glyph between two digits of one line is the decimal
   point (full-width ``．`` between full-width digits, ``.`` otherwise).

What is repaired is kept (``metadata["glyph_repairs"]``); a page where a private-use
glyph remains gets an ``unresolved_glyphs`` warning, and the glyph stays what it is:
never a guess that could turn one number into another.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from .chars import Char, PageChars

# Adobe Symbol encoding where it differs from ASCII (the Greek letters, operators, arrows)
_SYMBOL: dict[int, str] = {
    0x22: "∀",
    0x24: "∃",
    0x27: "∋",
    0x2A: "∗",
    0x2D: "−",
    0x40: "≅",
    0x5C: "∴",
    0x5E: "⊥",
    0x60: "\u203e",
    0x7E: "∼",
    0xA2: "′",
    0xA3: "≤",
    0xA4: "⁄",
    0xA5: "∞",
    0xA7: "♣",
    0xA8: "♦",
    0xA9: "♥",
    0xAA: "♠",
    0xAB: "↔",
    0xAC: "←",
    0xAD: "↑",
    0xAE: "→",
    0xAF: "↓",
    0xB0: "°",
    0xB1: "±",
    0xB2: "″",
    0xB3: "≥",
    0xB4: "×",
    0xB5: "∝",
    0xB6: "∂",
    0xB7: "•",
    0xB8: "÷",
    0xB9: "≠",
    0xBA: "≡",
    0xBB: "≈",
    0xBC: "…",
    0xC4: "⊗",
    0xC5: "⊕",
    0xC6: "∅",
    0xC7: "∩",
    0xC8: "∪",
    0xCE: "∈",
    0xCF: "∉",
    0xD5: "∏",
    0xD6: "√",
    0xD7: "⋅",
    0xD8: "¬",
    0xD9: "∧",
    0xDA: "∨",
    0xDE: "⇒",
    0xE5: "∑",
    0xF2: "∫",
}
_SYMBOL.update({0x20 + i: chr(0x20 + i) for i in range(0x5F) if 0x20 + i not in _SYMBOL})
_SYMBOL.update(zip(range(0x41, 0x5B), "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ", strict=True))
_SYMBOL.update(zip(range(0x61, 0x7B), "αβχδεφγηιϕκλμνοπθρστυϖωξψζ", strict=True))

# Wingdings: the bullets, boxes, ticks and arrows documents use as list marks
_WINGDINGS: dict[int, str] = {
    0x4A: "☺",
    0x4C: "☹",
    0x6C: "●",
    0x6E: "■",
    0x6F: "□",
    0x71: "❑",
    0x75: "◆",
    0x76: "❖",
    0x9F: "•",
    0xA7: "▪",
    0xA8: "◻",
    0xD8: "➢",
    0xE8: "➔",
    0xFB: "✗",
    0xFC: "✓",
}

# ZapfDingbats (ITC): the list marks
_DINGBATS: dict[int, str] = {
    0x33: "✓",
    0x34: "✔",
    0x37: "✗",
    0x6C: "●",
    0x6E: "■",
    0x75: "◆",
    0x76: "❖",
    0xA8: "♣",
}

SYMBOL_FONTS: dict[str, dict[int, str]] = {
    "symbol": _SYMBOL,
    "wingdings": _WINGDINGS,
    "zapfdingbats": _DINGBATS,
    "dingbats": _DINGBATS,
}
"""Built-in encodings of symbol fonts, by the font's base name in lower case (subset
prefix ``ABCDEF+`` and style suffix ``,Bold`` / ``-Regular`` dropped)."""


def is_private(ch: str) -> bool:
    """A code point of the Basic Multilingual Plane's private-use area."""
    return len(ch) == 1 and 0xE000 <= ord(ch) <= 0xF8FF


def base_font(name: str) -> str:
    """``ABCDEE+Wingdings-Regular`` → ``wingdings``."""
    name = name.split("+", 1)[1] if "+" in name[:8] else name
    for sep in (",", "-"):
        name = name.split(sep, 1)[0]
    return name.strip().lower().replace(" ", "")


def _from_font(c: Char) -> str | None:
    code = ord(c.text)
    table = SYMBOL_FONTS.get(base_font(c.font))
    if table is None or not 0xF000 <= code <= 0xF0FF:
        return None
    return table.get(code - 0xF000)


def _from_other(c: Char, other: list[Char]) -> str | None:
    """The other backend's character whose box holds this glyph's centre, if it is real."""
    cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
    for o in other:
        if o.x0 <= cx <= o.x1 and o.top <= cy <= o.bottom and o.angle == c.angle:
            t = o.text
            if len(t) == 1 and not is_private(t) and t != "\ufffd" and not t.isspace():
                return t
    return None


_FULLWIDTH_DIGITS = frozenset("０１２３４５６７８９")


def _is_digit(ch: str) -> bool:
    return ch.isascii() and ch.isdigit() or ch in _FULLWIDTH_DIGITS


def _neighbour(chars: list[Char], i: int, step: int) -> Char | None:
    """The nearest glyph other than white space before (step -1) or after (+1) ``i``,
    if it stands on the same line within one em."""
    c = chars[i]
    j = i + step
    while 0 <= j < len(chars) and chars[j].text.isspace():
        j += step
    if not 0 <= j < len(chars):
        return None
    n = chars[j]
    em = max(c.size, n.size, 1.0)
    if abs(n.base - c.base) > 0.4 * em:
        return None
    gap = c.x0 - n.x1 if step < 0 else n.x0 - c.x1
    return n if -0.3 * em <= gap <= em else None


def _from_context(chars: list[Char], i: int) -> str | None:
    before, after = _neighbour(chars, i, -1), _neighbour(chars, i, 1)
    if before is None or after is None:
        return None
    if not (_is_digit(before.text) and _is_digit(after.text)):
        return None
    wide = before.text in _FULLWIDTH_DIGITS and after.text in _FULLWIDTH_DIGITS
    return "．" if wide else "."


def repair_page(
    pc: PageChars, other: Callable[[], list[Char] | None] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Resolve the page's private-use glyphs in place; return (repairs, warnings).

    ``other`` gives the other backend's characters of the same page (called only
    when a glyph is left after the font encodings). A repair is
    ``{"page", "code", "text", "how", "count"}``, ``how`` one of ``font_encoding``,
    ``other_backend``, ``context``.
    """
    chars = pc.chars
    todo = [i for i, c in enumerate(chars) if is_private(c.text)]
    if not todo:
        return [], []
    done: Counter[tuple[str, str, str]] = Counter()
    left: list[int] = []
    for i in todo:
        rep = _from_font(chars[i])
        if rep is None:
            left.append(i)
        else:
            done[(chars[i].text, rep, "font_encoding")] += 1
            chars[i].text = rep
    if left and other is not None:
        theirs = other() or []
        rest = []
        for i in left:
            rep = _from_other(chars[i], theirs)
            if rep is None:
                rest.append(i)
            else:
                done[(chars[i].text, rep, "other_backend")] += 1
                chars[i].text = rep
        left = rest
    remaining: Counter[str] = Counter()
    for i in left:
        rep = _from_context(chars, i)
        if rep is None:
            remaining[chars[i].text] += 1
        else:
            done[(chars[i].text, rep, "context")] += 1
            chars[i].text = rep
    repairs = [
        {"page": pc.number, "code": f"U+{ord(src):04X}", "text": rep, "how": how, "count": n}
        for (src, rep, how), n in sorted(done.items())
    ]
    warnings = []
    if remaining:
        codes = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(remaining))
        n = sum(remaining.values())
        warnings.append(
            {
                "code": "unresolved_glyphs",
                "page": pc.number,
                "message": f"page {pc.number}: {n} private-use glyph(s) ({codes}) that neither "
                "the font's encoding, the other PDF backend nor the context resolves; "
                "the text there may not be what the page shows",
            }
        )
    return repairs, warnings

"""Undoing line-end hyphenation in English text.

A line that ends in ``dis-`` followed by a line starting ``ease`` was broken by
the typesetter: the reader should give ``disease``. A line ending ``non-``
followed by ``small-cell`` carries a real hyphen: ``non-small-cell`` stays.
:func:`join_hyphenated` decides, in this order:

1. the next line must start with a lower-case letter (``KEYNOTE-`` + ``590``,
   ``PD-`` + ``L1`` keep their hyphen), and the part before the hyphen must be
   a plain word (no capitals after the first letter, not itself after a hyphen);
2. evidence from the document itself: the joined word appears elsewhere
   unbroken (join), or the hyphenated form appears inside a line (keep);
3. an English word list (``english-words``, with simple inflection stripping):
   the joined word is a word (join); both halves are words (keep: ``follow-up``);
4. the hyphenation patterns (``pyphen``): a typesetter would break the joined
   word exactly there (join); otherwise keep the hyphen.
"""

from __future__ import annotations

from collections.abc import Container
from functools import lru_cache

HYPHENS = "-\u2010\u00ad"


@lru_cache(maxsize=1)
def _words() -> frozenset[str]:
    try:
        from english_words import get_english_words_set
    except ImportError:  # pragma: no cover - declared dependency
        return frozenset()
    return frozenset(get_english_words_set(["web2", "gcide"], lower=True, alpha=True))


@lru_cache(maxsize=1)
def _pyphen():
    try:
        import pyphen
    except ImportError:  # pragma: no cover - declared dependency
        return None
    return pyphen.Pyphen(lang="en_US")


_SUFFIXES = (
    ("ies", "y"),
    ("ied", "y"),
    ("ying", "y"),
    ("ing", ""),
    ("ing", "e"),
    ("ed", ""),
    ("ed", "e"),
    ("es", ""),
    ("s", ""),
    ("ly", ""),
    ("ally", ""),
    ("er", ""),
    ("ers", ""),
    ("ised", "ize"),
    ("ise", "ize"),
    ("ising", "ize"),
    ("isation", "ization"),
    ("our", "or"),
    ("ment", ""),
    ("ness", ""),
    ("al", ""),
    ("ic", ""),
)


def is_word(word: str) -> bool:
    """True if ``word`` (lower case) or a simple inflection of it is an English word."""
    words = _words()
    w = word.lower()
    if len(w) < 2:
        return False
    if w in words:
        return True
    for suffix, rep in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            stem = w[: -len(suffix)]
            if stem + rep in words:
                return True
            if not rep and len(stem) > 3 and stem[-1] == stem[-2] and stem[:-1] in words:
                return True  # controlled → control
    if "ae" in w and w.replace("ae", "e") in words:  # British oesophag-/anaem- spellings
        return True
    if w.startswith("oe") and ("e" + w[2:]) in words:
        return True
    return False


def join_hyphenated(
    left: str,
    right: str,
    before: str = "",
    joined_seen: Container[str] = (),
    hyphenated_seen: Container[str] = (),
) -> bool:
    """Should ``left-`` + newline + ``right`` become ``leftright`` (True) or ``left-right``?

    Args:
        left: the letters before the line-end hyphen (``"dis"``).
        right: the letters starting the next line (``"ease"``).
        before: the character before ``left`` (a hyphen there means a compound).
        joined_seen: lower-cased words that occur unbroken elsewhere in the document.
        hyphenated_seen: lower-cased ``left-right`` forms that occur inside a line.
    """
    if not left or not right or not right[0].islower() or not left.isalpha() or not right.isalpha():
        return False
    if before and before in HYPHENS:
        return False
    if any(ch.isupper() for ch in left[1:]):
        return False
    joined = (left + right).lower()
    if f"{left.lower()}-{right.lower()}" in hyphenated_seen:
        return False
    if joined in joined_seen:
        return True
    if is_word(joined):
        return True
    if is_word(left) and is_word(right) and len(left) >= 2:
        return False
    dic = _pyphen()
    if dic is not None and len(left) in dic.positions(joined):
        return True
    return False

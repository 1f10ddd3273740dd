"""How close is extracted text to the text a PDF was made from?

Two measures, used by the PDF tests and ``benchmarks/pdf_reading.py``:

- :func:`edit_distance`: Levenshtein distance between the two texts after
  :func:`canonical` (paragraphs on their own line, runs of white space as one
  space), divided by the length of the expected text. 0 is identical; 0.02 is
  two edits per hundred characters.
- :func:`paragraph_order`: every expected paragraph is found (by short probes
  from its start, middle and end) and the paragraphs come in the expected
  order. Interleaved columns fail this even when most characters are right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLANK = re.compile(r"\n[ \t]*\n")
_WS = re.compile(r"\s+")


def paragraphs(text: str) -> list[str]:
    """Paragraphs of ``text`` (blank-line separated), each with white space collapsed."""
    out = []
    for p in _BLANK.split(text):
        p = _WS.sub(" ", p).strip()
        if p:
            out.append(p)
    return out


def canonical(text: str) -> str:
    return "\n".join(paragraphs(text))


def edit_distance(expected: str, got: str) -> float:
    """Normalized character edit distance (0 = identical)."""
    try:
        from rapidfuzz.distance import Levenshtein
    except ImportError as e:  # pragma: no cover - declared dependency
        raise ImportError("edit_distance needs rapidfuzz: pip install rapidfuzz") from e
    a, b = canonical(expected), canonical(got)
    return Levenshtein.distance(a, b) / max(len(a), 1)


@dataclass(frozen=True)
class Order:
    ok: bool
    found: int
    total: int
    first_missing: str = ""
    first_out_of_order: str = ""


def paragraph_order(expected: str, got: str, probe: int = 16) -> Order:
    """Are the expected paragraphs all present, in order, in ``got``?"""
    hay = _WS.sub("", got)
    pos = -1
    found = 0
    total = 0
    missing = ""
    disorder = ""
    for p in paragraphs(expected):
        q = _WS.sub("", p)
        if len(q) < 2 * probe:
            continue
        total += 1
        probes = [q[:probe], q[len(q) // 2 : len(q) // 2 + probe], q[-probe:]]
        hits = []
        for k, pr in enumerate(probes):
            start = hay.find(pr, max(pos, 0)) if k else hay.find(pr, max(pos - probe, 0))
            if start < 0:
                start = hay.find(pr)
            hits.append(start)
        valid = [h for h in hits if h >= 0]
        if not valid:
            missing = missing or p[:60]
            continue
        found += 1
        here = min(valid)
        if here < pos - probe:
            disorder = disorder or p[:60]
        pos = max(pos, max(valid))
    return Order(found == total and not disorder, found, total, missing, disorder)

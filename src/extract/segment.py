"""Segmentation: normalized text → paragraphs → sentences, each with a language.

Sentences end at 。！？ and at English ``. ``/``? ``/``! `` followed by a capital
or a CJK character — but never inside brackets (``（mOS: 12.4个月 vs. 9.8个月；…）``
is one sentence) and never after abbreviations (vs., et al., e.g., Fig., No.) or
inside numbers. Tokens come later, from spaCy (``nlp.py``), on these spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_RE = re.compile(r"[A-Za-z]")

_OPEN = "([{（【［〔「『"
_CLOSE = ")]}）】］〕」』"
_ABBREV = re.compile(
    r"(?:\bvs|\bet al|\be\.g|\bi\.e|\bFig|\bfig|\bNo|\bno|\bVol|\bvol|\bpp|\bRef|\bref|\bapprox|\bca|\bcf"
    r"|\bDr|\bMr|\bMs|\bProf|\bSt|\bJan|\bFeb|\bMar|\bApr|\bJun|\bJul|\bAug|\bSep|\bSept|\bOct|\bNov|\bDec"
    r"|\b[A-Z])\.$"
)


def detect_language(text: str) -> str:
    """``zh`` when CJK characters are a fair share of the letters, else ``en``."""
    cjk = len(_CJK_RE.findall(text))
    latin = len(_LATIN_RE.findall(text))
    # Chinese prose carries trial and drug names in Latin letters, but one Chinese
    # character carries about as much as a five-letter English word.
    return "zh" if cjk >= 2 and cjk * 5 >= latin else "en"


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    lang: str


@dataclass
class Paragraph:
    start: int
    end: int
    text: str
    lang: str
    sentences: list[Sentence] = field(default_factory=list)


# a single capital after these words is an arm's or a category's label, not a name's initial:
# "… in group A. The median …", "arms A and B. Objective …", "hepatitis B. Patients …"
_LABEL_BEFORE = re.compile(
    r"\b(?:arms?|groups?|cohorts?|and|or|type|stage|hepatitis|vitamin)\s+[A-Z]\.$", re.I
)


def _abbreviation_before(text: str, i: int) -> bool:
    """Is the full stop at ``i`` the end of an abbreviation (vs., Fig., an initial)?"""
    window = text[max(0, i - 12) : i + 1]
    return bool(_ABBREV.search(window[-9:])) and not _LABEL_BEFORE.search(window)


def _sentence_ends(text: str) -> list[int]:
    """Offsets (exclusive) where sentences end in one paragraph."""
    ends: list[int] = []
    opened: list[int] = []  # where each bracket still open was opened
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if opened and ch in "。！？.!?" and _unclosed(text, opened[0], i):
            opened.clear()  # a converter dropped the closing bracket: the full stop still ends
        if ch in _OPEN:
            opened.append(i)
        elif ch in _CLOSE:
            if opened:
                opened.pop()
        elif not opened and ch in "。！？":
            j = i + 1
            while j < n and text[j] in "”」』’\"'）)":
                j += 1
            ends.append(j)
            i = j
            continue
        elif not opened and ch in ".!?" and i + 1 < n:
            nxt = text[i + 1]
            if ch == "." and (i > 0 and text[i - 1].isdigit() and nxt.isdigit()):
                i += 1
                continue
            if nxt in " \n" or _CJK_RE.match(nxt):
                k = i + 1
                while k < n and text[k] == " ":
                    k += 1
                follower = text[k] if k < n else ""
                if ch == "." and _abbreviation_before(text, i):
                    i += 1
                    continue
                if follower and (
                    follower.isupper()
                    or follower.isdigit()
                    and ch != "."
                    or _CJK_RE.match(follower)
                    or follower in '([“"'
                ):
                    ends.append(i + 1)
        i += 1
    if not ends or ends[-1] < n:
        ends.append(n)
    return ends


def _unclosed(text: str, at: int, stop: int) -> bool:
    """Is the round or square bracket opened at ``at`` one a converter left unclosed, judged at
    the full stop at ``stop``? An aside in brackets is short ("（P<0.05，表1）"); a bracket still
    open a sentence later ("DFS( P=0.002, 、DDFS中 P=0.001, 和OS( P=0.004, 均显著长于…患者。")
    was never closed. Quotation brackets (「」『』) may hold whole sentences and stay open."""
    if text[at] not in "([（［":
        return False
    return stop - at > (30 if text[stop] in "。！？" else 200)


_PARA = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")


def segment(text: str, start: int = 0, end: int | None = None) -> list[Paragraph]:
    """Split ``text[start:end]`` into paragraphs (blank-line separated) and sentences."""
    end = len(text) if end is None else end
    paragraphs: list[Paragraph] = []
    for m in _PARA.finditer(text, start, end):
        ptext = m.group(0)
        if not ptext.strip():
            continue
        p_start = m.start()
        para = Paragraph(p_start, m.end(), ptext, detect_language(ptext))
        s0 = 0
        for e in _sentence_ends(ptext):
            raw = ptext[s0:e]
            lead = len(raw) - len(raw.lstrip())
            stripped = raw.strip()
            if stripped:
                a = p_start + s0 + lead
                para.sentences.append(
                    Sentence(a, a + len(stripped), stripped, detect_language(stripped))
                )
            s0 = e
        paragraphs.append(para)
    return paragraphs

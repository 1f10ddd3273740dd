"""Reference list ↔ citation markers.

Parses the reference list at the end of a review (``[7] Hironaka S, … (JCOG0807)[J].``),
expands citation markers (``[1-2]``, ``[3,5]``, ``[23-24]``) into reference numbers,
and finds the trial name a reference title gives, so that "一项日本的研究^[7]"
becomes JCOG0807.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DASHES = "-–—~～"
_SPLIT = re.compile(r"[,，、]")


def parse_citation_refs(body: str) -> list[str]:
    """``"1-2"`` → ``["1", "2"]``; ``"3,5-7"`` → ``["3", "5", "6", "7"]`` (ranges up to 50 wide)."""
    body = body.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    out: list[str] = []
    for part in _SPLIT.split(body):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(rf"(\d+)\s*[{_DASHES}]\s*(\d+)", part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if a <= b and b - a <= 50:
                out.extend(str(i) for i in range(a, b + 1))
                continue
        if part.isdigit():
            out.append(str(int(part)))
    seen: list[str] = []
    for r in out:
        if r not in seen:
            seen.append(r)
    return seen


@dataclass(frozen=True)
class Reference:
    """One entry of the reference list."""

    number: str
    text: str
    start: int  # offset of the entry in the normalized text
    end: int

    @property
    def title(self) -> str:
        """The title: the part after the author list, up to the document-type tag ``[J]``."""
        t = self.text
        m = re.search(r"\[(?:J|M|C|D|R|N|S|P|EB/OL|Z)\]", t)
        if m:
            t = t[: m.start()]
        # authors end with "et al." / "等." or the first ". " after the author list
        m = re.search(r"(?:\bet al\.?|等\.?)\s*", t)
        if m:
            return t[m.end() :].strip()
        parts = t.split(". ", 1)
        return parts[1].strip() if len(parts) == 2 else t.strip()


_HEADING = re.compile(
    r"^\s*(?:#+\s*)?(?:参考文献|references|bibliography|literature cited)\s*[:：]?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_ENTRY = re.compile(r"^\s*(?:[-•*]\s*)?\[(\d{1,3})\]\s*(.+)$", re.MULTILINE)
_ENTRY_NUMBERED = re.compile(r"^\s*(\d{1,3})[.．、]\s+(\S.+)$", re.MULTILINE)
_ENTRY_BARE = re.compile(r"^\s*(\d{1,3})\s+([A-Z][A-Za-z'’\-]+,?\s+[A-Z]{1,3}\b.*)$", re.MULTILINE)


# "15 Ussher M, Aveyard P, …" / "[7] Hironaka S, …" / "3. Kojima T, …": a numbered entry that
# opens with an author name (surname, initials)
_AUTHOR_ENTRY = re.compile(
    r"^\s*(?:[-•*]\s*)?\[?(\d{1,3})[\].．、]?\s+[A-Z][A-Za-z'’\-]+,?\s+[A-Z]{1,3}\b",
    re.MULTILINE,
)


def find_reference_section(text: str) -> int | None:
    """Offset where the reference list starts: its heading, or — in PDFs that lose the heading
    — the first of a run of numbered author entries 1, 2, 3… in the last part of the text."""
    matches = list(_HEADING.finditer(text))
    if matches:
        return matches[-1].start()
    entries = [m for m in _AUTHOR_ENTRY.finditer(text) if m.start() > len(text) * 0.4]
    for i, m in enumerate(entries):
        if m.group(1) != "1":
            continue
        last, run = 1, 1
        for later in entries[i + 1 :]:
            n = int(later.group(1))
            if last < n <= last + 3:  # an entry that opens with no author ("4 NHS …") is skipped
                last, run = n, run + 1
        if run >= 5:
            return m.start()
    return None


def parse_references(text: str) -> dict[str, Reference]:
    """Parse the numbered reference list after the last references heading.

    An entry continues over following lines until the next numbered entry
    (converters break long entries; a line starting with "- " continues too).
    """
    start = find_reference_section(text)
    if start is None:
        return {}
    section = text[start:]
    refs: dict[str, Reference] = {}
    matches = list(_ENTRY.finditer(section))
    if len(matches) < 2:
        matches = list(_ENTRY_NUMBERED.finditer(section))
    if len(matches) < 2:
        matches = [m for m in _ENTRY_BARE.finditer(section)]
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(section)
        body = section[m.start(2) : end]
        body = re.sub(r"\s*\n\s*(?:[-•*]\s+)?", " ", body).strip()
        num = m.group(1)
        if num not in refs:
            refs[num] = Reference(num, body, start + m.start(), start + end)
    return refs

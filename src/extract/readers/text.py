"""Plain-text / Markdown reader.

Converter output such as the seed review carries LaTeX math (``$P < 0.0001$``)
and caret citation markers (``^[1-2]``). The reader strips the math delimiters
(and maps a few LaTeX commands to their characters) and turns the markers into
:class:`~extract.document.Citation` annotations, keeping for every output
character its offset in the file, so provenance survives. A form feed starts a
new page; otherwise the whole file is page 1.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..document import Citation, Document, Page
from ..errors import ReaderError
from ..records import doc_id_for_bytes
from ..refs import parse_citation_refs

_LATEX_COMMANDS = {
    r"\geq": "≥", r"\ge": "≥", r"\leq": "≤", r"\le": "≤", r"\pm": "±", r"\times": "×",
    r"\sim": "~", r"\%": "%", r"\approx": "≈", r"\lt": "<", r"\gt": ">", r"\cdot": "·",
    r"\,": " ", r"\;": " ", r"\ ": " ",
}
_MATH = re.compile(r"\$([^$\n]{1,200})\$")
_CMD = re.compile(r"\\(?:geq|ge|leq|le|pm|times|sim|approx|lt|gt|cdot)(?![A-Za-z])|\\[%,; ]")
_CARET_CITATION = re.compile(r"\^\s*\[([0-9０-９,，\-–—~～、\s]{1,40})\]")


def _strip_math(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    origin: list[int] = []
    pos = 0
    for m in _MATH.finditer(text):
        for i in range(pos, m.start()):
            out.append(text[i])
            origin.append(i)
        inner_start = m.start(1)
        inner = m.group(1)
        j = 0
        while j < len(inner):
            c = _CMD.match(inner, j)
            if c:
                out.append(_LATEX_COMMANDS[c.group(0)])
                origin.append(inner_start + j)
                j = c.end()
                continue
            out.append(inner[j])
            origin.append(inner_start + j)
            j += 1
        pos = m.end()
    for i in range(pos, len(text)):
        out.append(text[i])
        origin.append(i)
    return "".join(out), origin


def _pull_citations(text: str, origin: list[int]) -> tuple[str, list[int], list[Citation]]:
    out: list[str] = []
    new_origin: list[int] = []
    cites: list[Citation] = []
    pos = 0
    for m in _CARET_CITATION.finditer(text):
        out.append(text[pos : m.start()])
        new_origin.extend(origin[pos : m.start()])
        offset = sum(len(s) for s in out)
        cites.append(Citation(offset, tuple(parse_citation_refs(m.group(1))), m.group(0)))
        pos = m.end()
    out.append(text[pos:])
    new_origin.extend(origin[pos:])
    return "".join(out), new_origin, cites


def read_text(path: str | Path) -> Document:
    """Read a ``.txt`` / ``.md`` file into a :class:`Document` (UTF-8, GB18030 as fallback)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReaderError(path, f"cannot read file ({e.strerror})", code="io") from e
    if not data.strip():
        raise ReaderError(path, "file is empty", code="empty")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            raw = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise ReaderError(path, "not UTF-8 or GB18030 text", code="encoding")
    if "\x00" in raw:
        raise ReaderError(path, "binary content (NUL bytes) in a text file", code="binary")
    return text_document(raw, path, doc_id_for_bytes(data))


def text_document(raw: str, path: str | Path = "<text>", doc_id: str | None = None) -> Document:
    """Build a :class:`Document` from a string (math delimiters stripped, markers pulled out)."""
    path = Path(path)
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    text, origin = _strip_math(raw)
    text, origin, cites = _pull_citations(text, origin)
    pages: list[Page] = []
    start = 0
    for number, chunk in enumerate(text.split("\f"), start=1):
        end = start + len(chunk)
        pages.append(Page(number=number, start=start, end=end, source="text"))
        start = end + 1
    return Document(
        path=path,
        doc_id=doc_id or doc_id_for_bytes(raw.encode("utf-8")),
        text=text,
        pages=pages,
        citations=cites,
        format="text",
        metadata={"source_offsets": origin},
    )

"""Text inputs with structure: PubMed Central plain text and converter Markdown.

Both are read into the same :class:`~extract.document.Document` as plain text is: a text
whose every character maps back to its offset in the file (``metadata["source_offsets"]``),
paragraphs separated by blank lines, citation markers pulled out. What they add:

- **PMC plain text** (``TITLE:`` / ``ABSTRACT.RESULTS:`` / ``BODY.METHODS.STATISTICS:``
  headings, one paragraph a line): each heading stands alone and is listed in
  ``metadata["headings"]`` so segmentation never takes it for a sentence of results;
  ``metadata["sections"]`` gives every section's path (``["ABSTRACT", "RESULTS"]``) and its
  span in the text. A references heading, where there is one, starts the reference list. A
  table PMC wrote one cell a line is read back into ``Document.tables`` (:mod:`.linetables`).
- **Converter Markdown** (MinerU, marker): LaTeX math decoded into plain text
  (:mod:`.mathtext`), Markdown escapes and image links removed, ``#`` headings listed like
  PMC's, and HTML ``<table>`` blocks (MinerU) and pipe tables (marker) turned into
  ``Document.tables`` entries — ``rowspan``/``colspan`` expanded over the grid — and into one
  paragraph of the text, a row per line and a tab between cells, as the PDF reader writes
  tables. OCR slips (``vS``, ``P50.05``) are left as they are: they are what the file says.

Flavours are told by content (:func:`flavour`), not by suffix: a ``.txt`` can be converter
output and a ``.md`` can be plain prose.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from ..document import Citation
from ..refs import parse_citation_refs
from .inlinetables import InlineTable, inline_tables
from .linetables import CAPTION, LineCell, LineTable, line_table
from .mathtext import CITATION_REFS, _Math, decode_markup, has_converter_math

_PMC_HEADING = re.compile(r"^[ \t]*((?:TITLE|ABSTRACT|BODY)(?:\.[^\n:]*)?):[ \t]*(.*)$", re.M)
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S.*$", re.M)
_HTML_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S | re.I)
_PIPE_TABLE = re.compile(r"(?:^[ \t]*\|.*\|[ \t]*\n){2,}", re.M)
_PIPE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_CARET_CITATION = re.compile(rf"\^\s*\[({CITATION_REFS})\]")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")
_TR = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S | re.I)
_TD = re.compile(r"<(t[dh])\b([^>]*)>(.*?)</\1>", re.S | re.I)
_FENCED_TABLE = re.compile(r"^:::[ \t]*table\b[^\n]*\n(.*?)^:::[ \t]*$", re.M | re.S)
_PIPE_CELL = re.compile(r"(?<=\|)([^|]*)(?=\|)")
_SPAN_LEFT = "<"  # a cell that widens the one on its left (the corpus's composed tables)
_CELL_BREAK = "<br>"  # a line break inside a cell of a fenced table: a space of its length


def flavour(raw: str) -> str:
    """``pmc``, ``converter`` (Markdown from a PDF converter) or ``plain``, from the content."""
    head = raw.lstrip()[:400]
    if head.startswith("TITLE:") and re.search(
        r"^[ \t]*(?:ABSTRACT|BODY)[^\n:]*:[ \t]*$", raw, re.M
    ):
        return "pmc"
    if _HTML_TABLE.search(raw) or has_converter_math(raw) or _IMAGE.search(raw):
        return "converter"
    return "plain"


@dataclass
class Built:
    """A document's text being built: characters, their file offsets, tables, headings."""

    chars: list[str] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    headings: list[tuple[int, int]] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)

    @property
    def pos(self) -> int:
        return len(self.chars)

    def put(self, text: str, origin: list[int] | int) -> None:
        self.chars.extend(text)
        if isinstance(origin, int):
            self.origin.extend([origin] * len(text))
        else:
            assert len(origin) == len(text)
            self.origin.extend(origin)

    def paragraph_break(self, at: int) -> None:
        """End the current paragraph with a blank line (unless the text is empty or ends so)."""
        if not self.chars:
            return
        tail = "".join(self.chars[-2:])
        if tail.endswith("\n\n"):
            return
        self.put("\n" if tail.endswith("\n") else "\n\n", at)


# --------------------------------------------------------------------------- PMC plain text


def build_pmc(raw: str) -> Built:
    """PMC plain text: headings alone, one paragraph a line, sections with their paths; a table
    written a cell a line after its caption (:mod:`.linetables`) laid out as a table."""
    b = Built()
    section: dict | None = None
    lines, pos = [], 0
    for line in raw.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    skip_to = 0
    for n, (start, line) in enumerate(lines):
        if n < skip_to:
            continue
        m = _PMC_HEADING.match(line)
        if m:
            if section is not None:
                section["end"] = b.pos
            b.paragraph_break(start)
            h0 = b.pos
            b.put(m.group(1) + ":", list(range(start + m.start(1), start + m.end(1) + 1)))
            b.headings.append((h0, b.pos))
            section = {
                "heading": m.group(1),
                "path": m.group(1).split("."),
                "start": b.pos,
                "end": None,
            }
            b.sections.append(section)
            if m.group(2).strip():  # "TITLE: Quality of life in …": the title follows on the line
                b.paragraph_break(start + m.start(2))
                text = m.group(2).rstrip()
                b.put(text, list(range(start + m.start(2), start + m.start(2) + len(text))))
            continue
        text = line.strip()
        if not text:
            continue
        lead = len(line) - len(line.lstrip())
        inline = inline_tables(line, start) if "Table" in line or "TABLE" in line else []
        if inline:
            _inline_table_paragraphs(b, line, start, inline)
            continue
        b.paragraph_break(start)
        b.put(text, list(range(start + lead, start + lead + len(text))))
        table = line_table(lines, n) if CAPTION.match(line) else None
        if table is not None:
            _line_table_cells(b, table, text)
            skip_to = table.end
    if section is not None:
        section["end"] = b.pos
    return b


def _inline_table_paragraphs(b: Built, line: str, at: int, tables: list[InlineTable]) -> None:
    """A paragraph line with tables inside it (:mod:`.inlinetables`): the prose before each
    table, its caption, the table (header and rows) laid out as the others, the prose after
    it."""

    def paragraph(lo: int, hi: int) -> None:
        piece = line[lo:hi]
        text = piece.strip()
        if text:
            a = lo + len(piece) - len(piece.lstrip())
            b.paragraph_break(at + a)
            b.put(text, list(range(at + a, at + a + len(text))))

    pos = 0
    for t in tables:
        paragraph(pos, t.start - at)
        paragraph(t.start - at, t.header_start - at)  # the caption; the header is the table's
        _line_table_cells(b, t.table, t.caption)
        pos = t.end - at
    paragraph(pos, len(line))


def _line_table_cells(b: Built, table: LineTable, caption: str) -> None:
    """A table PMC wrote a cell a line (:mod:`.linetables`), laid out as the other tables."""

    def cell(c: LineCell, header: bool = False) -> _Cell:
        origin = list(range(c.start, c.start + len(c.text)))
        return _Cell(c.text, origin, c.start, c.rowspan, c.colspan, header)

    rows = [[cell(c, header=True) for c in r] for r in table.header]
    width = sum(c.colspan for c in table.header[0])
    for r in table.rows:
        cells = [cell(c) for c in r]
        if len(cells) == 1:
            cells[0].colspan = width  # a section row: its label across the table
        rows.append(cells)
    before = len(b.tables)
    _table(b, rows, table.header[0][0].start)
    if len(b.tables) > before:
        b.tables[-1]["caption"] = caption


# --------------------------------------------------------------------------- converter Markdown


def build_converter(raw: str) -> Built:
    """Converter Markdown: math decoded, images out, tables into cells, headings listed."""
    b = Built()
    blocks: list[tuple[int, int, str]] = []  # (start, end, kind) of tables in the file
    for m in _HTML_TABLE.finditer(raw):
        blocks.append((m.start(), m.end(), "html"))
    for m in _PIPE_TABLE.finditer(raw):
        if any(a <= m.start() < e for a, e, _ in blocks):
            continue
        rows = m.group(0).rstrip("\n").split("\n")
        if len(rows) >= 2 and _PIPE_RULE.match(rows[1]):
            blocks.append((m.start(), m.end(), "pipe"))
    blocks.sort()
    pos = 0
    for start, end, kind in blocks:
        _prose(b, raw, pos, start)
        rows = _html_rows(raw, start, end) if kind == "html" else _pipe_rows(raw, start, end)
        _table(b, rows, start)
        pos = end
    _prose(b, raw, pos, len(raw))
    return b


def _prose(b: Built, raw: str, a: int, e: int) -> None:
    """Running text between tables: images out, math decoded, headings noted."""
    if a >= e:
        return
    seg = raw[a:e]
    # image links go whole; the rest is decoded with offsets relative to the segment
    parts: list[tuple[int, int]] = []
    p = 0
    for m in _IMAGE.finditer(seg):
        parts.append((p, m.start()))
        p = m.end()
    parts.append((p, len(seg)))
    for pa, pe in parts:
        text, origin = decode_markup(seg[pa:pe])
        base = a + pa
        start = b.pos
        b.put(text, [base + o for o in origin])
        for h in _MD_HEADING.finditer(text):
            b.headings.append((start + h.start(), start + h.end()))


def _cell_text(raw: str, a: int, e: int) -> tuple[str, list[int]]:
    """A cell's text: inner tags out, entities decoded, math decoded, spaces folded."""
    pieces: list[tuple[str, int]] = []
    i = a
    while i < e:
        if raw[i] == "<":
            j = raw.find(">", i, e)
            if j != -1:
                tag = raw[i + 1 : j].strip().lower()
                if tag.startswith("br"):
                    pieces.append((" ", i))
                i = j + 1
                continue
        if raw[i] == "&":
            m = _ENTITY.match(raw, i, e)
            if m:
                for ch in html.unescape(m.group(0)):
                    pieces.append((ch, i))
                i = m.end()
                continue
        if raw[i] == "$":
            j = raw.find("$", i + 1, e)
            if j != -1:
                pieces.extend(_Math(raw, i + 1, j).run())
                i = j + 1
                continue
        pieces.append((raw[i], i))
        i += 1
    # fold whitespace (no tabs or newlines inside a cell)
    out: list[tuple[str, int]] = []
    for ch, o in pieces:
        if ch.isspace():
            if out and out[-1][0] != " ":
                out.append((" ", o))
            continue
        out.append((ch, o))
    while out and out[0][0] == " ":
        out.pop(0)
    while out and out[-1][0] == " ":
        out.pop()
    return "".join(c for c, _ in out), [o for _, o in out]


@dataclass
class _Cell:
    text: str
    origin: list[int]
    at: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


def _html_rows(raw: str, a: int, e: int) -> list[list[_Cell]]:
    rows: list[list[_Cell]] = []
    for tr in _TR.finditer(raw, a, e):
        cells = []
        for td in _TD.finditer(raw, tr.start(1), tr.end(1)):
            attrs = td.group(2)
            span = {
                k: int(v) for k, v in re.findall(r'(rowspan|colspan)\s*=\s*"?(\d+)', attrs, re.I)
            }
            text, origin = _cell_text(raw, td.start(3), td.end(3))
            cells.append(
                _Cell(
                    text,
                    origin,
                    td.start(3),
                    max(1, span.get("rowspan", 1)),
                    max(1, span.get("colspan", 1)),
                    td.group(1).lower() == "th",
                )
            )
        rows.append(cells)
    return rows


def _pipe_rows(raw: str, a: int, e: int) -> list[list[_Cell]]:
    rows: list[list[_Cell]] = []
    pos = a
    for line in raw[a:e].rstrip("\n").split("\n"):
        start = pos
        pos += len(line) + 1
        if _PIPE_RULE.match(line):
            continue
        cells = []
        for m in _PIPE_CELL.finditer(line):
            text, origin = _cell_text(raw, start + m.start(1), start + m.end(1))
            cells.append(_Cell(text, origin, start + m.start(1)))
        rows.append(cells)
    return rows


def _table(b: Built, rows: list[list[_Cell]], at: int) -> None:
    """Lay cells on a grid (spans expanded), write the rows, record the table."""
    grid: dict[tuple[int, int], _Cell] = {}
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in owner:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    owner[(r + dr, c + dc)] = (r, c)
            grid[(r, c)] = cell
            c += cell.colspan
    if not grid:
        return
    n_rows = max(r for r, _ in owner) + 1
    n_cols = max(c for _, c in owner) + 1
    b.paragraph_break(at)
    t_start = b.pos
    out_cells = []
    for r in range(n_rows):
        if r:
            b.put("\n", at)
        for c in range(n_cols):
            if c:
                b.put("\t", at)
            if (r, c) in grid:
                cell = grid[(r, c)]
                s = b.pos
                b.put(cell.text, cell.origin)
                out_cells.append(
                    {
                        "row": r,
                        "col": c,
                        "text": cell.text,
                        "start": s,
                        "end": b.pos,
                        "bbox": None,
                        "rowspan": cell.rowspan,
                        "colspan": cell.colspan,
                        "header": cell.header,
                    }
                )
    b.tables.append(
        {
            "page": 1,
            "pages": [1],
            "bbox": None,
            "n_rows": n_rows,
            "n_cols": n_cols,
            "start": t_start,
            "end": b.pos,
            "cells": out_cells,
        }
    )
    b.paragraph_break(at)


# --------------------------------------------------------------------------- fenced tables


def unbreak_cells(raw: str) -> str:
    """``raw`` with the ``<br>`` of its fenced tables' cells ("Median OS,<br>months") blanked
    to spaces, so every character keeps its offset."""
    out = raw
    for m in _FENCED_TABLE.finditer(raw):
        block = m.group(1).replace(_CELL_BREAK, " " * len(_CELL_BREAK))
        out = out[: m.start(1)] + block + out[m.end(1) :]
    return out


def fenced_tables(raw: str) -> list[dict]:
    """The ``::: table`` blocks of a plain Markdown text (the corpus's composed documents: a
    caption line, pipe rows, one ``|---|`` rule under the header rows, footnote lines) as
    ``Document.tables`` entries over the text as it stands; a ``<`` cell widens the cell on
    its left. ``raw`` is the text :func:`unbreak_cells` gives."""
    out = []
    for m in _FENCED_TABLE.finditer(raw):
        pos, lines = m.start(1), []
        for line in m.group(1).split("\n"):
            lines.append((pos, line))
            pos += len(line) + 1
        rows = [(a, ln) for a, ln in lines if ln.strip().startswith("|")]
        rule = next((i for i, (_, ln) in enumerate(rows) if _PIPE_RULE.match(ln)), None)
        if not rows or rule is None:
            continue
        body = [x for i, x in enumerate(rows) if i != rule]
        cells = [c for r, (a, ln) in enumerate(body) for c in _fenced_row(r, a, ln, r < rule)]
        notes = [ln.strip() for a, ln in lines if a > rows[-1][0] and ln.strip()]
        heads = [ln.strip() for a, ln in lines if a < rows[0][0] and ln.strip()]
        out.append(
            {
                "page": 1,
                "pages": [1],
                "bbox": None,
                "n_rows": len(body),
                "n_cols": max(c["col"] + c["colspan"] for c in cells),
                "start": rows[0][0],
                "end": rows[-1][0] + len(rows[-1][1]),
                "cells": cells,
                "caption": heads[0] if heads else "",
                "footnotes": notes,
            }
        )
    return out


def _fenced_row(r: int, at: int, line: str, header: bool) -> list[dict]:
    cells: list[dict] = []
    for m in _PIPE_CELL.finditer(line):
        raw = m.group(1)
        if raw.strip() == _SPAN_LEFT and cells:
            cells[-1]["colspan"] += 1
            continue
        a = at + m.start(1) + (len(raw) - len(raw.lstrip()))
        text = raw.strip()
        col = cells[-1]["col"] + cells[-1]["colspan"] if cells else 0
        cells.append(
            {
                "row": r,
                "col": col,
                "text": text,
                "start": a,
                "end": a + len(text),
                "bbox": None,
                "rowspan": 1,
                "colspan": 1,
                "header": header,
            }
        )
    return cells


# --------------------------------------------------------------------------- citations


def pull_citations(b: Built) -> tuple[str, list[int], list[Citation]]:
    """Caret markers (``^[1-2]``) out of the text into citations; tables and headings follow.

    Returns the text, each character's file offset and the citations; the offsets in
    ``b.tables``, ``b.headings`` and ``b.sections`` are moved to the new text in place.
    """
    text = "".join(b.chars)
    keep = [True] * len(text)
    cites: list[tuple[int, tuple[str, ...], str]] = []
    for m in _CARET_CITATION.finditer(text):
        for i in range(m.start(), m.end()):
            keep[i] = False
        cites.append((m.start(), tuple(parse_citation_refs(m.group(1))), m.group(0)))
    new_index = [0] * (len(text) + 1)
    n = 0
    for i, k in enumerate(keep):
        new_index[i] = n
        n += k
    new_index[len(text)] = n
    out = "".join(ch for ch, k in zip(text, keep, strict=True) if k)
    origin = [o for o, k in zip(b.origin, keep, strict=True) if k]
    for t in b.tables:
        t["start"], t["end"] = new_index[t["start"]], new_index[t["end"]]
        for c in t["cells"]:
            c["start"], c["end"] = new_index[c["start"]], new_index[c["end"]]
    b.headings = [(new_index[a], new_index[e]) for a, e in b.headings]
    for s in b.sections:
        s["start"], s["end"] = new_index[s["start"]], new_index[s["end"] or len(text)]
    return out, origin, [Citation(new_index[a], refs, raw) for a, refs, raw in cites]

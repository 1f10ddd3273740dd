"""A table of ``Document.tables`` as a grid over the normalized text.

:func:`table_view` lays every cell on the positions its ``rowspan``/``colspan`` cover,
maps its span into the normalized text (the text records' evidence indexes), and tells
the parts of the table apart: header rows (a ``thead``, or the leading rows before the
first row of values, repeated headers further down too), section rows (a label alone on
its row: "Clinical response", "End of Cycle 3"), the label columns that hold the row
labels, and the caption (the reader's, or the "表2 …" line written before the table).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ..normalize import NormalizedDocument
from .rules import rx


@dataclass(frozen=True)
class GridCell:
    """A cell of the table: its origin position (row, col) and its normalized text and span."""

    row: int
    col: int
    text: str
    start: int
    end: int
    bbox: tuple[float, float, float, float] | None
    header: bool


@dataclass
class TableView:
    """One table read for its structure; positions without a cell are None."""

    index: int
    grid: list[list[GridCell | None]]
    start: int
    end: int
    caption: str = ""
    caption_span: tuple[int, int] | None = None
    footnotes: list[str] = field(default_factory=list)
    header_of: dict[int, list[int]] = field(default_factory=dict)  # data row → its header rows
    section_of: dict[int, int] = field(default_factory=dict)  # data row → its section row
    data_rows: list[int] = field(default_factory=list)
    label_cols: list[int] = field(default_factory=list)

    def text(self, r: int, c: int) -> str:
        cell = self.grid[r][c]
        return cell.text if cell is not None else ""

    @property
    def n_cols(self) -> int:
        return len(self.grid[0]) if self.grid else 0


def _normalized(nd: NormalizedDocument, a: int, e: int) -> tuple[int, int]:
    """The normalized span of the reader's span ``[a, e)``."""
    return bisect.bisect_left(nd.origin, a), bisect.bisect_left(nd.origin, e)


def _grid(nd: NormalizedDocument, table: dict) -> list[list[GridCell | None]]:
    n_rows, n_cols = int(table["n_rows"]), int(table["n_cols"])
    grid: list[list[GridCell | None]] = [[None] * n_cols for _ in range(n_rows)]
    for c in table["cells"]:
        a, e = _normalized(nd, c["start"], c["end"])
        bbox = tuple(c["bbox"]) if c.get("bbox") else None
        cell = GridCell(c["row"], c["col"], nd.text[a:e].strip(), a, e, bbox, bool(c.get("header")))
        for dr in range(int(c.get("rowspan") or 1)):
            for dc in range(int(c.get("colspan") or 1)):
                r, k = c["row"] + dr, c["col"] + dc
                if r < n_rows and k < n_cols:
                    grid[r][k] = cell
    return grid


def table_view(nd: NormalizedDocument, table: dict, index: int) -> TableView | None:
    """The structure of ``table`` (an entry of ``nd.doc.tables``); None for an empty one."""
    if not table.get("cells") or not table.get("n_rows") or not table.get("n_cols"):
        return None
    start, end = _normalized(nd, table["start"], table["end"])
    view = TableView(index, _grid(nd, table), start, end)
    view.footnotes = [str(x) for x in table.get("footnotes") or []]
    view.caption, view.caption_span = _caption(nd, table, start)
    view.label_cols = _label_cols(view)
    _rows(view)
    return view


def _caption(nd: NormalizedDocument, table: dict, start: int) -> tuple[str, tuple[int, int] | None]:
    """The caption and its span in the normalized text: the reader's caption paragraph, or the
    "表2 两组患者护理效果比较" / "Table 3 …" line right before the table."""
    text, end = nd.text, start
    for _ in range(3):  # the caption, perhaps behind a line of markup ("<html><body>")
        head = text.rfind("\n\n", 0, max(0, end - 2))
        a = head + 2 if head >= 0 else 0
        line = text[a:end].strip()
        if rx("table.caption_line.v1").match(line):
            lead = len(text[a:end]) - len(text[a:end].lstrip())
            return line, (a + lead, a + lead + len(line))
        two = _two_line_caption(text, a, line)
        if two is not None:
            return two
        if not rx("table.markup_line.v1").match(line) or a == 0:
            break
        end = a
    return str(table.get("caption") or ""), None


def _two_line_caption(text: str, a: int, line: str) -> tuple[str, tuple[int, int]] | None:
    """A caption set on two lines, the second centred under the first and so a paragraph of
    its own ("表3：…发生率≥5%的非血液" / "系统不良反应（N=176）"): both lines, when the first is
    a caption and ends mid-sentence, and the second is short and not a sentence."""
    if not line or len(line) > 40 or "\n" in line or rx("table.caption_line.v1").match(line):
        return None
    head = text.rfind("\n\n", 0, max(0, a - 2))
    b = head + 2 if head >= 0 else 0
    first = text[b:a].strip()
    if "\n" in first or not rx("table.caption_line.v1").match(first) or first[-1:] in "。.:：;；":
        return None
    start = b + len(text[b:a]) - len(text[b:a].lstrip())
    end = a + len(text[a:]) - len(text[a:].lstrip()) + len(line)
    return first + ("" if not first[-1].isascii() else " ") + line, (start, end)


_VALUE_FORMS = ("table.cell_count_share.v1", "table.cell_estimate_ci.v1", "table.cell_number.v1")


def is_value_cell(text: str) -> bool:
    """Does the cell hold a value (a number, a count and share, an estimate and CI), or two
    arms' values ("12.4 vs 9.8")?"""
    t = rx("table.cell_marker.v1").sub("", text).strip()
    if any(rx(r).match(t) for r in _VALUE_FORMS):
        return True
    pair = rx("table.cell_versus.v1").match(t)
    return pair is not None and all(is_value_cell(pair.group(g)) for g in ("a", "b"))


def _label_cols(view: TableView) -> list[int]:
    """Leading columns whose body cells are labels, not values (at least the first); a column
    headed "Grade" / "分级" holds labels though "≥3" reads as a number."""
    out = [0]
    for c in range(1, view.n_cols - 1):
        body = [view.text(r, c) for r in range(1, len(view.grid))]
        filled = [t for t in body if t]
        if rx("table.grade_axis_header.v1").match(view.text(0, c)):
            out.append(c)
        elif filled and not any(is_value_cell(t) for t in filled):
            out.append(c)
        else:
            break
    return out


def _row_kind(view: TableView, r: int) -> str:
    """``data`` (a value in some column past the label columns), ``header``, ``section`` or ``blank``."""
    cells = view.grid[r]
    rest = [cells[c] for c in range(view.n_cols) if c not in view.label_cols]
    if _grade_heads(rest, r):
        return "header"
    if any(x is not None and x.row == r and is_value_cell(x.text) for x in rest):
        return "data"
    filled = [x.text for x in rest if x is not None and x.row == r and x.text]
    if filled and all(rx("table.no_value.v1").match(t) for t in filled):
        return "data"  # "Stable | --": a row whose values are missing
    if _ci_row(view, r, filled):
        return "data"
    if any(x is not None and x.header for x in cells) and all(x is None or x.header for x in cells):
        return "header"
    own = {id(x): x for x in cells if x is not None and x.text}
    if not own:
        return "blank"
    if len(own) == 1:
        return "section"
    return "header"


def _ci_row(view: TableView, r: int, filled: list[str]) -> bool:
    """A row "（95%CI） | 62.82, 80.92": the CIs of the values in the row above, no header."""
    label = " ".join(view.text(r, c) for c in view.label_cols).strip()
    return bool(
        filled
        and rx("table.ci_row_label.v1").match(label)
        and all(rx("table.cell_interval.v1").match(t.strip()) for t in filled)
    )


def _grade_heads(cells: list[GridCell | None], r: int) -> bool:
    """A row of grade headers ("0 | I | II | III", "G1 | G2"): some cell names a grade, and
    none holds a count with its share or an estimate."""
    own = [x.text for x in cells if x is not None and x.row == r and x.text]
    named = [
        t for t in own if rx("table.roman_grade.v1").match(t) or rx("table.grade.v1").search(t)
    ]
    if not [t for t in named if any(ch.isalpha() for ch in t)]:
        return False  # "0" alone is a count as well as a grade
    forms = ("table.cell_count_share.v1", "table.cell_estimate_ci.v1")
    return not any(rx(f).match(t) for t in own for f in forms)


def _rows(view: TableView) -> None:
    """Header blocks, sections and data rows: a header row after data starts a new block."""
    headers: list[int] = []
    section: int | None = None
    last = "header"
    for r in range(len(view.grid)):
        kind = _row_kind(view, r)
        if kind == "header":
            headers = [*headers, r] if last == "header" else [r]
            section = None
        elif kind == "section":
            section = r
        elif kind == "data":
            view.data_rows.append(r)
            view.header_of[r] = list(headers)
            if section is not None:
                view.section_of[r] = section
        if kind != "blank":
            last = kind if kind != "section" else last

"""Tables of PubMed Central plain text, written a cell a line.

PMC's plain-text rendering writes a table right after its caption line ("Table 3Most common
AEs occurring during the study") one cell a line: the header cells, then each row's label
and its cells, an empty cell as an empty line (PMC3672778, PMC4914313)::

    Table 3Most common AEs occurring during the study
    Patients experiencing an AE,a n (%)
    Fulvestrant500 mg
    Fulvestrant500 mg + anastrozole 1 mg
    Anastrozole 1 mg

    Hot flash
    7 (18)
    3 (8)
    8 (20)

:func:`line_table` reads such a block back into rows of cells, which the PMC reader lays out
as the other readers' tables (a row a line, a tab between cells, ``Document.tables``), so the
table reader gives each value cell its record with the cell as evidence. It reads a block only
when its shape is certain: every row a label and the same number of cells, the header as many
cells as there are columns, or column groups over them. Header cells the rendering ran together
into one line are split where a word ends and a capital begins, and read only when that gives
the header's shape ("…(%) n=282Gemcitabine plus placebo (%) n=280AnyGrade 3/4AnyGrade
3/4Rash", PMC1936363); when it does not ("Fulvestrant500 mgFulvestrant500 mg + anastrozole 1
mgAnastrozole 1 mgER"), or values run together in a cell, or cells hold words, the lines stay
paragraphs, as before.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

CAPTION = re.compile(r"^(?:Table|TABLE)\s?\d+[A-Za-z]?(?=\S)")
_OTHER_CAPTION = re.compile(r"^(?:Table|TABLE|Figure|FIGURE|Fig\.)\s?\d+")
_HEADING = re.compile(r"^[ \t]*(?:TITLE|ABSTRACT|BODY)(?:\.[^\n:]*)?:")
# a cell that holds a value: a number (signed, compared), a P value, n =, or a no-value mark
_VALUE = re.compile(
    r"^(?:[<>≤≥=±~≈–—−-]\s*)?\.?\d"
    r"|^[Pp]\s*[=<>≤≥]"
    r"|^[nN]\s*="
    r"|^(?:NR|NS|NA|N/A|NE|ND|—|–|-|−)\s*(?:\(|$)"
)
MAX_CELL = 100  # a longer line is prose (or a footnote): the table has ended
MAX_HEADER = 300  # the first line may hold every header cell, run together
MAX_VALUE = 40  # "5 Most common: nausea (13); hypokalemia (7); …" is words, not a value
# two values run together in one cell: "12.7 (6.9 – 18.4)3.5 (2.8 – 4.3)", "64.735.3"
_RUN_TOGETHER_VALUES = re.compile(r"\)\s*\d|\d\.\d+\.\d")
_MIN_ROWS = 2


@dataclass
class LineCell:
    text: str
    start: int  # offset of the text in the file
    rowspan: int = 1
    colspan: int = 1


@dataclass
class LineTable:
    header: list[list[LineCell]]  # header rows: the labels' head first, then the column heads
    rows: list[list[LineCell]]  # label, then the row's cells (a section row: the label alone)
    end: int  # index of the first line after the table


def _kind(text: str) -> str:
    """E (empty), V (a value cell: a short one that starts as values do) or L (words)."""
    if not text:
        return "E"
    return "V" if len(text) <= MAX_VALUE and _VALUE.match(text) else "L"


def line_table(lines: list[tuple[int, str]], i: int) -> LineTable | None:
    """The table whose caption is line ``i`` of ``lines`` (``(offset, line)`` of a file),
    when the lines after it are its cells a line each; None otherwise."""
    if not CAPTION.match(lines[i][1]):
        return None
    block: list[LineCell] = []
    j = i + 1
    while j < len(lines):
        at, line = lines[j]
        text = line.strip()
        longest = MAX_HEADER if j == i + 1 else MAX_CELL
        if len(text) > longest or _HEADING.match(line) or _OTHER_CAPTION.match(text):
            break
        if "\t" in text:
            return None  # cells run together with a tab between: not a cell a line
        block.append(LineCell(text, at + len(line) - len(line.lstrip())))
        j += 1
    kinds = [_kind(c.text) for c in block]
    if any(
        k == "V" and _RUN_TOGETHER_VALUES.search(c.text) for c, k in zip(block, kinds, strict=True)
    ):
        return None
    first_value = next((n for n, k in enumerate(kinds) if k == "V"), None)
    if not first_value or kinds[first_value - 1] != "L":
        return None  # no values, or values right after the caption
    if first_value == 1:
        # the header's cells run together on one line, the first row's label at its end:
        # "Toxicity…(%) n=282Gemcitabine plus placebo (%) n=280AnyGrade 3/4AnyGrade 3/4Rash"
        pieces = run_together(block[0])
        if len(pieces) < 3:
            return None
        head, first = pieces[:-1], pieces[-1]
        body = [first, *block[1:]]
        kinds = ["L", *kinds[1:]]
    else:
        head, body, kinds = (
            block[: first_value - 1],
            block[first_value - 1 :],
            kinds[first_value - 1 :],
        )
    segments = _segments(body, kinds)
    while segments and not any(c.text for c in segments[-1][1:]):
        segments.pop()  # label lines after the last row: footnotes, prose
    sizes = Counter(len(s) - 1 for s in segments if len(s) > 1)
    # the width is the commonest row length; a row's last cell may be empty, and so written as
    # the empty line that also separates rows: of two lengths alike common, the shorter first
    rows: list[list[LineCell]] | None = None
    for k, _ in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])):
        rows = _rows(segments, k)
        if rows is not None:
            break
    if rows is None or sum(1 for r in rows if len(r) > 1) < _MIN_ROWS:
        return None
    header = None
    for sections in range(1 if first_value == 1 else 3):
        # the last label lines before the first row may be section rows ("NSCLC", then "Trial")
        if sections and (len(head) < sections or _kind(head[-sections].text) != "L"):
            break
        header = _header(head[: len(head) - sections], k)
        if header is not None:
            rows = [[c] for c in head[len(head) - sections :]] + rows
            break
    if header is None:
        return None
    last = rows[-1][-1]
    used = max(n for n, c in enumerate(block) if c.start == last.start)
    return LineTable(header, rows, i + 1 + used + 1)


_RUN_TOGETHER = re.compile(r"(?<=[a-z0-9)%\]])(?=[A-Z])")


def run_together(cell: LineCell) -> list[LineCell]:
    """Cells PMC wrote on one line without a break: split where a word ends and a capital
    begins a new cell ("…(%) n=282Gemcitabine plus placebo…", "Grade 3/4AnyGrade 3/4")."""
    cuts = [0, *(m.start() for m in _RUN_TOGETHER.finditer(cell.text)), len(cell.text)]
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = cell.text[a:b]
        lead = len(piece) - len(piece.lstrip())
        if piece.strip():
            out.append(LineCell(piece.strip(), cell.start + a + lead))
    return out


def _rows(segments: list[list[LineCell]], k: int) -> list[list[LineCell]] | None:
    """Each segment as a row of a label and ``k`` cells (a section row: the label alone), or
    None when one is neither."""
    rows = []
    for n, seg in enumerate(segments):
        cells = seg[1:]
        if len(cells) > k and all(not c.text for c in cells[k:]):
            cells = cells[:k]  # an empty separator row after the row
        if n == len(segments) - 1 and 0 < len(cells) < k:
            cells = cells + [LineCell("", cells[-1].start)] * (k - len(cells))  # file ended
        if cells and len(cells) != k:
            return None  # rows of different widths: not a cell a line
        rows.append([seg[0], *cells])
    return rows


def _segments(body: list[LineCell], kinds: list[str]) -> list[list[LineCell]]:
    """The body's rows as written: each label line with the value and empty lines after it."""
    out: list[list[LineCell]] = []
    for cell, kind in zip(body, kinds, strict=True):
        if kind == "L":
            out.append([cell])
        elif out:
            out[-1].append(cell)
    return out


def _header(head: list[LineCell], k: int) -> list[list[LineCell]] | None:
    """The header rows over ``k`` value columns: the labels' head and the column heads, each on a
    line of its own (empty lines at either end are no cells), or column groups over their
    columns ("Gemcitabine plus erlotinib (%) n=282", then "Any", "Grade 3/4"); None when the
    lines are not so written."""
    cells = list(head)
    while cells and not cells[-1].text:
        cells.pop()
    while cells and not cells[0].text:
        cells.pop(0)
    if not cells or not all(c.text for c in cells[1:]):
        return None
    if len(cells) == k:  # no head over the labels
        return [[LineCell("", cells[0].start), *cells]]
    if len(cells) == k + 1:
        return [cells]
    groups = _groups(len(cells), k)
    if groups is None:
        # "TOXICITYCRT ARM A (RT+FLUO) (n = 6)", "CRT ARM B (…)": a capitalised labels' head run
        # into the first group's name, which starts as the next group's does
        split = _head_run_into(cells[0], cells[1]) if len(cells) > 1 else None
        groups = _groups(len(cells) + 1, k) if split is not None else None
        if split is None or groups is None:
            return None
        cells = [*split, *cells[1:]]
    corner, tops, subs = cells[0], cells[1 : 1 + groups], cells[1 + groups :]
    corner.rowspan = 2  # over both header rows, above the labels
    for t in tops:
        t.colspan = k // groups
    return [[corner, *tops], subs]


def _groups(n_cells: int, k: int) -> int | None:
    """How many column groups ``n_cells`` header cells (the labels' head, the groups, ``k``
    column heads) make over ``k`` columns, when at least two groups share them evenly."""
    groups = n_cells - 1 - k
    return groups if groups >= 2 and k % groups == 0 and k > groups else None


def _head_run_into(first: LineCell, second: LineCell) -> tuple[LineCell, LineCell] | None:
    """``first`` split into the labels' head and the first group's name, where the name starts
    with the first word of ``second`` (the next group's): "TOXICITY" + "CRT ARM A (RT+FLUO)"."""
    word = second.text.split()[0] if second.text.split() else ""
    at = first.text.find(word, 1) if len(word) >= 2 else -1
    if at <= 0 or not first.text[:at].strip() or first.text[at - 1].isspace():
        return None
    return LineCell(first.text[:at], first.start), LineCell(first.text[at:], first.start + at)

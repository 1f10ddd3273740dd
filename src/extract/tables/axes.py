"""The axes of a table: its columns (arm, size, statistic, unit) and how its rows are read.

A column is an arm's (``4AC (n = 92)`` over ``No.`` and ``%``), a P column (``P-value``), an
effect column (``HR (95% CI)``), a test statistic's (``χ²``: no record) or a column of
counts. Arms stand in the columns unless the label column names them (``组别``, ``Group``) or the
row labels are arms (``观察组(n=45)``, ``Arm A``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .grid import GridCell, TableView
from .headers import (
    arm_name,
    arm_roles,
    arm_size,
    clean,
    is_arm,
    is_p,
    is_statistic,
    is_total,
    topic_of,
)
from .rules import rx


@dataclass
class Column:
    col: int
    parts: list[GridCell]  # its header cells, top to bottom
    kind: str = "value"  # value | p | measure | statistic | count
    arm: str | None = None
    role: str | None = None
    n: int | None = None
    percent: bool = False  # its header says its numbers are percentages
    subgroup: str | None = None  # a header over the arm that names a group of patients

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.parts)


def header_cells(view: TableView, rows: list[int], c: int) -> list[GridCell]:
    out: list[GridCell] = []
    for r in rows:
        cell = view.grid[r][c]
        if cell is not None and cell.text and cell not in out:
            out.append(cell)
    return out


def _kind(parts: list[GridCell]) -> str:
    texts = [clean(p.text) for p in parts]
    if any(is_statistic(t) for t in texts):
        return "statistic"
    if any(rx("table.measure_header.v1").search(t) for t in texts):
        return "measure"
    if any(is_p(t) for t in texts):
        return "p"
    if texts and rx("table.count_header.v1").match(texts[-1]):
        return "count"
    return "value"


def _arm_part(parts: list[GridCell]) -> GridCell | None:
    """The header cell naming the column's arm, the lowest that does: one that reads as an arm
    by its name ("Arm A", "观察组", not a bare "(n = 216)"), a total, or one that can be a
    group's name (not a statistic, grade, unit, count or endpoint)."""
    for p in reversed(parts):
        named = clean(rx("table.arm_name_tail.v1").sub("", p.text))
        if is_total(p.text) or (is_arm(p.text) and any(ch.isalpha() for ch in named)):
            return p
        if _names_a_group(p.text):
            return p
    return None


def _subgroup(parts: list[GridCell], arm: GridCell) -> str | None:
    """Headers over the arm's that name a group ("Progression due to new metastases")."""
    above = parts[: parts.index(arm)]
    names = [clean(p.text) for p in above if _names_a_group(p.text) and not is_arm(p.text)]
    return " ".join(names) or None


def _names_a_group(text: str) -> bool:
    """A lone header that can be an arm's name ("DA (%)", "FOLFOX4"): not a statistic, a
    unit, a count, a grade, a timepoint, an endpoint or a P."""
    name = clean(rx("table.arm_name_tail.v1").sub("", text))
    if not name or not any(ch.isalpha() for ch in name) or is_p(name) or is_statistic(name):
        return False
    if rx("table.any_grade.v1").search(name) or rx("table.timepoint.v1").search(name):
        return False
    if rx("table.percent_context.v1").search(name) or rx("table.grade.v1").search(name):
        return False
    if rx("table.roman_grade_range.v1").search(name):
        return False  # "Grade I/II N (%)"
    if rx("table.count_header.v1").match(name) or rx("table.count_label.v1").search(name):
        return False
    if rx("table.median_context.v1").search(name):
        return False
    return topic_of(name, "zh", {}) is None


def columns(
    view: TableView, rows: list[int], abbrevs: dict[str, str] | None = None
) -> list[Column]:
    """The non-label columns under header rows ``rows``, with their arms and roles (an arm
    named by an abbreviation the footnotes define, "TPC", has the role of its words)."""
    out = []
    for c in range(view.n_cols):
        if c in view.label_cols:
            continue
        parts = header_cells(view, rows, c)
        col = Column(c, parts, _kind(parts))
        col.percent = any(rx("table.percent_context.v1").search(p.text) for p in parts)
        arm = _arm_part(parts) if col.kind in ("value", "count") else None
        if arm is not None:
            col.n = arm_size(arm.text) or next(
                (arm_size(p.text) for p in parts if arm_size(p.text)), None
            )
            col.arm = None if is_total(arm.text) else arm_name(arm.text)
            col.role = "single" if is_total(arm.text) else None
            col.subgroup = _subgroup(parts, arm)
        out.append(col)
    _roles(out, abbrevs or {})
    return out


def _pooled(cols: list[Column]) -> str | None:
    """The arm of more patients than all the other arms together (with two others at least):
    everyone before randomisation, not an arm ("4AC (n = 92)" beside "Weekly docetaxel (n =
    41)" and "3-weekly docetaxel (n = 41)")."""
    sizes = {c.arm: c.n for c in cols if c.arm and c.n}
    for arm, n in sizes.items():
        others = [m for a, m in sizes.items() if a != arm]
        if len(others) >= 2 and n is not None and n > sum(m for m in others if m):
            return arm
    return None


def _roles(cols: list[Column], abbrevs: dict[str, str]) -> None:
    pooled = _pooled(cols)
    names = list(dict.fromkeys(c.arm for c in cols if c.arm and c.arm != pooled))
    spelled = [abbrevs.get(n.lower(), n) for n in names]
    roles = dict(zip(names, arm_roles(spelled), strict=True)) if names else {}
    if pooled is not None:
        roles[pooled] = "single"
    for c in cols:
        if c.arm:
            c.role = roles[c.arm]
        elif c.kind == "value" and c.role is None:
            c.role = "single"


def arms_in_rows(view: TableView) -> bool:
    """Do the rows hold the arms? The label column's header names them, or most row labels are arms."""
    heads = view.header_of.get(view.data_rows[0], []) if view.data_rows else []
    for c in view.label_cols:
        for cell in header_cells(view, heads, c):
            if rx("table.arm_axis_header.v1").match(clean(cell.text)):
                return True
    labels = [row_label(view, r) for r in view.data_rows]
    labels = [t for t in labels if t and not is_p(t) and not is_statistic(t)]
    return bool(labels) and sum(is_arm(t) for t in labels) * 2 > len(labels)


def row_label(view: TableView, r: int) -> str:
    return " ".join(view.text(r, c) for c in view.label_cols if view.text(r, c)).strip()


def continues_label(view: TableView, r: int) -> bool:
    """Does row ``r`` only carry on the row above: a label's second line ("Codon 12" then
    "mutation") with no value but the HR under the row above's P?"""
    if r - 1 not in view.data_rows or not row_label(view, r):
        return False
    cols = columns(view, view.header_of.get(r, []))
    filled = [c for c in cols if view.grid[r][c.col] is not None and view.text(r, c.col)]
    return bool(filled) and all(c.kind in ("measure", "p") for c in filled)


def listing(view: TableView) -> bool:
    """A table whose row labels repeat lists patients (or items), not results by arm; a label
    may come again under a section or a header block of its own ("CR (cases)" under
    "Response to induction chemotherapy | Arm A (n=59)" and under "Response after completion
    of radiotherapy | Arm A (n=63)")."""
    rows = [r for r in view.data_rows if not continues_label(view, r)]
    block = {r: (view.section_of.get(r), tuple(view.header_of.get(r, []))) for r in rows}
    labels = [(block[r], row_label(view, r)) for r in rows]
    labels = [(s, t) for s, t in labels if t and not is_p(t) and not is_statistic(t)]
    return len(labels) != len(set(labels)) and len(labels) > 3

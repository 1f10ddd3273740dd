"""Tables whose rows are trials — a review's summary (trial | arms | median OS | HR (95% CI) | P).

A row belongs to the trial its label column names (``KEYNOTE-590``); the columns carry the
endpoints (``Median OS, months``, ``ORR (%)``); an HR or P column with no endpoint of its
own compares the endpoint of the column before it. A cell "12.4 vs 9.8" holds both arms'
values, in the order of the arms column ("Pembrolizumab + chemotherapy vs chemotherapy"),
else experimental first as reviews write them.
"""

from __future__ import annotations

from dataclasses import replace

from ..link.context import DocContext
from .axes import Column, columns, header_cells, row_label
from .cells import CellValue, cell_value
from .grid import TableView
from .headers import Topic, arm_name, arm_roles, clean, grade_of, is_total
from .read import Place, Reading, column_topic, effect, one_effect_per_row, outcome
from .rules import rx


def _label_trial(ctx: DocContext, view: TableView, r: int) -> bool:
    cells = [view.grid[r][c] for c in view.label_cols if view.grid[r][c] is not None]
    return any(ctx.mentions_in(c.start, c.end) for c in cells if c is not None)


def trial_rows(ctx: DocContext, view: TableView) -> bool:
    """Do the rows name trials (most of them a trial mention in their label column)?"""
    named = sum(_label_trial(ctx, view, r) for r in view.data_rows)
    return named >= 1 and named * 2 >= len(view.data_rows)


def _versus(text: str) -> list[CellValue]:
    """The values of a cell: one, or two written "12.4 vs 9.8" / "60% vs. 45%"."""
    one = cell_value(text)
    if one is not None:
        return [one]
    m = rx("table.cell_versus.v1").match(clean(text))
    if m is None:
        return []
    pair = [cell_value(m.group("a")), cell_value(m.group("b"))]
    return [v for v in pair if v is not None] if all(pair) else []


def _arms(view: TableView, r: int, heads: list[int]) -> list[str]:
    """The arms a row names in its arms column ("A vs B"), if the table has one."""
    for c in range(view.n_cols):
        head = " ".join(h.text for h in header_cells(view, heads, c))
        cell = view.grid[r][c]
        if cell is not None and rx("table.arm_axis_header.v1").match(clean(head)):
            m = rx("table.cell_versus.v1").match(clean(cell.text))
            return [arm_name(m.group("a")), arm_name(m.group("b"))] if m else [arm_name(cell.text)]
    return []


def _trial_groups(view: TableView) -> list[list[int]]:
    """The data rows by trial: a row whose first cell is empty ("| | Chemotherapy | | 13.4 |")
    continues the trial of the row above."""
    groups: list[list[int]] = []
    for r in view.data_rows:
        if groups and not view.text(r, 0):
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups


def _arm_rows(view: TableView) -> dict[int, tuple[str, str]]:
    """Row → (arm, role) where the arms column names one arm a row: the roles of the arms of
    one trial's rows, as in text (placebo, chemotherapy alone → control)."""
    out: dict[int, tuple[str, str]] = {}
    for group in _trial_groups(view):
        named = [(r, a[0]) for r in group if len(a := _arms(view, r, view.header_of[r])) == 1]
        roles = arm_roles([name for _, name in named]) if named else []
        out.update({r: (name, role) for (r, name), role in zip(named, roles, strict=True)})
    return out


def _subgroup(view: TableView, r: int, heads: list[int]) -> str | None:
    """The row's subgroup: its cell in a label column headed "Population" / "人群" ("CPS ≥5"),
    unless that names the whole population ("All randomized", "全人群")."""
    for c in view.label_cols:
        head = " ".join(h.text for h in header_cells(view, heads, c))
        if rx("table.subgroup_header.v1").match(clean(head)):
            label = clean(view.text(r, c))
            return None if not label or is_total(label) else label
    return None


def _row_grade(view: TableView, r: int, topic: Topic) -> Topic:
    """An AE's grade from the row's cell in a column headed "Grade" / "分级" ("3–5" → ">=3")."""
    if topic.code != "AE" or topic.grade is not None:
        return topic
    for c in view.label_cols:
        if rx("table.grade_axis_header.v1").match(view.text(0, c)):
            grade = grade_of(f"grade {clean(view.text(r, c))}")
            if grade is not None:
                return Topic(topic.code, topic.stat, topic.timepoint, grade, topic.event)
    return topic


def read_trial_rows(reading: Reading) -> None:
    view = reading.view
    arm_rows = _arm_rows(view)
    for r in view.data_rows:
        heads = view.header_of[r]
        arms = _arms(view, r, heads)
        subgroup = _subgroup(view, r, heads)
        row_labels = [c for c in (view.grid[r][k] for k in view.label_cols) if c is not None]
        last, first = None, len(reading.out)
        for col in columns(view, heads, reading.abbrevs):
            cell = view.grid[r][col.col]
            topic = column_topic(reading, r, col) or (
                last if col.kind in ("p", "measure") else None
            )
            if cell is None or cell.row != r or not cell.text or topic is None:
                continue
            if col.kind in ("p", "measure"):
                effect(reading, Place(r, topic, subgroup, col, cell, [*row_labels, *col.parts]))
                continue
            last = topic = _row_grade(view, r, topic)
            at = Place(r, topic, subgroup, col, cell, [*row_labels, *col.parts])
            _values(reading, at, arms, arm_rows.get(r))
        one_effect_per_row(reading, first)


def _values(reading: Reading, at: Place, arms: list[str], row_arm: tuple[str, str] | None) -> None:
    """The outcomes of a value cell: two arms' values ("12.4 vs 9.8"), else the value of the
    row's arm (an arms column), of the column's arm (``Anti-PD-1`` under ``Median OS,
    months``), or of no arm."""
    col = at.col
    values = _versus(at.cell.text)
    if len(values) == 2:
        names = arms if len(arms) == 2 else [None, None]
        roles = arm_roles(arms) if len(arms) == 2 else ["experimental", "control"]
    elif row_arm is not None:
        names, roles = [row_arm[0]], [row_arm[1]]
    elif col.arm is not None:
        names, roles = [col.arm], [col.role or "single"]
    else:
        names, roles = [None], ["single"]
    for v, name, role in zip(values, names, roles, strict=False):
        arm = Column(col.col, col.parts, col.kind, name, role, None, col.percent)
        outcome(reading, replace(at, col=arm), row_label(reading.view, at.r), v)

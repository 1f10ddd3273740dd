"""Tables whose rows are trials — a review's summary (trial | arms | median OS | HR (95% CI) | P).

A row belongs to the trial its stub names (``KEYNOTE-590``); the columns carry the
endpoints (``Median OS, months``, ``ORR (%)``); an HR or P column with no endpoint of its
own compares the endpoint of the column before it. A cell "12.4 vs 9.8" holds both arms'
values, in the order of the arms column ("Pembrolizumab + chemotherapy vs chemotherapy"),
else experimental first as reviews write them.
"""

from __future__ import annotations

from ..link.context import DocContext
from .axes import Column, columns, header_cells, row_label
from .cells import CellValue, cell_value
from .grid import GridCell, TableView
from .headers import Topic, arm_name, arm_roles, clean
from .read import Reading, column_topic, effect, one_effect_per_row, outcome
from .rules import rx


def _stub_trial(ctx: DocContext, view: TableView, r: int) -> bool:
    cells = [view.grid[r][c] for c in view.stub_cols if view.grid[r][c] is not None]
    return any(ctx.mentions_in(c.start, c.end) for c in cells if c is not None)


def trial_rows(ctx: DocContext, view: TableView) -> bool:
    """Do the rows name trials (most of them a trial mention in their stub)?"""
    named = sum(_stub_trial(ctx, view, r) for r in view.data_rows)
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


def read_trial_rows(reading: Reading) -> None:
    view = reading.view
    for r in view.data_rows:
        heads = view.header_of[r]
        arms = _arms(view, r, heads)
        stub = [c for c in (view.grid[r][k] for k in view.stub_cols) if c is not None]
        last, first = None, len(reading.out)
        for col in columns(view, heads, reading.abbrevs):
            cell = view.grid[r][col.col]
            topic = column_topic(reading, r, col) or (
                last if col.kind in ("p", "measure") else None
            )
            if cell is None or cell.row != r or not cell.text or topic is None:
                continue
            if col.kind in ("p", "measure"):
                effect(reading, r, topic, None, col, cell, [*stub, *col.parts])
                continue
            last = topic
            _values(reading, r, topic, col, cell, [*stub, *col.parts], arms)
        one_effect_per_row(reading, first)


def _values(
    reading: Reading,
    r: int,
    topic: Topic,
    col: Column,
    cell: GridCell,
    used: list[GridCell],
    arms: list[str],
) -> None:
    values = _versus(cell.text)
    if len(values) == 2:
        names = arms if len(arms) == 2 else [None, None]
        roles = arm_roles(arms) if len(arms) == 2 else ["experimental", "control"]
    else:
        names = arms[:1] if len(arms) == 1 else [None]
        roles = ["single"]
    for v, name, role in zip(values, names, roles, strict=False):
        arm = Column(col.col, col.parts, col.kind, name, role, None, col.percent)
        outcome(reading, r, topic, None, arm, cell, used, row_label(reading.view, r), v)

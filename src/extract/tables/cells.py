"""What one cell of a table holds: a count and its share ("45(44)", "1(<1)": a share below
1%), an estimate and its interval, a
number, a P value — or nothing (``NR``, ``–``, ``NE``). Footnote markers (``12.4ᵃ``,
``24(96.00)*``) are not part of a value; middle-dot decimals are points already
(normalization)."""

from __future__ import annotations

from dataclasses import dataclass

from ..recognize.numbers import PValue, find_p_values
from .headers import clean
from .rules import rx


@dataclass(frozen=True)
class CellValue:
    value: float
    unit: str | None  # percent | month | None (a bare number: the headers decide)
    qualifier: str = "="
    events: int | None = None
    n: int | None = None
    ci: tuple[float, float] | None = None
    share: bool = False  # written as a count and its share: "41 (13.4)"


_UNITS = {"%": "percent", "％": "percent", "月": "month", "个月": "month"}
_QUALIFIERS = {"<": "<", ">": ">", "≤": "<=", "≥": ">=", "<=": "<=", ">=": ">="}


def _unit(raw: str | None) -> str | None:
    if not raw:
        return None
    return _UNITS.get(raw) or ("month" if raw.lower().startswith("mo") else None)


def cell_value(text: str) -> CellValue | None:
    """The value a cell holds, or None (no value, or a form no rule reads)."""
    t = clean(text)
    if rx("table.no_value.v1").match(t):
        return None
    m = rx("table.cell_count_share.v1").match(t)
    if m:
        n = int(m.group("n")) if m.group("n") else None
        q = _QUALIFIERS.get(m.group("q") or "", "=")  # "1(<1)": one patient, under 1%
        return CellValue(
            float(m.group("pct")), "percent", q, events=int(m.group("events")), n=n, share=True
        )
    m = rx("table.cell_estimate_ci.v1").match(t)
    if m:
        ci = (float(m.group("lo")), float(m.group("hi")))
        return CellValue(float(m.group("v")), _unit(m.group("unit")), ci=ci)
    m = rx("table.cell_number.v1").match(t)
    if m:
        q = _QUALIFIERS.get(m.group("q") or "", "=")
        return CellValue(float(m.group("v")), _unit(m.group("unit")), q)
    return None


def cell_p(text: str) -> PValue | None:
    """The P value a cell of a P column holds ("0.027", "<0.001", "0.000" → < 0.001)."""
    t = clean(text)
    if not t or not (t[0].isdigit() or t[0] in "<>≤≥=."):
        return None
    probe = f"P{t}" if t[0] in "<>≤≥=" else f"P={t}"
    found = find_p_values(probe, 0, len(probe))
    return found[0] if found and found[0].end == len(probe) else None

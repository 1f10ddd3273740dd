"""Record dicts in the contract's shape: the one place linking builds them.

Each function takes what linking decided, names every field of its kind, and
returns the dict that :func:`extract.records.assign_ids` and
:func:`extract.records.parse_record` turn into the contract model (the pipeline
does that for all records of a document at once, so ids and ordinals are
assigned in text order).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..normalize import NormalizedDocument
    from ..recognize.endpoints import EndpointMention
    from ..recognize.numbers import Interval, Measure, PValue, Value
    from .trials import TrialSummary


def _evidence(nd: NormalizedDocument, start: int, end: int) -> dict[str, Any]:
    return {"page": nd.page_of(start), "start": start, "end": end, "text": nd.text[start:end]}


def table_evidence(
    nd: NormalizedDocument,
    start: int,
    end: int,
    table: int,
    cells: list[tuple[int, int]],
    boxes: list[tuple[float, float, float, float]],
) -> dict[str, Any]:
    """Evidence of a record read from a table: the row's span and text, each cell used
    (``{table, row, col}``) and, for a PDF, the box around those cells."""
    ev = _evidence(nd, start, end)
    ev["cell"] = [{"table": table, "row": r, "col": c} for r, c in cells]
    if boxes:
        ev["bbox"] = [
            round(min(b[0] for b in boxes), 2),
            round(min(b[1] for b in boxes), 2),
            round(max(b[2] for b in boxes), 2),
            round(max(b[3] for b in boxes), 2),
        ]
    return ev


def trial(nd: NormalizedDocument, s: TrialSummary) -> dict[str, Any]:
    return {
        "kind": "trial",
        "name": s.name,
        "aliases": list(s.aliases),
        "phase": s.phase,
        "n": s.n,
        "design": list(s.design),
        "refs": list(s.refs),
        "registry": [],
        "lang": s.lang,
        "evidence": [_evidence(nd, a, b) for a, b in s.evidence],
        "rule_id": s.rule_id,
    }


def outcome(
    nd: NormalizedDocument,
    sentence: tuple[int, int],
    lang: str,
    *,
    trial: str | None,
    refs: list[str],
    ep: EndpointMention,
    stat: str,
    timepoint: float | None,
    v: Value,
    ci: Interval | None,
    arm: str | None,
    role: str | None,
    subgroup: str | None,
    rule_id: str,
    events: int | None = None,
    n: int | None = None,
    evidence: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An outcome; ``evidence`` (:func:`table_evidence`) makes it a record read from a table."""
    return {
        "kind": "outcome",
        "trial": trial,
        "refs": list(refs),
        "endpoint": ep.code,
        "stat": stat,
        "timepoint_months": timepoint,
        "grade": ep.grade,
        "event": ep.event,
        "value": v.value,
        "value_high": v.value_high,
        "qualifier": v.qualifier,
        "unit": v.unit,
        "ci_level": ci.level if ci else None,
        "ci_low": ci.low if ci else None,
        "ci_high": ci.high if ci else None,
        "arm": arm,
        "arm_role": role,
        "subgroup": subgroup,
        "n": n,
        "events": events,
        "lang": lang,
        "evidence": [evidence or _evidence(nd, *sentence)],
        "source": "table" if evidence is not None else "text",
        "rule_id": rule_id,
    }


def effect(
    nd: NormalizedDocument,
    sentence: tuple[int, int],
    lang: str,
    *,
    trial: str | None,
    refs: list[str],
    endpoint: str,
    ep: EndpointMention | None,
    subgroup: str | None,
    m: Measure | None,
    ci: Interval | None,
    p: PValue | None,
    evidence: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An effect; ``evidence`` (:func:`table_evidence`) makes it a record read from a table."""
    return {
        "kind": "effect",
        "trial": trial,
        "refs": list(refs),
        "endpoint": endpoint,
        "subgroup": subgroup,
        "grade": ep.grade if ep else None,
        "event": ep.event if ep else None,
        "measure": m.measure if m else None,
        "value": m.value if m else None,
        "ci_level": ci.level if ci else None,
        "ci_low": ci.low if ci else None,
        "ci_high": ci.high if ci else None,
        "p_value": p.value if p else None,
        "p_qualifier": p.qualifier if p else None,
        "lang": lang,
        "evidence": [evidence or _evidence(nd, *sentence)],
        "source": "table" if evidence is not None else "text",
        "rule_id": ("table." if evidence is not None else "")
        + ("effect.measure.v1" if m else "effect.p_only.v1"),
    }

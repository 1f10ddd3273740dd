"""Double curation: two curators' independent curations of a document, compared and adjudicated.

Each curator works in their own scope (:mod:`extract.curate.service`); nothing
they do touches the shared records. :func:`compare` lines the two curations up
record by record — machine records by id, records each curator added by the
evaluator's one-to-one matching — and lists, per field, where they disagree.
:func:`agreement` gives the figures: share of records with the same decision,
disagreements per field, and the evaluator's loose/strict F1 of one curation
scored against the other (as ``corpus/gold/NOTES.md`` reports for the seed).
An adjudicator settles each row with :func:`adjudicate`, picking A's or B's
value per field, or another; the result becomes the shared (final) record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..evaluate import evaluate, gold_to_records, match
from ..records import parse_gold, parse_record
from .auth import User, now
from .errors import CurationError
from .fields import KINDS, contract_fields, field_specs, parse_value, same, spec_of
from .gold import gold_record
from .service import Curation, RecordView, _j

COMPARED_EXTRAS = ("optional",)


@dataclass
class Row:
    key: str  # the store record id, or "a-id|b-id" for records the curators added
    kind: str
    a: RecordView | None
    b: RecordView | None
    final: RecordView | None
    diffs: list[str] = field(default_factory=list)  # "decision" and/or field names

    @property
    def agree(self) -> bool:
        return not self.diffs

    @property
    def label(self) -> str:
        for v in (self.final, self.a, self.b):
            if v is not None:
                return v.label
        return self.key

    @property
    def adjudicated(self) -> bool:
        return self.final is not None and self.final.status != "machine"

    def value(self, side: str, name: str) -> Any:
        v = self.a if side == "a" else self.b
        if v is None:
            return None
        return v.values.get(name)

    def kept(self, side: str) -> bool:
        v = self.a if side == "a" else self.b
        return v is not None and v.kept


@dataclass
class Comparison:
    doc_id: str
    a: str
    b: str
    rows: list[Row]

    @property
    def disagreements(self) -> list[Row]:
        return [r for r in self.rows if not r.agree]


def curators(cur: Curation, doc_id: str) -> list[str]:
    """Curators with an independent curation of the document, in order of their first change."""
    rows = cur.store.conn.execute(
        "SELECT curator, MIN(updated_at) FROM curate_curations WHERE doc_id = ? GROUP BY curator ORDER BY 2, 1",
        (doc_id,),
    )
    return [r[0] for r in rows]


def _diffs(a: RecordView | None, b: RecordView | None) -> list[str]:
    ka, kb = a is not None and a.kept, b is not None and b.kept
    if ka != kb:
        return ["decision"]
    if not ka:
        return []
    assert a is not None and b is not None
    names = [s.name for s in field_specs(a.kind)] + list(COMPARED_EXTRAS)
    return [n for n in names if not same(a.values.get(n), b.values.get(n))]


def compare(cur: Curation, doc_id: str, a: str, b: str) -> Comparison:
    """Line up curator ``a``'s and ``b``'s curations of ``doc_id``, record by record."""
    if a == b:
        raise CurationError(f"compare two different curators (got {a!r} twice)")
    va = {v.id: v for v in cur.records(doc_id, a)}
    vb = {v.id: v for v in cur.records(doc_id, b)}
    final = {v.id: v for v in cur.records(doc_id)}
    adjudicated = _adjudicated_keys(cur, doc_id)
    rows: list[Row] = []
    for rid, fv in final.items():
        if rid in va or rid in vb:
            x, y = va.pop(rid, None), vb.pop(rid, None)
            rows.append(Row(rid, fv.kind, x, y, fv, _diffs(x, y)))
    # what each added on their own: pair them by the evaluator's matching
    for kind in KINDS:
        xs = [v for v in va.values() if v.kind == kind]
        ys = [v for v in vb.values() if v.kind == kind]
        gold = [parse_gold(gold_record(v)) for v in ys]
        preds = [parse_record({**v.fields, "id": v.id, "doc_id": doc_id}) for v in xs]
        pairs = match(gold, preds)
        used_x, used_y = set(), set()
        for i, j in pairs:
            x, y = xs[j], ys[i]
            used_x.add(j)
            used_y.add(i)
            key = f"{x.id}|{y.id}"
            rows.append(Row(key, kind, x, y, final.get(adjudicated.get(key, "")), _diffs(x, y)))
        for j, x in enumerate(xs):
            if j not in used_x:
                key = f"{x.id}|"
                rows.append(
                    Row(key, kind, x, None, final.get(adjudicated.get(key, "")), _diffs(x, None))
                )
        for i, y in enumerate(ys):
            if i not in used_y:
                key = f"|{y.id}"
                rows.append(
                    Row(key, kind, None, y, final.get(adjudicated.get(key, "")), _diffs(None, y))
                )
    rows.sort(key=lambda r: min(v.start for v in (r.a, r.b, r.final) if v is not None))
    return Comparison(doc_id, a, b, rows)


def _adjudicated_keys(cur: Curation, doc_id: str) -> dict[str, str]:
    """Row key → id of the final record an adjudication of an added record created."""
    out = {}
    for r in cur.store.conn.execute(
        "SELECT record_id, value FROM curate_adjudications WHERE doc_id = ? AND field = '*' ORDER BY id",
        (doc_id,),
    ):
        out[r[0]] = (r[1] or "").strip('"')
    return out


def agreement(comp: Comparison) -> dict[str, Any]:
    """Agreement figures of a comparison (records, fields, and evaluator F1 per kind)."""
    total = len(comp.rows)
    agree = sum(r.agree for r in comp.rows)
    per_field: dict[str, int] = {}
    for r in comp.rows:
        for d in r.diffs:
            per_field[d] = per_field.get(d, 0) + 1
    gold_b = [parse_gold(gold_record(r.b)) for r in comp.rows if r.b is not None and r.b.kept]
    gold_a = [parse_gold(gold_record(r.a)) for r in comp.rows if r.a is not None and r.a.kept]
    scores = evaluate({"doc": gold_b}, {"doc": gold_to_records({"doc": gold_a})["doc"]})
    f1 = {kind: {"loose": s.loose.f1, "strict": s.strict.f1} for kind, s in scores.overall.items()}
    return {
        "records": total,
        "agree": agree,
        "ratio": agree / total if total else 1.0,
        "per_field": dict(sorted(per_field.items(), key=lambda kv: -kv[1])),
        "f1": f1,
        "kept_a": len(gold_a),
        "kept_b": len(gold_b),
    }


def adjudicate(
    cur: Curation,
    user: User,
    comp: Comparison,
    key: str,
    picks: dict[str, str],
    others: dict[str, str] | None = None,
    reason: str | None = None,
) -> RecordView | None:
    """Settle one row: ``picks`` maps "decision" and each differing field to ``a``, ``b`` or ``other``
    (then ``others[field]`` holds the value as typed). Fields the curators agree on take their
    common value. Returns the final record (None when the decision was to drop an added record).
    """
    if not user.can_adjudicate:
        raise CurationError(
            f"{user.name} is a {user.role}; adjudication needs an adjudicator or admin account"
        )
    row = next((r for r in comp.rows if r.key == key), None)
    if row is None:
        raise CurationError(f"no row {key!r} in the comparison of {comp.a} and {comp.b}")
    others = others or {}
    decision = picks.get("decision", "a" if row.kept("a") or not row.kept("b") else "b")
    if decision not in ("a", "b"):
        raise CurationError(f"decision: pick 'a' or 'b' (got {decision!r})")
    keep = row.kept(decision)
    base = row.a if decision == "a" and row.a is not None else row.b if row.b is not None else row.a
    assert base is not None
    values: dict[str, Any] = {**contract_fields(base.fields), "optional": base.optional}
    values.pop("kind", None)
    values.pop("evidence", None)
    for name in row.diffs:
        if name == "decision":
            continue
        pick = picks.get(name, decision)
        if pick in ("a", "b"):
            values[name] = row.value(pick, name)
        elif pick == "other":
            values[name] = parse_value(spec_of(row.kind, name), others.get(name))
        else:
            raise CurationError(f"{name}: pick 'a', 'b' or 'other' (got {pick!r})")
    why = reason or f"adjudication of {comp.a} vs {comp.b}"
    result: RecordView | None
    with cur.store.transaction() as conn:
        if row.final is not None:
            final = row.final
            if keep:
                status = (
                    None
                    if any(
                        not same(final.values.get(k), v)
                        for k, v in values.items()
                        if k in contract_fields(final.fields)
                    )
                    else "accepted"
                )
                if status is None and final.status in ("rejected", "deleted"):
                    status = "edited" if final.machine is not None else "added"
                result = cur._apply(
                    user, final.id, values, status, final.version, "adjudicate", why, ""
                )
            else:
                result = cur._apply(
                    user,
                    final.id,
                    {},
                    "rejected" if final.machine else "deleted",
                    final.version,
                    "adjudicate",
                    why,
                    "",
                )
        elif keep:
            ev = base.evidence[0]
            result = cur.add(
                user, comp.doc_id, {**values, "kind": row.kind}, ev["start"], ev["end"], reason=why
            )
            conn.execute(
                "INSERT INTO curate_adjudications(doc_id, record_id, field, choice, value, adjudicator, time)"
                " VALUES (?, ?, '*', ?, ?, ?, ?)",
                (comp.doc_id, key, decision, _j(result.id), user.name, now()),
            )
        else:
            result = None
        for name in row.diffs or ["decision"]:
            pick = picks.get(name, decision)
            value = values.get(name) if name != "decision" else ("keep" if keep else "drop")
            conn.execute(
                "INSERT INTO curate_adjudications(doc_id, record_id, field, choice, value, adjudicator, time)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (comp.doc_id, key, name, pick, _j(value), user.name, now()),
            )
    return result


def apply_agreed(cur: Curation, user: User, comp: Comparison) -> int:
    """Make every row the two curators agree on final; returns how many records changed."""
    n = 0
    for row in comp.rows:
        if not row.agree or row.adjudicated:
            continue
        if not all(v is not None and v.reviewed for v in (row.a, row.b)):
            continue  # one of them has not looked at it yet
        if row.final is None and not row.kept("a"):
            continue
        adjudicate(
            cur, user, comp, row.key, {"decision": "a"}, reason=f"{comp.a} and {comp.b} agree"
        )
        n += 1
    return n

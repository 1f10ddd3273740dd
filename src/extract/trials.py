"""One trial across documents and languages: entities, side-by-side values, exports.

A trial in the store is every trial record, in any document and language, that names it
(names are the same when :func:`extract.records.trial_key` says so: ``RATIONALE 306`` =
``RATIONALE-306``), joined with the records of any other name that shares an alias or a
registry id with it, and with the documents that register themselves under one of its
registry ids without naming it (``documents.registry``; their results with no trial are the
document's own trial's). Its results are the outcomes and effects whose ``trial`` is one of
its names, or that such a document reports.

:func:`compare` lines a trial's results up by what they measure (endpoint, stat or measure,
landmark, subgroup, arm role, grade, event) with one column per document, and marks the rows
whose documents disagree ("a review that says 12.6 where the primary report says 12.4").
:func:`trial_rows` and :func:`meta_rows` are the exports (``extract export --format trials`` /
``meta``): one row per trial × endpoint × arm with each document's value, and one effect per
trial × endpoint × subgroup as a log estimate and its standard error for ``meta::metagen``.

Everything here reads the store's effective records (curated values where a curator set them),
without rejected or deleted records and superseded documents, like every export.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

from .checks import RATIO_MEASURES
from .records import trial_key

if TYPE_CHECKING:
    from .store import Store, StoredDocument


@dataclass(frozen=True)
class Found:
    """One record of a trial, as stored, with where it comes from."""

    record_id: str
    doc_id: str
    stem: str
    lang: str | None
    status: str
    record: dict[str, Any]
    via: str = (
        "name"  # "name": its trial field / trial record; "registry": its document's registration
    )

    @property
    def page(self) -> int | None:
        ev = self.record.get("evidence") or []
        return ev[0].get("page") if ev else None

    @property
    def sentence(self) -> str:
        ev = self.record.get("evidence") or []
        return ev[0].get("text", "") if ev else ""

    @property
    def flags(self) -> list[str]:
        return list(self.record.get("flags") or [])


@dataclass
class TrialEntity:
    """A trial as one thing: its canonical name, every alias and registry id, its records."""

    key: str
    name: str
    aliases: list[str] = field(default_factory=list)
    registry: list[str] = field(default_factory=list)
    trials: list[Found] = field(
        default_factory=list
    )  # its trial records, one per document naming it
    results: list[Found] = field(default_factory=list)  # outcomes and effects

    @property
    def documents(self) -> list[str]:
        seen: dict[str, None] = {}
        for f in [*self.trials, *self.results]:
            seen.setdefault(f.doc_id, None)
        return list(seen)

    @property
    def languages(self) -> list[str]:
        return sorted({f.lang for f in [*self.trials, *self.results] if f.lang})


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def effective_records(store: Store) -> tuple[dict[str, StoredDocument], list[Found]]:
    """The store's current documents (not failed, not superseded) and their kept records."""
    from .store import DROPPED_STATUSES

    docs = {d.doc_id: d for d in store.documents(superseded=False) if d.status == "ok"}
    out = []
    for r in store.records():
        d = docs.get(r.doc_id)
        if d is None or r.status in DROPPED_STATUSES:
            continue
        rec = r.effective
        out.append(Found(r.id, r.doc_id, d.stem, d.lang or rec.get("lang"), r.status, rec))
    return docs, out


def trial_entities(store: Store) -> list[TrialEntity]:
    """Every trial in the store, most documents first."""
    docs, found = effective_records(store)
    uf = _Union()
    names: dict[str, Counter[str]] = {}
    for f in found:
        rec = f.record
        if rec["kind"] == "trial":
            k = "n:" + (trial_key(rec["name"]) or "")
            names.setdefault(k, Counter())[rec["name"]] += 1
            uf.find(k)
            for alias in rec.get("aliases") or []:
                ak = "n:" + (trial_key(alias) or "")
                if ak != "n:":
                    uf.join(k, ak)
            for rid in rec.get("registry") or []:
                uf.join(k, "r:" + rid)
        elif rec.get("trial"):
            k = "n:" + (trial_key(rec["trial"]) or "")
            names.setdefault(k, Counter())[rec["trial"]] += 0
            uf.find(k)
    # a document registered under an id that no trial record carries still makes a trial
    registered: dict[str, list[str]] = {}
    for d in docs.values():
        for rid in d.registry:
            uf.find("r:" + rid)
            registered.setdefault(d.doc_id, []).append(rid)
    groups: dict[str, TrialEntity] = {}

    def entity(root: str) -> TrialEntity:
        if root not in groups:
            groups[root] = TrialEntity(key="", name="")
        return groups[root]

    for f in found:
        rec = f.record
        if rec["kind"] == "trial":
            e = entity(uf.find("n:" + (trial_key(rec["name"]) or "")))
            e.trials.append(f)
        elif rec.get("trial"):
            entity(uf.find("n:" + (trial_key(rec["trial"]) or ""))).results.append(f)
        elif f.doc_id in registered:
            e = entity(uf.find("r:" + registered[f.doc_id][0]))
            e.results.append(
                Found(f.record_id, f.doc_id, f.stem, f.lang, f.status, rec, via="registry")
            )
    members_of: dict[str, list[str]] = {}
    for k in list(uf.parent):
        members_of.setdefault(uf.find(k), []).append(k)
    for root, e in groups.items():
        members = members_of.get(root, [])
        counts: Counter[str] = Counter()
        for k in members:
            if k.startswith("n:"):
                counts.update(names.get(k, Counter()))
        ids = sorted({k[2:] for k in members if k.startswith("r:")})
        for t in e.trials:
            counts[t.record["name"]] += 1
        if counts:
            e.name = sorted(counts.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
        else:
            e.name = ids[0] if ids else "?"
        aliases = {
            a for t in e.trials for a in [t.record["name"], *(t.record.get("aliases") or [])]
        }
        aliases |= {r.record["trial"] for r in e.results if r.record.get("trial")}
        e.aliases = sorted(aliases - {e.name})
        e.registry = ids
        e.key = trial_key(e.name) or e.name
    out = [e for e in groups.values() if e.trials or e.results]
    out.sort(key=lambda e: (-len(e.documents), e.name))
    return out


def find_trial(store: Store, key: str) -> TrialEntity | None:
    """The trial whose key, any alias or any registry id is ``key`` (``ORIENT16``, ``NCT03189719``)."""
    want = trial_key(key)
    for e in trial_entities(store):
        if want == e.key or want in {trial_key(a) for a in e.aliases} or key in e.registry:
            return e
    return None


# -- side by side ------------------------------------------------------------------------

_MORE = re.compile(
    r"(?P<what>[A-Za-z][\w-]*)\s+(?:score\s+)?of\s+(?P<n>\d+(?:\.\d+)?)\s*%?\s+or\s+(?:more|higher)",
    re.IGNORECASE,
)


def subgroup_key(subgroup: str | None) -> str:
    """What a subgroup is, the same in both languages: ``PD-L1 CPS≥5``, ``CPS ≥5`` and ``a CPS of 5
    or more`` all give ``cps>=5``; a subgroup written only in Chinese keeps its words."""
    if not subgroup:
        return ""
    s = _MORE.sub(lambda m: f"{m.group('what')}>={m.group('n')}", subgroup)
    s = s.replace("≥", ">=").replace("≤", "<=").replace("＞", ">").replace("＜", "<").lower()
    s = re.sub(r"pd-?l1", "", s)
    ascii_part = "".join(re.findall(r"[a-z0-9.<>=%]+", s))
    ascii_part = re.sub(r"^(?:a|the|patients?|with|in)+(?=[a-z])", "", ascii_part)
    if len(re.sub(r"[^a-z]", "", ascii_part)) >= 2 and re.search(r"\d", ascii_part):
        return ascii_part
    return re.sub(r"\s+", "", subgroup)


def row_key(rec: dict[str, Any]) -> tuple:
    """What a result measures, so that two documents' values of it sit in one row."""
    if rec["kind"] == "outcome":
        what = (
            "outcome",
            rec.get("stat"),
            rec.get("unit"),
            rec.get("timepoint_months"),
            rec.get("arm_role"),
        )
    else:
        what = ("effect", rec.get("measure"), None, None, None)
    return (
        rec["endpoint"],
        *what,
        subgroup_key(rec.get("subgroup")),
        rec.get("grade"),
        rec.get("event"),
    )


def _said(values: Any) -> frozenset:
    """The numbers of one document's records of a row, leaving out any a fuller one holds."""
    vs = set(values)
    return frozenset(
        v
        for v in vs
        if not any(
            w != v and all(a is None or a == b for a, b in zip(v, w, strict=True)) for w in vs
        )
    )


def value_of(rec: dict[str, Any]) -> tuple:
    """The numbers two documents must share to agree on a row."""

    def r(x: Any) -> Any:
        return None if x is None else round(float(x), 6)

    if rec["kind"] == "outcome":
        return (r(rec.get("value")), r(rec.get("value_high")), rec.get("qualifier", "="))
    return (
        r(rec.get("value")),
        r(rec.get("ci_low")),
        r(rec.get("ci_high")),
        r(rec.get("p_value")),
        rec.get("p_qualifier"),
    )


def show_value(rec: dict[str, Any]) -> str:
    """A result as a curator reads it: ``12.4 month``, ``HR 0.73 (95% CI 0.62–0.86), P<0.0001``."""

    def n(x: Any) -> str:
        return f"{float(x):g}"

    if rec["kind"] == "outcome":
        q = rec.get("qualifier", "=")
        s = ("" if q == "=" else q) + n(rec["value"])
        if rec.get("value_high") is not None:
            s += f"–{n(rec['value_high'])}"
        s += "%" if rec.get("unit") == "percent" else f" {rec.get('unit')}"
        if rec.get("ci_low") is not None and rec.get("ci_high") is not None:
            s += f" (CI {n(rec['ci_low'])}–{n(rec['ci_high'])})"
        return s
    parts = []
    if rec.get("value") is not None:
        parts.append(f"{rec.get('measure') or ''} {n(rec['value'])}".strip())
    if rec.get("ci_low") is not None and rec.get("ci_high") is not None:
        level = rec.get("ci_level")
        parts.append(
            f"({f'{level * 100:g}% ' if level else ''}CI {n(rec['ci_low'])}–{n(rec['ci_high'])})"
        )
    if rec.get("p_value") is not None:
        q = rec.get("p_qualifier") or "="
        parts.append(f"P{q}{n(rec['p_value'])}")
    return " ".join(parts) or "—"


def row_label(key: tuple) -> dict[str, str]:
    endpoint, kind, stat, unit, tp, role, sub, grade, event = key
    what = stat or "P only"
    if tp:
        what += f" at {tp:g} months"
    return {
        "endpoint": endpoint,
        "kind": kind,
        "what": what,
        "arm_role": role or "",
        "subgroup": sub,
        "grade": grade or "",
        "event": event or "",
    }


@dataclass
class Row:
    """One measured thing of a trial, with what each document says about it."""

    key: tuple
    label: dict[str, str]
    cells: dict[str, list[Found]]  # doc_id → the records of that document for this row
    subgroup_text: str = ""

    @property
    def disagree(self) -> bool:
        """True when documents reporting this row give different numbers. A record that says
        less than another of its document (a table's HR without the P its text gives) says
        nothing else."""
        seen = [_said(value_of(f.record) for f in fs) for fs in self.cells.values() if fs]
        return len(seen) > 1 and len(set(seen)) > 1

    @property
    def flagged(self) -> bool:
        return any(f.flags for fs in self.cells.values() for f in fs)


def compare(entity: TrialEntity) -> tuple[list[tuple[str, str, str | None]], list[Row]]:
    """Documents (doc_id, stem, lang) and rows of a trial's results, rows with ≥ 2 documents first."""
    docs: dict[str, tuple[str, str, str | None]] = {}
    for f in [*entity.trials, *entity.results]:
        docs.setdefault(f.doc_id, (f.doc_id, f.stem, f.lang))
    rows: dict[tuple, Row] = {}
    for f in entity.results:
        k = row_key(f.record)
        row = rows.get(k)
        if row is None:
            row = rows[k] = Row(
                k, row_label(k), {d: [] for d in docs}, f.record.get("subgroup") or ""
            )
        row.cells[f.doc_id].append(f)
    order = list(docs)

    def sort_key(r: Row) -> tuple:
        n_docs = sum(bool(v) for v in r.cells.values())
        return (
            -min(n_docs, 2),
            r.key[0],
            r.key[6],
            r.key[1],
            str(r.key[2]),
            r.key[4] or 0,
            str(r.key[5]),
        )

    return [docs[d] for d in order], sorted(rows.values(), key=sort_key)


# -- exports -----------------------------------------------------------------------------

TRIAL_COLUMNS = (
    "trial",
    "aliases",
    "registry",
    "endpoint",
    "kind",
    "stat_or_measure",
    "unit",
    "timepoint_months",
    "subgroup",
    "arm_role",
    "arms",
    "grade",
    "event",
    "n_documents",
    "values",
    "agree",
    "flags",
    "documents",
)


def trial_rows(store: Store) -> list[dict[str, Any]]:
    """One row per trial × endpoint × arm (× landmark, subgroup): every document's value, and whether they agree."""
    out = []
    for e in trial_entities(store):
        docs, rows = compare(e)
        stems = {d: s for d, s, _ in docs}
        for row in rows:
            found = [f for fs in row.cells.values() for f in fs]
            lab = row.label
            out.append(
                {
                    "trial": e.name,
                    "aliases": "; ".join(e.aliases),
                    "registry": "; ".join(e.registry),
                    "endpoint": lab["endpoint"],
                    "kind": lab["kind"],
                    "stat_or_measure": row.key[2] or "",
                    "unit": row.key[3] or "",
                    "timepoint_months": row.key[4],
                    "subgroup": row.subgroup_text,
                    "arm_role": lab["arm_role"],
                    "arms": "; ".join(
                        dict.fromkeys(str(f.record["arm"]) for f in found if f.record.get("arm"))
                    ),
                    "grade": lab["grade"],
                    "event": lab["event"],
                    "n_documents": sum(bool(v) for v in row.cells.values()),
                    "values": "; ".join(
                        f"{stems[d]}: " + ", ".join(dict.fromkeys(show_value(f.record) for f in fs))
                        for d, fs in row.cells.items()
                        if fs
                    ),
                    "agree": not row.disagree,
                    "flags": "; ".join(sorted({x for f in found for x in f.flags})),
                    "documents": "; ".join(stems[d] for d, fs in row.cells.items() if fs),
                }
            )
    return out


META_COLUMNS = (
    "trial",
    "registry",
    "endpoint",
    "subgroup",
    "measure",
    "estimate",
    "ci_low",
    "ci_high",
    "ci_level",
    "yi",
    "sei",
    "p_value",
    "p_qualifier",
    "n_documents",
    "agree",
    "documents",
    "flags",
)


def log_effect(rec: dict[str, Any]) -> tuple[float, float] | None:
    """(ln estimate, its standard error) of a ratio with a CI: SE = (ln hi − ln lo) / (2·z), z of its level."""
    v, lo, hi = rec.get("value"), rec.get("ci_low"), rec.get("ci_high")
    if rec.get("measure") not in RATIO_MEASURES or v is None or lo is None or hi is None:
        return None
    if min(v, lo, hi) <= 0 or lo >= hi:
        return None
    z = NormalDist().inv_cdf(1 - (1 - float(rec.get("ci_level") or 0.95)) / 2)
    return math.log(v), (math.log(hi) - math.log(lo)) / (2 * z)


def meta_rows(store: Store, entities: Iterable[TrialEntity] | None = None) -> list[dict[str, Any]]:
    """One ratio per trial × endpoint × subgroup × measure, for meta-analysis.

    When several documents (or mentions) report it, the estimate and CI most of them give are
    taken (among equals, one no check flagged, then the first); ``agree`` says whether they all
    gave the same estimate and CI, ``documents`` which reported it.
    """
    out = []
    for e in entities if entities is not None else trial_entities(store):
        by: dict[tuple, list[Found]] = {}
        for f in e.results:
            rec = f.record
            if rec["kind"] != "effect" or log_effect(rec) is None:
                continue
            k = (rec["endpoint"], subgroup_key(rec.get("subgroup")), rec["measure"])
            by.setdefault(k, []).append(f)
        for (endpoint, _sub, measure), fs in sorted(by.items(), key=lambda kv: kv[0]):

            def ratio(f: Found) -> tuple:
                r = f.record
                return tuple(round(float(r[k]), 6) for k in ("value", "ci_low", "ci_high")) + (
                    round(float(r.get("ci_level") or 0.95), 6),
                )

            votes = Counter(ratio(f) for f in fs)
            # the value most documents give; among equals, one that no check flagged
            pick = max(fs, key=lambda f: (votes[ratio(f)], not f.flags))
            rec = pick.record
            yi, sei = log_effect(rec)  # type: ignore[misc]
            out.append(
                {
                    "trial": e.name,
                    "registry": "; ".join(e.registry),
                    "endpoint": endpoint,
                    "subgroup": rec.get("subgroup") or "",
                    "measure": measure,
                    "estimate": rec["value"],
                    "ci_low": rec["ci_low"],
                    "ci_high": rec["ci_high"],
                    "ci_level": rec.get("ci_level") or 0.95,
                    "yi": round(yi, 6),
                    "sei": round(sei, 6),
                    "p_value": rec.get("p_value"),
                    "p_qualifier": rec.get("p_qualifier"),
                    "n_documents": len({f.doc_id for f in fs}),
                    "agree": len(votes) == 1,
                    "documents": "; ".join(dict.fromkeys(f.stem for f in fs)),
                    "flags": "; ".join(sorted({x for f in fs for x in f.flags})),
                }
            )
    return out


def forest_rows(found: Sequence[Found], *, link: Any = None) -> list[dict[str, Any]]:
    """Ratios with a CI among ``found``, as :func:`extract.forest.forest_svg` draws them."""
    rows = []
    for f in found:
        rec = f.record
        if rec["kind"] != "effect" or log_effect(rec) is None:
            continue
        label = rec.get("trial") or "unnamed study"
        if rec.get("subgroup"):
            label += f" · {rec['subgroup']}"
        rows.append(
            {
                "group": f"{rec['endpoint']} · {rec['measure']}",
                "label": label,
                "source": f.stem,
                "estimate": rec["value"],
                "low": rec["ci_low"],
                "high": rec["ci_high"],
                "flags": f.flags,
                "href": link(f) if link else None,
            }
        )
    return rows


EXPORTS = {"trials": (trial_rows, TRIAL_COLUMNS), "meta": (meta_rows, META_COLUMNS)}


def write_export(store: Store, fmt: str, out: str | Path) -> int:
    """Write ``trials`` (:func:`trial_rows`) or ``meta`` (:func:`meta_rows`) as CSV; returns the rows."""
    import pandas as pd

    rows_fn, columns = EXPORTS[fmt]
    rows = rows_fn(store)
    pd.DataFrame(rows, columns=list(columns)).to_csv(out, index=False, encoding="utf-8")
    return len(rows)

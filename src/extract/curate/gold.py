"""Curated records ↔ gold files (``corpus/gold/<document stem>.jsonl``, RECORDS.md "Gold files").

:func:`export_gold` writes each curated document's kept records in the gold
shape: no ``id``/``doc_id``/``rule_id``, the evidence sentence as ``text`` and its
``page``, plus ``optional`` and ``note`` when a curator set them.
:func:`import_gold` does the reverse: gold records become the curated state of
the stored documents with the same stem — a machine record that a gold record
matches (the evaluator's one-to-one loose matching) is accepted or edited to
the gold values, a machine record no gold record matches is rejected, and a
gold record no machine record matches is added. Every change is an ordinary
curation event, by the importing curator.

Both directions carry the contract v2 fields (``source``, ``flags``, a trial's
``registry``, an outcome's ``events`` and ``ci_low``/``ci_high``/``ci_level``).
A v1 gold file imports as it is: the fields it leaves out are left as the
machine read them. A v1 effect without an endpoint (allowed there when optional)
is no record in v2; it is skipped with a note in the report, not added.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ExtractError, RecordError
from ..evaluate import match
from ..records import parse_gold, parse_record
from ..report import load_gold_file
from ..store import DROPPED_STATUSES, Store
from .auth import User
from .errors import CurationError
from .fields import KINDS, contract_fields, same
from .service import Curation, RecordView

_ORDER = ("kind", "lang", "text", "page", "optional", "note")


@dataclass
class ExportReport:
    written: dict[str, int] = field(default_factory=dict)  # file → records
    unreviewed: dict[str, int] = field(
        default_factory=dict
    )  # file → records still as the machine made them
    skipped: list[str] = field(default_factory=list)  # why a document was not written


@dataclass
class ImportReport:
    files: int = 0
    documents: int = 0
    accepted: int = 0
    edited: int = 0
    added: int = 0
    rejected: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)


def gold_record(view: RecordView) -> dict[str, Any]:
    """One curated record in the gold shape (validated against the gold models)."""
    data = contract_fields(view.fields)
    ev = view.evidence
    if ev:
        data["text"] = ev[0]["text"]
        data["page"] = ev[0]["page"]
    if view.optional:
        data["optional"] = True
    if view.note:
        data["note"] = view.note
    try:
        parse_gold(data, where=f"record {view.id}")
    except RecordError as e:
        raise CurationError(str(e)) from e
    ordered = {k: data[k] for k in _ORDER if k in data}
    return ordered | {k: v for k, v in data.items() if k not in ordered}


def export_gold(
    store: Store, outdir: str | Path, *, include_in_progress: bool = False
) -> ExportReport:
    """Write ``<stem>.jsonl`` for every curated document (and in-progress ones on request).

    Two stored documents with one stem (a ``.txt`` and its ``.pdf``) share a gold
    file: the curated one wins over one in progress, then the most recently edited.
    """
    cur = Curation(store)
    outdir = Path(outdir)
    report = ExportReport()
    wanted = {"curated", "in_progress"} if include_in_progress else {"curated"}
    by_stem: dict[str, list[Any]] = {}
    for s in cur.summaries():
        if s.state in wanted:
            by_stem.setdefault(s.stem, []).append(s)
    last_edit = {
        r[0]: r[1]
        for r in store.conn.execute("SELECT doc_id, MAX(id) FROM curate_events GROUP BY doc_id")
    }
    for stem, docs in sorted(by_stem.items()):
        docs.sort(key=lambda s: (s.state == "curated", last_edit.get(s.doc_id, 0)), reverse=True)
        chosen = docs[0]
        for other in docs[1:]:
            report.skipped.append(
                f"{other.path}: shares the gold file {stem}.jsonl with {chosen.path}, which was written"
            )
        views = [v for v in cur.records(chosen.doc_id) if v.kept]
        lines = [json.dumps(gold_record(v), ensure_ascii=False) for v in views]
        outdir.mkdir(parents=True, exist_ok=True)
        path = outdir / f"{stem}.jsonl"
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        report.written[str(path)] = len(lines)
        report.unreviewed[str(path)] = sum(1 for v in views if v.status == "machine")
    return report


def _read_gold(path: Path) -> list[Any]:
    try:
        return load_gold_file(path)
    except ExtractError as e:  # a malformed line: the message names file, line and field
        raise CurationError(str(e)) from e


def _gold_files(paths: list[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(p.glob("*.jsonl"))
        elif p.is_file():
            files.append(p)
        else:
            raise CurationError(f"{p}: no such gold file or directory")
    return files


def _find_evidence(text: str, snippet: str | None) -> tuple[int, int] | None:
    """Offsets of the gold ``text`` snippet in the normalized text (whitespace-tolerant)."""
    if not snippet:
        return None
    i = text.find(snippet)
    if i < 0:
        squeezed = " ".join(snippet.split())
        i = text.find(squeezed)
        snippet = squeezed
    if i < 0:
        return None
    return i, i + len(snippet)


def import_gold(
    store: Store, paths: list[str | Path], user: User, *, reason: str | None = None
) -> ImportReport:
    """Load gold files as curated records of the stored documents with the same stem."""
    cur = Curation(store)
    report = ImportReport()
    why = reason or "imported from gold"
    by_stem: dict[str, list[Any]] = {}
    for d in store.documents(status="ok", superseded=False):
        by_stem.setdefault(d.stem, []).append(d)
    for path in _gold_files(paths):
        stem = path.name.removesuffix(".jsonl")
        docs = by_stem.get(stem, [])
        if not docs:
            report.skipped.append(f"{path}: no stored document with stem {stem!r}")
            continue
        gold = []
        for g in _read_gold(path):
            if g.kind == "effect" and g.endpoint is None:
                report.skipped.append(
                    f"{path}: effect {g.model_dump(exclude_unset=True)} has no endpoint: "
                    "in contract v2 it is no record, so it was not imported"
                )
            else:
                gold.append(g)
        report.files += 1
        for doc in docs:
            report.documents += 1
            text = store.text(doc.doc_id) or ""
            views = cur.records(doc.doc_id)
            for kind in KINDS:
                gs = [g for g in gold if g.kind == kind]
                vs = [v for v in views if v.kind == kind]
                preds = [parse_record(v.fields, where=f"record {v.id}") for v in vs]
                pairs = match(gs, preds)
                matched_v = {j for _, j in pairs}
                matched_g = {i for i, _ in pairs}
                for i, j in pairs:
                    g, v = gs[i], vs[j]
                    values = {
                        k: getattr(g, k)
                        for k in g.model_fields_set
                        if k not in ("text", "page", "kind") and k in v.values
                    }
                    values["optional"] = g.optional
                    if g.note:
                        values["note"] = g.note
                    changed = {k: x for k, x in values.items() if not same(v.values.get(k), x)}
                    contract_changed = any(k not in ("optional", "note") for k in changed)
                    status = "edited" if contract_changed else "accepted"
                    if v.status == "added":
                        status = "added"
                    if not changed and v.status == status:
                        report.unchanged += 1
                        continue
                    cur._apply(user, v.id, changed, status, v.version, "import", why, "")
                    if contract_changed:
                        report.edited += 1
                    else:
                        report.accepted += 1
                for j, v in enumerate(vs):
                    if j in matched_v or v.status in DROPPED_STATUSES:
                        continue
                    cur._apply(user, v.id, {}, "rejected", v.version, "import", why, "")
                    report.rejected += 1
                for i, g in enumerate(gs):
                    if i in matched_g:
                        continue
                    span = _find_evidence(text, g.text)
                    if span is None:
                        report.skipped.append(
                            f"{path}: {kind} {g.model_dump(exclude_unset=True)} — its text is not in {doc.path}"
                        )
                        continue
                    values = {
                        k: v for k, v in g.model_dump().items() if k not in ("text", "page", "note")
                    }
                    if g.note:
                        values["note"] = g.note
                    if not values.get("optional"):
                        values.pop("optional", None)
                    cur.add(user, doc.doc_id, values, span[0], span[1], reason=why)
                    report.added += 1
    return report

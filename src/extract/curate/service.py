"""Curation actions on the store; every change leaves its events in the audit trail.

One :class:`Curation` wraps an open :class:`~extract.store.Store`. Its actions —
edit fields, accept / reject / delete, keep or take a changed machine value,
add a record, revert a change — take the record version the curator saw and
raise :class:`EditConflict` when someone else moved the record on, so no update
is lost. Each action is one transaction: the store's row and the events
(record, field, old value, new value, curator, time, reason) commit together.

Records live in a *scope*: ``""`` is the shared (final) record in the store;
a curator's name is that curator's independent curation of the document, used
in double curation (``mode = 'double'``) until an adjudicator settles the final
record (see :mod:`extract.curate.compare`).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from ..errors import RecordError
from ..store import DROPPED_STATUSES, STATUSES, Store, StoredRecord, UnknownRecord, VersionConflict
from .auth import User, now
from .errors import CurationError, EditConflict, NotAllowed
from .fields import (
    EXTRA_FIELDS,
    KINDS,
    READ_ONLY_FIELDS,
    check_sizes,
    contract_fields,
    display,
    field_specs,
    same,
    validate,
)
from .geometry import geometry
from .propose import evidence_span

ACTIONS = {"accept": "accepted", "reject": "rejected", "delete": "deleted"}
MODES = ("single", "double")
DOC_STATES = ("new", "in_progress", "curated")
MAX_SELECTION = 4000
"""Characters a curator may select to add a record from: a record's evidence is a sentence or two
(the corpus's longest is 1479), and the recognizers over a whole long document take minutes."""


def check_selection(start: int, end: int) -> None:
    """Refuse a selection longer than :data:`MAX_SELECTION` characters."""
    if end - start > MAX_SELECTION:
        raise CurationError(
            f"selection [{start}, {end}) has {end - start} characters; select at most "
            f"{MAX_SELECTION} characters (the sentence or two a record is read from)"
        )


def _j(v: Any) -> str | None:
    return None if v is None else json.dumps(v, ensure_ascii=False, sort_keys=True)


def _unj(s: str | None) -> Any:
    return None if s is None else json.loads(s)


@dataclass
class RecordView:
    """A record as one scope sees it: effective values, status, lock version, extras."""

    id: str
    doc_id: str
    kind: str
    fields: dict[str, Any]  # the effective record (contract shape, with evidence)
    machine: dict[str, Any] | None
    status: str
    version: int
    machine_changed: bool = False
    boxes: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)
    optional: bool = False
    note: str | None = None
    scope: str = ""

    @property
    def kept(self) -> bool:
        return self.status not in DROPPED_STATUSES

    @property
    def reviewed(self) -> bool:
        return self.status != "machine"

    @property
    def evidence(self) -> list[dict[str, Any]]:
        return list(self.fields.get("evidence") or [])

    @property
    def page(self) -> int:
        if self.boxes:
            return self.boxes[0][0]
        ev = self.evidence
        return int(ev[0]["page"]) if ev else 1

    @property
    def start(self) -> int:
        ev = self.evidence
        return int(ev[0]["start"]) if ev else 0

    @property
    def values(self) -> dict[str, Any]:
        """Contract fields plus the curator extras (what an edit compares)."""
        return {**contract_fields(self.fields), "optional": self.optional, "note": self.note}

    @property
    def trial_group(self) -> str:
        f = self.fields
        return (f.get("name") if self.kind == "trial" else f.get("trial")) or ""

    @property
    def label(self) -> str:
        """A one-line summary: ``OS median 12.4 month · experimental``."""
        f = self.fields
        if self.kind == "trial":
            bits = [f.get("name") or "?"]
            if f.get("phase"):
                bits.append(f"phase {f['phase']}")
            if f.get("n"):
                bits.append(f"n={f['n']}")
            return " ".join(bits)
        if self.kind == "outcome":
            v = display(f.get("value"))
            if f.get("value_high") is not None:
                v += f"–{display(f['value_high'])}"
            q = f.get("qualifier") or "="
            s = f"{f.get('endpoint') or '?'} {f.get('stat') or ''} {'' if q == '=' else q}{v} {f.get('unit') or ''}"
            if f.get("ci_low") is not None or f.get("ci_high") is not None:
                s += f" ({display(f.get('ci_low')) or '?'}–{display(f.get('ci_high')) or '?'})"
            if f.get("events") is not None:
                s += f" {f['events']}/{f['n']}" if f.get("n") else f" {f['events']} events"
            if f.get("timepoint_months"):
                s += f" @{display(f['timepoint_months'])}mo"
            if f.get("arm_role"):
                s += f" · {f['arm_role']}"
            return " ".join(s.split())
        bits = [f.get("endpoint") or "?", f.get("measure") or "P"]
        if f.get("value") is not None:
            bits.append(display(f["value"]))
        if f.get("ci_low") is not None:
            bits.append(f"({display(f['ci_low'])}–{display(f.get('ci_high'))})")
        if f.get("p_value") is not None:
            bits.append(f"P{f.get('p_qualifier') or '='}{display(f['p_value'])}")
        return " ".join(bits)


@dataclass
class Event:
    id: int
    change_id: int
    doc_id: str
    record_id: str
    scope: str
    action: str
    field: str
    old: Any
    new: Any
    curator: str
    time: str
    reason: str | None
    reverts: int | None


@dataclass
class Change:
    """What one action did: its events, and whether a later change reverted it."""

    id: int
    action: str
    record_id: str
    scope: str
    curator: str
    time: str
    reason: str | None
    reverts: int | None
    events: list[Event]
    reverted_by: int | None = None


@dataclass
class DocSummary:
    doc_id: str
    path: str
    stem: str
    lang: str | None
    pages: int
    status: str  # ok | failed
    error: str | None
    state: str  # new | in_progress | curated | failed
    mode: str
    counts: dict[str, int]
    total: int
    reviewed: int
    flagged: int
    curators: list[str]
    superseded_by: str | None = None


def _event(row: Any) -> Event:
    return Event(
        row["id"],
        row["change_id"],
        row["doc_id"],
        row["record_id"],
        row["scope"],
        row["action"],
        row["field"],
        _unj(row["old_value"]),
        _unj(row["new_value"]),
        row["curator"],
        row["time"],
        row["reason"],
        row["reverts"],
    )


class Curation:
    """Curation actions and views over one open store (with the curation tables)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- documents ------------------------------------------------------------------

    def mode(self, doc_id: str) -> str:
        row = self.store.conn.execute(
            "SELECT mode FROM curate_documents WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        return row[0] if row else "single"

    def done(self, doc_id: str) -> bool:
        row = self.store.conn.execute(
            "SELECT done FROM curate_documents WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        return bool(row and row[0])

    def _doc_row(self, conn: Any, doc_id: str) -> None:
        if self.store.document(doc_id) is None:
            raise CurationError(f"no document {doc_id!r} in {self.store.path}")
        conn.execute("INSERT OR IGNORE INTO curate_documents(doc_id) VALUES (?)", (doc_id,))

    def set_mode(self, user: User, doc_id: str, mode: str) -> None:
        """Switch a document between single and double (independent, adjudicated) curation."""
        if mode not in MODES:
            raise CurationError(f"mode {mode!r} is not allowed; allowed: {', '.join(MODES)}")
        old = self.mode(doc_id)
        if old == mode:
            return
        with self.store.transaction() as conn:
            self._doc_row(conn, doc_id)
            conn.execute("UPDATE curate_documents SET mode = ? WHERE doc_id = ?", (mode, doc_id))
            self._log(
                conn, self._change_id(conn), doc_id, "", "", "mode", "mode", old, mode, user, None
            )

    def set_done(self, user: User, doc_id: str, done: bool, reason: str | None = None) -> None:
        """Mark a document curated (its records are gold) or open it again.

        In double curation only an adjudicator (or admin) does either: the final
        records are theirs until the document is done.
        """
        if self.mode(doc_id) == "double" and not user.can_adjudicate:
            raise NotAllowed(
                f"{user.name} is a {user.role}: only an adjudicator marks a document in double curation "
                "curated, or opens it again"
            )
        old = self.done(doc_id)
        if old == done:
            return
        with self.store.transaction() as conn:
            self._doc_row(conn, doc_id)
            conn.execute(
                "UPDATE curate_documents SET done = ?, done_by = ?, done_at = ? WHERE doc_id = ?",
                (int(done), user.name if done else None, now() if done else None, doc_id),
            )
            self._log(
                conn, self._change_id(conn), doc_id, "", "", "done", "done", old, done, user, reason
            )

    def summaries(
        self, *, q: str = "", state: str = "", lang: str = "", kind: str = ""
    ) -> list[DocSummary]:
        """The documents page: each document's curation state and record counts, filtered.

        A document whose file has since changed (superseded by newer content) is
        listed only when ``state == "superseded"``.
        """
        conn = self.store.conn
        meta = {r["doc_id"]: r for r in conn.execute("SELECT * FROM curate_documents")}
        touched = {
            r[0]
            for r in conn.execute("SELECT DISTINCT doc_id FROM curate_events WHERE record_id != ''")
        }
        curators = {}
        for r in conn.execute(
            "SELECT doc_id, GROUP_CONCAT(DISTINCT curator) FROM curate_curations GROUP BY doc_id"
        ):
            curators[r[0]] = sorted((r[1] or "").split(","))
        stats: dict[str, dict[str, Any]] = {}
        for r in conn.execute(
            "SELECT doc_id, kind, status, machine_changed, COUNT(*) FROM records GROUP BY doc_id, kind, status, machine_changed"
        ):
            s = stats.setdefault(
                r[0], {"counts": dict.fromkeys(KINDS, 0), "total": 0, "reviewed": 0, "flagged": 0}
            )
            if r[2] not in DROPPED_STATUSES:
                s["counts"][r[1]] += r[4]
            s["total"] += r[4]
            s["reviewed"] += r[4] if r[2] != "machine" else 0
            s["flagged"] += r[4] if r[3] else 0
        needle = q.strip().lower()
        text_hits: set[str] = set()
        if needle:
            text_hits = {
                r[0]
                for r in conn.execute(
                    "SELECT doc_id FROM texts WHERE instr(lower(text), ?) > 0", (needle,)
                )
            }
        out = []
        for d in self.store.documents():
            m = meta.get(d.doc_id)
            s = stats.get(
                d.doc_id,
                {"counts": dict.fromkeys(KINDS, 0), "total": 0, "reviewed": 0, "flagged": 0},
            )
            if d.status != "ok":
                st = "failed"
            elif m is not None and m["done"]:
                st = "curated"
            elif s["reviewed"] or d.doc_id in touched or d.doc_id in curators:
                st = "in_progress"
            else:
                st = "new"
            superseded_by = getattr(d, "superseded_by", None)
            summary = DocSummary(
                d.doc_id,
                d.path,
                d.stem,
                d.lang,
                d.pages,
                d.status,
                d.error,
                st,
                m["mode"] if m is not None else "single",
                s["counts"],
                s["total"],
                s["reviewed"],
                s["flagged"],
                curators.get(d.doc_id, []),
                superseded_by,
            )
            if (state == "superseded") != bool(superseded_by):
                continue
            if state and state != "superseded" and st != state:
                continue
            if lang and d.lang != lang:
                continue
            if kind and not summary.counts.get(kind):
                continue
            if needle and not (
                needle in d.path.lower() or needle in d.doc_id or d.doc_id in text_hits
            ):
                continue
            out.append(summary)
        return out

    # -- records --------------------------------------------------------------------

    def _extras(
        self, scope: str, ids: list[str] | None = None
    ) -> dict[str, tuple[bool, str | None]]:
        rows = self.store.conn.execute(
            "SELECT record_id, optional, note FROM curate_extras WHERE scope = ?", (scope,)
        )
        return {r[0]: (bool(r[1]), r[2]) for r in rows if ids is None or r[0] in ids}

    def _view(self, r: StoredRecord, extras: tuple[bool, str | None] | None = None) -> RecordView:
        opt, note = (
            extras if extras is not None else self._extras("", [r.id]).get(r.id, (False, None))
        )
        return RecordView(
            r.id,
            r.doc_id,
            r.kind,
            r.effective,
            r.machine,
            r.status,
            r.version,
            r.machine_changed,
            list(r.boxes),
            opt,
            note,
            "",
        )

    def _scoped_view(self, r: StoredRecord | None, row: Any | None, scope: str) -> RecordView:
        """A curator's independent view: their curation row, else the machine record untouched."""
        if row is not None:
            f = _unj(row["fields"])
            extras = f.pop("_extras", {}) if isinstance(f, dict) else {}
            boxes = list(r.boxes) if r is not None else []
            if r is None and f.get("evidence"):
                ev = f["evidence"][0]
                boxes = geometry(self.store, row["doc_id"]).boxes(ev["start"], ev["end"])
            return RecordView(
                row["record_id"],
                row["doc_id"],
                row["kind"],
                f,
                r.machine if r is not None else None,
                row["status"],
                row["version"],
                False,
                boxes,
                bool(extras.get("optional")),
                extras.get("note"),
                scope,
            )
        assert r is not None
        base = r.machine if r.machine is not None else r.effective
        return RecordView(
            r.id,
            r.doc_id,
            r.kind,
            base,
            r.machine,
            "machine",
            0,
            False,
            list(r.boxes),
            False,
            None,
            scope,
        )

    def records(self, doc_id: str, scope: str = "") -> list[RecordView]:
        """The document's records as ``scope`` sees them, in evidence order."""
        stored = self.store.records(doc_id)
        if not scope:
            ex = self._extras("")
            return [self._view(r, ex.get(r.id, (False, None))) for r in stored]
        rows = {
            row["record_id"]: row
            for row in self.store.conn.execute(
                "SELECT * FROM curate_curations WHERE doc_id = ? AND curator = ?", (doc_id, scope)
            )
        }
        out = [
            self._scoped_view(r, rows.pop(r.id, None), scope)
            for r in stored
            if r.machine is not None or r.id in rows
        ]
        out += [self._scoped_view(None, row, scope) for row in rows.values()]
        out.sort(key=lambda v: (v.start, KINDS.index(v.kind), v.id))
        return out

    def record(self, record_id: str, scope: str = "") -> RecordView:
        try:
            r: StoredRecord | None = self.store.record(record_id)
        except UnknownRecord:
            r = None
        if not scope:
            if r is None:
                raise CurationError(f"no record {record_id!r} in {self.store.path}")
            return self._view(r)
        row = self.store.conn.execute(
            "SELECT * FROM curate_curations WHERE record_id = ? AND curator = ?", (record_id, scope)
        ).fetchone()
        if r is None and row is None:
            raise CurationError(f"no record {record_id!r} in {scope}'s curation")
        return self._scoped_view(r, row, scope)

    # -- the audit trail ------------------------------------------------------------

    @staticmethod
    def _change_id(conn: Any) -> int:
        return conn.execute("SELECT COALESCE(MAX(change_id), 0) + 1 FROM curate_events").fetchone()[
            0
        ]

    @staticmethod
    def _log(
        conn: Any,
        change_id: int,
        doc_id: str,
        record_id: str,
        scope: str,
        action: str,
        field_: str,
        old: Any,
        new: Any,
        user: User,
        reason: str | None,
        reverts: int | None = None,
    ) -> None:
        conn.execute(
            """INSERT INTO curate_events(change_id, doc_id, record_id, scope, action, field, old_value,
                 new_value, curator, time, reason, reverts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
            (
                change_id,
                doc_id,
                record_id,
                scope,
                action,
                field_,
                _j(old),
                _j(new),
                user.name,
                now(),
                (reason or "").strip() or None,
                reverts,
            ),
        )

    def events(
        self,
        *,
        record_id: str | None = None,
        doc_id: str | None = None,
        change_id: int | None = None,
    ) -> list[Event]:
        where, args = [], []
        for col, val in (("record_id", record_id), ("doc_id", doc_id), ("change_id", change_id)):
            if val is not None:
                where.append(f"{col} = ?")
                args.append(val)
        sql = (
            "SELECT * FROM curate_events"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY id"
        )
        return [_event(r) for r in self.store.conn.execute(sql, args)]

    def history(self, record_id: str, scope: str = "") -> list[Change]:
        """The record's changes in this scope, newest first, each with what reverted it."""
        changes: dict[int, Change] = {}
        for e in self.events(record_id=record_id):
            if e.scope != scope:
                continue
            c = changes.get(e.change_id)
            if c is None:
                c = changes[e.change_id] = Change(
                    e.change_id,
                    e.action,
                    e.record_id,
                    e.scope,
                    e.curator,
                    e.time,
                    e.reason,
                    e.reverts,
                    [],
                )
            c.events.append(e)
        for c in changes.values():
            if c.reverts is not None and c.reverts in changes:
                changes[c.reverts].reverted_by = c.id
        return sorted(changes.values(), key=lambda c: c.id, reverse=True)

    def last_change_by(self, record_id: str, scope: str = "") -> str | None:
        row = self.store.conn.execute(
            "SELECT curator FROM curate_events WHERE record_id = ? AND scope = ? ORDER BY id DESC LIMIT 1",
            (record_id, scope),
        ).fetchone()
        return row[0] if row else None

    # -- actions ----------------------------------------------------------------------

    def edit(
        self,
        user: User,
        record_id: str,
        values: dict[str, Any],
        version: int,
        *,
        reason: str | None = None,
        scope: str = "",
    ) -> RecordView:
        """Set fields of a record (contract fields and the extras ``optional``/``note``)."""
        return self._apply(user, record_id, values, None, version, "edit", reason, scope)

    def set_status(
        self,
        user: User,
        record_id: str,
        action: str,
        version: int,
        *,
        reason: str | None = None,
        scope: str = "",
    ) -> RecordView:
        """``accept``, ``reject`` or ``delete`` a record; ``keep`` (the curated values, after the
        machine value changed) or ``take_machine`` (the new machine values)."""
        if action in ACTIONS:
            return self._apply(user, record_id, {}, ACTIONS[action], version, action, reason, scope)
        view = self.record(record_id, scope)
        if action == "take_machine":
            if view.machine is None:
                raise CurationError(
                    f"record {record_id} has no machine version to take (the pipeline no longer finds it)"
                )
            return self._apply(
                user,
                record_id,
                contract_fields(view.machine),
                "accepted",
                version,
                action,
                reason,
                scope,
            )
        if action == "keep":
            if scope:
                raise CurationError("'keep' applies to the shared record only")
            if not view.machine_changed:
                return view
            check_sizes(view.kind, {}, reason)
            with self.store.transaction() as conn:
                self._check_version(view, version)
                try:
                    self.store.set_status(record_id, view.status, view.version)
                except VersionConflict as e:
                    raise EditConflict(
                        record_id, version, e.actual, self.last_change_by(record_id)
                    ) from e
                self._log(
                    conn,
                    self._change_id(conn),
                    view.doc_id,
                    record_id,
                    "",
                    "keep",
                    "machine_changed",
                    True,
                    False,
                    user,
                    reason,
                )
            return self.record(record_id)
        allowed = ", ".join([*ACTIONS, "keep", "take_machine"])
        raise CurationError(f"action {action!r} is not allowed; allowed: {allowed}")

    def _check_version(self, view: RecordView, version: int) -> None:
        if view.version != version:
            raise EditConflict(
                view.id, version, view.version, self.last_change_by(view.id, view.scope)
            )

    def _apply(
        self,
        user: User,
        record_id: str,
        values: dict[str, Any],
        status: str | None,
        version: int,
        action: str,
        reason: str | None,
        scope: str,
        reverts: int | None = None,
    ) -> RecordView:
        if status is not None and status not in STATUSES:
            raise CurationError(f"status {status!r} is not allowed; allowed: {', '.join(STATUSES)}")
        with self.store.transaction() as conn:
            view = self.record(record_id, scope)
            check_sizes(view.kind, values, reason)
            self._check_version(view, version)
            current = view.values
            known = {s.name for s in field_specs(view.kind)} | set(READ_ONLY_FIELDS)
            unknown = [k for k in values if k not in current and k not in known]
            if unknown:
                raise CurationError(f"{view.kind} records have no field {unknown[0]!r}")
            changed = {k: v for k, v in values.items() if not same(current.get(k), v)}
            contract = {k: v for k, v in changed.items() if k not in EXTRA_FIELDS}
            extras = {k: v for k, v in changed.items() if k in EXTRA_FIELDS}
            if contract:
                validate({**contract_fields(view.fields), **contract}, where=f"record {record_id}")
            new_status = status if status is not None else view.status
            if not changed and new_status == view.status:
                return view
            if scope:
                self._apply_scoped(conn, view, contract, extras, new_status, user)
            else:
                self._apply_shared(conn, view, contract, extras, status, user)
            after = self.record(record_id, scope)
            cid = self._change_id(conn)
            for k, v in changed.items():
                self._log(
                    conn,
                    cid,
                    view.doc_id,
                    record_id,
                    scope,
                    action,
                    k,
                    current.get(k),
                    v,
                    user,
                    reason,
                    reverts,
                )
            if after.status != view.status:
                self._log(
                    conn,
                    cid,
                    view.doc_id,
                    record_id,
                    scope,
                    action,
                    "status",
                    view.status,
                    after.status,
                    user,
                    reason,
                    reverts,
                )
        return after

    def _apply_shared(
        self,
        conn: Any,
        view: RecordView,
        contract: dict[str, Any],
        extras: dict[str, Any],
        status: str | None,
        user: User,
    ) -> None:
        cur = view.status
        try:
            if status == "machine":
                merged = {**contract_fields(view.fields), **contract}
                if view.machine is not None and all(
                    same(merged.get(k), v) for k, v in contract_fields(view.machine).items()
                ):
                    self.store.set_status(view.id, "machine", view.version)
                elif contract:
                    self.store.update_record(
                        view.id,
                        contract,
                        view.version,
                        status=cur if cur != "machine" else "edited",
                    )
            elif contract:
                default = cur if cur in ("added", *DROPPED_STATUSES) else "edited"
                self.store.update_record(view.id, contract, view.version, status=status or default)
            elif status is not None and status != cur:
                self.store.set_status(view.id, status, view.version)
            elif extras:
                # the curator looked at the record: an untouched one counts as accepted
                self.store.update_record(
                    view.id, {}, view.version, status=cur if cur != "machine" else "accepted"
                )
        except VersionConflict as e:
            raise EditConflict(view.id, view.version, e.actual, self.last_change_by(view.id)) from e
        except RecordError as e:
            raise CurationError(str(e)) from e
        if extras:
            opt = extras.get("optional", view.optional)
            note = extras.get("note", view.note)
            conn.execute(
                """INSERT INTO curate_extras(record_id, scope, optional, note) VALUES (?, '', ?, ?)
                   ON CONFLICT(record_id, scope) DO UPDATE SET optional = excluded.optional, note = excluded.note""",
                (view.id, int(bool(opt)), note),
            )

    def _apply_scoped(
        self,
        conn: Any,
        view: RecordView,
        contract: dict[str, Any],
        extras: dict[str, Any],
        status: str,
        user: User,
    ) -> None:
        fields_ = {**view.fields, **contract}
        fields_["_extras"] = {
            "optional": extras.get("optional", view.optional),
            "note": extras.get("note", view.note),
        }
        if contract and status == "machine":
            status = "edited"
        elif contract and status == view.status and view.status == "accepted":
            status = "edited"
        cur = conn.execute(
            """UPDATE curate_curations SET fields = ?, status = ?, version = version + 1, updated_at = ?
               WHERE record_id = ? AND curator = ? AND version = ?""",
            (_j(fields_), status, now(), view.id, view.scope, view.version),
        )
        if cur.rowcount == 0:
            if view.version != 0:
                raise EditConflict(
                    view.id,
                    view.version,
                    view.version + 1,
                    self.last_change_by(view.id, view.scope),
                )
            conn.execute(
                """INSERT INTO curate_curations(record_id, curator, doc_id, kind, fields, status, version, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, 1, ?)""",
                (view.id, view.scope, view.doc_id, view.kind, _j(fields_), status, now()),
            )

    def add(
        self,
        user: User,
        doc_id: str,
        values: dict[str, Any],
        start: int,
        end: int,
        *,
        reason: str | None = None,
        scope: str = "",
    ) -> RecordView:
        """Add a record the pipeline missed; its evidence is the sentence(s) around ``[start, end)``."""
        check_sizes(str(values.get("kind")), values, reason)
        check_selection(start, end)
        text = self.store.text(doc_id)
        if text is None:
            raise CurationError(
                f"no text for document {doc_id!r}: it failed to process or is not in the store"
            )
        try:
            span = evidence_span(text, start, end)
        except ValueError as e:
            raise CurationError(str(e)) from e
        geo = geometry(self.store, doc_id)
        evidence = [
            {
                "page": geo.page_of(span.start),
                "start": span.start,
                "end": span.end,
                "text": span.text,
            }
        ]
        extras = {k: values.pop(k) for k in EXTRA_FIELDS if k in values}
        data = validate({**values, "evidence": evidence}, where=f"new record in {doc_id}")
        record = {**data, "evidence": evidence}
        with self.store.transaction() as conn:
            if scope:
                rid = f"c-{secrets.token_hex(8)}"
                fields_ = {
                    **record,
                    "id": rid,
                    "doc_id": doc_id,
                    "_extras": {
                        "optional": bool(extras.get("optional")),
                        "note": extras.get("note"),
                    },
                }
                conn.execute(
                    """INSERT INTO curate_curations(record_id, curator, doc_id, kind, fields, status, version, updated_at)
                       VALUES (?, ?, ?, ?, ?, 'added', 1, ?)""",
                    (rid, scope, doc_id, record["kind"], _j(fields_), now()),
                )
            else:
                try:
                    stored = self.store.add_record(doc_id, record)
                except RecordError as e:
                    raise CurationError(str(e)) from e
                rid = stored.id
                conn.executemany(
                    "INSERT INTO record_boxes (record_id, page, x0, top, x1, bottom) VALUES (?,?,?,?,?,?)",
                    [(rid, page, *box) for page, box in geo.boxes(span.start, span.end)],
                )
                if extras:
                    conn.execute(
                        "INSERT INTO curate_extras(record_id, scope, optional, note) VALUES (?, '', ?, ?)",
                        (rid, int(bool(extras.get("optional"))), extras.get("note")),
                    )
            self._log(
                conn,
                self._change_id(conn),
                doc_id,
                rid,
                scope,
                "add",
                "*",
                None,
                {**record, **{k: v for k, v in extras.items() if v}},
                user,
                reason,
            )
        return self.record(rid, scope)

    def revert(self, user: User, change_id: int, *, reason: str | None = None) -> RecordView:
        """Undo one change: put back the old value of each field it set (a new change, in the trail).

        Refused when a later change moved one of those fields again: revert that one first.
        """
        events = self.events(change_id=change_id)
        if not events:
            raise CurationError(f"no change #{change_id}")
        first = events[0]
        if not first.record_id:
            raise CurationError(
                f"change #{change_id} ({first.action}) is about the document; it has no revert"
            )
        view = self.record(first.record_id, first.scope)
        current = view.values
        values: dict[str, Any] = {}
        status: str | None = None
        for e in events:
            if e.field == "*":
                if view.status in DROPPED_STATUSES:
                    raise CurationError(
                        f"the record added by change #{change_id} is already {view.status}"
                    )
                status = "deleted"
                continue
            if e.field == "machine_changed":
                raise CurationError(
                    f"change #{change_id} acknowledged a new machine value; it has no revert"
                )
            now_value = view.status if e.field == "status" else current.get(e.field)
            if not same(now_value, e.new):
                later = [
                    c
                    for c in self.history(view.id, view.scope)
                    if c.id > change_id and any(x.field == e.field for x in c.events)
                ]
                by = (
                    f" by change #{later[0].id} ({later[0].curator}, {later[0].time})"
                    if later
                    else ""
                )
                raise CurationError(
                    f"cannot revert change #{change_id}: {e.field} was changed again{by} "
                    f"(now {display(now_value)!r}, the change set {display(e.new)!r}); revert the later change first"
                )
            if e.field == "status":
                status = e.old
            else:
                values[e.field] = e.old
        if status == "machine" and view.scope:
            status = "machine"
        return self._apply(
            user,
            view.id,
            values,
            status,
            view.version,
            "revert",
            reason or f"revert of change #{change_id}",
            view.scope,
            reverts=change_id,
        )

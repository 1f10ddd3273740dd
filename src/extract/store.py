"""The store: one SQLite file (WAL mode) holding documents, their text, records and curation.

Batch ingestion (``extract.ingest``) writes it, the curation app reads and edits
it, ``extract export`` and :func:`records_frame` read it for analysis. Every
access goes through this module.

Tables (schema versions 1 to 3)::

    schema_version (version PK, applied_at)          one row per applied migration
    documents      (doc_id PK = content hash, path, stem, pages, lang, status ok|failed,
                    error, error_code, pipeline_version, seconds, ingested_at,
                    page_sizes JSON {"1": [w, h]}, page_sources JSON ["pdfplumber", …],
                    superseded_by: the doc_id of newer content read from the same path,
                    registry JSON ["NCT00597311"]: the ids the document registers itself under)
                    warnings JSON [{"code", "message", "page"?}]: what the reading may have left out,
                    path_bytes: the file name's bytes when they are not UTF-8, else NULL)
    texts          (doc_id PK, text)                  the normalized text evidence offsets index
    records        (id PK = stable record id, doc_id, kind, machine JSON, curated JSON,
                    status, machine_changed, version, pipeline_version, updated_at)
    record_boxes   (record_id, page, x0, top, x1, bottom)   evidence boxes on the page
    claims         (doc_id PK, pipeline_version, owner host:pid:token, claimed_at, lease_until)
                                                      documents a driver is processing right now

``path`` is always valid UTF-8: a file name that is not (Linux allows any bytes) is stored
in its readable form, the undecodable bytes written ``\\xNN`` (``caf\\xe9.pdf``), with the
exact bytes in ``path_bytes``. ``warnings`` says when a document was read but perhaps
not whole (codes in :data:`extract.errors.WARNING_CODES`): damaged content streams, a
repaired cross-reference table, pages much emptier than their neighbours, the two PDF
backends disagreeing, control or replacement characters.

``machine`` is the record in the contract shape (``shared/spec/RECORDS.md``) as the
latest pipeline run produced it (null for a record a curator added, or one the
latest run no longer produces); ``curated`` is the curator's version (null until a
curator edits it, or the machine value moves under an accepted or
rejected record); the *effective* record is ``curated`` when set, else ``machine``.
``status`` is one of ``machine`` (untouched), ``accepted``, ``rejected``, ``edited``,
``added``, ``deleted``. ``version`` starts at 1 and grows with every change of the
row, for optimistic locking. ``machine_changed`` asks a curator for a second look:
the machine value changed (or vanished) after the record was curated.

Python API::

    with Store("outputs/extract.db") as store:      # creates / migrates the file
        store.save_result(result, config.version)     # one transaction per document
        store.needs_processing(path_or_doc_id, config.version) -> bool
        store.processed(config.version) -> set[str]   # doc_ids needing no work (batch form)
        store.claim_path(doc_id, path)                # a stored content seen again at path
        store.claim(doc_id, version, owner) -> "claimed" | "busy" | "done"   # share work between drivers
        store.renew_claims(owner);  store.release_claims(owner)
        store.documents() -> list[StoredDocument];  store.document(doc_id) -> StoredDocument | None
        store.text(doc_id) -> str | None
        store.records(doc_id=None, kind=None) -> list[StoredRecord]
        store.record(record_id) -> StoredRecord       # UnknownRecord when missing
        store.update_record(record_id, {"value": 12.5}, expected_version=3) -> StoredRecord
        store.add_record(doc_id, record_dict) -> StoredRecord
        store.set_status(record_id, "accepted", expected_version=4) -> StoredRecord
        with store.transaction(): ...                 # group your own writes with ours
        store.conn                                    # the sqlite3 connection, for your tables

    records_frame("outputs/extract.db") -> pandas.DataFrame   # effective values, one row a record
    export_records("outputs/extract.db", "jsonl" | "csv" | "parquet", "out.jsonl") -> int

Re-extraction (``save_result`` with a new pipeline version) replaces a document's
machine records and keeps curators' work: a record with ``curated`` JSON or a
status other than ``machine`` keeps its curated values and status, gets the new
machine JSON beside them and ``machine_changed`` when that differs (a record
accepted or rejected without edits first gets the machine values the curator saw
copied into ``curated``, so its effective values do not move under the curator).
A curated record the new run no longer produces is kept with ``machine`` null and
``machine_changed`` set. A failed re-extraction records the failure on the
document and leaves its text and records as they were. When a file's content
changes, its new document supersedes the old one (``superseded_by``); the old
one stays, with its curation, but leaves exports and :func:`records_frame`.

Curator actions (``update_record``, ``add_record``, ``set_status``) validate the
result with :func:`extract.records.parse_record`, take ``expected_version`` (the
version the curator saw) and raise :class:`VersionConflict` when the row moved
on; they clear ``machine_changed`` (the curator has looked). ``set_status(…,
"machine")`` or ``take_machine=True`` drops the curated values.

Migrations: :data:`MIGRATIONS` lists ``(version, sql | callable(conn))`` in order;
every migration not yet in ``schema_version`` runs, each in its own transaction,
in version order (so the store's own series, below 100, and the curation app's,
100 and up, can both grow). The curation app adds its tables with
:func:`register_migration` before opening a :class:`Store`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from .errors import ExtractError, RecordError, missing_extra
from .records import parse_gold, parse_record, record_key, stable_id
from .wording import raw_path, readable_path, readable_text

if TYPE_CHECKING:
    import pandas as pd

    from .pipeline import DocResult

DEFAULT_DB = Path("outputs/extract.db")
STATUSES: tuple[str, ...] = ("machine", "accepted", "rejected", "edited", "added", "deleted")
# statuses whose records are not part of the curated data set (records_frame, export)
DROPPED_STATUSES: tuple[str, ...] = ("rejected", "deleted")
CURATION_MIGRATIONS_FROM = 100

Migration = tuple[int, "str | Callable[[sqlite3.Connection], None]"]

_SCHEMA_V1 = """
CREATE TABLE documents (
  doc_id           TEXT PRIMARY KEY,
  path             TEXT NOT NULL,
  stem             TEXT NOT NULL,
  pages            INTEGER NOT NULL DEFAULT 0,
  lang             TEXT,
  status           TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  error            TEXT,
  error_code       TEXT,
  pipeline_version TEXT NOT NULL,
  seconds          REAL,
  ingested_at      TEXT NOT NULL,
  page_sizes       TEXT NOT NULL DEFAULT '{}',
  page_sources     TEXT NOT NULL DEFAULT '[]',
  superseded_by    TEXT
);
CREATE INDEX documents_by_path ON documents(path);
CREATE TABLE texts (
  doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
  text   TEXT NOT NULL
);
CREATE TABLE records (
  id               TEXT PRIMARY KEY,
  doc_id           TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
  kind             TEXT NOT NULL CHECK (kind IN ('trial', 'outcome', 'effect')),
  machine          TEXT,
  curated          TEXT,
  status           TEXT NOT NULL DEFAULT 'machine'
                   CHECK (status IN ('machine', 'accepted', 'rejected', 'edited', 'added', 'deleted')),
  machine_changed  INTEGER NOT NULL DEFAULT 0,
  version          INTEGER NOT NULL DEFAULT 1,
  pipeline_version TEXT,
  updated_at       TEXT NOT NULL,
  CHECK (machine IS NOT NULL OR curated IS NOT NULL)
);
CREATE INDEX records_by_doc ON records(doc_id, kind);
CREATE INDEX records_by_status ON records(status);
CREATE TABLE record_boxes (
  record_id TEXT NOT NULL REFERENCES records(id) ON DELETE CASCADE,
  page      INTEGER NOT NULL,
  x0 REAL NOT NULL, top REAL NOT NULL, x1 REAL NOT NULL, bottom REAL NOT NULL
);
CREATE INDEX record_boxes_by_record ON record_boxes(record_id);
"""

# 2: the registry ids a document registers itself under (``DocResult.registry``), so that a
# report whose trial has no name in it joins the trial named by other documents (extract.trials)
_DOCUMENT_REGISTRY = "ALTER TABLE documents ADD COLUMN registry TEXT NOT NULL DEFAULT '[]';"

# 3: what a document's reading left out (warnings), the exact bytes of a file name that is not
# UTF-8 (``path`` holds its readable form), and claims: which driver is processing which document
_SCHEMA_V3 = """
ALTER TABLE documents ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
ALTER TABLE documents ADD COLUMN path_bytes BLOB;
CREATE TABLE claims (
  doc_id           TEXT PRIMARY KEY,
  pipeline_version TEXT NOT NULL,
  owner            TEXT NOT NULL,
  claimed_at       TEXT NOT NULL,
  lease_until      REAL NOT NULL
);
CREATE INDEX claims_by_owner ON claims(owner);
"""

MIGRATIONS: list[Migration] = [
    (1, _SCHEMA_V1),
    (2, _DOCUMENT_REGISTRY),
    (3, _SCHEMA_V3),
]


class StoreError(ExtractError):
    """The store file cannot be opened, migrated or written."""


class UnknownRecord(StoreError, KeyError):
    """No record with that id in the store."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class UnknownDocument(StoreError, KeyError):
    """No document with that id in the store."""

    def __str__(self) -> str:
        return str(self.args[0])


class VersionConflict(StoreError):
    """Someone changed the record since the curator loaded it (optimistic locking)."""

    def __init__(
        self, record_id: str, expected: int, actual: int, status: str, updated_at: str
    ) -> None:
        self.record_id = record_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"record {record_id} changed since you loaded it: you edited version {expected}, "
            f"the store has version {actual} (status {status!r}, updated {updated_at}); "
            "reload the record and apply your change again"
        )


def register_migration(version: int, sql: str | Callable[[sqlite3.Connection], None]) -> None:
    """Add a migration (the curation app's tables): versions from 100 up belong to it.

    Registering the same version with the same SQL again is a no-op (a module
    imported twice); a different migration under a taken version is an error.
    """
    if not isinstance(version, int) or version < CURATION_MIGRATIONS_FROM:
        raise StoreError(
            f"migration version {version!r}: versions below {CURATION_MIGRATIONS_FROM} belong to "
            f"the store itself; register {CURATION_MIGRATIONS_FROM} or higher"
        )
    for v, existing in MIGRATIONS:
        if v == version:
            if existing == sql:
                return
            raise StoreError(f"migration version {version} is already registered with other SQL")
    MIGRATIONS.append((version, sql))
    MIGRATIONS.sort(key=lambda m: m[0])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _loads(s: str | None) -> Any:
    return None if s is None else json.loads(s)


def _statements(sql: str) -> Iterator[str]:
    """Split a script into statements (``executescript`` would commit our transaction)."""
    buf = ""
    for piece in sql.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \t\r\n;"):
                yield buf
            buf = ""
    if buf.strip(" \t\r\n;"):
        raise StoreError(f"incomplete SQL statement in migration: {buf.strip()[:80]!r}")


Box = tuple[int, tuple[float, float, float, float]]


@dataclass(frozen=True)
class StoredRecord:
    """One record row: machine and curated versions, status, lock version, evidence boxes."""

    id: str
    doc_id: str
    kind: str
    machine: dict[str, Any] | None
    curated: dict[str, Any] | None
    status: str
    machine_changed: bool
    version: int
    boxes: list[Box] = field(default_factory=list)
    pipeline_version: str | None = None
    updated_at: str = ""

    @property
    def effective(self) -> dict[str, Any]:
        """The curated values when a curator set them, else the machine's."""
        rec = self.curated if self.curated is not None else self.machine
        assert rec is not None  # the table's CHECK constraint
        return rec


@dataclass(frozen=True)
class StoredDocument:
    """One document row."""

    doc_id: str
    path: str
    stem: str
    pages: int
    lang: str | None
    status: str
    error: str | None
    error_code: str | None
    pipeline_version: str
    seconds: float | None
    ingested_at: str
    page_sizes: dict[int, tuple[float, float]]
    page_sources: list[str]
    superseded_by: str | None = None
    registry: list[str] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    """What the reading may have left out: ``{"code", "message", "page"?}`` (WARNING_CODES)."""
    path_bytes: bytes | None = None  # the file name's exact bytes when ``path`` had to escape some


def file_doc_id(path: str | Path) -> str:
    """The document id of a file: first 16 hex of sha256 of its bytes (as the readers compute it)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _locked(method: Callable[Concatenate[Store, _P], _R]) -> Callable[Concatenate[Store, _P], _R]:
    """Run a method under the store's lock (one connection shared by threads)."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class Store:
    """The SQLite store; open it as a context manager, or call :meth:`close`.

    One connection, usable from several threads (calls are serialized by a lock);
    other processes may read and write the same file concurrently (WAL mode, a
    30-second busy timeout).
    """

    def __init__(self, path: str | Path = DEFAULT_DB, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(
                str(path), timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as e:
            raise StoreError(f"{path}: cannot open the store ({e})") from e
        self.conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as e:
            self.conn.close()
            raise StoreError(f"{path}: not a usable store ({e})") from e

    # -- lifecycle -----------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``); nested calls become savepoints."""
        with self._lock:
            depth = self._depth
            self.conn.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT sp{depth}")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self._depth -= 1
                if depth == 0:
                    self.conn.execute("ROLLBACK")
                else:
                    self.conn.execute(f"ROLLBACK TO sp{depth}")
                    self.conn.execute(f"RELEASE sp{depth}")
                raise
            self._depth -= 1
            self.conn.execute("COMMIT" if depth == 0 else f"RELEASE sp{depth}")

    def _migrate(self) -> None:
        with self._lock:
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
        self.apply_migrations(MIGRATIONS)

    def apply_migrations(
        self, steps: list[tuple[int, str | Callable]], label: str = "migration"
    ) -> list[int]:
        """Apply the ``(version, sql | callable)`` steps this file lacks, in version order.

        Each in its own transaction and recorded in ``schema_version``; whether a
        version is applied is checked again inside the write lock, so two processes
        opening one new file at once do not apply it twice. Returns the versions applied.
        """
        done_now: list[int] = []
        with self._lock:
            applied = set(self.schema_versions())
            for version, step in sorted(steps, key=lambda m: m[0]):
                if version in applied:
                    continue
                with self.transaction() as conn:
                    if conn.execute(
                        "SELECT 1 FROM schema_version WHERE version = ?", (version,)
                    ).fetchone():
                        continue
                    try:
                        if callable(step):
                            step(conn)
                        else:
                            for stmt in _statements(step):
                                conn.execute(stmt)
                    except sqlite3.Error as e:
                        raise StoreError(f"{self.path}: {label} {version} failed: {e}") from e
                    conn.execute(
                        "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                        (version, _now()),
                    )
                    done_now.append(version)
        return done_now

    @_locked
    def schema_versions(self) -> list[int]:
        """Versions of the migrations applied to this file, ascending."""
        rows = self.conn.execute("SELECT version FROM schema_version ORDER BY version")
        return [r[0] for r in rows]

    # -- ingestion -----------------------------------------------------------------

    @_locked
    def needs_processing(
        self, path_or_doc_id: str | Path, pipeline_version: str, *, retry_failed: bool = False
    ) -> bool:
        """False when this content was already processed by this pipeline version.

        ``path_or_doc_id`` is a file (hashed) or a document id. A document that
        failed under this version counts as processed unless ``retry_failed``.
        """
        p = Path(path_or_doc_id)
        doc_id = (
            file_doc_id(p)
            if isinstance(path_or_doc_id, Path) or p.is_file()
            else str(path_or_doc_id)
        )
        row = self.conn.execute(
            "SELECT pipeline_version, status FROM documents WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        if row is None or row["pipeline_version"] != pipeline_version:
            return True
        return retry_failed and row["status"] != "ok"

    @_locked
    def processed(self, pipeline_version: str, *, retry_failed: bool = False) -> set[str]:
        """Ids of the documents that need no processing under ``pipeline_version``."""
        sql = "SELECT doc_id FROM documents WHERE pipeline_version = ?"
        if retry_failed:
            sql += " AND status = 'ok'"
        return {r[0] for r in self.conn.execute(sql, (pipeline_version,))}

    def save_result(self, result: DocResult, pipeline_version: str) -> None:
        """Store one document's result in one transaction (see the module docstring)."""
        if result.doc_id is None:
            raise StoreError(f"{result.path}: cannot store a document without a content hash")
        now = _now()
        path = readable_path(result.path)
        doc = (
            result.doc_id,
            path,
            readable_text(result.path.stem),
            result.pages,
            result.lang,
            result.status,
            None if result.error is None else readable_text(result.error),
            result.error_code,
            pipeline_version,
            result.seconds,
            now,
            _dumps({str(k): list(v) for k, v in result.page_sizes.items()}),
            _dumps(list(result.page_sources)),
            _dumps(list(getattr(result, "warnings", None) or [])),
            raw_path(result.path),
        )
        with self.transaction() as conn:
            conn.execute("DELETE FROM claims WHERE doc_id = ?", (result.doc_id,))
            if result.status != "ok":
                # keep what an earlier successful run read; record why this one failed
                conn.execute(
                    """INSERT INTO documents (doc_id, path, stem, pages, lang, status, error, error_code,
                         pipeline_version, seconds, ingested_at, page_sizes, page_sources, warnings,
                         path_bytes)
                       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                       ON CONFLICT(doc_id) DO UPDATE SET path=excluded.path, stem=excluded.stem,
                         status=excluded.status, error=excluded.error, error_code=excluded.error_code,
                         pipeline_version=excluded.pipeline_version, seconds=excluded.seconds,
                         ingested_at=excluded.ingested_at, path_bytes=excluded.path_bytes""",
                    doc,
                )
                self._supersede(conn, result.doc_id, path)
                return
            conn.execute(
                """INSERT INTO documents (doc_id, path, stem, pages, lang, status, error, error_code,
                     pipeline_version, seconds, ingested_at, page_sizes, page_sources, warnings, path_bytes)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                   ON CONFLICT(doc_id) DO UPDATE SET path=excluded.path, stem=excluded.stem,
                     pages=excluded.pages, lang=excluded.lang, status=excluded.status,
                     error=excluded.error, error_code=excluded.error_code,
                     pipeline_version=excluded.pipeline_version, seconds=excluded.seconds,
                     ingested_at=excluded.ingested_at, page_sizes=excluded.page_sizes,
                     page_sources=excluded.page_sources, warnings=excluded.warnings,
                     path_bytes=excluded.path_bytes""",
                doc,
            )
            self._supersede(conn, result.doc_id, path)
            conn.execute(
                "UPDATE documents SET registry = ? WHERE doc_id = ?",
                (_dumps(list(getattr(result, "registry", []))), result.doc_id),
            )
            conn.execute(
                "INSERT INTO texts (doc_id, text) VALUES (?, ?) "
                "ON CONFLICT(doc_id) DO UPDATE SET text = excluded.text",
                (result.doc_id, result.text),
            )
            existing = {
                r["id"]: r
                for r in conn.execute("SELECT * FROM records WHERE doc_id = ?", (result.doc_id,))
            }
            seen: set[str] = set()
            for rec in result.records:
                machine = _dumps(rec.model_dump(mode="json"))
                seen.add(rec.id)
                old = existing.get(rec.id)
                if old is None:
                    conn.execute(
                        """INSERT INTO records (id, doc_id, kind, machine, curated, status,
                             machine_changed, version, pipeline_version, updated_at)
                           VALUES (?, ?, ?, ?, NULL, 'machine', 0, 1, ?, ?)""",
                        (rec.id, result.doc_id, rec.kind, machine, pipeline_version, now),
                    )
                elif old["machine"] == machine:
                    conn.execute(
                        "UPDATE records SET pipeline_version = ? WHERE id = ?",
                        (pipeline_version, rec.id),
                    )
                elif old["status"] == "machine" and old["curated"] is None:
                    conn.execute(
                        """UPDATE records SET machine = ?, version = version + 1, pipeline_version = ?,
                             updated_at = ? WHERE id = ?""",
                        (machine, pipeline_version, now, rec.id),
                    )
                else:
                    conn.execute(
                        """UPDATE records SET machine = ?, curated = ?, machine_changed = 1,
                             version = version + 1, pipeline_version = ?, updated_at = ? WHERE id = ?""",
                        (machine, _curated_snapshot(old), pipeline_version, now, rec.id),
                    )
                conn.execute("DELETE FROM record_boxes WHERE record_id = ?", (rec.id,))
                conn.executemany(
                    "INSERT INTO record_boxes (record_id, page, x0, top, x1, bottom) VALUES (?,?,?,?,?,?)",
                    [(rec.id, page, *box) for page, box in result.evidence_boxes.get(rec.id, [])],
                )
            for rid, old in existing.items():
                if rid in seen:
                    continue
                if old["status"] == "machine" and old["curated"] is None:
                    conn.execute("DELETE FROM records WHERE id = ?", (rid,))
                elif old["machine"] is not None:
                    conn.execute(
                        """UPDATE records SET machine = NULL, curated = ?, machine_changed = 1,
                             version = version + 1, pipeline_version = ?, updated_at = ? WHERE id = ?""",
                        (_curated_snapshot(old), pipeline_version, now, rid),
                    )

    @staticmethod
    def _supersede(conn: sqlite3.Connection, doc_id: str, path: str) -> None:
        conn.execute("UPDATE documents SET superseded_by = NULL WHERE doc_id = ?", (doc_id,))
        conn.execute(
            "UPDATE documents SET superseded_by = ? WHERE path = ? AND doc_id != ?",
            (doc_id, path, doc_id),
        )

    @_locked
    def claim_path(self, doc_id: str, path: str | Path) -> None:
        """Record that ``path`` now holds the stored content ``doc_id`` (a file renamed or reverted).

        Other documents last read from ``path`` become superseded by it; nothing
        is written when the store already says so.
        """
        raw = raw_path(path)
        path = readable_path(path)
        row = self.conn.execute(
            "SELECT path, superseded_by FROM documents WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise UnknownDocument(f"no document {doc_id!r} in {self.path}")
        others = self.conn.execute(
            "SELECT 1 FROM documents WHERE path = ? AND doc_id != ? AND "
            "(superseded_by IS NULL OR superseded_by != ?)",
            (path, doc_id, doc_id),
        ).fetchone()
        if row["path"] == path and row["superseded_by"] is None and others is None:
            return
        with self.transaction() as conn:
            conn.execute(
                "UPDATE documents SET path = ?, stem = ?, path_bytes = ? WHERE doc_id = ?",
                (path, Path(path).stem, raw, doc_id),
            )
            self._supersede(conn, doc_id, path)

    # -- claims: drivers sharing the work ----------------------------------------------

    def claim(
        self,
        doc_id: str,
        pipeline_version: str,
        owner: str,
        *,
        lease: float = 60.0,
        retry_failed: bool = False,
        seen: str | None = None,
    ) -> str:
        """Claim a document for ``owner`` (``host:pid:token``) before processing it.

        Returns ``"done"`` when the store already has it for ``pipeline_version`` (another
        driver finished it; with ``retry_failed`` a failure counts only when it was stored
        again since the caller saw it stored at ``seen``, its ``ingested_at``), ``"busy"``
        when another driver holds a live claim on it, and
        ``"claimed"`` otherwise: the claim is ours for ``lease`` seconds, renewed by
        :meth:`renew_claims`, released when the result is saved. A claim whose lease ran out,
        or whose owner is a process of this host that no longer runs, is taken over.
        """
        import time

        with self.transaction() as conn:
            row = conn.execute(
                "SELECT pipeline_version, status, ingested_at FROM documents WHERE doc_id = ?",
                (doc_id,),
            ).fetchone()
            if (
                row is not None
                and row["pipeline_version"] == pipeline_version
                and (not retry_failed or row["status"] == "ok" or row["ingested_at"] != seen)
            ):
                return "done"
            held = conn.execute(
                "SELECT owner, lease_until FROM claims WHERE doc_id = ?", (doc_id,)
            ).fetchone()
            now = time.time()
            if (
                held is not None
                and held["owner"] != owner
                and held["lease_until"] > now
                and _owner_alive(held["owner"])
            ):
                return "busy"
            conn.execute(
                """INSERT INTO claims (doc_id, pipeline_version, owner, claimed_at, lease_until)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(doc_id) DO UPDATE SET pipeline_version = excluded.pipeline_version,
                     owner = excluded.owner, claimed_at = excluded.claimed_at,
                     lease_until = excluded.lease_until""",
                (doc_id, pipeline_version, owner, _now(), now + lease),
            )
        return "claimed"

    def renew_claims(self, owner: str, *, lease: float = 60.0) -> None:
        """Extend every claim ``owner`` holds by ``lease`` seconds from now."""
        import time

        with self.transaction() as conn:
            conn.execute(
                "UPDATE claims SET lease_until = ? WHERE owner = ?", (time.time() + lease, owner)
            )

    def release_claims(self, owner: str) -> None:
        """Drop the claims ``owner`` still holds (documents it did not finish)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM claims WHERE owner = ?", (owner,))

    @_locked
    def claims(self) -> list[dict[str, Any]]:
        """The current claims: ``{"doc_id", "pipeline_version", "owner", "claimed_at", "lease_until"}``."""
        return [
            dict(r) for r in self.conn.execute("SELECT * FROM claims ORDER BY claimed_at, doc_id")
        ]

    # -- reading -------------------------------------------------------------------

    @_locked
    def documents(
        self, status: str | None = None, *, superseded: bool = True
    ) -> list[StoredDocument]:
        """Every document (or those with ``status`` ok|failed), by path.

        ``superseded=False`` leaves out documents whose file has since changed.
        """
        where, args = [], []
        if status is not None:
            where.append("status = ?")
            args.append(status)
        if not superseded:
            where.append("superseded_by IS NULL")
        sql = "SELECT * FROM documents" + (" WHERE " + " AND ".join(where) if where else "")
        return [_document(r) for r in self.conn.execute(sql + " ORDER BY path, doc_id", args)]

    @_locked
    def document(self, doc_id: str) -> StoredDocument | None:
        row = self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return None if row is None else _document(row)

    @_locked
    def text(self, doc_id: str) -> str | None:
        """The document's normalized text (what evidence offsets index), or None."""
        row = self.conn.execute("SELECT text FROM texts WHERE doc_id = ?", (doc_id,)).fetchone()
        return None if row is None else row[0]

    @_locked
    def records(self, doc_id: str | None = None, kind: str | None = None) -> list[StoredRecord]:
        """Records (all statuses), optionally of one document and/or kind, in evidence order."""
        where, args = [], []
        if doc_id is not None:
            where.append("doc_id = ?")
            args.append(doc_id)
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        sql = "SELECT * FROM records" + (" WHERE " + " AND ".join(where) if where else "")
        rows = self.conn.execute(sql, args).fetchall()
        boxes = self._boxes([r["id"] for r in rows] if doc_id is not None else None)
        out = [_record(r, boxes.get(r["id"], [])) for r in rows]
        out.sort(key=_evidence_order)
        return out

    @_locked
    def record(self, record_id: str) -> StoredRecord:
        row = self.conn.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            raise UnknownRecord(f"no record {record_id!r} in {self.path}")
        return _record(row, self._boxes([record_id]).get(record_id, []))

    def _boxes(self, ids: list[str] | None) -> dict[str, list[Box]]:
        if ids is None:
            rows = self.conn.execute("SELECT * FROM record_boxes ORDER BY rowid")
        else:
            rows = []
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                rows += self.conn.execute(
                    f"SELECT * FROM record_boxes WHERE record_id IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY rowid",
                    chunk,
                ).fetchall()
        out: dict[str, list[Box]] = {}
        for b in rows:
            out.setdefault(b["record_id"], []).append(
                (b["page"], (b["x0"], b["top"], b["x1"], b["bottom"]))
            )
        return out

    # -- curation ------------------------------------------------------------------

    def _locked_row(
        self, conn: sqlite3.Connection, record_id: str, expected_version: int
    ) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            raise UnknownRecord(f"no record {record_id!r} in {self.path}")
        if row["version"] != expected_version:
            raise VersionConflict(
                record_id, expected_version, row["version"], row["status"], row["updated_at"]
            )
        return row

    def update_record(
        self,
        record_id: str,
        new_fields: dict[str, Any],
        expected_version: int,
        status: str | None = None,
    ) -> StoredRecord:
        """Apply a curator's edit to the effective record; the result must satisfy the contract.

        ``status`` defaults to ``edited`` (``added`` stays ``added``). Raises
        :class:`VersionConflict` when the record is no longer at ``expected_version``,
        :class:`~extract.errors.RecordError` when the edited record is invalid.
        """
        if status is not None and status not in STATUSES or status == "machine":
            raise RecordError(
                f"status {status!r} is not allowed for an edit; allowed: "
                + ", ".join(s for s in STATUSES if s != "machine")
            )
        for key in ("id", "doc_id", "kind"):
            if key in new_fields:
                raise RecordError(f"record {record_id}: {key!r} cannot be edited")
        with self.transaction() as conn:
            row = self._locked_row(conn, record_id, expected_version)
            current = _loads(row["curated"]) or _loads(row["machine"])
            rec = parse_record({**current, **new_fields}, where=f"record {record_id}")
            new_status = status or ("added" if row["status"] == "added" else "edited")
            conn.execute(
                """UPDATE records SET curated = ?, status = ?, machine_changed = 0,
                     version = version + 1, updated_at = ? WHERE id = ?""",
                (_dumps(rec.model_dump(mode="json")), new_status, _now(), record_id),
            )
        return self.record(record_id)

    def set_status(
        self, record_id: str, status: str, expected_version: int, *, take_machine: bool = False
    ) -> StoredRecord:
        """Accept, reject, delete … a record without editing its values.

        ``status='machine'`` returns the record to the machine's values (curated
        dropped); ``take_machine=True`` does so while setting another status (a
        curator accepting the new machine value after ``machine_changed``).
        """
        if status not in STATUSES:
            raise RecordError(f"status {status!r} is not allowed; allowed: {', '.join(STATUSES)}")
        with self.transaction() as conn:
            row = self._locked_row(conn, record_id, expected_version)
            drop = status == "machine" or take_machine
            if drop and row["machine"] is None:
                raise RecordError(
                    f"record {record_id} has no machine version (status {row['status']!r}); "
                    "it cannot go back to the machine's values"
                )
            conn.execute(
                """UPDATE records SET status = ?, curated = CASE WHEN ? THEN NULL ELSE curated END,
                     machine_changed = 0, version = version + 1, updated_at = ? WHERE id = ?""",
                (status, int(drop), _now(), record_id),
            )
        return self.record(record_id)

    def add_record(self, doc_id: str, record_dict: dict[str, Any]) -> StoredRecord:
        """Add a record a curator found; it gets its stable id unless it brings one.

        The record must satisfy the contract (with ``evidence`` into the
        document's normalized text); ``doc_id`` is set from the argument.
        """
        data = {**record_dict, "doc_id": doc_id}
        with self.transaction() as conn:
            if (
                conn.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
                is None
            ):
                raise UnknownDocument(f"no document {doc_id!r} in {self.path}")
            if not data.get("id"):
                data["id"] = self._free_id(conn, doc_id, data)
            elif conn.execute("SELECT 1 FROM records WHERE id = ?", (data["id"],)).fetchone():
                raise RecordError(f"record {data['id']!r} already exists in document {doc_id}")
            rec = parse_record(data, where=f"added record in {doc_id}")
            conn.execute(
                """INSERT INTO records (id, doc_id, kind, machine, curated, status, machine_changed,
                     version, pipeline_version, updated_at)
                   VALUES (?, ?, ?, NULL, ?, 'added', 0, 1, NULL, ?)""",
                (rec.id, doc_id, rec.kind, _dumps(rec.model_dump(mode="json")), _now()),
            )
        return self.record(rec.id)

    def _free_id(self, conn: sqlite3.Connection, doc_id: str, data: dict[str, Any]) -> str:
        gold = {k: v for k, v in data.items() if k not in {"id", "doc_id", "evidence", "rule_id"}}
        key = record_key(parse_gold(gold, where=f"added record in {doc_id}"))
        ordinal = 0
        while True:
            rid = stable_id(doc_id, key, ordinal)
            if conn.execute("SELECT 1 FROM records WHERE id = ?", (rid,)).fetchone() is None:
                return rid
            ordinal += 1


def _owner_alive(owner: str) -> bool:
    """Is the driver ``host:pid:token`` possibly still running? A process of this host is
    checked; one of another host is taken to be alive (its lease decides)."""
    import os
    import socket

    parts = owner.split(":")
    if len(parts) < 3 or ":".join(parts[:-2]) != socket.gethostname():
        return True
    try:
        pid = int(parts[-2])
    except ValueError:
        return True
    from .pool import process_alive

    return pid == os.getpid() or process_alive(pid)


def _curated_snapshot(row: sqlite3.Row) -> str | None:
    """Curated JSON to keep when the machine value moves: the values the curator saw."""
    if row["curated"] is not None:
        return row["curated"]
    return row["machine"]


def _document(r: sqlite3.Row) -> StoredDocument:
    sizes = {int(k): (v[0], v[1]) for k, v in json.loads(r["page_sizes"]).items()}
    return StoredDocument(
        r["doc_id"],
        r["path"],
        r["stem"],
        r["pages"],
        r["lang"],
        r["status"],
        r["error"],
        r["error_code"],
        r["pipeline_version"],
        r["seconds"],
        r["ingested_at"],
        sizes,
        json.loads(r["page_sources"]),
        r["superseded_by"],
        json.loads(r["registry"]),
        json.loads(r["warnings"] or "[]"),
        None if r["path_bytes"] is None else bytes(r["path_bytes"]),
    )


def _record(r: sqlite3.Row, boxes: list[Box]) -> StoredRecord:
    return StoredRecord(
        r["id"],
        r["doc_id"],
        r["kind"],
        _loads(r["machine"]),
        _loads(r["curated"]),
        r["status"],
        bool(r["machine_changed"]),
        r["version"],
        boxes,
        r["pipeline_version"],
        r["updated_at"],
    )


def _evidence_order(r: StoredRecord) -> tuple:
    ev = r.effective.get("evidence") or [{}]
    return (r.doc_id, ev[0].get("start", 0), ("trial", "outcome", "effect").index(r.kind), r.id)


# -- analysis and export -----------------------------------------------------------

EXPORT_FORMATS = ("jsonl", "csv", "parquet", "trials", "meta")
EXTRA_COLUMNS = ("status", "machine_changed", "version", "path")


def _effective_records(store: Store, include_dropped: bool) -> Iterable[tuple[StoredRecord, str]]:
    paths = {d.doc_id: d.path for d in store.documents(superseded=include_dropped)}
    for r in store.records():
        if r.doc_id in paths and (include_dropped or r.status not in DROPPED_STATUSES):
            yield r, paths[r.doc_id]


def records_frame(db: str | Path | Store, *, include_dropped: bool = False) -> pd.DataFrame:
    """Effective records, one row a record: the CSV columns plus status, machine_changed, version, path.

    Rejected and deleted records, and the records of superseded documents (an
    older content of a file that has changed), are left out unless ``include_dropped``.
    """
    import pandas as pd

    from .records import CSV_COLUMNS, record_to_row

    store = db if isinstance(db, Store) else Store(db)
    try:
        rows = []
        for r, path in _effective_records(store, include_dropped):
            row = record_to_row(parse_record(r.effective, where=f"record {r.id}"))
            row.update(
                status=r.status, machine_changed=r.machine_changed, version=r.version, path=path
            )
            rows.append(row)
    finally:
        if store is not db:
            store.close()
    return pd.DataFrame(rows, columns=[*CSV_COLUMNS, *EXTRA_COLUMNS])


def documents_path_for(records_path: str | Path) -> Path:
    """Where the documents of an exported records file go: ``export.jsonl`` → ``export.documents.jsonl``."""
    p = Path(records_path)
    return p.with_name(f"{p.stem}.documents.jsonl")


def export_records(
    db: str | Path, fmt: str, out: str | Path, *, include_dropped: bool = False
) -> int:
    """Write the effective records to ``out``; returns how many.

    ``jsonl`` is the contract shape (what ``extract evaluate --pred`` reads);
    ``csv`` and ``parquet`` are :func:`records_frame`; ``trials`` (one row per trial × endpoint
    × arm with each document's value) and ``meta`` (log estimate and SE per trial and endpoint)
    are CSV from :mod:`extract.trials`, and count rows, not records.
    """
    if fmt not in EXPORT_FORMATS:
        raise StoreError(f"export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    if not Path(db).is_file():
        raise StoreError(f"{db}: no such store")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("trials", "meta"):
        from .trials import write_export

        with Store(db) as store:
            return write_export(store, fmt, out)
    if fmt == "jsonl":
        # the documents go beside the records (export.jsonl → export.documents.jsonl), so
        # that `extract evaluate --pred export.jsonl` knows each record's document
        with (
            Store(db) as store,
            open(out, "w", encoding="utf-8") as f,
            open(documents_path_for(out), "w", encoding="utf-8") as fd,
        ):
            n = 0
            for r, _ in _effective_records(store, include_dropped):
                f.write(json.dumps(r.effective, ensure_ascii=False) + "\n")
                n += 1
            for d in store.documents(superseded=include_dropped):
                fd.write(
                    json.dumps(
                        {
                            "doc_id": d.doc_id,
                            "path": d.path,
                            "stem": d.stem,
                            "pages": d.pages,
                            "lang": d.lang,
                            "status": d.status,
                            "error": d.error,
                            "error_code": d.error_code,
                            "warnings": d.warnings,
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        return n
    frame = records_frame(db, include_dropped=include_dropped)
    if fmt == "csv":
        frame.to_csv(out, index=False, encoding="utf-8")
    else:
        try:
            import pyarrow  # noqa: F401
        except ImportError as e:
            raise StoreError(missing_extra("parquet", "pyarrow")) from e
        frame.to_parquet(out, index=False)
    return len(frame)

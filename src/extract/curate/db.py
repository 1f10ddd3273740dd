"""The curation tables (store migrations 100 and up) and how to open a store with them.

Tables::

    curate_users       (name PK, password_hash scrypt, role curator|adjudicator|admin, created)
    curate_sessions    (token_hash PK, user, csrf, created, expires)     login sessions
    curate_tokens      (token_hash PK, user, label, created)             API tokens
    curate_events      append-only audit trail: one row per changed field —
                       (id, change_id, doc_id, record_id, scope, action, field,
                        old_value JSON, new_value JSON, curator, time, reason, reverts)
    curate_extras      (record_id, scope, optional, note)   gold's "optional" flag and a note
    curate_documents   (doc_id PK, mode single|double, done, done_by, done_at)
    curate_curations   (record_id, curator, doc_id, kind, fields JSON, status, version, updated_at)
                       one curator's independent version of a record, in double curation
    curate_adjudications (id, doc_id, record_id, field, choice, value JSON, adjudicator, time)

``scope`` is ``""`` for the shared (final) records in the store's ``records``
table and a curator's name for that curator's independent curation. A *change*
is what one click or one form submission did; its events share a ``change_id``
and are reverted together. Triggers refuse UPDATE and DELETE on
``curate_events``, so the trail can only grow.
"""

from __future__ import annotations

from pathlib import Path

from ..store import CURATION_MIGRATIONS_FROM, Store, StoreError

_V100 = """
CREATE TABLE curate_users (
  name          TEXT PRIMARY KEY,
  password_hash TEXT,
  role          TEXT NOT NULL DEFAULT 'curator' CHECK (role IN ('curator', 'adjudicator', 'admin')),
  created       TEXT NOT NULL
);
CREATE TABLE curate_sessions (
  token_hash TEXT PRIMARY KEY,
  user       TEXT NOT NULL REFERENCES curate_users(name) ON DELETE CASCADE,
  csrf       TEXT NOT NULL,
  created    TEXT NOT NULL,
  expires    TEXT NOT NULL
);
CREATE TABLE curate_tokens (
  token_hash TEXT PRIMARY KEY,
  user       TEXT NOT NULL REFERENCES curate_users(name) ON DELETE CASCADE,
  label      TEXT,
  created    TEXT NOT NULL
);
CREATE TABLE curate_events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  change_id INTEGER NOT NULL,
  doc_id    TEXT NOT NULL,
  record_id TEXT NOT NULL,
  scope     TEXT NOT NULL DEFAULT '',
  action    TEXT NOT NULL,
  field     TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  curator   TEXT NOT NULL,
  time      TEXT NOT NULL,
  reason    TEXT,
  reverts   INTEGER
);
CREATE INDEX curate_events_by_record ON curate_events(record_id, scope, id);
CREATE INDEX curate_events_by_doc ON curate_events(doc_id, id);
CREATE INDEX curate_events_by_change ON curate_events(change_id);
CREATE TRIGGER curate_events_append_only_update BEFORE UPDATE ON curate_events
BEGIN SELECT RAISE(ABORT, 'curate_events is append-only: record a new event instead'); END;
CREATE TRIGGER curate_events_append_only_delete BEFORE DELETE ON curate_events
BEGIN SELECT RAISE(ABORT, 'curate_events is append-only: record a new event instead'); END;
CREATE TABLE curate_extras (
  record_id TEXT NOT NULL,
  scope     TEXT NOT NULL DEFAULT '',
  optional  INTEGER NOT NULL DEFAULT 0,
  note      TEXT,
  PRIMARY KEY (record_id, scope)
);
CREATE TABLE curate_documents (
  doc_id  TEXT PRIMARY KEY,
  mode    TEXT NOT NULL DEFAULT 'single' CHECK (mode IN ('single', 'double')),
  done    INTEGER NOT NULL DEFAULT 0,
  done_by TEXT,
  done_at TEXT
);
CREATE TABLE curate_curations (
  record_id  TEXT NOT NULL,
  curator    TEXT NOT NULL,
  doc_id     TEXT NOT NULL,
  kind       TEXT NOT NULL,
  fields     TEXT NOT NULL,
  status     TEXT NOT NULL,
  version    INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (record_id, curator)
);
CREATE INDEX curate_curations_by_doc ON curate_curations(doc_id, curator);
CREATE TABLE curate_adjudications (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  doc_id      TEXT NOT NULL,
  record_id   TEXT NOT NULL,
  field       TEXT NOT NULL,
  choice      TEXT NOT NULL,
  value       TEXT,
  adjudicator TEXT NOT NULL,
  time        TEXT NOT NULL
);
"""

MIGRATIONS: list[tuple[int, str]] = [(100, _V100)]
"""The curation series of the store's migrations (versions 100 and up, see ``extract.store``)."""


def migrate(store: Store) -> list[int]:
    """Apply the curation migrations this store file lacks; returns the versions applied.

    Like the store's own runner: each migration in its own transaction, recorded
    in ``schema_version``, checked inside the write lock (two processes opening
    one file at once). It is applied here rather than through the process-wide
    ``register_migration`` list, so that opening a curation store leaves plain
    :class:`~extract.store.Store` objects of the same process unchanged.
    """
    for version, _sql in MIGRATIONS:
        if version < CURATION_MIGRATIONS_FROM:
            raise StoreError(
                f"curation migration {version}: curation versions start at {CURATION_MIGRATIONS_FROM}"
            )
    return store.apply_migrations(MIGRATIONS, label="curation migration")


def open_store(path: str | Path) -> Store:
    """A :class:`~extract.store.Store` with the curation tables migrated in."""
    store = Store(path)
    try:
        migrate(store)
    except BaseException:
        store.close()
        raise
    return store

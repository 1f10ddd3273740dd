"""The SQLite store: migrations, one transaction per document, curation kept across re-extraction."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from extract import store as store_mod
from extract.errors import RecordError
from extract.pipeline import DocResult, load_pipeline, process_document
from extract.records import parse_record
from extract.store import (
    Store,
    StoreError,
    UnknownDocument,
    UnknownRecord,
    VersionConflict,
    export_records,
    records_frame,
    register_migration,
)

ROOT = Path(__file__).resolve().parents[1]
SEED_TXT = ROOT / "corpus" / "seed" / "000_05e11c3b259efc19.txt"
EN_PDF = ROOT / "corpus" / "composed" / "en_review_nsclc_first_line.pdf"
V1, V2 = "test+v1", "test+v2"


@pytest.fixture(scope="module")
def seed_result(tmp_path_factory) -> DocResult:
    src = tmp_path_factory.mktemp("seed") / SEED_TXT.name
    shutil.copy(SEED_TXT, src)
    res = process_document(src, load_pipeline())
    assert res.status == "ok" and len(res.records) > 10, res.error
    return res


@pytest.fixture(scope="module")
def pdf_result() -> DocResult:
    res = process_document(EN_PDF, load_pipeline())
    assert res.status == "ok", res.error
    return res


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "extract.db"


def machine_rows(store: Store) -> dict[str, dict]:
    return {r.id: r.machine for r in store.records()}


# -- schema and migrations -------------------------------------------------------------


def test_new_store_is_wal_with_the_store_schema_versions(db):
    with Store(db) as s:
        assert s.schema_versions() == [1, 2, 3]
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"schema_version", "documents", "texts", "records", "record_boxes", "claims"} <= tables
    with Store(db) as s:  # reopening applies nothing twice
        assert s.schema_versions() == [1, 2, 3]


def test_a_version_2_store_gets_warnings_raw_names_and_claims_without_losing_a_row(db, seed_result):
    with Store(db) as s:
        s.save_result(seed_result, "v1")
    conn = sqlite3.connect(db)  # undo migration 3: the store as version 2 left it
    conn.executescript(
        "DROP TABLE claims; ALTER TABLE documents DROP COLUMN warnings; "
        "ALTER TABLE documents DROP COLUMN path_bytes; DELETE FROM schema_version WHERE version = 3;"
    )
    conn.close()
    with Store(db) as s:
        assert s.schema_versions() == [1, 2, 3]
        [doc] = s.documents()
        assert doc.warnings == [] and doc.path_bytes is None and len(s.records()) > 0
        assert s.claims() == []


def test_curation_migrations_run_once_and_in_order(db, monkeypatch):
    monkeypatch.setattr(store_mod, "MIGRATIONS", list(store_mod.MIGRATIONS))
    with Store(db):
        pass
    calls = []
    register_migration(
        101, lambda conn: calls.append(101) or conn.execute("ALTER TABLE users ADD email TEXT")
    )
    register_migration(100, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);")
    register_migration(
        100, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    )  # no-op
    with Store(db) as s:
        assert s.schema_versions() == [1, 2, 3, 100, 101]
        cols = [r[1] for r in s.conn.execute("PRAGMA table_info(users)")]
    assert cols == ["id", "name", "email"]
    with Store(db):
        pass
    assert calls == [101]


@pytest.mark.parametrize(
    ("version", "sql", "message"),
    [
        (2, "CREATE TABLE x (a)", "versions below 100 belong to the store"),
        (100, "CREATE TABLE other (a)", "already registered with other SQL"),
    ],
)
def test_register_migration_rejects_taken_or_reserved_versions(monkeypatch, version, sql, message):
    monkeypatch.setattr(store_mod, "MIGRATIONS", list(store_mod.MIGRATIONS))
    register_migration(100, "CREATE TABLE users (id INTEGER PRIMARY KEY)")
    with pytest.raises(StoreError, match=message):
        register_migration(version, sql)


def test_failed_migration_names_itself_and_leaves_no_trace(db, monkeypatch):
    monkeypatch.setattr(store_mod, "MIGRATIONS", list(store_mod.MIGRATIONS))
    register_migration(100, "CREATE TABLE users (id INTEGER); CREATE TABLE users (id INTEGER);")
    with pytest.raises(StoreError, match="migration 100 failed"):
        Store(db)
    conn = sqlite3.connect(db)
    assert [r[0] for r in conn.execute("SELECT version FROM schema_version")] == [1, 2, 3]
    assert conn.execute("SELECT name FROM sqlite_master WHERE name='users'").fetchone() is None


def test_a_file_that_is_not_a_database_is_named(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="bad.db"):
        Store(bad)


# -- saving documents ----------------------------------------------------------------


def test_saved_document_reads_back_with_text_records_and_boxes(db, seed_result, pdf_result):
    with Store(db) as s:
        s.save_result(seed_result, V1)
        s.save_result(pdf_result, V1)
        doc = s.document(pdf_result.doc_id)
        assert doc is not None
        assert (doc.path, doc.pages, doc.lang, doc.status) == (
            str(EN_PDF),
            pdf_result.pages,
            "en",
            "ok",
        )
        assert doc.page_sizes == pdf_result.page_sizes
        assert doc.page_sources == pdf_result.page_sources
        assert s.text(seed_result.doc_id) == seed_result.text
        recs = s.records(doc_id=pdf_result.doc_id)
        assert {r.id: r.machine for r in recs} == {
            r.id: r.model_dump(mode="json") for r in pdf_result.records
        }
        assert all(r.status == "machine" and r.version == 1 and r.curated is None for r in recs)
        # evidence boxes come back in the same order, for drawing on the page
        for r in recs:
            assert r.boxes == [(p, tuple(b)) for p, b in pdf_result.evidence_boxes[r.id]]
        assert any(r.boxes for r in recs)
        trials = s.records(doc_id=seed_result.doc_id, kind="trial")
        assert trials and {r.kind for r in trials} == {"trial"}
        assert [d.doc_id for d in s.documents()] == sorted(
            [seed_result.doc_id, pdf_result.doc_id], key=lambda i: str(s.document(i).path)
        )


def test_save_is_one_transaction_nothing_half_written(db, seed_result):
    # two records with one id: the second insert fails after the document row was written
    dup = dataclasses.replace(seed_result, records=[seed_result.records[0], seed_result.records[0]])
    with Store(db) as s:
        with pytest.raises(sqlite3.IntegrityError):
            s.save_result(dup, V1)
        assert s.documents() == []
        assert s.text(seed_result.doc_id) is None
        assert s.records() == []
        s.save_result(seed_result, V1)  # the store is still usable
        assert len(s.records()) == len(seed_result.records)


def test_needs_processing_by_path_or_id_and_version(db, seed_result):
    failed = DocResult(
        Path("/x/broken.pdf"), "00000000000000ff", "failed", error="no text", error_code="empty"
    )
    with Store(db) as s:
        assert s.needs_processing(seed_result.path, V1)
        s.save_result(seed_result, V1)
        s.save_result(failed, V1)
        assert not s.needs_processing(seed_result.path, V1)
        assert not s.needs_processing(str(seed_result.path), V1)
        assert not s.needs_processing(seed_result.doc_id, V1)
        assert s.needs_processing(seed_result.doc_id, V2)
        assert not s.needs_processing("00000000000000ff", V1)
        assert s.needs_processing("00000000000000ff", V1, retry_failed=True)


def test_failed_reextraction_keeps_text_and_records(db, seed_result):
    failed = DocResult(
        seed_result.path, seed_result.doc_id, "failed", error="time limit", error_code="timeout"
    )
    with Store(db) as s:
        s.save_result(seed_result, V1)
        s.save_result(failed, V2)
        doc = s.document(seed_result.doc_id)
        assert (doc.status, doc.error_code, doc.pipeline_version) == ("failed", "timeout", V2)
        assert doc.pages == seed_result.pages
        assert s.text(seed_result.doc_id) == seed_result.text
        assert len(s.records()) == len(seed_result.records)


def test_new_content_at_a_path_supersedes_the_old(db, seed_result):
    first = seed_result.records[0]
    moved = first.model_copy(update={"doc_id": "ffffffffffffffff", "id": "new-" + first.id})
    newer = dataclasses.replace(seed_result, doc_id="ffffffffffffffff", records=[moved])
    with Store(db) as s:
        s.save_result(seed_result, V1)
        s.save_result(newer, V1)
        assert s.document(seed_result.doc_id).superseded_by == "ffffffffffffffff"
        assert [d.doc_id for d in s.documents(superseded=False)] == ["ffffffffffffffff"]
        s.claim_path(seed_result.doc_id, seed_result.path)  # the file was reverted
        assert s.document(seed_result.doc_id).superseded_by is None
        assert s.document("ffffffffffffffff").superseded_by == seed_result.doc_id
    assert len(records_frame(db)) == len(seed_result.records)


# -- curation ----------------------------------------------------------------------


def _reextracted(res: DocResult, drop: set[str]) -> DocResult:
    """The same document by a 'new pipeline': every record's rule_id changed, some gone."""
    recs = [
        r.model_copy(update={"rule_id": "new.rule.v2"}) for r in res.records if r.id not in drop
    ]
    return dataclasses.replace(res, records=recs)


def test_curated_records_survive_reextraction(db, seed_result):
    recs = seed_result.records
    outcome = next(r for r in recs if r.kind == "outcome")
    others = [r for r in recs if r.id != outcome.id]
    accepted, rejected, untouched, vanished_plain, vanished_edit = others[:5]
    with Store(db) as s:
        s.save_result(seed_result, V1)
        edited = s.update_record(outcome.id, {"value": 99.5, "arm": "人工修正"}, expected_version=1)
        s.set_status(accepted.id, "accepted", expected_version=1)
        s.set_status(rejected.id, "rejected", expected_version=1)
        gone = s.update_record(vanished_edit.id, {"refs": ["42"]}, expected_version=1)
        added = s.add_record(
            seed_result.doc_id,
            {
                **outcome.model_dump(mode="json"),
                "id": None,
                "value": 1.5,
                "rule_id": None,
            },
        )

        s.save_result(_reextracted(seed_result, {vanished_plain.id, vanished_edit.id}), V2)
        after = {r.id: r for r in s.records()}

    e = after[outcome.id]
    assert (e.status, e.effective["value"], e.effective["arm"]) == ("edited", 99.5, "人工修正")
    assert e.machine["rule_id"] == "new.rule.v2" and e.machine["value"] == outcome.value
    assert e.machine_changed and e.version == edited.version + 1
    # accepted without edits: the values the curator accepted stay effective
    a = after[accepted.id]
    assert a.status == "accepted" and a.machine_changed
    assert a.effective == accepted.model_dump(mode="json")
    assert a.machine["rule_id"] == "new.rule.v2"
    assert after[rejected.id].status == "rejected"
    # untouched machine records simply take the new machine value
    u = after[untouched.id]
    assert (u.status, u.machine_changed, u.curated, u.version) == ("machine", False, None, 2)
    assert u.effective["rule_id"] == "new.rule.v2"
    # gone from the machine output: dropped when untouched, kept when curated
    assert vanished_plain.id not in after
    g = after[vanished_edit.id]
    assert g.machine is None and g.machine_changed and g.effective["refs"] == ["42"]
    assert g.version == gone.version + 1
    assert after[added.id].status == "added" and after[added.id].effective["value"] == 1.5
    assert len(after) == len(recs) - 1 + 1


def test_reextraction_with_identical_output_changes_no_versions(db, seed_result):
    with Store(db) as s:
        s.save_result(seed_result, V1)
        s.set_status(seed_result.records[0].id, "accepted", 1)
        s.save_result(seed_result, V2)
        recs = s.records()
    assert {r.version for r in recs if r.status == "machine"} == {1}
    assert not any(r.machine_changed for r in recs)
    assert {r.pipeline_version for r in recs} == {V2}


def test_update_with_a_stale_version_raises_version_conflict(db, seed_result):
    rid = seed_result.records[0].id
    with Store(db) as s:
        s.save_result(seed_result, V1)
        s.update_record(rid, {"refs": ["1"]}, expected_version=1)
        with pytest.raises(
            VersionConflict,
            match=rf"record {rid} changed since you loaded it: "
            r"you edited version 1, the store has version 2",
        ):
            s.update_record(rid, {"refs": ["2"]}, expected_version=1)
        with pytest.raises(VersionConflict):
            s.set_status(rid, "accepted", expected_version=1)
        assert s.record(rid).effective["refs"] == ["1"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"unit": "fortnight"}, "unit: 'fortnight' is not allowed"),
        ({"colour": "red"}, "colour: unknown field"),
        ({"id": "x"}, "'id' cannot be edited"),
        ({"kind": "trial"}, "'kind' cannot be edited"),
    ],
)
def test_invalid_edit_is_refused_with_the_field_named(db, seed_result, fields, message):
    outcome = next(r for r in seed_result.records if r.kind == "outcome")
    with Store(db) as s:
        s.save_result(seed_result, V1)
        with pytest.raises(RecordError, match=message):
            s.update_record(outcome.id, fields, expected_version=1)
        assert s.record(outcome.id).version == 1


def test_set_status_machine_returns_to_machine_values(db, seed_result):
    rid = seed_result.records[0].id
    with Store(db) as s:
        s.save_result(seed_result, V1)
        r = s.update_record(rid, {"refs": ["7"]}, 1)
        r = s.set_status(rid, "machine", r.version)
    assert r.curated is None and r.status == "machine" and r.effective == r.machine


def test_added_record_gets_a_stable_id_and_must_be_valid(db, seed_result):
    outcome = next(r for r in seed_result.records if r.kind == "outcome").model_dump(mode="json")
    new = {**outcome, "value": 77.0}
    del new["id"]
    with Store(db) as s:
        s.save_result(seed_result, V1)
        a = s.add_record(seed_result.doc_id, new)
        b = s.add_record(seed_result.doc_id, new)  # the same again: next ordinal
        assert a.id != b.id and a.status == "added" and a.machine is None
        assert parse_record(a.effective).value == 77.0
        with pytest.raises(UnknownDocument, match="no document 'nope'"):
            s.add_record("nope", new)
        with pytest.raises(RecordError, match="endpoint"):
            s.add_record(seed_result.doc_id, {**new, "endpoint": "XYZ"})
        with pytest.raises(UnknownRecord, match="no record 'missing'"):
            s.record("missing")


def test_caller_transaction_groups_edit_with_own_writes(db, seed_result, monkeypatch):
    monkeypatch.setattr(store_mod, "MIGRATIONS", list(store_mod.MIGRATIONS))
    register_migration(100, "CREATE TABLE edit_events (record_id TEXT, at TEXT)")
    rid = seed_result.records[0].id
    with Store(db) as s:
        s.save_result(seed_result, V1)
        with pytest.raises(RuntimeError):
            with s.transaction() as conn:
                s.update_record(rid, {"refs": ["3"]}, 1)
                conn.execute("INSERT INTO edit_events VALUES (?, 'now')", (rid,))
                raise RuntimeError("the app failed after the edit")
        assert s.record(rid).version == 1  # rolled back together
        assert s.conn.execute("SELECT count(*) FROM edit_events").fetchone()[0] == 0


# -- analysis and export --------------------------------------------------------------


def test_records_frame_and_exports_give_effective_values(db, tmp_path, seed_result):
    recs = seed_result.records
    outcome = next(r for r in recs if r.kind == "outcome")
    rejected = next(r for r in recs if r.id != outcome.id)
    with Store(db) as s:
        s.save_result(seed_result, V1)
        s.update_record(outcome.id, {"value": 123.0}, 1)
        s.set_status(rejected.id, "rejected", 1)
    frame = records_frame(db)
    assert len(frame) == len(recs) - 1 and rejected.id not in set(frame["id"])
    row = frame.set_index("id").loc[outcome.id]
    assert (row["value"], row["status"]) == (123.0, "edited")
    assert len(records_frame(db, include_dropped=True)) == len(recs)

    n = export_records(db, "jsonl", tmp_path / "r.jsonl")
    lines = (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()
    assert n == len(lines) == len(recs) - 1
    parsed = {r.id: r for r in (parse_record(json.loads(x)) for x in lines)}  # contract shape
    assert parsed[outcome.id].value == 123.0
    assert any(
        "\u4e00" <= ch <= "\u9fff" for ch in lines[0] + lines[-1] + "".join(lines)
    )  # not \\u-escaped
    assert export_records(db, "csv", tmp_path / "r.csv") == len(recs) - 1
    assert len(pd.read_csv(tmp_path / "r.csv")) == len(recs) - 1
    assert export_records(db, "parquet", tmp_path / "r.parquet") == len(recs) - 1
    back = pd.read_parquet(tmp_path / "r.parquet")
    assert back.set_index("id").loc[outcome.id, "value"] == 123.0
    with pytest.raises(StoreError, match="choose one of jsonl, csv, parquet"):
        export_records(db, "xlsx", tmp_path / "r.xlsx")

"""Gold export and import: curated documents become ``corpus/gold``-shaped files and back."""

from __future__ import annotations

import json

from curate_support import ROOT, find_record

from extract.curate.auth import User
from extract.curate.gold import export_gold, import_gold
from extract.curate.service import Curation
from extract.evaluate import evaluate, gold_to_records
from extract.report import load_gold_file

ALICE = User("alice", "curator")


def test_export_writes_curated_documents_in_the_gold_shape(store, seed_id, tmp_path):
    cur = Curation(store)
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    cur.edit(
        ALICE, rec.id, {"value": 12.6, "optional": True, "note": "figure says 12.6"}, rec.version
    )
    dropped = find_record(
        store, seed_id, kind="outcome", value=9.8, endpoint="OS", trial="KEYNOTE-590"
    )
    cur.set_status(ALICE, dropped.id, "reject", dropped.version)
    assert export_gold(store, tmp_path).written == {}  # nothing marked curated yet
    cur.set_done(ALICE, seed_id, True)
    report = export_gold(store, tmp_path)
    path = tmp_path / "000_05e11c3b259efc19.jsonl"
    assert report.written == {str(path): len(store.records(seed_id)) - 1}
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    corrected = [g for g in lines if g.get("note") == "figure says 12.6"]
    assert len(corrected) == 1
    g = corrected[0]
    assert g["value"] == 12.6 and g["optional"] is True and g["kind"] == "outcome"
    assert "id" not in g and "evidence" not in g and "rule_id" not in g and "doc_id" not in g
    assert "12.4个月" in g["text"] and g["page"] == 2
    assert not any(
        x.get("value") == 9.8 and x.get("endpoint") == "OS" and x["kind"] == "outcome"
        for x in lines
    )
    assert "帕博利珠单抗" in path.read_text(encoding="utf-8")  # Chinese stays readable
    load_gold_file(path)  # the evaluator reads it


def test_import_then_export_reproduces_the_seed_gold(store, seed_id, tmp_path):
    gold_path = ROOT / "corpus" / "gold" / "000_05e11c3b259efc19.jsonl"
    report = import_gold(store, [gold_path], User("import", "admin"))
    assert report.files == 1 and report.documents == 1 and not report.skipped
    assert report.accepted + report.edited + report.added == len(load_gold_file(gold_path))
    Curation(store).set_done(ALICE, seed_id, True)
    export_gold(store, tmp_path)
    ours = load_gold_file(tmp_path / gold_path.name)
    theirs = load_gold_file(gold_path)
    scores = evaluate(
        {"d": theirs}, {"d": gold_to_records({"d": ours}, include_optional=True)["d"]}
    )
    assert scores.overall["all"].strict.f1 == 1.0
    assert sum(g.optional for g in ours) == sum(g.optional for g in theirs)
    actions = {r[0] for r in store.conn.execute("SELECT DISTINCT curator FROM curate_events")}
    assert actions == {"import", "alice"}


def test_import_skips_gold_files_without_a_document(store, tmp_path):
    lone = tmp_path / "no_such_document.jsonl"
    lone.write_text('{"kind": "trial", "lang": "en", "name": "CROSS"}\n', encoding="utf-8")
    report = import_gold(store, [lone], User("import", "admin"))
    assert (
        report.files == 0 and "no stored document with stem 'no_such_document'" in report.skipped[0]
    )

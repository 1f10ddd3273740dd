"""Contract v2 in the curation app: the new fields in the forms, their checks, gold export and import.

RECORDS.md "Changes from v1": outcomes carry ``events`` and their own CI, trials
their ``registry`` ids, every record its ``source`` and read-only ``flags``; the
vocabularies grew (endpoints, ``p_qualifier >=``) and an effect needs an endpoint.
"""

from __future__ import annotations

import html
import json
import re
from typing import get_args

from curate_support import edit_form, find_record

from extract.curate.auth import User
from extract.curate.gold import export_gold, import_gold
from extract.curate.service import Curation
from extract.records import DESIGNS, ENDPOINTS, PQualifier, Source, parse_gold
from extract.report import load_gold_file

ALICE = User("alice", "curator")
IMPORTER = User("import", "admin")
HOSTILE_STEM = "hostile_<script>"


def options(page: str, field: str) -> list[str]:
    """The option values of the select named ``field`` in an HTML page."""
    m = re.search(
        rf'<select id="f-{re.escape(field)}" name="{re.escape(field)}"[^>]*>(.*?)</select>',
        page,
        re.S,
    )
    assert m, f"no select for {field}"
    return [html.unescape(v) for v in re.findall(r'<option value="([^"]*)"', m.group(1))]


def exported(store, doc_id: str, tmp_path, stem: str) -> list[dict]:
    Curation(store).set_done(ALICE, doc_id, True)
    export_gold(store, tmp_path)
    path = tmp_path / f"{stem}.jsonl"
    load_gold_file(path)  # the evaluator reads it
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- the forms ------------------------------------------------------------------------


def test_outcome_form_has_the_v2_fields_and_menus_from_the_models(client_factory, store, seed_id):
    c = client_factory("alice")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    page = c.get(f"/doc/{seed_id}?r={rec.id}").text
    for name in ("events", "ci_low", "ci_high", "ci_level"):
        assert f'id="f-{name}" name="{name}"' in page
    assert options(page, "endpoint") == list(
        ENDPOINTS
    )  # TTP, TTF, CSS, DMFS, LRFS, PR, SD included
    assert {"TTP", "DMFS", "SD"} <= set(options(page, "endpoint"))
    assert options(page, "source") == list(get_args(Source))
    assert re.search(
        r'id="f-events" name="events" type="number" step="1" min="0"', page
    )  # 0 events is a count
    assert re.search(r'id="f-n" name="n" type="number" step="1" min="1"', page)
    assert 'name="flags"' not in page  # shown, not edited
    assert 'id="flags"' in page and "none failed" in page


def test_effect_form_requires_an_endpoint_and_offers_p_at_least(client_factory, store, seed_id):
    c = client_factory("alice")
    rec = next(r for r in store.records(seed_id) if r.kind == "effect")
    page = c.get(f"/doc/{seed_id}?r={rec.id}").text
    assert options(page, "endpoint") == list(ENDPOINTS)  # no empty choice: required
    assert re.search(r'<select id="f-endpoint" name="endpoint" required>', page)
    assert options(page, "p_qualifier") == ["", *get_args(PQualifier)] and ">=" in options(
        page, "p_qualifier"
    )
    r = c.post(
        f"/doc/{seed_id}/records/{rec.id}/edit", data=edit_form(c, seed_id, rec, endpoint="")
    )
    assert r.status_code == 422 and "endpoint: a value is required" in html.unescape(r.text)
    assert store.record(rec.id).version == rec.version


def test_trial_form_has_registry_and_the_design_menu(client_factory, store, seed_id):
    c = client_factory("alice")
    rec = find_record(store, seed_id, kind="trial", name="KEYNOTE-590")
    page = c.get(f"/doc/{seed_id}?r={rec.id}").text
    assert 'id="f-registry" name="registry" type="text"' in page
    assert options(page, "design") == list(DESIGNS)
    assert (
        f'multiple size="{len(DESIGNS)}"' in page
    )  # every design visible at once, none scrolled away


# -- edit and export ------------------------------------------------------------------


def test_outcome_ci_events_and_source_edited_in_the_form_reach_the_gold_file(
    client_factory, store, seed_id, tmp_path
):
    c = client_factory("alice")
    rec = find_record(
        store, seed_id, kind="outcome", value=12.4, endpoint="OS", trial="KEYNOTE-590"
    )
    r = c.post(
        f"/doc/{seed_id}/records/{rec.id}/edit",
        data=edit_form(
            c,
            seed_id,
            rec,
            ci_low="10.5",
            ci_high="14.3",
            ci_level="0.95",
            events="0",
            n="373",
            source="table",
            reason="CI from table 2",
        ),
    )
    assert r.status_code == 200, html.unescape(r.text)[:2000]
    after = store.record(rec.id).effective
    assert (
        after["ci_low"],
        after["ci_high"],
        after["ci_level"],
        after["events"],
        after["source"],
    ) == (10.5, 14.3, 0.95, 0, "table")
    page = c.get(f"/doc/{seed_id}?r={rec.id}").text
    assert 'value="10.5"' in page and 'value="14.3"' in page
    assert "OS median 12.4 month (10.5–14.3) 0/373" in page  # the label says what changed
    assert "<del>–</del> → <ins>10.5</ins>" in page  # the history keeps the new field
    gold = exported(store, seed_id, tmp_path, "000_05e11c3b259efc19")
    mine = [g for g in gold if g["kind"] == "outcome" and g.get("ci_low") == 10.5]
    assert len(mine) == 1
    assert (
        mine[0]["ci_high"],
        mine[0]["ci_level"],
        mine[0]["events"],
        mine[0]["n"],
        mine[0]["source"],
    ) == (14.3, 0.95, 0, 373, "table")


def test_trial_registry_edited_in_the_form_reaches_the_gold_file(
    client_factory, store, seed_id, tmp_path
):
    c = client_factory("alice")
    rec = find_record(store, seed_id, kind="trial", name="KEYNOTE-590")
    r = c.post(
        f"/doc/{seed_id}/records/{rec.id}/edit",
        data=edit_form(c, seed_id, rec, registry="NCT03189719, ChiCTR1800015300"),
    )
    assert r.status_code == 200
    assert store.record(rec.id).effective["registry"] == ["NCT03189719", "ChiCTR1800015300"]
    assert 'value="NCT03189719, ChiCTR1800015300"' in c.get(f"/doc/{seed_id}?r={rec.id}").text
    gold = exported(store, seed_id, tmp_path, "000_05e11c3b259efc19")
    trial = [g for g in gold if g["kind"] == "trial" and g["name"] == "KEYNOTE-590"]
    assert [t["registry"] for t in trial] == [["NCT03189719", "ChiCTR1800015300"]]


def _flag_machine_record(store, doc_id: str, rec_id: str, flags: list[str]) -> None:
    """Re-extract the document with the pipeline's consistency checks flagging one record."""
    from extract.pipeline import process_document

    result = process_document(store.document(doc_id).path)
    result.records = [
        r.model_copy(update={"flags": flags}) if r.id == rec_id else r for r in result.records
    ]
    store.save_result(result, "test+flags")


def test_flags_are_shown_read_only_kept_through_edits_and_exported(
    client_factory, store, hostile_id, tmp_path
):
    rec = find_record(store, hostile_id, kind="effect", measure="HR")
    _flag_machine_record(
        store, hostile_id, rec.id, ["p_inconsistent_with_ci", "estimate_outside_ci"]
    )
    rec = store.record(rec.id)
    c = client_factory("alice")
    page = c.get(f"/doc/{hostile_id}?r={rec.id}").text
    flags_block = re.search(
        r'<div class="field wide readonly" id="flags">(.*?)</div>', page, re.S
    ).group(1)
    assert (
        "<code>p_inconsistent_with_ci</code>" in flags_block
        and "<code>estimate_outside_ci</code>" in flags_block
    )
    assert (
        'title="failed checks: p_inconsistent_with_ci, estimate_outside_ci"' in page
    )  # marked in the table
    assert 'name="flags"' not in page
    r = c.post(
        f"/doc/{hostile_id}/records/{rec.id}/edit",
        data=edit_form(c, hostile_id, rec, ci_high="0.95"),
    )
    assert r.status_code == 200
    assert store.record(rec.id).effective["flags"] == [
        "p_inconsistent_with_ci",
        "estimate_outside_ci",
    ]
    api = c.post(
        f"/api/records/{rec.id}",
        json={"fields": {"flags": []}, "version": rec.version + 1},
        headers={"X-CSRF-Token": c.csrf},
    )
    assert api.status_code == 422 and "no field 'flags'" in api.json()["error"]
    gold = exported(store, hostile_id, tmp_path, HOSTILE_STEM)
    hr = [g for g in gold if g["kind"] == "effect" and g.get("measure") == "HR"]
    assert [(g["ci_high"], g["flags"]) for g in hr] == [
        (0.95, ["p_inconsistent_with_ci", "estimate_outside_ci"])
    ]


def test_add_from_selection_keeps_the_hrs_ci_off_the_outcomes(client_factory, store, hostile_id):
    """A CI written after a measure is the measure's: the outcome forms open with v2 fields, CI empty."""
    c = client_factory("alice")
    text = store.text(hostile_id)
    sel = text[text.index("13.1 months") : text.index("0.94)") + 4]
    start = text.index(sel)
    base = f"/doc/{hostile_id}/new?start={start}&end={start + len(sel)}"
    kinds = []
    for i in range(3):
        form = c.get(f"{base}&i={i}").text
        kind = re.search(r'name="kind" value="(\w+)"', form).group(1)
        kinds.append(kind)
        assert re.search(
            r'<select id="f-source" name="source" required>\s*<option value="text" selected>', form
        )
        ci_low = re.search(
            r'id="f-ci_low" name="ci_low" type="text"[^>]* value="([^"]*)"', form
        ).group(1)
        if kind == "outcome":
            assert 'id="f-events" name="events" type="number" step="1" min="0" value=""' in form
            assert ci_low == ""
        else:
            assert ci_low == "0.68"
    assert sorted(kinds) == ["effect", "outcome", "outcome"]


# -- gold files -----------------------------------------------------------------------

V1_GOLD = [  # a gold file written for contract v1: none of the v2 fields
    {"kind": "trial", "lang": "zh", "name": "KEYNOTE-590", "phase": None, "n": None},
    {
        "kind": "outcome",
        "lang": "zh",
        "trial": "KEYNOTE-590",
        "endpoint": "OS",
        "stat": "median",
        "value": 12.4,
        "qualifier": "=",
        "unit": "month",
        "arm_role": "experimental",
        "text": "KEYNOTE-590研究中",
    },
    {
        "kind": "outcome",
        "lang": "zh",
        "trial": "KEYNOTE-590",
        "endpoint": "OS",
        "stat": "median",
        "value": 9.8,
        "qualifier": "=",
        "unit": "month",
        "arm_role": "control",
        "n": 120,
    },
    {
        "kind": "effect",
        "lang": "en",
        "trial": "CHECKMATE-649",
        "endpoint": "OS",
        "measure": "HR",
        "value": 0.8,
        "ci_level": 0.95,
        "ci_low": 0.68,
        "ci_high": 0.94,
        "p_value": None,
        "p_qualifier": None,
    },
    # v1 allowed an effect without endpoint when optional; in v2 it is no record
    {
        "kind": "effect",
        "lang": "zh",
        "trial": "KEYNOTE-590",
        "measure": None,
        "p_value": 0.0001,
        "p_qualifier": "<",
        "optional": True,
    },
]


def test_a_v1_gold_file_still_imports(store, hostile_id, tmp_path):
    path = tmp_path / "in" / f"{HOSTILE_STEM}.jsonl"
    path.parent.mkdir()
    path.write_text(
        "".join(json.dumps(g, ensure_ascii=False) + "\n" for g in V1_GOLD), encoding="utf-8"
    )
    report = import_gold(store, [path], IMPORTER)
    assert report.files == 1 and report.documents == 1
    assert report.accepted + report.edited == 4 and report.edited == 1  # n=120 on the control arm
    assert len(report.skipped) == 1 and "has no endpoint" in report.skipped[0]
    views = {v.id: v for v in Curation(store).records(hostile_id)}
    control = find_record(store, hostile_id, kind="outcome", value=9.8)
    assert views[control.id].status == "edited" and views[control.id].fields["n"] == 120
    p_only = find_record(store, hostile_id, kind="effect", measure=None)
    assert views[p_only.id].status == "rejected"  # no gold record is left for it
    gold = exported(store, hostile_id, tmp_path / "out", HOSTILE_STEM)
    assert len(gold) == 4 + sum(1 for v in views.values() if v.status == "machine")
    for g in gold:  # written in the v2 shape, valid against the v2 models
        parse_gold(g)
        assert g["source"] == "text" and g["flags"] == []
    trial = next(g for g in gold if g["kind"] == "trial" and g["name"] == "KEYNOTE-590")
    assert trial["registry"] == []
    experimental = next(g for g in gold if g["kind"] == "outcome" and g["value"] == 12.4)
    assert experimental["events"] is None and experimental["ci_low"] is None


def test_v2_fields_round_trip_through_import_and_export(store, hostile_id, tmp_path):
    v2 = [
        {
            "kind": "trial",
            "lang": "zh",
            "source": "text",
            "flags": [],
            "name": "KEYNOTE-590",
            "registry": ["NCT03189719"],
        },
        {
            "kind": "outcome",
            "lang": "zh",
            "source": "table",
            "flags": ["estimate_outside_ci"],
            "trial": "KEYNOTE-590",
            "endpoint": "OS",
            "stat": "median",
            "value": 12.4,
            "qualifier": "=",
            "unit": "month",
            "arm_role": "experimental",
            "n": 373,
            "events": 0,
            "ci_low": 10.5,
            "ci_high": 14.3,
            "ci_level": 0.95,
        },
        # a gold record no machine record matches: added with its v2 fields
        {
            "kind": "outcome",
            "lang": "en",
            "source": "text",
            "flags": [],
            "trial": "CHECKMATE-649",
            "endpoint": "DMFS",
            "stat": "median",
            "value": 20.5,
            "qualifier": ">=",
            "unit": "month",
            "events": 41,
            "ci_low": 18.0,
            "ci_high": 23.1,
            "ci_level": 0.9,
            "text": "In the CheckMate 649 trial, median overall survival was 13.1 months",
        },
    ]
    path = tmp_path / "in" / f"{HOSTILE_STEM}.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in v2), encoding="utf-8")
    report = import_gold(store, [path], IMPORTER)
    assert report.added == 1 and report.accepted + report.edited == 2 and not report.skipped
    gold = exported(store, hostile_id, tmp_path / "out", HOSTILE_STEM)
    assert len(gold) == 3
    by_value = {(g["kind"], g.get("name") or g.get("value")): g for g in gold}
    for g in v2:
        out = by_value[(g["kind"], g.get("name") or g.get("value"))]
        assert {k: out[k] for k in g if k != "text"} == {k: v for k, v in g.items() if k != "text"}


def test_a_proposed_effect_without_endpoint_does_not_get_the_first_one_silently(
    client_factory, store, seed_id
):
    c = client_factory("alice")
    text = store.text(seed_id)
    sel = "专家论坛"  # no comparison here: an empty effect form
    start = text.index(sel)
    form = c.get(f"/doc/{seed_id}/new?start={start}&end={start + len(sel)}&kind=effect").text
    endpoint = re.search(
        r'<select id="f-endpoint" name="endpoint" required>(.*?)</select>', form, re.S
    ).group(1)
    assert (
        endpoint.lstrip().startswith('<option value="">–</option>') and "selected" not in endpoint
    )
    assert options(form, "endpoint") == ["", *ENDPOINTS]
    r = c.post(
        f"/doc/{seed_id}/records",
        data={
            "csrf_token": c.csrf,
            "start": start,
            "end": start + len(sel),
            "kind": "effect",
            "endpoint": "",
            "p_value": "0.0001",
            "p_qualifier": "<",
            "source": "text",
            "lang": "zh",
        },
    )
    assert r.status_code == 422 and "endpoint: a value is required" in html.unescape(r.text)

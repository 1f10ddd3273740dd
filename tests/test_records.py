"""The record contract as code: shapes, vocabularies, error messages, stable ids, schema."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from extract.cli import app
from extract.errors import RecordError
from extract.records import (
    assign_ids,
    canonical_trial_name,
    parse_gold,
    parse_record,
    trial_key,
)

EV = [{"page": 1, "start": 0, "end": 5, "text": "12.4个"}]


def outcome(**kw):
    base = {
        "id": "x",
        "doc_id": "d",
        "kind": "outcome",
        "evidence": EV,
        "lang": "zh",
        "endpoint": "OS",
        "stat": "median",
        "value": 12.4,
        "unit": "month",
    }
    base.update(kw)
    return base


def test_a_valid_outcome_parses_with_contract_defaults():
    rec = parse_record(outcome())
    assert rec.qualifier == "=" and rec.trial is None and rec.refs == []


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("endpoint", "PFS2", "'OS'"),
        ("stat", "average", "'median'"),
        ("unit", "months", "'month'"),
        ("qualifier", "about", "'~'"),
        ("arm_role", "treatment", "'experimental'"),
        ("lang", "fr", "'zh'"),
    ],
)
def test_out_of_vocabulary_values_name_the_field_and_the_allowed_values(field, value, allowed):
    with pytest.raises(RecordError) as e:
        parse_record(outcome(**{field: value}))
    msg = str(e.value)
    assert field in msg and repr(value) in msg and allowed in msg


def test_unknown_fields_are_rejected_by_name():
    with pytest.raises(RecordError, match=r"outcome\.confidence: unknown field"):
        parse_record(outcome(confidence=0.9))


def test_effect_measure_and_p_qualifier_vocabularies():
    eff = {
        "id": "e",
        "doc_id": "d",
        "kind": "effect",
        "evidence": EV,
        "lang": "en",
        "endpoint": "OS",
        "measure": "HR",
        "value": 0.73,
        "ci_level": 0.95,
        "ci_low": 0.62,
        "ci_high": 0.86,
        "p_value": 0.0001,
        "p_qualifier": "<",
    }
    assert parse_record(eff).measure == "HR"
    with pytest.raises(RecordError, match="measure"):
        parse_record({**eff, "measure": "ratio"})
    with pytest.raises(RecordError, match="ci_level"):
        parse_record({**eff, "ci_level": 95})


def test_gold_records_have_no_machine_fields_and_remember_what_was_set():
    g = parse_gold(
        {
            "kind": "outcome",
            "lang": "zh",
            "endpoint": "OS",
            "stat": "median",
            "value": 12.4,
            "unit": "month",
            "optional": True,
        }
    )
    assert g.optional and "arm_role" not in g.model_fields_set
    with pytest.raises(RecordError, match="id: unknown field"):
        parse_gold({"kind": "trial", "lang": "zh", "name": "X-1", "id": "abc"})


@pytest.mark.parametrize(
    ("surface", "canonical"),
    [
        ("CheckMate 649", "CHECKMATE-649"),
        ("ESO-Shanghai 13", "ESO-SHANGHAI-13"),
        ("RATIONALE 306", "RATIONALE-306"),
        ("JCOG0807", "JCOG0807"),
        ("ESCORT-1st", "ESCORT-1ST"),
    ],
)
def test_canonical_trial_names(surface, canonical):
    assert canonical_trial_name(surface) == canonical


def test_trial_names_match_without_punctuation():
    assert trial_key("RATIONALE 306") == trial_key("RATIONALE-306")
    assert trial_key("NEOCRTEC1901") == trial_key("NEOCRTEC-1901")


def test_ids_are_stable_and_distinct():
    recs = [outcome(id=None, value=12.4), outcome(id=None, value=9.8), outcome(id=None, value=12.4)]
    for r in recs:
        r.pop("id")
    a = assign_ids("doc1", recs)
    b = assign_ids("doc1", recs)
    assert [r["id"] for r in a] == [r["id"] for r in b]
    assert len({r["id"] for r in a}) == 3
    assert assign_ids("doc2", recs)[0]["id"] != a[0]["id"]


def test_schema_command_prints_the_json_schema_of_all_three_kinds():
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    text = json.dumps(schema)
    for name in ("Trial", "Outcome", "Effect", "Evidence"):
        assert name in schema.get("$defs", {})
    assert '"pCR"' in text and '"percent"' in text


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [
            {
                "id": "t1",
                "n": 120,
                "value": 12.4,
                "p_value": None,
                "flags": "",
                "evidence_text": '中位 OS, "12.4"\n个月',
            }
        ],
        # a column of whole numbers with a gap is a float column in pandas: 3 is written 3.0
        [{"n": 1, "events": None, "value": 2}, {"n": 2, "events": 3, "value": 2.5}],
        [{"refs": True, "page": 10**17}, {"refs": None, "page": 3}],
    ],
)
def test_records_csv_has_the_bytes_pandas_writes(tmp_path, rows):
    pd = pytest.importorskip("pandas")
    from extract.records import CSV_COLUMNS, write_csv

    pd.DataFrame(rows, columns=list(CSV_COLUMNS)).to_csv(
        tmp_path / "pandas.csv", index=False, encoding="utf-8"
    )
    write_csv(tmp_path / "ours.csv", rows, CSV_COLUMNS)
    assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()

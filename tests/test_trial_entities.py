"""Trials across documents in the store (``extract.trials``): names, aliases, registry ids, rows.

The review is the seed's sentence on KEYNOTE-590 with the trial's ClinicalTrials.gov number
written beside its name; the primary report is the Lancet abstract's (Sun et al. 2021), which
never names the trial in its findings and ends with its registration.
"""

from __future__ import annotations

import sqlite3

import pytest

from extract import store as store_mod
from extract.pipeline import load_pipeline, process_text
from extract.store import Store
from extract.trials import find_trial, log_effect, meta_rows, subgroup_key, trial_entities

REVIEW = (
    "继之，随KEYNOTE-590（NCT03189719）^[9]、CHECKMATE-649^[10]等重磅研究结果公布，化疗联合免疫治疗已成为晚期食管癌的"
    "标准一线治疗方案。其中在全球多中心Ⅲ期随机试验KEYNOTE-590研究中，共有749例食管及食管胃结合部癌患者入组，帕博利珠单抗联合化疗"
    "对比单纯化疗组显著提高总生存期（mOS: 12.4个月 vs. 9.8个月； P < 0.0001 ； HR = 0.73 ；95%CI: 0.62~0.86）。"
)
REPORT = (
    "Findings: Pembrolizumab plus chemotherapy was superior to placebo plus chemotherapy for overall survival "
    "in all randomised patients (median 12.4 months vs 9.8 months; hazard ratio 0.73, 95% CI 0.62-0.86; "
    "p<0.0001).\n\nThis study is registered with ClinicalTrials.gov, NCT03189719.\n"
)


@pytest.fixture
def store(tmp_path):
    config = load_pipeline()
    with Store(tmp_path / "extract.db") as s:
        for name, text in (("review_zh.txt", REVIEW), ("report_en.txt", REPORT)):
            res = process_text(text, config, name=name)
            assert res.status == "ok", res.error
            s.save_result(res, config.version)
        yield s


def test_a_report_that_never_names_its_trial_joins_it_through_the_registry_id(store):
    report = next(d for d in store.documents() if d.stem == "report_en")
    assert report.registry == ["NCT03189719"]
    kn590 = find_trial(store, "KEYNOTE-590")
    assert kn590 is not None and kn590.registry == ["NCT03189719"]
    assert find_trial(store, "NCT03189719").name == "KEYNOTE-590"  # found by its registry id too
    assert {store.document(d).stem for d in kn590.documents} == {"review_zh", "report_en"}
    from_report = [f for f in kn590.results if f.stem == "report_en"]
    assert from_report and all(f.via == "registry" for f in from_report)
    hrs = sorted(
        (f.stem, f.record["value"]) for f in kn590.results if f.record.get("measure") == "HR"
    )
    assert hrs == [("report_en", 0.73), ("review_zh", 0.73)]


def test_a_trial_without_the_id_stays_a_trial_of_its_own(store):
    names = {e.name for e in trial_entities(store)}
    assert "CHECKMATE-649" in names and "KEYNOTE-590" in names
    assert find_trial(store, "CheckMate 649").registry == []


def test_the_meta_export_gives_log_estimate_and_standard_error(store):
    (row,) = [r for r in meta_rows(store) if r["trial"] == "KEYNOTE-590" and r["endpoint"] == "OS"]
    assert row["estimate"] == 0.73 and row["n_documents"] == 2 and row["agree"] is True
    assert row["yi"] == pytest.approx(-0.314711, abs=1e-6)  # ln 0.73
    assert row["sei"] == pytest.approx(0.083474, abs=1e-6)  # (ln 0.86 − ln 0.62) / (2 × 1.95996)


@pytest.mark.parametrize(
    ("rec", "expected"),
    [
        # CheckMate 649: HR 0.80, 99.3% CI 0.68–0.94 (a wider z than 1.96)
        (
            {"measure": "HR", "value": 0.8, "ci_low": 0.68, "ci_high": 0.94, "ci_level": 0.993},
            (-0.223144, 0.060031),
        ),
        (
            {"measure": "OR", "value": 1.21, "ci_low": 0.70, "ci_high": 2.10},
            (0.190620, 0.280263),
        ),  # LEAP
        ({"measure": "difference", "value": 40, "ci_low": 13, "ci_high": 73}, None),  # not a ratio
        ({"measure": "HR", "value": 0.73, "ci_low": None, "ci_high": None}, None),
    ],
)
def test_log_effect(rec, expected):
    got = log_effect(rec)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("PD-L1 CPS≥5", "CPS ≥5"),  # zh_review_gastric_immunotherapy / en_review_gastric_io gold
        ("CPS≥5", "a CPS of 5 or more"),  # the pipeline's readings of the two reviews
        ("PD-L1 CPS≥10", "PD-L1 CPS ≥10"),
        ("PD-L1肿瘤区域阳性评分（TAP）≥5%", "PD-L1 TAP ≥5%"),
    ],
)
def test_one_subgroup_written_in_two_languages_is_one_row(a, b):
    assert subgroup_key(a) == subgroup_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("CPS≥5", "CPS≥10"),
        ("PD-L1 CPS≥10 食管鳞癌", None),
        ("食管鳞癌", "食管腺癌"),
    ],
)
def test_different_subgroups_stay_apart(a, b):
    assert subgroup_key(a) != subgroup_key(b)


def test_a_store_from_before_migration_2_gains_the_registry_column(tmp_path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(store_mod._SCHEMA_V1)
    conn.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    conn.execute("INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00+00:00')")
    conn.execute(
        "INSERT INTO documents (doc_id, path, stem, status, pipeline_version, ingested_at) "
        "VALUES ('0123456789abcdef', 'old.txt', 'old', 'ok', 'v', '2026-01-01')"
    )
    conn.commit()
    conn.close()
    with Store(db) as s:
        assert s.schema_versions()[:2] == [1, 2]
        (doc,) = s.documents()
        assert doc.registry == []

"""Trials end to end on the seed review, in its text and its PDF rendering."""

from __future__ import annotations

import pytest
from corpus_paths import GOLD, ROOT, SEED_PDF, SEED_TXT

from extract.pipeline import process_document, process_text
from extract.records import trial_key
from extract.report import load_gold_file

NON_TRIALS = [
    "NCCN",
    "AJCC",
    "CSCO",
    "GLOBOCAN",
    "PD-L1",
    "PD-1",
    "CPS",
    "HER2",
    "RECIST",
    "CTCAE",
    "ECOG",
    "DCF",
    "FP",
    "SCI",
    "RCT",
    "ICIS",
    "CONCORD-3",
]


@pytest.fixture(scope="module", params=[SEED_TXT, SEED_PDF], ids=["txt", "pdf"])
def seed_trials(request):
    res = process_document(request.param)
    assert res.status == "ok", res.error
    return [r for r in res.records if r.kind == "trial"]


def test_every_gold_trial_is_found_with_its_canonical_name(seed_trials):
    gold = {
        trial_key(g.name): g.name
        for g in load_gold_file(GOLD / "000_05e11c3b259efc19.jsonl")
        if g.kind == "trial" and not g.optional
    }
    found = {trial_key(t.name): t.name for t in seed_trials}
    assert set(found) == set(gold), (
        f"missing {set(gold) - set(found)}, extra {set(found) - set(gold)}"
    )
    for name in found.values():
        assert name == name.upper() and " " not in name  # canonical form


def test_no_guideline_biomarker_or_regimen_is_a_trial(seed_trials):
    names = {trial_key(t.name) for t in seed_trials}
    for bad in NON_TRIALS:
        assert trial_key(bad) not in names


def test_cited_but_unnamed_study_takes_the_name_of_its_reference(seed_trials):
    jcog = next(t for t in seed_trials if t.name == "JCOG0807")
    assert jcog.refs == ["7"]
    # the name is not in the citing sentence, so the reference entry is evidence too
    assert any("JCOG0807" in ev.text for ev in jcog.evidence)


def test_phase_enrolment_and_design_are_read_from_the_body(seed_trials):
    by = {t.name: t for t in seed_trials}
    assert by["KEYNOTE-590"].phase == "3" and by["KEYNOTE-590"].n == 749
    assert {"randomized", "multicenter"} <= set(by["KEYNOTE-590"].design)
    eso = by["ESO-SHANGHAI-13"]
    assert (eso.phase, eso.n) == ("2", 104)
    assert {"open-label", "multicenter", "randomized"} <= set(eso.design)
    assert by["ESCORT"].phase == "3" and by["KEYNOTE-181"].refs == ["3"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "In the phase 3 KEYNOTE-590 trial, pembrolizumab plus chemotherapy improved survival.",
            {"KEYNOTE-590"},
        ),
        (
            "随ESCORT-1st、JUPITER-06、ORIENT-16、ASTRUM-007、RATIONALE 306研究结果的公布。",
            {"ESCORT-1ST", "JUPITER-06", "ORIENT-16", "ASTRUM-007", "RATIONALE-306"},
        ),
        (
            "基于KEYNOTE-181（Ⅲ期）、ESCORT（Ⅲ期）及ATTRACTION-3（Ⅲ期）等研究的结果。",
            {"KEYNOTE-181", "ESCORT", "ATTRACTION-3"},
        ),
        ("The CROSS trial established neoadjuvant chemoradiotherapy.", {"CROSS"}),
        (
            "NCCN及CSCO指南推荐PD-L1 CPS≥10的患者接受治疗，按RECIST 1.1评估，不良反应按CTCAE 5.0分级。",
            set(),
        ),
        # en_plosone2015_elderly_cancer_empowerment_rct.pdf: a questionnaire, written three ways
        (
            "HRQoL was assessed using the EORTC QLQ C30 questionnaire; the EORTC QLQ-C30 is a "
            "reliable instrument, and EORTC QLQ C-30 scores were compared.",
            set(),
        ),
        (
            "2023 年度欧洲肿瘤内科学会会议上报道的Ⅲ期临床试验（KEYNOTE‑A18 研究）对比了帕博利珠单抗联合同步放化疗。",
            {"KEYNOTE-A18"},
        ),
    ],
)
def test_trial_mentions_in_both_languages(text, names):
    res = process_text(text)
    assert {r.name for r in res.records if r.kind == "trial"} == names


CERVICAL = ROOT.parent / "shared" / "corpus" / "real_pdf" / "zh_cjmc2024_cervical_iib_consensus.pdf"


@pytest.mark.skipif(not CERVICAL.is_file(), reason="../shared/corpus/real_pdf not beside")
def test_studies_a_chinese_consensus_cites_in_full_width_brackets_take_their_references_names():
    # "另一项随机对照试验的结果……［60］" and "一项Ⅲ期试验比较了……［61］": the references, in two
    # columns on the last page, are "… cervical cancer: EORTC‑55994[J]" and "… the open‑label
    # randomized phase Ⅲ trial JCOG0505[J]"; "KEYNOTE‑A18" (a letter opens its number) is named
    res = process_document(CERVICAL)
    assert res.status == "ok", res.error
    names = {r.name for r in res.records if r.kind == "trial"}
    assert {"EORTC-55994", "JCOG0505", "KEYNOTE-A18"} <= names


def test_a_trial_another_trial_report_compares_itself_with_is_named_by_its_reference():
    # corpus/real/bmj_rct_exercise_smoking_pregnancy.pdf: "… similar to that of participants
    # in another recent large pregnancy and smoking cessation trial conducted in the United
    # Kingdom.32", reference 32 "Smoking, Nicotine, and Pregnancy (SNAP) trial team. …" on a
    # two-column reference page beside BMJ's wide margin; the report's own trial stays LEAP
    res = process_document(GOLD.parent / "real" / "bmj_rct_exercise_smoking_pregnancy.pdf")
    assert res.status == "ok", res.error
    assert {"LEAP", "SNAP"} <= {r.name for r in res.records if r.kind == "trial"}
    assert {r.trial for r in res.records if r.kind != "trial"} == {"LEAP"}

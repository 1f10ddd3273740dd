"""Trial registry ids: read, normalized, put on the trial they belong to (RECORDS.md ``registry``).

The corpus holds five documents that register themselves (four PMC reports and the LEAP trial's
BMJ paper); the review sentences below are the seed's and the composed reviews', with the trial's
real ClinicalTrials.gov number written beside its name the way primary reports and many reviews do.
"""

from __future__ import annotations

import pytest
from corpus_paths import CORPUS, REAL

from extract.pipeline import process_document, process_text
from extract.recognize.registry import find_registry_ids

PMC = CORPUS / "real_text" / "en_pmc"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "http://clinicaltrials.gov identifier NCT00597311. January 2008.",
            ["NCT00597311"],
        ),  # PMC5131536
        (
            "This study was registered at UMIN as trial number UMIN000001496.",
            ["UMIN000001496"],
        ),  # PMC4317950
        (
            "Current Controlled Trials ISRCTN48600346.",
            ["ISRCTN48600346"],
        ),  # bmj_rct_exercise_smoking_pregnancy
        ("registered with ClinicalTrials.gov, number NCT 02872116", ["NCT02872116"]),
        (
            "本研究已在中国临床试验注册中心注册（注册号：ChiCTR-trc-12002345）",
            ["ChiCTR-TRC-12002345"],
        ),
        ("注册号ChiCTR1800015300，", ["ChiCTR1800015300"]),
        ("EudraCT number 2015-001234-56; NCT02578680", ["EudraCT 2015-001234-56", "NCT02578680"]),
        ("(UMIN-CTR 000012345)", ["UMIN000012345"]),
        ("jRCTs031180146 and JapicCTI 132310", ["jRCTs031180146", "JapicCTI-132310"]),
        (
            "CTRI/2019/05/019123; ACTRN12610000123456",
            ["CTRI/2019/05/019123", "ACTRN12610000123456"],
        ),
        ("NCCN及CSCO食管癌诊疗指南迅速被改写", []),
        ("FUNCT00597311 NCT0059731", []),
    ],
)
def test_registry_ids_are_read_and_normalized(text, expected):
    assert [r.id for r in find_registry_ids(text)] == expected


@pytest.mark.parametrize(
    ("name", "registry"),
    [
        ("PMC5131536.txt", ["NCT00597311"]),
        ("PMC3672778.txt", ["NCT00259090"]),
        ("PMC4317950.txt", ["UMIN000001496"]),
        ("PMC4710681.txt", ["NCT00799240"]),  # under the abstract's "TRIAL REGISTRATION:" heading
    ],
)
def test_a_report_without_a_trial_name_is_known_by_its_registration(name, registry):
    res = process_document(PMC / name)
    assert res.status == "ok"
    assert res.registry == registry
    assert res.summary()["registry"] == registry  # documents.jsonl says so too


def test_the_own_trial_found_through_its_protocol_gets_the_registration():
    # LEAP is named only in the title of the protocol the paper cites; its abstract ends
    # "Trial registration Current Controlled Trials ISRCTN48600346."
    res = process_document(REAL / "bmj_rct_exercise_smoking_pregnancy.pdf")
    trials = {r.name: r for r in res.records if r.kind == "trial"}
    leap = trials["LEAP"]
    assert leap.registry == ["ISRCTN48600346"]
    # the SNAP trial it compares its participants with (reference 32) is not registered here
    assert set(trials) == {"LEAP", "SNAP"} and trials["SNAP"].registry == []
    assert any("ISRCTN48600346" in e.text for e in leap.evidence)


SEED_REFS = (
    "\n\n参考文献:\n\n"
    "- [9] Sun JM, Shen L, Shah MA, *et al.* Pembrolizumab plus chemotherapy versus chemotherapy alone for "
    "first-line treatment of advanced oesophageal cancer (KEYNOTE-590): a randomised, placebo-controlled, "
    "phase 3 study[J]. *Lancet*, 2021, 398(10302): 759-771.\n"
    "- [10] Janjigian YY, Shitara K, Moehler M, *et al.* First-line nivolumab plus chemotherapy versus "
    "chemotherapy alone for advanced gastric, gastro-oesophageal junction, and oesophageal adenocarcinoma "
    "(CheckMate 649): a randomised, open-label, phase 3 trial[J]. *Lancet*, 2021, 398(10294): 27-40. "
    "ClinicalTrials.gov NCT02872116.\n"
)


def test_an_id_beside_a_name_and_one_in_a_cited_reference_go_to_their_trials():
    text = (
        "继之，随KEYNOTE-590（NCT03189719）^[9]、CHECKMATE-649^[10]等重磅研究结果公布，NCCN及CSCO食管癌诊疗指南"
        "迅速被改写，化疗联合免疫治疗已成为晚期食管癌的标准一线治疗方案。" + SEED_REFS
    )
    res = process_text(text)
    trials = {r.name: r for r in res.records if r.kind == "trial"}
    assert trials["KEYNOTE-590"].registry == ["NCT03189719"]
    assert trials["CHECKMATE-649"].registry == ["NCT02872116"]
    for t in trials.values():  # every value a record holds is in its evidence
        assert all(any(rid in e.text for e in t.evidence) for rid in t.registry)
    assert res.registry == []  # a review cites trials; it registers none of its own


def test_an_id_in_an_english_sentence_goes_to_the_trial_named_before_it():
    # en_review_gastric_io: "In CheckMate 649, nivolumab plus chemotherapy ..." and KEYNOTE-859 after it
    text = (
        "In CheckMate 649 (NCT02872116), nivolumab plus chemotherapy prolonged median overall survival, "
        "as did pembrolizumab in KEYNOTE-859 (NCT03675737)."
    )
    trials = {r.name: r.registry for r in process_text(text).records if r.kind == "trial"}
    assert trials == {"CHECKMATE-649": ["NCT02872116"], "KEYNOTE-859": ["NCT03675737"]}

"""Records proposed from a curator's selection, by the recognizers (both languages)."""

from __future__ import annotations

import pytest

from extract.curate.propose import evidence_span, propose_records

ZH = (
    "其中在全球多中心Ⅲ期随机试验KEYNOTE-590研究中，共有749例患者入组，"
    "帕博利珠单抗联合化疗对比单纯化疗组显著提高总生存期（mOS: 12.4个月 vs. 9.8个月； P < 0.0001 ； "
    "HR = 0.73 ；95%CI: 0.62~0.86）。"
)
EN = (
    "In the CheckMate 649 trial^[10], median overall survival was 13.1 months versus 11.1 months with "
    "chemotherapy alone (HR 0.80; 95% CI 0.68-0.94). The 2-year OS rate was 28%."
)

ZH_CI = "在该研究中，单药组中位PFS为4.4个月（95%CI: 3.1~6.9），ORR为32%。"
EN_CI = "The median progression-free survival was 4.4 months (95% CI 3.1-6.9) in the single arm."


@pytest.mark.parametrize(
    ("text", "selection", "expected"),
    [
        (
            ZH,
            "12.4个月",
            {
                "kind": "outcome",
                "endpoint": "OS",
                "stat": "median",
                "value": 12.4,
                "unit": "month",
                "arm_role": "experimental",
                "trial": "KEYNOTE-590",
                "lang": "zh",
            },
        ),
        (
            ZH,
            "9.8个月",
            {"kind": "outcome", "value": 9.8, "arm_role": "control", "arm": "单纯化疗组"},
        ),
        (
            ZH,
            "HR = 0.73 ；95%CI: 0.62~0.86",
            {
                "kind": "effect",
                "endpoint": "OS",
                "measure": "HR",
                "value": 0.73,
                "ci_low": 0.62,
                "ci_high": 0.86,
                "ci_level": 0.95,
            },
        ),
        # the P the pipeline links to the HR after it: the proposal is that effect, whole
        (
            ZH,
            "P < 0.0001",
            {
                "kind": "effect",
                "measure": "HR",
                "value": 0.73,
                "p_value": 0.0001,
                "p_qualifier": "<",
            },
        ),
        (ZH, "KEYNOTE-590", {"kind": "trial", "name": "KEYNOTE-590", "phase": "3", "n": 749}),
        (
            EN,
            "13.1 months",
            {
                "kind": "outcome",
                "endpoint": "OS",
                "stat": "median",
                "value": 13.1,
                "lang": "en",
                "trial": "CHECKMATE-649",
                "refs": ["10"],
            },
        ),
        (
            EN,
            "11.1 months with chemotherapy alone",
            {"kind": "outcome", "value": 11.1, "arm_role": "control"},
        ),
        (
            EN,
            "28%",
            {
                "kind": "outcome",
                "endpoint": "OS",
                "stat": "rate",
                "timepoint_months": 24.0,
                "unit": "percent",
                "value": 28.0,
            },
        ),
        (
            EN,
            "CheckMate 649",
            {
                "kind": "trial",
                "name": "CHECKMATE-649",
                "aliases": ["CheckMate 649"],
                "refs": ["10"],
                "registry": [],
            },
        ),
        # v2: the CI written right after a value is the outcome's own; one after a measure is the measure's
        (
            ZH_CI,
            "4.4个月（95%CI: 3.1~6.9）",
            {
                "kind": "outcome",
                "endpoint": "PFS",
                "value": 4.4,
                "ci_low": 3.1,
                "ci_high": 6.9,
                "ci_level": 0.95,
                "events": None,
                "source": "text",
            },
        ),
        (
            EN_CI,
            "4.4 months (95% CI 3.1-6.9)",
            {
                "kind": "outcome",
                "endpoint": "PFS",
                "value": 4.4,
                "ci_low": 3.1,
                "ci_high": 6.9,
                "ci_level": 0.95,
            },
        ),
        (
            ZH,
            "9.8个月； P < 0.0001 ； HR = 0.73 ；95%CI: 0.62~0.86",
            {"kind": "effect", "ci_low": 0.62},
        ),
    ],
)
def test_first_proposal(text, selection, expected):
    start = text.index(selection)
    got = propose_records(text, start, start + len(selection))[0]
    assert {k: got.get(k) for k in expected} == expected
    ev = got["evidence"][0]
    assert text[ev["start"] : ev["end"]] == ev["text"] and selection in ev["text"]


def test_a_ci_after_a_measure_is_not_the_outcomes():
    sel = "9.8个月； P < 0.0001 ； HR = 0.73 ；95%CI: 0.62~0.86"
    start = ZH.index(sel)
    outcomes = [p for p in propose_records(ZH, start, start + len(sel)) if p["kind"] == "outcome"]
    assert [(p["value"], p["ci_low"], p["ci_high"], p["ci_level"]) for p in outcomes] == [
        (9.8, None, None, None)
    ]


def test_evidence_is_the_sentence_around_the_selection():
    start = EN.index("28%")
    span = evidence_span(EN, start, start + 3)
    assert span.text == "The 2-year OS rate was 28%." and span.lang == "en"


def test_a_selection_without_recognized_values_still_opens_a_form():
    text = "这是一句没有数字的话。"
    got = propose_records(text, 0, 4)
    assert got and got[0]["evidence"][0]["text"] == text


def test_selection_outside_the_text_is_refused():
    with pytest.raises(ValueError, match="not within the text"):
        propose_records("abc", 2, 9)

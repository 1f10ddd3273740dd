"""Table-driven: how Chinese and English reviews report results, and what must come out.

Each row is a sentence written the way reviews write (several from the seed
review, the others in the same styles); the expected records are what a curator
would write for it under RECORDS.md.
"""

from __future__ import annotations

import pytest

from extract.pipeline import process_text


def outcomes(text):
    res = process_text(text)
    assert res.status == "ok", res.error
    return [r for r in res.records if r.kind == "outcome"], [
        r for r in res.records if r.kind == "effect"
    ]


def brief(o):
    return (o.endpoint, o.stat, o.value, o.unit, o.arm_role)


# (sentence, expected outcomes as (endpoint, stat, value, unit, arm_role), extra checks)
CASES = [
    pytest.param(
        "KEYNOTE-590研究^[9]中，帕博利珠单抗联合化疗对比单纯化疗组显著提高总生存期（mOS: 12.4个月 vs. 9.8个月；P<0.0001；HR=0.73；95%CI: 0.62~0.86）。",
        [
            ("OS", "median", 12.4, "month", "experimental"),
            ("OS", "median", 9.8, "month", "control"),
        ],
        id="zh-vs-parenthesis",
    ),
    pytest.param(
        "ESO-Shanghai 13研究^[27]中，联合组与单纯全身治疗组的mPFS分别为12.0个月和3.4个月（P<0.001）。",
        [
            ("PFS", "median", 12.0, "month", "experimental"),
            ("PFS", "median", 3.4, "month", "control"),
        ],
        id="zh-A组与B组-分别",
    ),
    pytest.param(
        "Zhao等^[29]的研究得到的mPFS和mOS分别为6.9个月和12.8个月，全组的ORR为40.8%，DCR为75.5%。",
        [
            ("PFS", "median", 6.9, "month", "single"),
            ("OS", "median", 12.8, "month", "single"),
            ("ORR", "rate", 40.8, "percent", "single"),
            ("DCR", "rate", 75.5, "percent", "single"),
        ],
        id="zh-分别-over-endpoints",
    ),
    pytest.param(
        "一项回顾性分析^[28]观察到mPFS为15.2个月，1年、2年PFS率分别为61.4%和26.7%。",
        [
            ("PFS", "median", 15.2, "month", "single"),
            ("PFS", "rate", 61.4, "percent", "single"),
            ("PFS", "rate", 26.7, "percent", "single"),
        ],
        id="zh-landmark-list",
    ),
    pytest.param(
        "在RESORCE研究^[4]中，瑞戈非尼组的中位总生存期为10.6个月（对照组7.8个月）。",
        [
            ("OS", "median", 10.6, "month", "experimental"),
            ("OS", "median", 7.8, "month", "control"),
        ],
        id="zh-parenthetical-control",
    ),
    pytest.param(
        "In KEYNOTE-590^[9], median overall survival was 12.4 months with pembrolizumab plus chemotherapy versus 9.8 months with placebo plus chemotherapy (hazard ratio [HR], 0.73; 95% confidence interval [CI], 0.62 to 0.86; P<0.001).",
        [
            ("OS", "median", 12.4, "month", "experimental"),
            ("OS", "median", 9.8, "month", "control"),
        ],
        id="en-versus-with-arms",
    ),
    pytest.param(
        "In CheckMate 649^[10], nivolumab plus chemotherapy prolonged median overall survival from 11.1 months with chemotherapy to 14.4 months.",
        [
            ("OS", "median", 11.1, "month", "control"),
            ("OS", "median", 14.4, "month", "experimental"),
        ],
        id="en-from-to",
    ),
    pytest.param(
        "In ORIENT-15^[3], the objective response rates were 66.1% and 45.5%, respectively.",
        [
            ("ORR", "rate", 66.1, "percent", "experimental"),
            ("ORR", "rate", 45.5, "percent", "control"),
        ],
        id="en-respectively-arms",
    ),
    pytest.param(
        "In the KEYNOTE-671 trial^[5], event-free survival at 24 months was 62.4% in the pembrolizumab group and 40.6% in the placebo group.",
        [
            ("EFS", "rate", 62.4, "percent", "experimental"),
            ("EFS", "rate", 40.6, "percent", "control"),
        ],
        id="en-landmark-at-months",
    ),
    pytest.param(
        "In the phase 2 NADIM trial^[2], 34 (83%) had a major pathological response.",
        [("MPR", "rate", 83.0, "percent", "single")],
        id="en-endpoint-after-count",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_outcomes_from_review_sentences(text, expected):
    outs, _ = outcomes(text)
    assert sorted(map(brief, outs)) == sorted(expected)


def test_landmark_rates_carry_their_timepoint():
    outs, _ = outcomes("一项回顾性分析^[28]观察到1年、2年PFS率分别为61.4%和26.7%。")
    assert sorted(o.timepoint_months for o in outs) == [12, 24]
    outs, _ = outcomes(
        "In KEYNOTE-671^[5], the 2-year overall survival rate was 80.9% versus 77.6%."
    )
    assert {o.timepoint_months for o in outs} == {24}


@pytest.mark.parametrize(
    ("text", "value", "value_high", "qualifier", "unit"),
    [
        ("既往传统方案化疗的患者中位总生存期不足一年^[5]。", 1, None, "<", "year"),
        ("在KEYNOTE-181研究^[3]中，二线化疗的有效率低于10%。", 10, None, "<", "percent"),
        ("在KEYNOTE-062研究^[3]中，化免联合治疗的mOS约为12.4~17.2个月。", 12.4, 17.2, "~", "month"),
        (
            "In KEYNOTE-062^[3], median overall survival was more than 17 months.",
            17,
            None,
            ">",
            "month",
        ),
        (
            "In ATTRACTION-2^[1], median overall survival was approximately 5.3 months.",
            5.3,
            None,
            "~",
            "month",
        ),
        ("在ATTRACTION-2研究^[1]中，中位总生存期为5.3个月左右。", 5.3, None, "~", "month"),
    ],
)
def test_qualifiers_ranges_and_number_words(text, value, value_high, qualifier, unit):
    outs, _ = outcomes(text)
    assert [(o.value, o.value_high, o.qualifier, o.unit) for o in outs] == [
        (value, value_high, qualifier, unit)
    ]


@pytest.mark.parametrize(
    ("text", "measure", "value", "level", "low", "high", "p", "pq"),
    [
        (
            "KEYNOTE-590研究^[9]中，mOS为12.4个月 vs. 9.8个月（P<0.0001；HR=0.73；95%CI: 0.62~0.86）。",
            "HR",
            0.73,
            0.95,
            0.62,
            0.86,
            0.0001,
            "<",
        ),
        (
            "CheckMate 649研究^[10]中，mOS分别为14.4个月和11.1个月，风险比（HR）为0.71（98.4%置信区间：0.59~0.86），P<0.0001。",
            "HR",
            0.71,
            0.984,
            0.59,
            0.86,
            0.0001,
            "<",
        ),
        (
            "In CheckMate 649^[10], median overall survival was 14.4 versus 11.1 months (HR 0.71, 98.4% CI 0.59-0.86; P<0.0001).",
            "HR",
            0.71,
            0.984,
            0.59,
            0.86,
            0.0001,
            "<",
        ),
        (
            "In RATIONALE-305^[4], median OS was 17.2 versus 12.6 months (HR 0.74, 95% CI [0.59, 0.94]; one-sided P = .006).",
            "HR",
            0.74,
            0.95,
            0.59,
            0.94,
            0.006,
            "=",
        ),
        (
            "In NADIM II^[7], pCR was observed in 36.8% versus 6.8% of patients (relative risk, 5.34; 95% CI, 1.34 to 21.23).",
            "RR",
            5.34,
            0.95,
            1.34,
            21.23,
            None,
            None,
        ),
        (
            "In CheckMate 816^[6], the pathological complete response rate was 24.0% and 2.2%, respectively (odds ratio, 13.94; 99% CI, 3.49 to 55.75; P<0.001).",
            "OR",
            13.94,
            0.99,
            3.49,
            55.75,
            0.001,
            "<",
        ),
    ],
)
def test_effects_with_every_ci_notation(text, measure, value, level, low, high, p, pq):
    _, effs = outcomes(text)
    assert [
        (e.measure, e.value, e.ci_level, e.ci_low, e.ci_high, e.p_value, e.p_qualifier)
        for e in effs
    ] == [(measure, value, level, low, high, p, pq)]


def test_p_value_alone_is_an_effect_for_each_endpoint_it_follows():
    _, effs = outcomes(
        "ESO-Shanghai 13研究^[27]中，联合治疗在患者的PFS、OS和局部控制方面均取得了显著的治疗获益（P<0.05）。"
    )
    assert sorted((e.endpoint, e.measure, e.p_value, e.p_qualifier) for e in effs) == [
        ("LC", None, 0.05, "<"),
        ("OS", None, 0.05, "<"),
        ("PFS", None, 0.05, "<"),
    ]


def test_respectively_over_trials():
    outs, _ = outcomes(
        "这一疗效在SCALE-1^[17]及NEOCRTEC1901^[18]研究中得以验证，两项研究所取得的pCR率分别为55%和50%。"
    )
    assert sorted((o.trial, o.value) for o in outs) == [("NEOCRTEC1901", 50), ("SCALE-1", 55)]


def test_subgroup_frames_govern_values_and_effects():
    text = (
        "在ESO-Shanghai 13研究^[27]中，从仅接受化疗的亚组患者来看，联合组与单纯全身治疗组的mPFS分别为12.0个月和3.4个月（P<0.001），"
        "在接受免疫治疗的患者中，联合组与单药组的mPFS分别为18.0个月和9.6个月（P=0.044）。"
    )
    outs, effs = outcomes(text)
    sub = {o.value: o.subgroup for o in outs}
    assert "仅接受化疗" in sub[12.0] and "免疫治疗" in sub[18.0]
    assert {e.p_value: e.subgroup is not None for e in effs} == {0.001: True, 0.044: True}
    _, effs = outcomes(
        "In KEYNOTE-062^[3], among patients with a CPS of 10 or more, median overall survival was 17.4 versus 10.8 months (HR 0.69, 95% CI 0.49-0.97)."
    )
    assert effs[0].subgroup and "CPS of 10" in effs[0].subgroup


def test_endpoint_of_the_clause_before_carries_into_a_parenthesis():
    text = (
        "在KEYNOTE-590研究^[9]中，帕博利珠单抗联合化疗显著提高总生存期（mOS: 12.4个月 vs. 9.8个月），"
        "其中PD-L1 CPS ≥ 10的食管鳞癌中获益幅度相对较大（13.9个月 vs. 8.8个月；HR = 0.57；95%CI: 0.43~0.75）。"
    )
    outs, effs = outcomes(text)
    assert {(o.endpoint, o.value) for o in outs} >= {("OS", 13.9), ("OS", 8.8)}
    assert effs[0].endpoint == "OS" and effs[0].subgroup


def test_adverse_events_by_grade():
    outs, effs = outcomes(
        "在ESO-Shanghai 13研究^[27]中，与单纯全身治疗组相比，联合治疗组仅增加了1~2级急性食管炎发生率（19% vs. 2%，P=0.036），"
        "而两组3级及以上的治疗相关不良事件发生率相近（47% vs. 41%，P=0.538）。"
    )
    got = sorted((o.endpoint, o.grade, o.event, o.value, o.arm_role) for o in outs)
    assert got == [
        ("AE", "1-2", "esophagitis", 2, "control"),
        ("AE", "1-2", "esophagitis", 19, "experimental"),
        ("AE", ">=3", "treatment-related", 41, "control"),
        ("AE", ">=3", "treatment-related", 47, "experimental"),
    ]
    outs, _ = outcomes(
        "In CheckMate 649^[10], grade 3 or higher treatment-related adverse events occurred in 59% and 44% of patients, respectively."
    )
    assert {(o.grade, o.event) for o in outs} == {(">=3", "treatment-related")}


@pytest.mark.parametrize(
    "text",
    [
        "KEYNOTE-590研究共有749例食管及食管胃结合部癌患者入组，鳞癌占70%以上，转移性食管癌占比超过90%。",
        "两个组别中，分别有20例(38%)和23例(45%)患者系统治疗选择的是以免疫治疗为基础的药物方案。",
        "即1个区域外淋巴结转移或1个脏器≤3个转移灶被定义为食管癌的寡转移。",
        "食管癌分别居全世界范围癌症发病率与死亡率第10位和第6位。",
        "In KEYNOTE-590, 38% of patients had received prior immunotherapy and the median age was 63 years.",
        "Patients received pembrolizumab 200 mg every 3 weeks for up to 35 cycles in 2019.",
        "收稿日期: 2024-01-24; 修回日期: 2024-03-18",
        "Kroese等^[26]通过对97篇文献的分析重新界定了寡转移性食管癌。",
    ],
)
def test_no_result_without_an_endpoint(text):
    outs, effs = outcomes(text)
    assert outs == [] and effs == []


def test_every_number_a_record_holds_is_in_its_evidence():
    res = process_text(
        "In CheckMate 649^[10], median overall survival was 14.4 versus 11.1 months (HR 0.71, 98.4% CI 0.59-0.86; P<0.0001)."
    )
    for r in res.records:
        if r.kind == "trial":
            continue
        ev = " ".join(e.text for e in r.evidence)
        for v in (r.value, getattr(r, "ci_low", None), getattr(r, "ci_high", None)):
            if v is not None:
                assert f"{v:g}" in ev


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "In KEYNOTE-426^[3] and CheckMate 9ER^[4], objective response rates were 59.3% and 55.7%, respectively, against 35.7% and 27.1% with sunitinib.",
            [
                ("KEYNOTE-426", 59.3, "experimental"),
                ("CHECKMATE-9ER", 55.7, "experimental"),
                ("KEYNOTE-426", 35.7, "control"),
                ("CHECKMATE-9ER", 27.1, "control"),
            ],
            id="en-respectively-trials-against-control",
        ),
        pytest.param(
            "在RATIONALE 304^[1]和ORIENT-11^[2]两项研究中，免疫联合化疗组的ORR分别为57.4%和51.9%，对照组分别为36.9%和29.8%。",
            [
                ("RATIONALE-304", 57.4, "experimental"),
                ("ORIENT-11", 51.9, "experimental"),
                ("RATIONALE-304", 36.9, "control"),
                ("ORIENT-11", 29.8, "control"),
            ],
            id="zh-两项研究-分别-对照组分别",
        ),
        pytest.param(
            "KEYNOTE-604研究^[9]中，帕博利珠单抗组的1年、2年OS率分别为45.1%和22.5%，安慰剂组分别为39.6%和11.2%。",
            [
                ("KEYNOTE-604", 45.1, "experimental"),
                ("KEYNOTE-604", 22.5, "experimental"),
                ("KEYNOTE-604", 39.6, "control"),
                ("KEYNOTE-604", 11.2, "control"),
            ],
            id="zh-landmarks-two-arms",
        ),
        pytest.param(
            "In RELATIVITY-047^[6], median overall survival was not reached in the relatlimab-nivolumab arm versus 34.1 months in the nivolumab arm.",
            [("RELATIVITY-047", 34.1, "control")],
            id="en-not-reached-versus",
        ),
        pytest.param(
            "CASPIAN研究^[5]中，两组3~4级不良事件发生率均为62%。",
            [("CASPIAN", 62, "experimental"), ("CASPIAN", 62, "control")],
            id="zh-两组均为",
        ),
        pytest.param(
            "In KEYNOTE-024^[3], 31.9% of patients in the pembrolizumab group were alive at 5 years compared with 16.3% in the chemotherapy group.",
            [("KEYNOTE-024", 31.9, "experimental"), ("KEYNOTE-024", 16.3, "control")],
            id="en-alive-at-5-years",
        ),
        pytest.param(
            "KEYNOTE-522^[2] randomized 1174 patients. The pathological complete response rate was 64.8% in the pembrolizumab-chemotherapy group and 51.2% in the placebo-chemotherapy group.",
            [("KEYNOTE-522", 64.8, "experimental"), ("KEYNOTE-522", 51.2, "control")],
            id="en-hyphenated-arms",
        ),
    ],
)
def test_trials_and_arms_of_values(text, expected):
    outs, _ = outcomes(text)
    assert sorted((o.trial, o.value, o.arm_role) for o in outs) == sorted(expected)


def test_a_continuation_paragraph_keeps_the_trial_of_the_paragraph_before():
    text = (
        "The phase 3 CheckMate 067 trial^[4] randomized 945 patients; median overall survival was 72.1 months "
        "with the combination and 19.9 months with ipilimumab.\n\n"
        "In the 6.5-year analysis, overall survival rates were 49% and 23%, respectively.\n\n"
        "Melanoma incidence rose by 2% a year in the same period."
    )
    outs, _ = outcomes(text)
    assert {o.trial for o in outs} == {"CHECKMATE-067"}
    assert {o.value for o in outs} == {72.1, 19.9, 49, 23}  # the incidence is no result


def test_an_update_cited_on_its_own_reports_on_the_trial_under_discussion():
    text = (
        "IMbrave150研究^[8]中，两组12个月OS率分别为67.2%和54.6%。"
        "更新分析^[9]显示，阿替利珠单抗联合贝伐珠单抗组的中位总生存期延长至19.2个月，而索拉非尼组为13.4个月。"
    )
    outs, _ = outcomes(text)
    assert {o.trial for o in outs} == {"IMBRAVE150"}
    text = (
        "ESO-Shanghai 13研究^[27]中，两个组别的mPFS分别为15.3和6.4个月。"
        "在一项回顾性分析^[28]中，研究者观察到mPFS为15.2个月。"
    )
    outs, _ = outcomes(text)
    assert {(o.value, o.trial) for o in outs} == {
        (15.3, "ESO-SHANGHAI-13"),
        (6.4, "ESO-SHANGHAI-13"),
        (15.2, None),
    }


def test_several_hazard_ratios_in_one_clause_share_their_p_value():
    _, effs = outcomes(
        "In CheckMate 067^[4], median progression-free survival was 11.5 months with nivolumab plus ipilimumab and "
        "2.9 months with ipilimumab (hazard ratio for progression or death versus ipilimumab, 0.42 [99.5% CI, 0.31 to 0.57] "
        "for the combination and 0.57 [99.5% CI, 0.43 to 0.76] for nivolumab; P<0.001 for both comparisons)."
    )
    assert sorted((e.value, e.ci_level, e.ci_low, e.p_value) for e in effs) == [
        (0.42, 0.995, 0.31, 0.001),
        (0.57, 0.995, 0.43, 0.001),
    ]


def test_a_list_of_p_values_with_respectively_gives_one_comparison_each():
    _, effs = outcomes(
        "CD3+, 4+ and 8+ percentages were significantly higher in the splenectomized group in comparison "
        "to non splenectomized patients (p=0.05, 0.05 and 0.037 respectively)."
    )
    # v1 made three P-only effects with no endpoint; in v2 a comparison of lymphocyte
    # percentages (a laboratory value, outside the endpoint vocabulary) is no record
    assert effs == []


@pytest.mark.parametrize(
    ("text", "endpoint"),
    [
        ("In FLAURA^[2], the HR for PFS was 0.46 (95% CI 0.37-0.57; P<0.001).", "PFS"),
        (
            "In EMBRACA^[5], the hazard ratio for overall survival was 0.76 (95% CI 0.55-1.06).",
            "OS",
        ),
        ("在CheckMate 649研究^[10]中，OS的风险比为0.71（98.4%CI：0.59~0.86）。", "OS"),
    ],
)
def test_an_effect_names_its_own_endpoint(text, endpoint):
    _, effs = outcomes(text)
    assert [e.endpoint for e in effs] == [endpoint]


def test_arms_called_experimental_or_standard_of_care():
    outs, _ = outcomes(
        "In FLAURA^[2], median PFS was 18.9 months in the experimental arm and 10.2 months in the standard-of-care arm."
    )
    assert sorted((o.value, o.arm_role) for o in outs) == [
        (10.2, "control"),
        (18.9, "experimental"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "In CheckMate 017^[2], median OS: 9.2 months (nivolumab) vs 6.0 months (docetaxel).",
            [(9.2, "experimental"), (6.0, "control")],
            id="en-arm-in-parentheses",
        ),
        pytest.param(
            "In KEYNOTE-048^[3], grade ≥3 TRAEs occurred in 17% of patients with pembrolizumab and 69% with cetuximab-chemotherapy.",
            [(17, "experimental"), (69, "control")],
            id="en-combination-backbone-is-not-control-by-itself",
        ),
        pytest.param(
            "ORIENT-11研究^[5]中，中位PFS从5.0个月延长至8.9个月（HR=0.48）。",
            [(5.0, "control"), (8.9, "experimental")],
            id="zh-从…延长至",
        ),
    ],
)
def test_roles_from_how_the_comparison_is_written(text, expected):
    outs, _ = outcomes(text)
    assert sorted((o.value, o.arm_role) for o in outs) == sorted(expected)


def test_two_subgroups_rates_are_not_two_arms():
    outs, _ = outcomes(
        "一项回顾性研究^[4]显示，当脑外转移灶已控制时，脑转移的2年和5年生存率可高达100%和80%；"
        "而脑外转移未能控制者，2年和5年生存率仅8%和0%。"
    )
    assert {o.arm_role for o in outs} == {"single"}
    assert sorted(o.timepoint_months for o in outs) == [24, 24, 60, 60]


def test_survival_of_single_patients_is_no_median():
    outs, _ = outcomes("我院共收治18例非妊娠性绒癌^[3]，经积极治疗有8例治愈，有的存活已超过25年。")
    assert outs == []

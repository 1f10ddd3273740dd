"""Arm roles, one table: real sentences (source: the gold file of the document they are quoted
from, under ``corpus/gold/``) and the roles their curators gave each value.

Each sentence goes through the pipeline on its own (:func:`extract.pipeline.process_text`), so
the roles come from :func:`extract.link.roles.sentence_roles` and the rules before it; the
expected roles are the gold records' (curated by reading the article), never the pipeline's.
"""

from __future__ import annotations

import pytest

from extract.pipeline import process_text

CASES = [
    (
        "ChinaXiv-202208.00164V1",
        "结果术后 $2 4 \\mathrm { h }$ ,疼痛有效缓解率治疗组为 $8 3 . 3 3 \\% ( 2 5 / 3 0 )$ ，高于对照组的 $5 3 . 3 3 \\%$ (16/30)，差异有统计学意义（ $( P { < } 0 . 0 5 )$ 。",
        [(53.33, "control"), (83.33, "experimental")],
    ),
    (
        "PMC2361948",
        "Overall survival time differed significantly in favour of arm B (median 8.0 vs 5.3 months; P=0.016).",
        [(5.3, "control"), (8.0, "experimental")],
    ),
    (
        "PMC3204557",
        "There was no statistical difference in 5-year DFS between the RFA and the resection groups (32.2% vs. 34.0%, P = 0.164).",
        [(32.2, "experimental"), (34.0, "control")],
    ),
    (
        "PMC3427491",
        "Overall response rate was 45.6 and 36.3 % (p = 0.003) for TOMOX and FOLFOX4, respectively.",
        [(36.3, "control"), (45.6, "experimental")],
    ),
    (
        "PMC3691625",
        "Objective response was 59.25% for nimotuzumab and 53.84%, for the placebo arm.",
        [(53.84, "control"), (59.25, "experimental")],
    ),
    (
        "PMC3691625",
        "In the ITT analysis, the mPFS was 15.73 months for nimotuzumab + RT and 6.5 months for the control arm.",
        [(6.5, "control"), (15.73, "experimental")],
    ),
    (
        "PMC4101294",
        "Compared with patients in the chemotherapy group, patients in the combination group had significantly longer PFS (5.4 months vs 3.0 months, P < .01) and median survival (9.5 months vs 5.3 months, P < .01).",
        [(3.0, "control"), (5.3, "control"), (5.4, "experimental"), (9.5, "experimental")],
    ),
    (
        "PMC4907713",
        "XT and T adjuvant chemotherapy regimens were well tolerated: treatment-related 3/4 grade adverse events occurred in 28% and 17% of patients receiving XT and T, respectively.",
        [(17, "control"), (28, "experimental")],
    ),
    (
        "en_review_nsclc_first_line",
        "Median overall survival was 17.1 months with nivolumab plus ipilimumab and 14.9 months with chemotherapy (HR 0.79; 97.72% CI, 0.65 to 0.96; P=0.007)",
        [(14.9, "control"), (17.1, "experimental")],
    ),
    (
        "zh_review_nsclc_chemoimmunotherapy",
        "在客观缓解方面，RATIONALE 304和ORIENT-11两项研究中免疫联合化疗组的ORR分别为57.4%和51.9%，对照组分别为36.9%和29.8%",
        [(29.8, "control"), (36.9, "control"), (51.9, "experimental"), (57.4, "experimental")],
    ),
    (
        "zh_review_hcc_systemic",
        "卡瑞利珠单抗联合阿帕替尼组与索拉非尼组的mPFS分别为5.6个月和3.7个月（HR＝0.52，95%CI：0.41～0.65，单侧P＜0.0001）",
        [(3.7, "control"), (5.6, "experimental")],
    ),
    (
        "en_review_melanoma_checkpoint",
        "Five-year overall survival rates were 52%, 44% and 26%, respectively.",
        [(26, "control"), (44, "experimental"), (52, "experimental")],
    ),
    (
        "en_review_renal_first_line",
        "Grade 3 or higher adverse events were reported in 82.4%, 83.1% and 71.8%.",
        [(71.8, "control"), (82.4, "experimental"), (83.1, "experimental")],
    ),
    (
        "zh_review_sclc_immunotherapy",
        "In the IMpower133 trial, atezolizumab plus carboplatin and etoposide prolonged median overall survival from 10.3 to 12.3 months (HR 0.70, 95% CI 0.54-0.91).",
        [(10.3, "control"), (12.3, "experimental")],
    ),
    (
        "zh_review_nsclc_chemoimmunotherapy",
        "卡瑞利珠单抗联合卡铂和培美曲塞组的mPFS为11.3个月，单纯化疗组为8.3个月（HR=0.60，95%CI：0.45～0.79，单侧P＝0.0001）",
        [(8.3, "control"), (11.3, "experimental")],
    ),
    (
        "000_05e11c3b259efc19",
        "联合组与单药组的mPFS分别为18.0个月和9.6个月($P=0.044$)",
        [(9.6, "control"), (18.0, "experimental")],
    ),
    (
        "en_review_nsclc_perioperative",
        "The percentage of patients with a pathological complete response was 24.0% and 2.2%, respectively (odds ratio, 13.94; 99% CI, 3.49 to 55.75; P<0.001)",
        [(2.2, "control"), (24.0, "experimental")],
    ),
    (
        "000_05e11c3b259efc19",
        "分别接受全身治疗联合局部放疗(53例)和单纯全身治疗(51例),两个组别中,分别有20例(38%)和23例(45%)患者系统治疗选择的是以免疫治疗为基础的药物方案,研究的主要观察终点为PFS,从结果来看全身治疗联合局部放疗在患者的PFS、OS和局部控制方面均取得了显著的治疗获益($P < 0.05$),两个组别的中位无进展生存期(mPFS)分别为15.3和6.4个月($P < 0.0001$)",
        [(6.4, "control"), (15.3, "experimental")],
    ),
    (
        "000_05e11c3b259efc19",
        "从仅接受化疗的亚组患者来看,联合组与单纯全身治疗组的mPFS分别为12.0个月和3.4个月($P < 0.001$)",
        [(3.4, "control"), (12.0, "experimental")],
    ),
    (
        "en_review_melanoma_checkpoint",
        "In the 5-year analysis, median overall survival was not reached in the nivolumab-plus-ipilimumab arm, compared with 36.9 months in the nivolumab arm and 19.9 months in the ipilimumab arm",
        [(19.9, "control"), (36.9, "experimental")],
    ),
    (
        "en_review_melanoma_checkpoint",
        "median overall survival was not reached in the relatlimab–nivolumab arm versus 34.1 months in the nivolumab arm (HR 0.80; 95% CI 0.64–1.01)",
        [(34.1, "control")],
    ),
    (
        "en_review_nsclc_first_line",
        "In the 563 patients with verified PD-L1 expression of at least 50%, median overall survival was not reached with cemiplimab compared with 14.2 months with chemotherapy (HR 0.57, 95% CI 0.42–0.77; P=0.0002)",
        [(14.2, "control")],
    ),
    (
        "en_review_nsclc_perioperative",
        "median event-free survival was not reached versus 17.0 months",
        [(17.0, "control")],
    ),
    (
        "en_review_renal_first_line",
        "With extended follow-up, median overall survival was not reached in the pembrolizumab–axitinib arm versus 35.7 months in the sunitinib arm (HR 0.68, 95% CI 0.55–0.85; P=0.0003)",
        [(35.7, "control")],
    ),
]


@pytest.mark.parametrize(
    ("source", "sentence", "roles"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_arm_roles_are_the_curators(source, sentence, roles):
    res = process_text(sentence)
    got = sorted((r.value, r.arm_role) for r in res.records if r.kind == "outcome")
    assert got == sorted(roles), source


def test_the_table_covers_both_languages_and_real_articles():
    langs = {"zh" if any("\u4e00" <= ch <= "\u9fff" for ch in s) else "en" for _, s, _ in CASES}
    real = {src for src, _, _ in CASES if src.startswith(("PMC", "ChinaXiv"))}
    assert langs == {"zh", "en"} and len(real) >= 5

"""Sentence ends in real text: a full stop inside a short bracketed aside ends nothing; one
after a bracket a converter left unclosed still ends its sentence."""

from __future__ import annotations

from extract.segment import segment


def _sentences(text: str) -> list[str]:
    return [s.text for p in segment(text) for s in p.sentences]


def test_a_bracket_a_converter_left_unclosed_does_not_swallow_the_next_sentence():
    # corpus/real_text/zh_chinaxiv/ChinaXiv-201712.01173V1.md, as the pipeline reads it: the
    # brackets after DFS and OS lost their closing halves
    text = (
        "在89个激素受体阳性患者的Log-Rank单因素检验中，辅助内分泌治疗组患者的DFS( P=0.002, 、DDFS中 "
        "P=0.001, 和OS( P=0.004, 均显著长于无内分泌治疗组患者。在包含辅助内分泌治疗、年龄、临床分期、"
        "SBR分级、脉管癌栓、HER-2和Ki67百分比的COX多因素分析中，辅助内分泌治疗是DFS的独立保护性预后因素。"
    )
    got = _sentences(text)
    assert len(got) == 2
    assert got[0].endswith("均显著长于无内分泌治疗组患者。")


def test_a_full_stop_in_a_short_aside_ends_no_sentence():
    # corpus/real_text/zh_chinaxiv/ChinaXiv-201712.00037V1.md
    text = "Ⅱ组5年无瘤生存率明显低于I组，差异有统计学意义 (χ²=5.17 ,4.45, P<0.05 .图1~2)。截至2017年2月，随访结束。"
    assert len(_sentences(text)) == 2


def test_a_sentence_ending_in_an_arms_letter_ends_there():
    # corpus/real_text/en_pmc/PMC4282697.txt: "group A." is a label, not a name's initial
    text = (
        "HR was 0.423 (95 % CI 0.241–0.743, p = 0.0027) in group A. The median recurrence-free "
        "survival was 16.56 (9.00–32.01) months in group B, but was not reached in group A."
    )
    got = _sentences(text)
    assert len(got) == 2 and got[1].startswith("The median recurrence-free survival")


def test_an_initial_before_a_surname_ends_no_sentence():
    # ../shared/corpus/real_text/en_pmc/PMC3442969.txt, the disclosures: "U. Graeven" is a name
    text = "D. Arnold: Honoraria from Roche, Sanofi-Aventis. U. Graeven: Honoraria from Roche."
    got = _sentences(text)
    assert got == [
        "D. Arnold: Honoraria from Roche, Sanofi-Aventis.",
        "U. Graeven: Honoraria from Roche.",
    ]

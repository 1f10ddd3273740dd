"""The reader on real PDFs nobody here wrote (corpus/real, see MANIFEST.md).

Sentences known from each page must come out contiguous: if the reader mixed
two columns, a sentence that wraps over several lines would be cut by words
from the other column. The sentences were checked against the page images.
"""

from __future__ import annotations

import re

import pytest
from corpus_paths import REAL, SEED_PDF
from pdfcases import read, read_normalized

from extract.errors import ReaderError
from extract.readers.pdf import read_pdf

SENTENCES = [
    (
        "bmj_rct_exercise_smoking_pregnancy",
        1,
        "Participants attended a median of four treatment sessions in the intervention group and three in the control group.",
    ),
    (
        "bmj_rct_exercise_smoking_pregnancy",
        2,
        "At each session the participants walked at a moderate intensity on a treadmill for up to 30 minutes.",
    ),
    (
        "bmj_rct_exercise_smoking_pregnancy",
        3,
        "Use of National Health Service behavioural support for smoking cessation, beyond that offered in the study, and nicotine replacement therapy were self reported.",
    ),
    (
        "bmj_rct_exercise_smoking_pregnancy",
        4,
        "Using logistic regression or linear regression adjusted for recruitment centre we compared fetal and maternal birth outcomes between the two groups.",
    ),
    (
        "bmj_rct_exercise_smoking_pregnancy",
        5,
        "There was no significant difference in smoking abstinence rates between the two groups at follow-up (table 3).",
    ),
    (
        "bmj_rct_exercise_smoking_pregnancy",
        7,
        "However, despite low attendance rates, the counselling on physical activity may still have substantially increased physical activity levels.",
    ),
    (
        "bmj_rct_exercise_smoking_pregnancy",
        8,
        "The baseline characteristics of these women were similar to the remainder who did not wear accelerometers.",
    ),
    (
        "bmj_rct_exercise_smoking_pregnancy",
        9,
        "Data sharing: The guarantor (MU) is willing to examine all requests for the full dataset after a period of three years from the date of this publication.",
    ),
    (
        "cohort_dementia_hr",
        1,
        "Accordingly, our results reject the hypothesis that stressful life events trigger the onset of dementia diseases.",
    ),
    (
        "cohort_dementia_hr",
        2,
        "The use of prospective data reduces the risk of recall bias, which is otherwise a common confounder in retrospective studies.",
    ),
    (
        "cohort_dementia_hr",
        3,
        "The second session consisted mainly of testing cognitive functions, and the previously distributed questionnaires were also collected.",
    ),
    (
        "cohort_dementia_hr",
        4,
        "Global cognitive function was assessed using the Mini-Mental State Examination (MMSE; Folstein et al., 1975).",
    ),
    (
        "cohort_dementia_hr",
        5,
        "All statistical analyses were two-sided and were performed using the Statistical Package for Social Science (SPSS) 20 (Chicago, Illinois, USA).",
    ),
    (
        "cohort_dementia_hr",
        6,
        "Hence, the inclusion of dependent events could be a major bias in previous research into the association between life events and dementia (Fountoulakis et al., 2011).",
    ),
    (
        "cohort_dementia_hr",
        7,
        "Michael Rönnlund and Lars-Göran Nilsson were involved in data interpretation and performed critical revisions of the manuscript.",
    ),
    (
        "meta_analysis_hpylori_anaemia",
        1,
        "Conclusions H pylori eradication therapy combined with iron administration is more effective than iron administration alone for the treatment of IDA.",
    ),
    (
        "meta_analysis_hpylori_anaemia",
        2,
        "We separated the studies into groups we assumed to be methodologically or biologically heterogeneous.",
    ),
    (
        "meta_analysis_hpylori_anaemia",
        3,
        "Seven of the eight RCTs provided data on changes in Hb, showing these changes to be higher in the intervention groups than in the control groups.",
    ),
    (
        "meta_analysis_hpylori_anaemia",
        4,
        "Bismuth triple therapy showed an obvious advantage over PPI triple therapy, particularly when used together with oral ferrous sulfate for H pylori patients with IDA.",
    ),
    (
        "meta_analysis_hpylori_anaemia",
        6,
        "We suggest that further studies should be undertaken to evaluate the long term effect of H pylori eradication on correcting IDA.",
    ),
    (
        "negative_qualitative_rehab",
        1,
        "However, postrehabilitation maintenance interventions are necessary to sustain patients’ confidence in disease self-management.",
    ),
    (
        "negative_qualitative_rehab",
        2,
        "The order of questions varied according to participants’ responses and followup questions were used to gain further detail on the topics.",
    ),
    (
        "negative_qualitative_rehab",
        4,
        "In the programme environment, however, participants felt secure in being active because they were supervised by professionals.",
    ),
    (
        "negative_qualitative_rehab",
        5,
        "Guidance regarding the interface of primary and secondary care is needed to manage the development of heart failure services.",
    ),
    (
        "review_trauma_dvt",
        1,
        "Mechanical compression devices can result in local soft tissue injury, bleeding and patient non-compliance.",
    ),
    (
        "review_trauma_dvt",
        2,
        "Although retrievable filters are removed in the majority of patients, they may also be left in place for permanent filtration if necessary.",
    ),
    (
        "table_pvalues_thalassaemia",
        1,
        "Significant moderate positive correlation was found between CD3+ cells and ferritin (p=0.04, r=0.6).",
    ),
    (
        "zh_negative_research_report",
        1,
        "公司在山西长治金刚线生产厂区采购电力的平均单价较青岛金刚线生产厂区采购电力的平均单价低",
    ),
    (
        "zh_negative_research_report",
        1,
        "客户选择切割代工模式的核心在于凭借高测的专业化服务实现快速上产，同时可获得较自建硅片切割产能或购买硅片更多的超额利润。",
    ),
]


@pytest.mark.parametrize(("stem", "page", "sentence"), SENTENCES)
def test_known_sentence_is_contiguous_on_its_page(stem, page, sentence):
    nd = read_normalized(str(REAL / f"{stem}.pdf"))
    text = re.sub(r"[ \t]+", " ", nd.text)
    assert sentence in text
    assert (
        nd.page_of(nd.text.index(sentence.split(" ")[0] if " " in sentence else sentence[:10])) >= 1
    )
    i = text.index(sentence)
    assert nd.page_of(i) == page


@pytest.mark.parametrize(
    "stem",
    [
        "cohort_dementia_hr",
        "meta_analysis_hpylori_anaemia",
        "negative_qualitative_rehab",
        "review_trauma_dvt",
    ],
)
@pytest.mark.parametrize("backend", ["pdfplumber", "pdfium"])
def test_cermine_files_keep_their_word_spaces(stem, backend):
    """These PDFs have no space glyphs: spaces come from the gaps between glyphs."""
    text = read_normalized(str(REAL / f"{stem}.pdf"), backend).text
    words = re.findall(r"[A-Za-z]+", text)
    long_runs = [w for w in words if len(w) >= 22]
    assert len(words) > 2000
    assert len(long_runs) <= 0.002 * len(words), long_runs[:10]


def test_cermine_running_header_is_removed_not_glued_into_text():
    doc = read(str(REAL / "review_trauma_dvt.pdf"))
    assert "Journal of Trauma Management & Outcomes 2010, 4:1" not in doc.text
    assert any("Journal of Trauma Management" in r for r in doc.pages[1].removed)


def test_no_line_mixes_the_two_columns_of_the_bmj_trial():
    """Words of one column never share an output line with the other column's."""
    doc = read(str(REAL / "bmj_rct_exercise_smoking_pregnancy.pdf"))
    text = doc.text
    # left and right column of page 2 at the same height
    left = "We conducted a parallel group, randomised controlled trial"
    right = "combining supervised exercise with physical activity consultations."
    assert left in re.sub(r"\s+", " ", text) and right in re.sub(r"\s+", " ", text)
    for para in text.split("\n\n"):
        assert not (left in para and right in para)


def test_seed_pdf_reads_clean_sentences_and_citation_annotations():
    nd = read_normalized(str(SEED_PDF))
    assert (
        "在全球多中心Ⅲ期随机试验KEYNOTE-590研究中，共有749例食管及食管胃结合部癌患者入组" in nd.text
    )
    assert "一项日本的研究显示多西他赛" in nd.text
    i = nd.text.index("一项日本的研究") + len("一项日本的研究")
    assert [c.refs for c in nd.citations if c.offset == i] == [("7",)]
    assert not re.search(r"\[\d+(?:-\d+)?\]", nd.text.split("参考文献")[0])


def test_seed_pdf_references_parse_one_entry_per_line():
    from extract.refs import parse_references

    refs = parse_references(read_normalized(str(SEED_PDF)).text)
    assert len(refs) == 31
    assert "(JCOG0807)[J]" in refs["7"].text


def test_broken_encoding_page_is_reported_not_passed_on():
    with pytest.raises(ReaderError) as e:
        read_pdf(REAL / "zh_broken_encoding_figure_page.pdf")
    assert e.value.code == "junk_text"
    assert "zh_broken_encoding_figure_page.pdf" in str(e.value)
    assert "\n" not in str(e.value)

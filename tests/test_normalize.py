"""Normalization steps: each switchable, each keeping the offset map to the reader's text."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.document import Citation, Document, Page
from extract.errors import PipelineConfigError
from extract.normalize import DEFAULT_STEPS, STEPS, normalize


def _doc(text: str, fmt: str = "text", citations=()) -> Document:
    return Document(
        path=Path("t.txt"),
        doc_id="t",
        text=text,
        pages=[Page(1, 0, len(text))],
        char_boxes=[(float(i), 0.0, float(i) + 1, 10.0) for i in range(len(text))],
        citations=list(citations),
        format=fmt,
    )


@pytest.mark.parametrize(
    ("step", "text", "expected"),
    [
        ("ligatures", "signiﬁcant eﬀect", "significant effect"),
        ("fullwidth", "ＨＲ＝０．７３，Ｐ＜０．０５", "HR=0.73，P<0.05"),
        ("fullwidth", "中位生存期１２．４个月", "中位生存期12.4个月"),
        ("dashes", "12.4–17.2 months, 0.62～0.86", "12.4-17.2 months, 0.62~0.86"),
        ("whitespace", "P\u00a0<\u3000 0.05  \n\n\n\nnext", "P < 0.05\n\nnext"),
        (
            "whitespace",
            "Trial\tHR\nKEYNOTE-590\t0.73",
            "Trial\tHR\nKEYNOTE-590\t0.73",
        ),  # table cells
        ("join_paragraphs", "KEYNOTE-590研究中，\n\n共有749例", "KEYNOTE-590研究中，共有749例"),
        (
            "join_paragraphs",
            "the median overall survival of patients treated with conventional\n\nchemotherapy",
            "the median overall survival of patients treated with conventional chemotherapy",
        ),
        (
            "join_paragraphs",
            "已不再是手术的绝对禁忌。\n\n对于放疗",
            "已不再是手术的绝对禁忌。\n\n对于放疗",
        ),
        (
            "join_paragraphs",
            "Immunotherapy combined with chemotherapy: a review of randomised evidence\n\n"
            "Oesophageal cancer is usually diagnosed late.",
            "Immunotherapy combined with chemotherapy: a review of randomised evidence\n\n"
            "Oesophageal cancer is usually diagnosed late.",
        ),
        (
            "join_paragraphs",
            "Table 1. Phase III trials of first-line immunochemotherapy\n\nTrial\tAgent",
            "Table 1. Phase III trials of first-line immunochemotherapy\n\nTrial\tAgent",
        ),
    ],
)
def test_step(step, text, expected):
    out, origin = STEPS[step](text)
    assert out == expected
    assert len(origin) == len(out)
    assert origin == sorted(origin)


@pytest.mark.parametrize("steps", [DEFAULT_STEPS, ("whitespace",), ("fullwidth", "dashes"), ()])
def test_every_normalized_character_maps_back(steps):
    text = "ＨＲ＝０．７３（９５％ＣＩ：０．６２～０．８６）\n\n\n  signiﬁcant,\n\nand so on"
    nd = normalize(_doc(text), steps)
    assert len(nd.origin) == len(nd.text)
    for i, ch in enumerate(nd.text):
        src = text[nd.origin[i]]
        assert ch == src or ch.isspace() or STEPS["fullwidth"](src)[0] == ch or src in "～ﬁ\n"
        assert nd.bbox_of(i) == (float(nd.origin[i]), 0.0, float(nd.origin[i]) + 1, 10.0)
        assert nd.page_of(i) == 1


def test_citations_follow_the_text_they_annotate():
    text = "研究中，\n\n共有749例  患者"
    doc = _doc(text, citations=[Citation(text.index("共"), ("9",), "[9]")])
    nd = normalize(doc)
    assert nd.text == "研究中，共有749例 患者"
    assert [c.offset for c in nd.citations] == [nd.text.index("共")]


def test_pdf_documents_are_joined_by_layout_not_by_guessing():
    text = "3.《高测股份（688556.SH）：再签建湖10GW硅片切割代工产能强化代工业务成长逻辑项目\n\n越细，锯缝越小"
    assert "\n\n" in normalize(_doc(text, fmt="pdf")).text
    assert "\n\n" not in normalize(_doc(text, fmt="text")).text


def test_unknown_step_names_the_known_ones():
    with pytest.raises(PipelineConfigError, match="known: ligatures"):
        normalize(_doc("x"), ("ligatures", "stemming"))

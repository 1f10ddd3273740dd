"""Curation proposes what the pipeline's own linking makes: one code path, so a fix shows in both."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_paths import CORPUS

from extract.curate.propose import propose_records
from extract.link import link_sentence, recognize_sentence
from extract.link.anchors import find_anchors
from extract.pipeline import DocState, prepare

DOCS = [
    CORPUS / "composed" / "zh_review_gastric_immunotherapy.md",
    CORPUS / "composed" / "en_review_melanoma_checkpoint.md",
    CORPUS / "real_text" / "zh_chinaxiv" / "ChinaXiv-201712.00239V1.md",
    CORPUS / "real_text" / "en_pmc" / "PMC2817867.txt",
]
COMPARED = (
    "endpoint",
    "stat",
    "value",
    "value_high",
    "unit",
    "arm_role",
    "arm",
    "trial",
    "subgroup",
    "timepoint_months",
    "measure",
    "ci_low",
    "ci_high",
    "p_value",
)


def _linked(text: str):
    ctx = prepare(DocState(path=Path("doc.txt"), text=text), upto="context").context
    anchors = find_anchors(ctx)
    for para in ctx.paragraphs:
        para_ep = None
        for sent in para.sentences:
            s = recognize_sentence(ctx, sent)
            yield from link_sentence(ctx, s, para, anchors, para_ep)
            para_ep = s.endpoints[-1] if s.endpoints else para_ep


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_selecting_a_linked_number_proposes_the_pipelines_record(path):
    # the stored text of a document is its normalized text: propose on that, as curation does
    text = prepare(DocState(path=path), upto="text").nd.text
    checked = 0
    for x in _linked(text):
        got = propose_records(text, x.start, x.end)
        same_kind = [p for p in got if p["kind"] == x.record["kind"]]
        assert any(
            {k: p.get(k) for k in COMPARED} == {k: x.record.get(k) for k in COMPARED}
            for p in same_kind
        ), (text[x.start : x.end], x.record)
        checked += 1
    assert checked >= 3


def test_a_change_in_linking_is_proposed_the_same_way(monkeypatch):
    """Arm roles decided by linking reach the proposal: change the rule, the proposal follows."""
    from extract.link import roles

    # corpus/composed/en_review_melanoma_checkpoint.md style: the comparator named after its value
    text = "In CheckMate 067, median overall survival was 72.1 months with nivolumab plus ipilimumab versus 19.9 months with ipilimumab."
    sel = text.index("19.9 months")
    before = propose_records(text, sel, sel + 11)[0]
    assert before["arm_role"] == "control"
    monkeypatch.setattr(
        roles,
        "_comparison_roles",
        lambda ctx, s, g, cues: [roles.ArmRole("single", None)] * len(cues),
    )
    after = propose_records(text, sel, sel + 11)[0]
    assert after["arm_role"] == "single"

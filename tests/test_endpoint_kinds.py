"""Each endpoint's kind (time or rate) is stated once, in resources/endpoints.json."""

from __future__ import annotations

import pytest

from extract.recognize.endpoints import endpoint_kind, find_endpoints
from extract.records import ENDPOINTS
from extract.rules import load_rules


def test_the_lexicon_lists_exactly_the_contract_vocabulary():
    assert list(load_rules("endpoints.json").lexicon("endpoints")) == list(ENDPOINTS)


@pytest.mark.parametrize("code", ENDPOINTS)
def test_every_contract_code_has_a_kind(code):
    assert endpoint_kind(code) in ("time", "rate")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("OS", "time"),
        ("PFS", "time"),
        ("DOR", "time"),
        ("TTP", "time"),
        ("LRFS", "time"),
        ("ORR", "rate"),
        ("pCR", "rate"),
        ("LC", "rate"),
        ("AE", "rate"),
        ("QOL", "rate"),
        ("SD", "rate"),
    ],
)
def test_kind_of_a_code(code, kind):
    assert endpoint_kind(code) == kind


def test_a_code_outside_the_vocabulary_has_no_kind():
    assert endpoint_kind("HbA1c") is None
    assert endpoint_kind("os") is None  # codes are case-sensitive, as in RECORDS.md


@pytest.mark.parametrize(
    ("text", "lang", "codes"),
    [
        (
            "斯鲁利单抗组的中位OS为15.4个月，较安慰剂组（10.9个月）延长了4.5个月",
            "zh",
            [("OS", "time")],
        ),
        (
            "ORR分别为14.3%和5.4%，3级及以上治疗相关不良事件发生率分别为22.2%和53.4%",
            "zh",
            [("ORR", "rate"), ("AE", "rate")],
        ),
        ("The median DFS was 22.4 months in the FOLFOX4 arm", "en", [("DFS", "time")]),
    ],
)
def test_recognized_endpoints_have_the_kind_of_their_code(text, lang, codes):
    found = find_endpoints(text, 0, len(text), lang)
    assert [(ep.code, endpoint_kind(ep.code)) for ep in found] == codes

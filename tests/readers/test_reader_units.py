"""Table-driven checks of the pieces of the PDF layer, in both languages."""

from __future__ import annotations

import pytest
from corpus_paths import SEED_PDF

from extract.readers.assemble import _citation_ok
from extract.readers.chars import Char, PageChars
from extract.readers.hyphen import join_hyphenated
from extract.readers.layout import _PAGE_NUMBER, is_cjk
from extract.readers.ocr import chars_from_tsv
from extract.readers.quality import judge


@pytest.mark.parametrize(
    ("left", "right", "before", "joined"),
    [
        ("dis", "ease", "", True),  # typesetter's break inside a word
        ("random", "ised", "", True),
        ("partici", "pants", "", True),
        ("con", "trolled", "", True),
        ("non", "small", "", False),  # non-small-cell keeps its hyphens
        ("small", "cell", "-", False),  # second hyphen of a compound
        ("KEY", "NOTE", "", False),  # capitals: an acronym
        ("PD", "1", "", False),  # a digit follows: PD-1, KEYNOTE-590
        ("first", "line", "", False),  # first-line: two words
    ],
)
def test_line_end_hyphen(left, right, before, joined):
    assert join_hyphenated(left, right, before) is joined


def test_document_evidence_beats_the_word_list():
    assert join_hyphenated("chemo", "radiotherapy", "", {"chemoradiotherapy"}) is True
    assert join_hyphenated("dis", "ease", "", set(), {"dis-ease"}) is False


@pytest.mark.parametrize(
    ("raw", "before", "cite"),
    [
        ("[1-2]", "上", True),
        ("[8,60]", "致", True),
        ("12", "y", True),  # smoking.¹²
        ("1–3", ".", True),
        ("2", "m", False),  # m²
        ("3", "c" + "m", False),  # cm³
        ("5", "0", False),  # 10⁵
        ("a", "e", False),  # a note mark, not a reference
        ("[0]", "x", False),
    ],
)
def test_raised_run_is_a_citation(raw, before, cite):
    assert _citation_ok(raw, before) is cite


@pytest.mark.parametrize(
    ("text", "page_number"),
    [
        ("12", True),
        ("- 3 -", True),
        ("Page 9 of 11", True),
        ("第3页", True),
        ("iv", True),
        ("12.4 v 9.8", False),
        ("Table 2", False),
    ],
)
def test_page_number_pattern(text, page_number):
    assert bool(_PAGE_NUMBER.match(text)) is page_number


@pytest.mark.parametrize(
    ("ch", "cjk"),
    [("食", True), ("，", True), ("Ⅲ", True), ("A", False), ("5", False), ("β", False)],
)
def test_is_cjk(ch, cjk):
    assert is_cjk(ch) is cjk


def _page(text: str, coverage: float = 0.0) -> PageChars:
    chars = [Char(ch, 10 + 6 * i, 100, 16 + 6 * i, 110, 10) for i, ch in enumerate(text)]
    return PageChars(1, 595, 842, chars, "pdfplumber", image_coverage=coverage)


@pytest.mark.parametrize(
    ("text", "coverage", "kind"),
    [
        (
            "Pembrolizumab plus chemotherapy prolonged overall survival (HR 0.73, P<0.001).",
            0.0,
            "ok",
        ),
        (
            "帕博利珠单抗联合化疗对比单纯化疗组显著提高总生存期（mOS: 12.4个月 vs. 9.8个月）",
            0.0,
            "ok",
        ),
        ("", 0.9, "scanned"),
        ("", 0.1, "empty"),
        ("Í¼»ùÒòÍâÏÔ×Ó%¡¢&¡¢(ºÍÎ¢ÎÀÐÇÔîµÄ)À©Ôö²úÎïÇíÖ¬ÌÇµçÓ¾Í¼" * 2, 0.5, "junk"),  # GBK as Latin-1
        ("\ufffd" * 30 + "KEYNOTE-590", 0.0, "junk"),
        ('!!"#$-2=2AB£ºCDEFFFCG,>./?2/£»AE£º)@+%EEH".2!>./?2/£»$£º$;>0/£»G£º*0//2', 0.0, "junk"),
    ],
)
def test_page_judge(text, coverage, kind):
    assert judge(_page(text, coverage)).kind == kind


def test_ocr_words_become_characters_with_boxes_in_points():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "5\t1\t1\t1\t1\t1\t300\t600\t200\t50\t95\tHazard\n"
        "5\t1\t1\t1\t1\t2\t520\t600\t100\t50\t93\t食管\n"
    )
    chars = chars_from_tsv(tsv, 72 / 300)
    assert "".join(c.text for c in chars) == "Hazard食管"
    assert chars[0].x0 == pytest.approx(72.0)
    assert chars[-1].x1 == pytest.approx(620 * 72 / 300)
    assert {c.font for c in chars} == {"OCR"}


def test_pages_pdfplumber_cannot_decode_are_read_with_pdfium(monkeypatch):
    """fpdf2's embedded Noto CJK gives pdfplumber no characters; PDFium reads them."""
    from extract.readers import chars as chars_mod
    from extract.readers.pdf import read_pdf

    real_page = chars_mod.PdfplumberSource.page

    def blank_first_page(self, index):
        pc = real_page(self, index)
        if index == 0:
            pc.chars = []
        return pc

    monkeypatch.setattr(chars_mod.PdfplumberSource, "page", blank_first_page)
    doc = read_pdf(SEED_PDF)
    assert [p.source for p in doc.pages] == ["pdfium", "pdfplumber", "pdfplumber", "pdfplumber"]
    assert "免疫治疗时代背景下放疗在晚期食管癌中的应用进展" in doc.page_text(1)

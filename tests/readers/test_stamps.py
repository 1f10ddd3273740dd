"""Stamps laid over every page are taken out before the layout reads the page (issue 15).

The case is Scientific Reports 2021 (``../shared/corpus/real_pdf/en_scirep2021_…``): a
download platform drew "Content courtesy of Springer Nature, terms of use apply. Rights
reserved" over the running footer of 11 of its 12 pages, and the two lines' glyphs
interleaved (``(2Con) 1te:9nt6 1courtesy of S|phrttipnsg://…``).
"""

from __future__ import annotations

import pytest
from corpus_paths import ROOT

from extract.readers.chars import Char, PageChars
from extract.readers.pdf import read_pdf
from extract.readers.stamps import find_stamps

STRIP = "Content courtesy of Springer Nature, terms of use apply. Rights reserved"


def _run(text: str, x: float, base: float, size: float, font: str, step: float) -> list[Char]:
    return [
        Char(ch, x + k * step, base - size, x + (k + 1) * step, base + 0.2 * size, size, font, base)
        for k, ch in enumerate(text)
    ]


def _page(n: int, strip: bool = True) -> PageChars:
    body = _run("The model predicts recurrence from notes.", 72, 300, 10, "Body", 5)
    head = _run("www.nature.com/scientificreports/", 72, 40, 8, "HeadFont", 4)
    footer = _run(f"Scientific Reports | (2021) 11:9461 | {n}", 72, 764, 8, "Foot", 4)
    chars = head + body + footer
    if strip:
        chars += _run(STRIP, 80, 770, 12, "TimesNewRomanPSMT", 5)
    return PageChars(n, 595, 782, chars, "pdfplumber")


def test_a_strip_over_the_footer_of_most_pages_is_taken_out():
    pages = [_page(1), _page(2), _page(3, strip=False), _page(4)]
    stamps = find_stamps(pages)
    assert stamps == {1: [STRIP], 2: [STRIP], 4: [STRIP]}
    for pc in pages:
        text = "".join(c.text for c in pc.chars)
        assert "courtesy" not in text
        # the footer, the running head and the body stay for the layout to judge
        assert "Scientific Reports | (2021) 11:9461" in text
        assert text.startswith("www.nature.com/scientificreports/")


def test_text_on_one_page_only_or_laid_over_nothing_is_no_stamp():
    once = [_page(1), _page(2, strip=False), _page(3, strip=False), _page(4, strip=False)]
    assert find_stamps(once) == {}
    # a running head in a font of its own, over nothing, is left to the furniture rules
    pages = [_page(1, strip=False), _page(2, strip=False)]
    assert find_stamps(pages) == {}
    assert all(c.font != "HeadFont" or c.text for pc in pages for c in pc.chars)


SCIREP = (
    ROOT.parent
    / "shared"
    / "corpus"
    / "real_pdf"
    / "en_scirep2021_breast_cancer_recurrence_nlp.pdf"
)


@pytest.mark.skipif(not SCIREP.exists(), reason="../shared/corpus/real_pdf not present")
def test_the_springer_strip_is_furniture_and_the_footer_is_whole():
    doc = read_pdf(SCIREP)
    assert "Content courtesy" not in doc.text  # page 12, the platform's terms, says "courtesy" too
    assert sum(STRIP in p.removed for p in doc.pages) >= 11
    assert any("Scientific Reports | (2021) 11:9461" in r for r in doc.pages[1].removed)

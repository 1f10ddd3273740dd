"""Every character of the normalized text maps back to a page and a bbox that hold it."""

from __future__ import annotations

import random
import unicodedata

import pdfplumber
import pytest
from corpus_paths import REAL, SEED_PDF
from pdfcases import PDFTESTS, read_normalized

DOCS = [
    (SEED_PDF, "pdfplumber"),
    (SEED_PDF, "pdfium"),
    (PDFTESTS / "en_review_hyphenated.pdf", "pdfplumber"),
    (PDFTESTS / "en_rotated_page.pdf", "pdfium"),
    (PDFTESTS / "en_table_between_paragraphs.pdf", "auto"),
    (REAL / "cohort_dementia_hr.pdf", "auto"),
]


def _fold(s: str) -> str:
    """Compare glyph text without ligatures and width variants (ﬁ = fi, ，= ,)."""
    return unicodedata.normalize("NFKC", s)


@pytest.mark.parametrize(("path", "backend"), DOCS, ids=lambda v: getattr(v, "stem", v))
def test_sampled_characters_are_on_their_page_in_their_box(path, backend):
    nd = read_normalized(str(path), backend)
    doc = nd.doc
    assert len(nd.origin) == len(nd.text)
    assert all(doc.char_boxes[k] is not None for k in range(len(doc.text)))
    rng = random.Random(4)
    picks = [i for i in rng.sample(range(len(nd.text)), 300) if not nd.text[i].isspace()][:150]
    with pdfplumber.open(path) as pdf:
        pages = {}
        misses = []
        for i in picks:
            number = nd.page_of(i)
            x0, top, x1, bottom = nd.bbox_of(i)
            source_char = doc.text[nd.source_offset(i)]
            if number not in pages:
                pages[number] = pdf.pages[number - 1].chars
            cx, cy = (x0 + x1) / 2, (top + bottom) / 2
            hit = any(
                c["x0"] - 1.5 <= cx <= c["x1"] + 1.5
                and c["top"] - 2.5 <= cy <= c["bottom"] + 2.5
                and _fold(source_char) in _fold(c["text"])
                for c in pages[number]
            )
            if not hit:
                misses.append((i, source_char, number))
    assert not misses, misses[:5]


def test_page_spans_partition_the_text():
    doc = read_normalized(str(SEED_PDF)).doc
    assert doc.pages[0].start == 0 and doc.pages[-1].end == len(doc.text)
    for a, b in zip(doc.pages, doc.pages[1:], strict=False):
        assert a.end == b.start
    assert [p.source for p in doc.pages] == ["pdfplumber"] * 4

"""Private-use glyphs resolved by font encoding, the other backend and context (issue 15).

The real case: the NMPA bendamustine label (``../shared/corpus/real_pdf``, not open, read
from there and skipped where absent) sets the "•" of ``C16H21Cl2N3O2•HCl`` in Wingdings
(U+F09F) and its list bullets in Symbol (U+F0B7); its page 1 shows the formula with a dot.
"""

from __future__ import annotations

import pytest
from corpus_paths import ROOT

from extract.normalize import fullwidth
from extract.readers.chars import Char, PageChars
from extract.readers.glyphs import base_font, repair_page
from extract.readers.pdf import read_pdf

REAL_PDF = ROOT.parent / "shared" / "corpus" / "real_pdf"


def _line(text: str, font: str = "ABCDEF+FZSSK", x: float = 72.0, size: float = 10.0) -> list[Char]:
    """Glyphs of one line, one em apart for CJK, half an em for the rest."""
    out = []
    for ch in text:
        w = size if ord(ch) > 0x2E80 and not 0xE000 <= ord(ch) <= 0xF8FF else size / 2
        out.append(Char(ch, x, 100.0, x + w, 100.0 + size, size, font, 98.0))
        x += w
    return out


def _page(chars: list[Char]) -> PageChars:
    return PageChars(3, 595.0, 842.0, chars, "pdfplumber")


def test_a_private_glyph_between_full_width_digits_is_the_decimal_point():
    # the Chinese journal: "７\ue027７ 个月" is 7.7 months, not 7
    pc = _page(_line("中位生存期７\ue027７个月"))
    repairs, warnings = repair_page(pc)
    text = "".join(c.text for c in pc.chars)
    assert text == "中位生存期７．７个月"
    assert fullwidth(text)[0] == "中位生存期7.7个月"
    assert repairs == [{"page": 3, "code": "U+E027", "text": "．", "how": "context", "count": 1}]
    assert warnings == []


def test_a_private_glyph_between_ascii_digits_is_a_point():
    pc = _page(_line("HR 0\uf0d677 (95% CI 0\uf0d661-0\uf0d697)", font="AdvOT1ef757c0"))
    repair_page(pc)
    assert "".join(c.text for c in pc.chars) == "HR 0.77 (95% CI 0.61-0.97)"


def test_a_private_glyph_not_between_digits_stays_and_the_page_is_warned():
    pc = _page(_line("\ue001 7 个月以上", font="ABCDEF+JournalSymbols"))
    repairs, warnings = repair_page(pc)
    assert pc.chars[0].text == "\ue001"  # not guessed
    assert repairs == []
    [w] = warnings
    assert w["code"] == "unresolved_glyphs" and w["page"] == 3 and "U+E001" in w["message"]


def test_a_digit_then_a_letter_is_no_decimal_point():
    pc = _page(_line("N3O2\ue000HCl", font="ABCDEF+Unknown"))
    _, warnings = repair_page(pc)
    assert "".join(c.text for c in pc.chars) == "N3O2\ue000HCl"
    assert [w["code"] for w in warnings] == ["unresolved_glyphs"]


def test_symbol_and_wingdings_codes_by_the_fonts_encoding():
    chars = (
        _line("\uf0b7 a", font="Symbol")
        + _line("P \uf0a3 0.05, \uf0b1 2", font="ABCDEE+Symbol,Bold", x=200)
        + _line("\uf09f\uf0fc", font="ABCDEE+Wingdings-Regular", x=400)
    )
    pc = _page(chars)
    repairs, warnings = repair_page(pc)
    assert "".join(c.text for c in pc.chars) == "• aP ≤ 0.05, ± 2•✓"
    assert {r["how"] for r in repairs} == {"font_encoding"}
    assert warnings == []


def test_the_other_backends_reading_at_the_same_place():
    mine = _line("P \ue0a3 0.05", font="ABCDEF+Custom")
    theirs = _line("P ≤ 0.05", font="ABCDEF+Custom")
    pc = _page(mine)
    asked = []
    repairs, warnings = repair_page(pc, lambda: asked.append(1) or theirs)
    assert "".join(c.text for c in pc.chars) == "P ≤ 0.05"
    assert repairs[0]["how"] == "other_backend" and asked == [1]
    assert warnings == []


def test_the_other_backend_is_not_read_when_the_font_resolves_everything():
    pc = _page(_line("\uf0b7 item", font="Symbol"))
    repair_page(pc, lambda: pytest.fail("other backend read without need"))
    assert pc.chars[0].text == "•"


def test_base_font_names():
    assert base_font("ABCDEE+Wingdings") == "wingdings"
    assert base_font("Symbol,Bold") == "symbol"
    assert base_font("ZapfDingbats") == "zapfdingbats"


NMPA = REAL_PDF / "zh_nmpa_label_bendamustine.pdf"


@pytest.mark.skipif(not NMPA.exists(), reason="../shared/corpus/real_pdf not present")
@pytest.mark.parametrize("backend", ["auto", "pdfium"])
def test_the_nmpa_label_reads_its_formula_and_bullets(backend: str):
    doc = read_pdf(NMPA, backend=backend)
    assert not any(0xE000 <= ord(ch) <= 0xF8FF for ch in doc.text)
    # page 1 shows the formula twice, the second time in the 规格 line with the Wingdings dot
    assert "（以C16H21Cl2N3O2•HCl计）" in doc.text.replace(" ", "")
    # page 2's preparation steps are a list marked by Symbol bullets
    assert "• 本品仅适用于单次使用。" in doc.text
    assert "unresolved_glyphs" not in {w["code"] for w in doc.metadata["warnings"]}
    hows = {(r["code"], r["how"]) for r in doc.metadata["glyph_repairs"]}
    assert hows == {("U+F09F", "font_encoding"), ("U+F0B7", "font_encoding")}

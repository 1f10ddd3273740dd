"""Where a Chinese paragraph ends: a line that stops short of the column's right edge ends
its paragraph only if the next line's first unit would have fitted there. A typesetter
never ends a line with an opening bracket nor starts one with a closing mark, so "（57%）、"
and "效。" go to the next line whole, leaving room a single character would have filled
(zh_nmpa_label_bendamustine.pdf p. 6, zh_monograph_trophoblastic_tumours_111p.pdf). A
bracketed item number after a full stop ("（4）预后：") and a 【…】 heading start a paragraph
however full the line before them is. The PDF is made here with STSong-Light.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from extract.readers.pdf import read_pdf

FONT = "STSong-Light"
SIZE = 12.0
FULL = 35  # ideographs in a full line


def _pdf(path, lines: list[str]) -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(FONT, SIZE)
    top = 90.0
    for line in lines:
        c.drawString(90, A4[1] - top, line)
        top += 23
    c.showPage()
    c.save()


FILL = "临床试验中报告的不良反应按系统器官分类列出并计算发生率"  # 27 ideographs


def _line(n: int, start: str = "") -> str:
    """A line of ``n`` ideographs' width."""
    text = start + (FILL * 3)
    return text[:n]


def test_a_line_that_left_room_for_one_character_only_runs_on(tmp_path):
    path = tmp_path / "paragraphs.pdf"
    _pdf(
        path,
        [
            _line(FULL),
            # three ideographs short of the edge: "（57%）、" is wider than that
            _line(FULL - 6) + "为疲乏",
            "（57%）、呕吐（40%）和发热（34%）。" + _line(FULL - 20),
            _line(FULL),
            # two short: "效。" (two ideographs' width) did not fit
            _line(FULL - 5) + "增加疗",
            "效。" + _line(FULL - 2),
            _line(FULL - 3) + "结束。",
            "（4）预后：" + _line(FULL - 6),
            _line(FULL - 2) + "。",
            "【流行病学】",
            _line(FULL),
            _line(10) + "。",
        ],
    )
    text = read_pdf(path).text
    assert "为疲乏（57%）、呕吐" in text
    assert "增加疗效。" in text
    assert "结束。\n\n（4）预后：" in text
    assert "。\n\n【流行病学】\n\n" in text

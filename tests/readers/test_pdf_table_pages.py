"""PDF tables set as Chinese drug labels and journals set them (issue 15): a header at the
foot of one page and its body on the next, a table run over three pages under a "续表" line
with part of its header repeated, header cells set on two lines or centred on two header
rows, a section label left alone at the top of the next page. The PDFs are made here with
reportlab's STSong-Light, each cell at a known place; the answer is the grid that was set.
The real label ``zh_nmpa_label_bendamustine.pdf`` (not open: read from ``../shared``) is
checked against its page images.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_paths import ROOT
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from extract.readers.pdf import read_pdf

FONT = "STSong-Light"
LEFT, RIGHT = 96.0, 496.0
COLS = (LEFT, 330.0, 430.0)  # x of the label column and of the two grade columns
PITCH = 20.0


def _canvas(path: Path) -> canvas.Canvas:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return canvas.Canvas(str(path), pagesize=A4)


def _text(c: canvas.Canvas, x: float, top: float, text: str, size: float = 10.5) -> None:
    """``text`` with its baseline ``top`` points below the top of the page."""
    c.setFont(FONT, size)
    c.drawString(x, A4[1] - top, text)


def _centred(c: canvas.Canvas, x0: float, x1: float, top: float, text: str) -> None:
    c.setFont(FONT, 10.5)
    c.drawCentredString((x0 + x1) / 2, A4[1] - top, text)


def _rule(c: canvas.Canvas, top: float) -> None:
    c.setLineWidth(0.75)
    c.line(LEFT - 4, A4[1] - top, RIGHT, A4[1] - top)


def _paragraph(c: canvas.Canvas, top: float, lines: list[str]) -> float:
    for line in lines:
        _text(c, 90, top, line, 12)
        top += 23
    return top


def _body(c: canvas.Canvas, top: float, rows: list[tuple[str, ...]]) -> float:
    """Body rows: a section label alone in its row, or an event and its two cells."""
    for row in rows:
        for x, cell in zip(COLS, row, strict=False):
            _text(c, x, top, cell)
        top += PITCH
    return top


def _footer(c: canvas.Canvas, page: int, pages: int) -> None:
    _text(c, 260, 800, f"第{page}页/共{pages}页", 10.5)


HEAD = [
    ("系统器官分类", "患者人数(%)"),  # "患者人数(%)" is centred over the two grade columns
    ("首选术语", "所有级别", "3/4级"),
]
PAGE2 = [
    ("至少发生1起不良反应的患者总数", "176(100)", "94(53)"),
    ("胃肠疾病",),
    ("恶心", "132(75)", "7(4)"),
    ("呕吐", "71(40)", "5(3)"),
    ("腹泻", "65(37)", "6(3)"),
    ("全身性疾病及各种给药部位反应",),
    ("疲乏", "101(57)", "19(11)"),
    ("发热", "59(34)", "3(2)"),
]
PAGE3 = [
    ("实验室检查",),
    ("体重降低", "31(18)", "3(2)"),
    ("代谢与营养疾病",),
    ("厌食", "40(23)", "3(2)"),
    ("低钾血症", "15(9)", "9(5)"),
]


def _header(c: canvas.Canvas, top: float, rows: list[tuple[str, ...]]) -> float:
    _rule(c, top - 14)
    for row in rows:
        _text(c, COLS[0], top, row[0])
        if len(row) == 2:
            _centred(c, COLS[1], COLS[2] + 40, top, row[1])
        else:
            _text(c, COLS[1], top, row[1])
            _text(c, COLS[2], top, row[2])
        top += PITCH
    _rule(c, top - 14)
    return top


def _label_pdf(path: Path, repeat_on_page3: bool) -> None:
    """表3 as a drug label sets it: caption and header at the foot of page 1, the body on
    page 2 without a header, and on page 3 (under "续表3" and the repeated lower header row,
    or with no header at all) a section label first."""
    c = _canvas(path)
    top = _paragraph(
        c,
        90,
        [
            "下列数据为两项单臂治疗研究中176例惰性B细胞非霍奇金淋巴瘤患者暴露于本品的情况。",
            "表3列出了至少5%的非霍奇金淋巴瘤患者中发生的不良反应（无论何种严重程度）。",
        ]
        * 12,
    )
    _text(c, 150, top + 10, "表3：临床试验中发生率≥5%的非血液系统不良反应（N=176）", 12)
    _header(c, top + 46, HEAD)
    _footer(c, 1, 3)
    c.showPage()
    _body(c, 80, PAGE2)
    _footer(c, 2, 3)
    c.showPage()
    top = 80
    if repeat_on_page3:
        _text(c, LEFT, top, "续表3", 12)
        top = _header(c, top + 30, HEAD[1:])
    _body(c, top, PAGE3)
    _footer(c, 3, 3)
    c.showPage()
    c.save()


def _rows(table: dict) -> list[list[str]]:
    grid: dict[int, dict[int, str]] = {}
    for cell in table["cells"]:
        grid.setdefault(cell["row"], {})[cell["col"]] = cell["text"]
    return [[grid[r].get(k, "") for k in range(table["n_cols"])] for r in sorted(grid)]


def _padded(rows: list[tuple[str, ...]]) -> list[list[str]]:
    return [list(r) + [""] * (3 - len(r)) for r in rows]


@pytest.mark.parametrize("repeat", [False, True], ids=["no header on p. 3", "续表3 and a header"])
def test_a_header_at_the_foot_of_a_page_heads_the_body_on_the_next_pages(tmp_path, repeat):
    path = tmp_path / "label.pdf"
    _label_pdf(path, repeat)
    doc = read_pdf(path)
    assert len(doc.tables) == 1, [t["pages"] for t in doc.tables]
    table = doc.tables[0]
    assert table["pages"] == [1, 2, 3]
    assert _rows(table) == [
        ["系统器官分类", "患者人数(%)", ""],
        ["首选术语", "所有级别", "3/4级"],
        *_padded(PAGE2),
        *_padded(PAGE3),
    ]
    assert {c["row"] for c in table["cells"] if c["header"]} == {0, 1}
    spans = [(c["row"], c["col"], c["colspan"]) for c in table["cells"] if c["colspan"] > 1]
    assert spans == [(0, 1, 2)]  # "患者人数(%)" over 所有级别 | 3/4级
    # the header is on page 1, the section label that opens page 3 is a row of the body
    assert {c["page"] for c in table["cells"] if c["header"]} == {1}
    assert "续表3" not in doc.text[table["start"] : table["end"]]


def test_a_header_at_the_foot_of_a_page_with_text_after_it_stays_text(tmp_path):
    """Two rows of short cells without numbers at the foot of a page, prose on the next one:
    no table, the lines read as before."""
    path = tmp_path / "text.pdf"
    c = _canvas(path)
    top = _paragraph(c, 90, ["本品应在有经验的医生指导下使用，用药期间应定期检查血常规。"] * 20)
    _text(c, COLS[0], top + 20, "生产企业")
    _text(c, COLS[1], top + 20, "注册地址")
    _text(c, COLS[0], top + 40, "药品上市许可持有人")
    _text(c, COLS[1], top + 40, "生产地址")
    _footer(c, 1, 2)
    c.showPage()
    _paragraph(c, 90, ["贮藏：遮光，密闭，不超过25℃保存。有效期：24个月。"])
    _footer(c, 2, 2)
    c.showPage()
    c.save()
    doc = read_pdf(path)
    assert doc.tables == []
    for words in ("生产企业", "注册地址", "药品上市许可持有人", "生产地址", "贮藏"):
        assert words in doc.text


def test_header_cells_on_two_lines_and_a_label_centred_on_two_header_rows(tmp_path):
    """表2 of a label: "血液学指标" set midway between "患者人数" over the arms and "所有级别 |
    3/4级"; "患者人数" and "（%）" on two lines of one cell; "3/4级" starts with a digit but
    is a header."""
    path = tmp_path / "grid.pdf"
    c = _canvas(path)
    top = _paragraph(c, 90, ["接受苯达莫司汀治疗的中国患者中28%报告严重不良反应。"])
    _text(c, 160, top + 10, "表2：中国NHL临床试验中血液学实验室异常发生率", 12)
    top += 44
    _rule(c, top - 14)
    _centred(c, COLS[1], COLS[2] + 40, top, "患者人数")
    _centred(c, COLS[1], COLS[2] + 40, top + 12, "（%）")
    _text(c, COLS[0] + 20, top + 16, "血液学指标")
    _text(c, COLS[1], top + 32, "所有级别")
    _text(c, COLS[2], top + 32, "3/4级")
    body = [
        ("淋巴细胞减少", "97(96)", "83(82)"),
        ("白细胞减少", "96(95)", "67(66)"),
        ("血小板减少", "83(82)", "27(27)"),
    ]
    _body(c, top + 56, body)
    c.showPage()
    c.save()
    doc = read_pdf(path)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert _rows(table) == [
        ["血液学指标", "患者人数（%）", ""],
        ["", "所有级别", "3/4级"],
        *[list(r) for r in body],
    ]
    assert {c["row"] for c in table["cells"] if c["header"]} == {0, 1}
    assert [(c["row"], c["col"], c["colspan"]) for c in table["cells"] if c["colspan"] > 1] == [
        (0, 1, 2)
    ]


LABEL = ROOT.parent / "shared" / "corpus" / "real_pdf" / "zh_nmpa_label_bendamustine.pdf"


def test_the_label_s_table_3_is_one_table_over_pages_6_to_8():
    """zh_nmpa_label_bendamustine.pdf 表3: caption and header (系统器官分类 / 首选术语 |
    患者人数(%)* over 所有级别 | 3/4级) at the foot of p. 6, the body on p. 7 from
    至少发生1起不良反应的患者总数 176(100) 94(53), on p. 8 from the section label 实验室检查
    down to 低血压 10(6) 2(1)."""
    if not LABEL.is_file():
        pytest.skip(f"{LABEL} is not here")
    doc = read_pdf(LABEL)
    table = next(t for t in doc.tables if 7 in t["pages"])
    assert table["pages"] == [6, 7, 8]
    rows = _rows(table)
    assert rows[:3] == [
        ["系统器官分类", "患者人数(%)*", ""],
        ["首选术语", "所有级别", "3/4级"],
        ["至少发生1起不良反应的患者总数", "176(100)", "94(53)"],
    ]
    assert ["鼻咽炎", "11(6)", "0"] in rows  # the last row of p. 7
    at = rows.index(["鼻咽炎", "11(6)", "0"])
    assert rows[at + 1 : at + 3] == [["实验室检查", "", ""], ["体重降低", "31(18)", "3(2)"]]
    assert rows[-1] == ["低血压", "10(6)", "2(1)"]
    assert {c["row"] for c in table["cells"] if c["header"]} == {0, 1}
    assert len(rows) == 2 + 34 + 34  # two header rows, p. 7's 34 rows, p. 8's 34


def test_the_label_s_table_2_keeps_its_header_rows():
    """zh_nmpa_label_bendamustine.pdf p. 6, 表2: 血液学指标 centred on the two header rows,
    患者人数（%） over 所有级别 | 3/4级."""
    if not LABEL.is_file():
        pytest.skip(f"{LABEL} is not here")
    doc = read_pdf(LABEL)
    table = next(t for t in doc.tables if t["pages"] == [6])
    assert _rows(table)[:3] == [
        ["血液学指标", "患者人数（%）", ""],
        ["", "所有级别", "3/4级"],
        ["淋巴细胞减少", "97(96)", "83(82)"],
    ]
    assert [(c["row"], c["col"], c["colspan"]) for c in table["cells"] if c["colspan"] > 1] == [
        (0, 1, 2)
    ]

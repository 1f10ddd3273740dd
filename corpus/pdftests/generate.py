#!/usr/bin/env python3
"""Generate the PDF reader test corpus: PDFs made from known text, with the expected text.

Usage::

    .venv/bin/python corpus/pdftests/generate.py            # every case
    .venv/bin/python corpus/pdftests/generate.py CASE ...   # some cases

For each case ``NAME`` it writes ``corpus/pdftests/NAME.pdf`` and
``corpus/pdftests/NAME.expected.txt``: the text a perfect reader gives back —
title, headings, paragraphs, table rows (cells separated by a tab) and
reference entries in reading order, one blank line between blocks, without
running headers, page numbers, footnotes or citation markers, with line-end
hyphenation undone. Output is deterministic (reportlab ``invariant=1``; fpdf2
with a fixed creation date).

Sources: ``src/en_review.md`` (an English review written for this corpus, in
the format of ``corpus/tools/render.py``: ``# Title``, ``## Heading``, one
paragraph per line, ``^[3-5]`` citation markers, one reference per line) and
the seed review ``corpus/seed/000_05e11c3b259efc19.txt`` (Chinese, with its
LaTeX math stripped the way :func:`extract.readers.text.read_text` does).

Cases and what each one is hard for:

=============================  ==============================================
``zh_review_two_column``       full-width front matter over two columns, CID
                               font (STSong-Light, not embedded), raised
                               citations, first-line indents, running header,
                               page numbers, paragraphs across columns/pages
``zh_review_embedded_font``    the same text in an embedded TrueType subset
                               (WenQuanYi Micro Hei), inline ``[n]`` citations
``zh_fpdf_embedded_cid``       fpdf2 output: CIDFontType2, Identity-H encoding
``en_review_hyphenated``       two justified columns, pyphen hyphenation,
                               raised citations, header and page numbers
``en_three_columns``           three columns
``en_sidebar``                 a wide main column with a boxed sidebar
``en_table_between_paragraphs`` ruled tables between paragraphs
``en_footnotes``               footnotes under a paragraph that runs over the
                               page break
``en_rotated_page``            a landscape page (``/Rotate 90``) between
                               portrait pages
=============================  ==============================================
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    FrameBreak,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SEED = ROOT / "corpus" / "seed" / "000_05e11c3b259efc19.txt"
WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
CITE = re.compile(r"\^\[([0-9][0-9,\-–\s]*)\]")


@dataclass
class Block:
    kind: str  # title | heading | para | ref | table | caption
    text: str = ""
    rows: list[list[str]] | None = None
    front: bool = False


# --------------------------------------------------------------------------- sources


def en_blocks() -> list[Block]:
    lines = (HERE / "src" / "en_review.md").read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    refs = False
    for ln in lines:
        s = ln.strip()
        if not s:
            continue
        if s.startswith("# "):
            blocks.append(Block("title", s[2:], front=True))
        elif s.startswith("## "):
            blocks.append(Block("heading", s[3:]))
            refs = s[3:].lower() == "references"
        else:
            blocks.append(Block("ref" if refs else "para", s))
    # the paragraph after the title and the abstract are front matter
    for b in blocks[1:]:
        if b.kind == "heading" and b.text != "Abstract":
            break
        b.front = True
    return blocks


def zh_blocks() -> list[Block]:
    sys.path.insert(0, str(ROOT / "src"))
    from extract.readers.text import read_text

    doc = read_text(SEED)
    text = doc.text
    for c in sorted(doc.citations, key=lambda c: -c.offset):
        text = text[: c.offset] + "^[" + ",".join(_ranges(c.refs)) + "]" + text[c.offset :]
    text = text.replace("ï", "i")
    blocks: list[Block] = []
    refs = False
    front = True
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if refs:
            for ln in chunk.splitlines():
                ln = re.sub(r"^-\s*", "", ln.strip())
                if ln:
                    blocks.append(Block("ref", ln))
            continue
        chunk = re.sub(r"\s*\n\s*", "", chunk)
        if chunk.startswith("参考文献"):
            blocks.append(Block("heading", chunk))
            refs = True
            continue
        if chunk.startswith("Abstract:"):
            front = False  # the rest of the front matter runs in the columns
        if chunk == "免疫治疗时代背景下放疗在晚期食管癌中的应用进展":
            blocks.append(Block("title", chunk, front=True))
        elif re.match(r"^\d+(?:\.\d+)*\s", chunk) and len(chunk) < 45:
            blocks.append(Block("heading", chunk, front=front))
        else:
            blocks.append(Block("para", chunk, front=front))
    return blocks


def _ranges(refs: tuple[str, ...]) -> list[str]:
    nums = [int(r) for r in refs]
    out, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(f"{nums[i]}-{nums[j]}" if j > i else str(nums[i]))
        i = j + 1
    return out


def expected(blocks: list[Block]) -> str:
    out = []
    for b in blocks:
        if b.kind == "table":
            out.append("\n".join("\t".join(r) for r in b.rows or []))
        else:
            out.append(CITE.sub("", b.text))
    return "\n\n".join(out) + "\n"


TABLE_ROWS = [
    ["Trial", "Agent", "Patients", "Median OS (months)", "HR (95% CI)"],
    ["KEYNOTE-590", "Pembrolizumab", "749", "12.4 v 9.8", "0.73 (0.62-0.86)"],
    ["ESCORT-1st", "Camrelizumab", "596", "15.3 v 12.0", "0.70 (0.56-0.88)"],
    ["JUPITER-06", "Toripalimab", "514", "17.0 v 11.0", "0.58 (0.43-0.78)"],
    ["ORIENT-15", "Sintilimab", "659", "16.7 v 12.5", "0.63 (0.51-0.78)"],
    ["RATIONALE-306", "Tislelizumab", "649", "17.2 v 10.6", "0.66 (0.54-0.80)"],
]
TOX_ROWS = [
    ["Adverse event", "Combined (%)", "Systemic only (%)", "P value"],
    ["Oesophagitis grade 1-2", "19", "2", "0.036"],
    ["Grade 3 or higher", "47", "41", "0.538"],
    ["Pneumonitis", "4", "2", "0.61"],
]


# --------------------------------------------------------------------------- fonts and markup


def font(name: str) -> tuple[str, str, bool]:
    """The corpus renderer's fonts (one registration for both generators)."""
    sys.path.insert(0, str(ROOT / "corpus" / "tools"))
    from render import register_fonts

    return register_fonts(name)


def esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(text: str, cites: str) -> str:
    out, last = [], 0
    for m in CITE.finditer(text):
        out.append(esc(text[last : m.start()]))
        label = "[" + m.group(1).strip() + "]"
        out.append(f"<super>{label}</super>" if cites == "super" else esc(label))
        last = m.end()
    out.append(esc(text[last:]))
    return "".join(out)


def styles(fname: str, size: float, cjk: bool, hyphenate: bool = False, indent: bool = False):
    reg, bold, _ = font(fname)
    leading = size * (1.5 if cjk else 1.25)
    extra = {"wordWrap": "CJK"} if cjk else {}
    if hyphenate:
        import pyphen

        dic = pyphen.Pyphen(lang="en_US")
        extra.update(hyphenationLang=lambda w: [(h, t) for h, t in dic.iterate(w)
                                                  if len(h) >= 2 and len(t) >= 3],
                     embeddedHyphenation=0, uriWasteReduce=0)
    body = ParagraphStyle("body", fontName=reg, fontSize=size, leading=leading, alignment=TA_JUSTIFY,
                          spaceAfter=size * 0.5, firstLineIndent=2 * size if indent else 0, **extra)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=size * 1.6,
                                leading=size * 2.0, alignment=TA_CENTER, spaceAfter=size,
                                firstLineIndent=0, hyphenationLang=""),
        "heading": ParagraphStyle("heading", parent=body, fontName=bold, fontSize=size * 1.15,
                                  leading=size * 1.5, alignment=TA_LEFT, spaceBefore=size * 0.6,
                                  spaceAfter=size * 0.4, firstLineIndent=0, hyphenationLang="",
                                  keepWithNext=1),
        "para": body,
        "ref": ParagraphStyle("ref", parent=body, fontSize=size - 1.5, leading=(size - 1.5) * 1.3,
                              alignment=TA_LEFT, spaceAfter=size * 0.3, firstLineIndent=0,
                              hyphenationLang=""),
        "caption": ParagraphStyle("caption", parent=body, fontName=bold, alignment=TA_LEFT,
                                  firstLineIndent=0, hyphenationLang=""),
        "small": ParagraphStyle("small", parent=body, fontSize=size - 2, leading=(size - 2) * 1.3,
                                firstLineIndent=0, hyphenationLang=""),
    }


def flowable(b: Block, st, cites: str):
    if b.kind == "table":
        t = Table(b.rows, hAlign="LEFT")
        t.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), st["para"].fontName, st["para"].fontSize - 1),
            ("FONT", (0, 0), (-1, 0), st["caption"].fontName, st["para"].fontSize - 1),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ]))
        return t
    return Paragraph(markup(b.text, cites), st[b.kind])


def decorator(header: str, numbers: bool, fname: str, size: float):
    reg = font(fname)[0]

    def on_page(canv, doc):
        w, h = doc.pagesize
        canv.saveState()
        canv.setFont(reg, size - 1)
        if header:
            canv.drawString(20 * mm, h - 12 * mm, header)
            canv.setLineWidth(0.4)
            canv.line(20 * mm, h - 12 * mm - 3, w - 20 * mm, h - 12 * mm - 3)
        if numbers:
            canv.drawCentredString(w / 2, 10 * mm, str(doc.page))
        canv.restoreState()
    return on_page


def doc_template(path: Path, title: str) -> BaseDocTemplate:
    return BaseDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                           topMargin=20 * mm, bottomMargin=20 * mm, invariant=1, title=title,
                           author="corpus/pdftests/generate.py", creator="generate.py")


# --------------------------------------------------------------------------- layouts


def columns_doc(path: Path, blocks: list[Block], *, fname: str, size: float, ncols: int,
                cites: str = "super", header: str = "", numbers: bool = False,
                hyphenate: bool = False, indent: bool = False, gap_mm: float = 6) -> None:
    st = styles(fname, size, font(fname)[2], hyphenate, indent)
    doc = doc_template(path, blocks[0].text)
    x0, y0 = 20 * mm, 20 * mm
    fw, fh = A4[0] - 40 * mm, A4[1] - 40 * mm
    gap = gap_mm * mm
    cw = (fw - gap * (ncols - 1)) / ncols
    pad = dict(leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    front = [flowable(b, st, cites) for b in blocks if b.front]
    body = [flowable(b, st, cites) for b in blocks if not b.front]
    top_h = sum(f.wrap(fw, fh)[1] + f.getSpaceAfter() + f.getSpaceBefore() for f in front) + 6
    on_page = decorator(header, numbers, fname, size)
    first = PageTemplate("first", [Frame(x0, y0 + fh - top_h, fw, top_h, id="top", **pad)] + [
        Frame(x0 + k * (cw + gap), y0, cw, fh - top_h - 6, id=f"c{k}", **pad) for k in range(ncols)
    ], onPage=on_page)
    later = PageTemplate("later", [Frame(x0 + k * (cw + gap), y0, cw, fh, id=f"l{k}", **pad)
                                   for k in range(ncols)], onPage=on_page)
    doc.addPageTemplates([first, later])
    doc.build(front + [NextPageTemplate("later"), FrameBreak()] + body)


def sidebar_doc(path: Path, blocks: list[Block], side: list[Block]) -> None:
    st = styles("helvetica", 10, False)
    doc = doc_template(path, blocks[0].text)
    x0, y0 = 20 * mm, 20 * mm
    fw, fh = A4[0] - 40 * mm, A4[1] - 40 * mm
    main_w = fw * 0.66
    side_x = x0 + main_w + 8 * mm
    pad = dict(leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def box(canv, doc):
        canv.saveState()
        canv.setLineWidth(0.6)
        canv.rect(side_x - 3 * mm, y0 + fh * 0.35 - 3 * mm, fw - main_w - 8 * mm + 6 * mm,
                  fh * 0.65 + 3 * mm)
        canv.restoreState()
    page = PageTemplate("p", [
        Frame(x0, y0, main_w, fh, id="main", **pad),
        Frame(side_x, y0 + fh * 0.35, fw - main_w - 8 * mm, fh * 0.65, id="side", **pad),
    ], onPage=box)
    doc.addPageTemplates([page])
    doc.build([flowable(b, st, "super") for b in blocks] + [FrameBreak()]
              + [flowable(b, st, "super") for b in side])


def table_doc(path: Path, blocks: list[Block]) -> None:
    st = styles("helvetica", 10, False)
    doc = doc_template(path, blocks[0].text)
    pad = dict(leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("p", [Frame(20 * mm, 20 * mm, A4[0] - 40 * mm, A4[1] - 40 * mm,
                                                   **pad)], onPage=decorator("", True, "helvetica", 10))])
    story = []
    for b in blocks:
        f = flowable(b, st, "super")
        story.append(f)
        if b.kind == "table":
            story.append(Spacer(1, 8))
    doc.build(story)


FOOTNOTES = [
    "1 Data cut-off 30 June 2023; survival estimates are from the final analysis.",
    "* Correspondence to: Department of Radiation Oncology, 12 Example Road, Springfield.",
]


def footnote_doc(path: Path, blocks: list[Block]) -> None:
    st = styles("helvetica", 10, False)
    doc = doc_template(path, blocks[0].text)
    pad = dict(leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    fw, fh = A4[0] - 40 * mm, A4[1] - 40 * mm
    note_h = 22 * mm

    def notes(canv, doc):
        canv.saveState()
        canv.setLineWidth(0.4)
        canv.line(20 * mm, 20 * mm + note_h - 4, 20 * mm + 50 * mm, 20 * mm + note_h - 4)
        y = 20 * mm + note_h - 14
        for n in FOOTNOTES:
            mark, rest = n.split(" ", 1)
            canv.setFont("Helvetica", 6)
            canv.drawString(20 * mm, y + 3, mark)
            canv.setFont("Helvetica", 8)
            canv.drawString(20 * mm + 5, y, rest)
            y -= 11
        canv.drawCentredString(A4[0] / 2, 10 * mm, str(doc.page))
        canv.restoreState()

    def number(canv, doc):
        canv.saveState()
        canv.setFont("Helvetica", 8)
        canv.drawCentredString(A4[0] / 2, 10 * mm, str(doc.page))
        canv.restoreState()

    first = PageTemplate("first", [Frame(20 * mm, 20 * mm + note_h, fw, fh - note_h, **pad)], onPage=notes)
    later = PageTemplate("later", [Frame(20 * mm, 20 * mm, fw, fh, **pad)], onPage=number)
    doc.addPageTemplates([first, later])
    story = [NextPageTemplate("later")]
    story += [flowable(b, st, "super") for b in blocks]
    doc.build(story)


def rotated_doc(path: Path, pages: list[list[Block]]) -> None:
    """Portrait, landscape (/Rotate 90), portrait; text set with a canvas, ragged right."""
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle("rotated page test")
    w, h = A4
    for k, blocks in enumerate(pages):
        landscape = k == 1
        # reportlab writes the media box turned when the page is rotated: give it the
        # landscape size so that the media box is portrait and the page shows landscape
        c.setPageSize((h, w) if landscape else (w, h))
        c.setPageRotation(90 if landscape else 0)
        page_w, page_h = (h, w) if landscape else (w, h)  # as displayed
        x, y = 20 * mm, page_h - 25 * mm
        for b in blocks:
            fsize = 14 if b.kind == "heading" else 10
            fname = "Helvetica-Bold" if b.kind == "heading" else "Helvetica"
            for line in simpleSplit(CITE.sub("", b.text), fname, fsize, page_w - 40 * mm):
                c.saveState()
                if landscape:
                    # display (x, y from the bottom) → page space of a page shown turned 90° clockwise
                    c.translate(page_h - y, x)
                    c.rotate(90)
                    c.translate(-0, 0)
                    c.setFont(fname, fsize)
                    c.drawString(0, 0, line)
                else:
                    c.setFont(fname, fsize)
                    c.drawString(x, y, line)
                c.restoreState()
                y -= fsize * 1.3
            y -= fsize * 0.9
        c.showPage()
    c.save()


def fpdf_doc(path: Path, blocks: list[Block]) -> None:
    from datetime import datetime

    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2024, 1, 1, tzinfo=UTC))
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("wqy", "", WQY)
    pdf.add_page()
    for b in blocks:
        size = 16 if b.kind == "title" else 13 if b.kind == "heading" else 10.5
        pdf.set_font("wqy", size=size)
        pdf.multi_cell(0, size * 0.62, CITE.sub("", b.text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(size * 0.5)
    pdf.output(str(path))


# --------------------------------------------------------------------------- cases


def _head(blocks: list[Block], n_paras: int) -> list[Block]:
    out, paras = [], 0
    for b in blocks:
        if b.kind == "para" and not b.front:
            paras += 1
            if paras > n_paras:
                break
        out.append(b)
    return out


def case_zh_review_two_column():
    blocks = zh_blocks()
    return blocks, lambda p: columns_doc(p, blocks, fname="stsong", size=9, ncols=2, indent=True,
                                         header="肿瘤防治研究 Cancer Research on Prevention and Treatment",
                                         numbers=True)


def case_zh_review_embedded_font():
    blocks = [b for b in zh_blocks() if b.kind != "ref"]
    blocks = _head(blocks, 20)
    return blocks, lambda p: columns_doc(p, blocks, fname="wqy", size=9.5, ncols=2, cites="inline",
                                         numbers=True)


def case_zh_fpdf_embedded_cid():
    blocks = [Block(b.kind if b.kind in ("title", "heading") else "para", b.text)
              for b in _head([b for b in zh_blocks() if b.kind != "ref"], 5)
              if not b.front or b.kind == "title"]
    return blocks, lambda p: fpdf_doc(p, blocks)


def case_en_review_hyphenated():
    blocks = en_blocks()
    return blocks, lambda p: columns_doc(p, blocks, fname="helvetica", size=9.5, ncols=2, hyphenate=True,
                                         header="Journal of Thoracic Reviews 2024;12:101-110",
                                         numbers=True, gap_mm=5)


def case_en_three_columns():
    blocks = [b for b in en_blocks() if b.kind != "ref"]
    for b in blocks:
        b.front = b.kind == "title"
    return blocks, lambda p: columns_doc(p, blocks, fname="helvetica", size=8.5, ncols=3, numbers=True,
                                         gap_mm=5)


SIDEBAR = [
    Block("heading", "Key points"),
    Block("para", "Immunochemotherapy is the standard first-line treatment of advanced oesophageal "
                  "squamous cell carcinoma."),
    Block("para", "Median overall survival with PD-1 inhibitors plus chemotherapy is 12 to 17 months."),
    Block("para", "Radiotherapy for oligometastatic disease improved progression-free survival in "
                  "one randomised phase 2 trial."),
]


def case_en_sidebar():
    blocks = _head([b for b in en_blocks() if b.kind != "ref"], 1)
    for b in blocks:
        b.front = False
    return blocks + SIDEBAR, lambda p: sidebar_doc(p, blocks, SIDEBAR)


def case_en_table_between_paragraphs():
    src = [b for b in en_blocks() if b.kind != "ref"]
    blocks = _head(src, 5)
    for b in blocks:
        b.front = False
    blocks = blocks + [
        Block("caption", "Table 1. Phase III trials of first-line immunochemotherapy"),
        Block("table", rows=TABLE_ROWS),
        Block("para", "The hazard ratios in Table 1 are consistent across trials despite differences "
                      "in the chemotherapy backbone."),
        Block("caption", "Table 2. Adverse events in ESO-Shanghai 13"),
        Block("table", rows=TOX_ROWS),
        Block("para", "Pneumonitis remained uncommon with or without thoracic radiotherapy."),
    ]
    return blocks, lambda p: table_doc(p, blocks)


def case_en_footnotes():
    blocks = _head([b for b in en_blocks() if b.kind != "ref"], 6)
    for b in blocks:
        b.front = False
    return blocks, lambda p: footnote_doc(p, blocks)


def case_en_rotated_page():
    src = [b for b in en_blocks() if b.kind in ("heading", "para") and not b.front]
    pages = [src[0:3], src[3:6], src[6:9]]
    return [b for pg in pages for b in pg], lambda p: rotated_doc(p, pages)


CASES = {name[5:]: fn for name, fn in sorted(globals().items()) if name.startswith("case_")}


def main(argv: list[str]) -> int:
    names = argv or list(CASES)
    for name in names:
        if name not in CASES:
            print(f"unknown case {name!r}; known: {', '.join(CASES)}", file=sys.stderr)
            return 2
        blocks, build = CASES[name]()
        build(HERE / f"{name}.pdf")
        (HERE / f"{name}.expected.txt").write_text(expected(blocks), encoding="utf-8")
        print(f"wrote {name}.pdf")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

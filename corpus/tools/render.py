#!/usr/bin/env python3
"""Render composed review documents to PDF (reportlab platypus).

Usage::

    .venv/bin/python corpus/tools/render.py [STEM ...]     # default: every corpus/composed/*.md

For each STEM it reads

* ``corpus/composed/<stem>.md``      -- the source text (format below)
* ``corpus/tools/styles/<stem>.toml`` -- the style file (keys below)

and writes

* ``corpus/composed/<stem>.pdf``          -- the rendered document
* ``corpus/composed/<stem>.expected.txt`` -- the text a perfect PDF reader should
  give back: title, headings, paragraphs and reference entries in reading
  order, one blank line between blocks, no running header / page numbers,
  citation markers removed, hyphenation undone. In other words: the source
  text with the markup stripped. A table stands where its block stands in
  the source: its caption as a paragraph, then the table as one paragraph
  with a line per row and the cells of a row separated by a tab (every row
  has as many cells as the table has columns; a spanning cell's text is in
  its first column, the columns it covers are empty; the lines of a
  multi-line cell are joined like paragraph lines; header rows once, not
  repeated for a continued part), then each footnote line as a paragraph.

Rendering is deterministic: the same input gives the same PDF bytes
(reportlab ``invariant=1``, fixed metadata, no dates).

Source format (``.md``, UTF-8)
------------------------------
* First non-blank line: ``# Title``.
* ``## Heading`` lines start sections.
* Paragraphs are separated by a blank line; a paragraph is one source line
  (consecutive non-blank lines are joined: with a space between two Latin
  characters, with nothing otherwise).
* Citation markers ``^[3]``, ``^[3,5]``, ``^[3-5]`` (also ``^[3–5]``, ``^[1, 4-6]``)
  are written right after the word they cite. Rendered as a small raised
  ``[3]`` (``superscript_citations = true``) or inline ``[3]``; removed from
  ``expected.txt``.
* A final section headed ``## References`` or ``## 参考文献``: every non-blank
  line in it is one entry, ``[n] Author A, ... Title[J]. Journal, year,
  vol(issue): pages.``; entries are kept verbatim (their ``[n]`` is text, not a
  citation marker) and set in a smaller font.
* Front matter: the title, any paragraphs before the first ``##`` heading and,
  if the first heading is ``Abstract`` / ``Summary`` / ``摘要`` (case-insensitive),
  that heading and its section. In two-column layout the front matter is set
  full-width at the top of page 1 and the body below it in two columns.
* Tables: a block from a line ``::: table [OPTIONS]`` to a line ``:::``::

      ::: table booktabs full break=6
      Table 1. Overall survival in the phase 3 trials
      | Trial | n | Median OS, months | < | HR (95% CI) |
      | | | Experimental | Control | |
      |---|
      | KEYNOTE-024 | 305 | 26.3 | 13.4 | 0.62 (0.48–0.81) |
      …
      HR, hazard ratio; CI, confidence interval.
      :::

  The first line is the caption; lines starting with ``|`` are rows, and the
  row ``|---|`` parts the header rows (above) from the body rows (below).
  A cell holding only ``<`` is covered by the cell on its left (that cell
  spans it: "Median OS, months" over the arm columns); ``<br>`` in a cell
  breaks the cell's line ("HR for death<br>(95% CI)"). Lines after the rows
  are footnotes, set in small print under the table. Options: the rule
  style, one of ``booktabs`` (default: top, header and bottom rules, and a
  short rule under each spanning header cell), ``grid`` (every cell ruled)
  or ``plain`` (no rules, the columns aligned by white space only);
  ``full`` (two-column layout only: the table is set across both columns
  at the top of a new page, the columns continue below it); ``break=N``
  (the table stops after body row N and continues on the next page, or the
  next column, with its header rows repeated); ``landscape`` (one-column
  layout only: the table is set on a page of its own turned to landscape).
  Cells are set in the body font one point smaller, left-aligned; header
  rows in the bold font; a spanning cell centred over the columns it spans. A table wider than its frame is an error (break its cells with
  ``<br>``).
* No other markup is interpreted: ``*``, ``<``, ``&`` etc. are printed as
  written.

Style file (``.toml``)
----------------------
======================  ========  ===========================================
key                     default   meaning
======================  ========  ===========================================
``font``                required  ``"stsong"`` (built-in CID font STSong-Light),
                                  ``"wqy"`` (embedded TrueType WenQuanYi Micro
                                  Hei, /usr/share/fonts/truetype/wqy/
                                  wqy-microhei.ttc, subfontIndex 0) or
                                  ``"helvetica"`` (built-in Type1; English only:
                                  characters outside WinAnsi such as ≥ ≤ ± are
                                  drawn from the built-in Symbol font, anything
                                  else is an error)
``columns``             1         1 or 2
``running_header``      ""        text printed at the top of every page (empty:
                                  none)
``page_numbers``        false     page number centred at the bottom of every page
``superscript_citations`` false   true: raised small ``[n]``; false: inline ``[n]``
``hyphenate``           false     break long Latin words at line ends with a
                                  hyphen (pyphen when installed, else a simple
                                  built-in syllable splitter)
``font_size``           10        body size in points
``page_size``           "A4"      ``"A4"`` or ``"letter"``
``leading``             auto      line height in points (1.25 × size for
                                  helvetica, 1.5 × size for CJK fonts)
``justify``             true      justify body paragraphs
``margin_mm``           20        page margin
``column_gap_mm``       6         gap between the two columns
``citation_space``      false     inline citations only: put a space before
                                  ``[n]`` ("survival [3]")
``hyphenation_lang``    "en_US"   pyphen dictionary
``wrap``                "auto"    line breaking: ``"cjk"`` (break between any
                                  two CJK characters, reportlab
                                  ``wordWrap='CJK'``), ``"word"`` (break at
                                  spaces only) or ``"auto"`` (cjk for stsong and
                                  wqy, word for helvetica); use ``"word"`` for
                                  an English document set in wqy
======================  ========  ===========================================

Unknown keys are an error (to catch typos). With the default ``wrap``
the CJK fonts use ``wordWrap='CJK'`` so Chinese lines break between any
two characters.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.pagesizes import landscape as landscape_size
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    FrameBreak,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

try:  # optional; the project should depend on it so output is the same everywhere
    import pyphen
except ImportError:  # pragma: no cover
    pyphen = None

TOOLS = Path(__file__).resolve().parent
CORPUS = TOOLS.parent
COMPOSED = CORPUS / "composed"
STYLES = TOOLS / "styles"
WQY_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

CITE_RE = re.compile(r"\^\[(\s*\d+(?:\s*[,\-–]\s*\d+)*\s*)\]")
REF_HEADINGS = {"references", "参考文献"}
ABSTRACT_HEADINGS = {"abstract", "summary", "摘要"}

STYLE_DEFAULTS = {
    "font": None,
    "columns": 1,
    "running_header": "",
    "page_numbers": False,
    "superscript_citations": False,
    "hyphenate": False,
    "font_size": 10,
    "page_size": "A4",
    "leading": None,
    "justify": True,
    "margin_mm": 20,
    "column_gap_mm": 6,
    "citation_space": False,
    "hyphenation_lang": "en_US",
    "wrap": "auto",
}


class RenderError(Exception):
    pass


# --------------------------------------------------------------------------- parsing


@dataclass
class TableSpec:
    """A table of the source: header and body rows of cell texts (``<`` = spanned)."""

    caption: str
    header: list[list[str]]
    body: list[list[str]]
    notes: list[str]
    style: str = "booktabs"
    full: bool = False
    break_after: int | None = None
    landscape: bool = False

    @property
    def n_cols(self) -> int:
        return len(self.header[0])

    def grid(self) -> list[list[str]]:
        """The rows a perfect reader gives: spanned cells empty, cell lines joined."""
        return [
            ["" if c == SPAN else _join_cell_lines(c) for c in row]
            for row in self.header + self.body
        ]

    def spans(self) -> list[tuple[int, int, int]]:
        """(row, first column, number of columns) of every cell spanning columns."""
        out = []
        for r, row in enumerate(self.header + self.body):
            c = 0
            while c < len(row):
                k = 1
                while c + k < len(row) and row[c + k] == SPAN:
                    k += 1
                if k > 1:
                    out.append((r, c, k))
                c += k
        return out


@dataclass
class Block:
    kind: str  # title | heading | para | ref | table
    text: str  # source text (with citation markers); a table's caption
    front: bool = False
    table: TableSpec | None = None


SPAN = "<"
BR = "<br>"
TABLE_STYLES = ("booktabs", "grid", "plain")
_RULE_ROW = re.compile(r"^\|[\s\-:|]+\|$")


def _join_cell_lines(cell: str) -> str:
    """A multi-line cell as one line: a space between the lines, none next to CJK."""
    out = ""
    for part in (p.strip() for p in cell.split(BR)):
        if out and part and not (ord(out[-1]) >= 0x2E80 or ord(part[0]) >= 0x2E80):
            out += " "
        out += part
    return out


def _table_options(words: list[str], where: str) -> dict:
    opts: dict = {}
    for w in words:
        if w in TABLE_STYLES:
            opts["style"] = w
        elif w == "full":
            opts["full"] = True
        elif w == "landscape":
            opts["landscape"] = True
        elif w.startswith("break=") and w[6:].isdigit() and int(w[6:]) > 0:
            opts["break_after"] = int(w[6:])
        else:
            raise RenderError(f"{where}: unknown table option {w!r}")
    return opts


def _split_row(line: str) -> list[str]:
    inner = line.strip()[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [c.strip() for c in inner.split("|")]


def parse_table(lines: list[str], opts: dict, where: str) -> TableSpec:
    """A ``::: table`` block's lines (without the fences) → :class:`TableSpec`."""
    lines = [ln.strip() for ln in lines if ln.strip()]
    if not lines or lines[0].startswith("|"):
        raise RenderError(f"{where}: a table block starts with its caption line")
    caption, rest = lines[0], lines[1:]
    rows = [ln for ln in rest if ln.startswith("|")]
    n_rows = len(rows)
    if rest[:n_rows] != rows:
        raise RenderError(f"{where}: footnote lines come after all the rows")
    rules = [i for i, ln in enumerate(rows) if _RULE_ROW.match(ln) and "-" in ln]
    if len(rules) != 1 or rules[0] == 0 or rules[0] == n_rows - 1:
        raise RenderError(f"{where}: one '|---|' row must part header rows from body rows")
    cells = [_split_row(ln) for i, ln in enumerate(rows) if i != rules[0]]
    widths = {len(r) for r in cells}
    if len(widths) != 1:
        raise RenderError(f"{where}: rows have different numbers of cells {sorted(widths)}")
    if any(r[0] == SPAN for r in cells):
        raise RenderError(f"{where}: a row's first cell cannot be spanned ('<')")
    spec = TableSpec(caption, cells[: rules[0]], cells[rules[0] :], rest[n_rows:], **opts)
    if spec.break_after is not None and spec.break_after >= len(spec.body):
        raise RenderError(f"{where}: break={spec.break_after} but only {len(spec.body)} body rows")
    return spec


def _join_lines(lines: list[str]) -> str:
    out = lines[0]
    for nxt in lines[1:]:
        if (
            out
            and nxt
            and out[-1].isascii()
            and out[-1].isalnum()
            and nxt[0].isascii()
            and nxt[0].isalnum()
        ):
            out += " " + nxt
        elif out and nxt and out[-1] in ",;:.)" and nxt[0].isascii():
            out += " " + nxt
        else:
            out += nxt
    return out


def parse_source(text: str) -> list[Block]:
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines or not lines[0].startswith("# "):
        raise RenderError("first non-blank line must be '# Title'")
    blocks = [Block("title", lines[0][2:].strip())]
    in_refs = False
    pending: list[str] = []
    table_lines: list[str] | None = None
    table_opts: dict = {}
    table_at = 0

    def flush():
        if pending:
            blocks.append(Block("para", _join_lines([p.strip() for p in pending])))
            pending.clear()

    for lineno, ln in enumerate(lines[1:], start=2):
        s = ln.strip()
        if table_lines is not None:
            if s == ":::":
                spec = parse_table(table_lines, table_opts, f"table at line {table_at}")
                blocks.append(Block("table", spec.caption, table=spec))
                table_lines = None
            else:
                table_lines.append(s)
            continue
        if s.startswith("::: table"):
            flush()
            table_at = lineno
            table_opts = _table_options(s.split()[2:], f"line {lineno}")
            table_lines = []
            continue
        if s.startswith("# "):
            raise RenderError(f"only one '# Title' line allowed: {s!r}")
        if s.startswith("## "):
            flush()
            head = s[3:].strip()
            blocks.append(Block("heading", head))
            in_refs = head.lower() in REF_HEADINGS
            continue
        if in_refs:
            if s:
                if CITE_RE.search(s):
                    raise RenderError(f"citation marker inside a reference entry: {s!r}")
                blocks.append(Block("ref", s))
            continue
        if not s:
            flush()
        else:
            pending.append(s)
    if table_lines is not None:
        raise RenderError(f"table at line {table_at}: no closing ':::' line")
    flush()

    # front matter
    blocks[0].front = True
    i = 1
    while i < len(blocks) and blocks[i].kind == "para":
        blocks[i].front = True
        i += 1
    if (
        i < len(blocks)
        and blocks[i].kind == "heading"
        and blocks[i].text.lower().rstrip(":：") in ABSTRACT_HEADINGS
    ):
        blocks[i].front = True
        i += 1
        while i < len(blocks) and blocks[i].kind == "para":
            blocks[i].front = True
            i += 1
    return blocks


def strip_markup(text: str) -> str:
    return CITE_RE.sub("", text)


def _expected_block(b: Block) -> str:
    if b.table is None:
        return strip_markup(b.text)
    t = b.table
    rows = "\n".join("\t".join(row) for row in t.grid())
    return "\n\n".join([t.caption, rows, *t.notes])


def expected_text(blocks: list[Block]) -> str:
    return "\n\n".join(_expected_block(b) for b in blocks) + "\n"


# --------------------------------------------------------------------------- style


def load_style(path: Path) -> dict:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    unknown = sorted(set(raw) - set(STYLE_DEFAULTS))
    if unknown:
        raise RenderError(f"{path.name}: unknown style key(s) {unknown}")
    st = dict(STYLE_DEFAULTS)
    st.update(raw)
    if st["font"] not in ("stsong", "wqy", "helvetica"):
        raise RenderError(f"{path.name}: font must be stsong, wqy or helvetica, not {st['font']!r}")
    if st["columns"] not in (1, 2):
        raise RenderError(f"{path.name}: columns must be 1 or 2")
    if st["wrap"] not in ("auto", "cjk", "word"):
        raise RenderError(f"{path.name}: wrap must be auto, cjk or word")
    if str(st["page_size"]).lower() not in ("a4", "letter"):
        raise RenderError(f"{path.name}: page_size must be A4 or letter")
    return st


def register_fonts(font: str) -> tuple[str, str, bool]:
    """Return (regular font name, bold font name, is_cjk)."""
    if font == "helvetica":
        return "Helvetica", "Helvetica-Bold", False
    if font == "stsong":
        if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        return "STSong-Light", "STSong-Light", True
    if "WQYMicroHei" not in pdfmetrics.getRegisteredFontNames():
        if not Path(WQY_PATH).exists():
            raise RenderError(f"{WQY_PATH} missing: apt-get install -y fonts-wqy-microhei")
        pdfmetrics.registerFont(TTFont("WQYMicroHei", WQY_PATH, subfontIndex=0))
    return "WQYMicroHei", "WQYMicroHei", True


# --------------------------------------------------------------------------- hyphenation

_VOWELS = set("aeiouyAEIOUY")
_DIGRAPHS = {"ch", "sh", "th", "ph", "wh", "ck", "qu", "gh", "ng"}


def _simple_breaks(word: str) -> list[int]:
    """Very small syllable splitter: V|CV and VC|CV, keeping digraphs together."""
    pos = []
    n = len(word)
    for i in range(2, n - 2):
        a, b = word[i - 1], word[i]
        prev_v = a in _VOWELS
        if prev_v and b not in _VOWELS and i + 1 < n and word[i + 1] in _VOWELS:
            pos.append(i)  # V|CV
        elif (
            a not in _VOWELS
            and b not in _VOWELS
            and i >= 2
            and word[i - 2] in _VOWELS
            and i + 1 < n
            and word[i + 1] in _VOWELS
            and (a + b).lower() not in _DIGRAPHS
        ):
            pos.append(i)  # VC|CV
    return [p for p in pos if p >= 2 and n - p >= 3]


def _hyphenatable(word: str) -> bool:
    """Only plain lower-case words (optionally capitalised) are split, as a
    typesetter would: not acronyms or trial names (EMPOWER, KEYNOTE), not words
    that already contain a hyphen (treatment-related), not words with digits."""
    return word.isalpha() and sum(c.isupper() for c in word) <= 1 and word[1:].islower()


def make_hyphenator(lang: str):
    if pyphen is not None:
        dic = pyphen.Pyphen(lang=lang)

        def hyph(word: str):
            if not _hyphenatable(word):
                return []
            return [(h, t) for h, t in dic.iterate(word) if len(h) >= 2 and len(t) >= 3]

        return hyph
    print(
        "render.py: pyphen not installed, using the built-in splitter (PDF bytes differ)",
        file=sys.stderr,
    )

    def hyph_simple(word: str):
        if not _hyphenatable(word):
            return []
        return [(word[:p], word[p:]) for p in reversed(_simple_breaks(word))]

    return hyph_simple


# --------------------------------------------------------------------------- markup


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _winansi_ok(ch: str) -> bool:
    try:
        ch.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def _symbol_ok(ch: str) -> bool:
    from reportlab.pdfbase.rl_codecs import RL_Codecs  # noqa: F401  (registers codecs)

    try:
        ch.encode("symbol")
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def _esc_font(s: str, helvetica: bool) -> str:
    if not helvetica:
        return _esc(s)
    out = []
    for ch in s:
        if _winansi_ok(ch):
            out.append(_esc(ch))
        elif _symbol_ok(ch):
            out.append(f'<font name="Symbol">{_esc(ch)}</font>')
        else:
            raise RenderError(
                f"character {ch!r} (U+{ord(ch):04X}) cannot be set in Helvetica/Symbol"
            )
    return "".join(out)


def to_markup(text: str, st: dict, helvetica: bool) -> str:
    out = []
    last = 0
    for m in CITE_RE.finditer(text):
        out.append(_esc_font(text[last : m.start()], helvetica))
        label = "[" + m.group(1).strip() + "]"
        if st["superscript_citations"]:
            out.append(f"<super>{_esc_font(label, helvetica)}</super>")
        else:
            out.append((" " if st["citation_space"] else "") + _esc_font(label, helvetica))
        last = m.end()
    out.append(_esc_font(text[last:], helvetica))
    return "".join(out)


# --------------------------------------------------------------------------- layout


def build_styles(st: dict, regular: str, bold: str, cjk: bool) -> dict[str, ParagraphStyle]:
    size = float(st["font_size"])
    leading = float(st["leading"] or size * (1.5 if cjk else 1.25))
    common = {"fontName": regular}
    if st["wrap"] == "cjk" or (st["wrap"] == "auto" and cjk):
        common["wordWrap"] = "CJK"
    hy = {}
    if st["hyphenate"]:
        hy = {
            "hyphenationLang": make_hyphenator(st["hyphenation_lang"]),
            "embeddedHyphenation": 0,
            "uriWasteReduce": 0,
        }
    body = ParagraphStyle(
        "body",
        fontSize=size,
        leading=leading,
        alignment=TA_JUSTIFY if st["justify"] else TA_LEFT,
        spaceAfter=size * 0.5,
        **common,
        **hy,
    )
    return {
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=bold,
            fontSize=size * 1.6,
            leading=size * 2.0,
            alignment=TA_CENTER,
            spaceAfter=size * 1.2,
            hyphenationLang="",
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=bold,
            fontSize=size * 1.15,
            leading=size * 1.5,
            alignment=TA_LEFT,
            spaceBefore=size * 0.6,
            spaceAfter=size * 0.4,
            hyphenationLang="",
            keepWithNext=1,
        ),
        "para": body,
        "front": ParagraphStyle("front", parent=body),
        "ref": ParagraphStyle(
            "ref",
            parent=body,
            fontSize=size - 1.5,
            leading=(size - 1.5) * (leading / size),
            alignment=TA_LEFT,
            spaceAfter=size * 0.25,
            leftIndent=0,
        ),
    }


def _decorator(st: dict, regular: str):
    header = st["running_header"]
    numbers = st["page_numbers"]
    size = float(st["font_size"]) - 1
    margin = float(st["margin_mm"]) * mm

    def on_page(canv, doc):
        w, h = doc.pagesize
        canv.saveState()
        if header:
            canv.setFont(regular, size)
            canv.drawString(margin, h - margin * 0.6, header)
            canv.setLineWidth(0.4)
            canv.line(margin, h - margin * 0.6 - 3, w - margin, h - margin * 0.6 - 3)
        if numbers:
            canv.setFont(regular, size)
            canv.drawCentredString(w / 2, margin * 0.5, str(doc.page))
        canv.restoreState()

    return on_page


# --------------------------------------------------------------------------- tables


def _text_width(text: str, font: str, size: float) -> float:
    try:
        return pdfmetrics.stringWidth(text, font, size)
    except (UnicodeEncodeError, KeyError):  # a Symbol-font character: about one em
        return sum(
            pdfmetrics.stringWidth(ch, font, size) if _winansi_ok(ch) else size for ch in text
        )


class TableMaker:
    """Platypus flowables for one :class:`TableSpec`: caption, table part(s), footnotes."""

    def __init__(self, st: dict, regular: str, bold: str, cjk: bool, styles: dict) -> None:
        self.st = st
        self.regular, self.bold = regular, bold
        self.helv = st["font"] == "helvetica"
        self.size = float(st["font_size"]) - 1
        self.pad = 0.75 * self.size  # left and right: 1.5 em between two columns' text
        base = styles["para"]
        lead = self.size * (1.5 if cjk else 1.2)
        self.cell = ParagraphStyle(
            "cell",
            parent=base,
            fontSize=self.size,
            leading=lead,
            alignment=TA_LEFT,
            spaceAfter=0,
            hyphenationLang="",
        )
        self.head = ParagraphStyle("head", parent=self.cell, fontName=bold)
        self.spanning = ParagraphStyle("spanning", parent=self.head, alignment=TA_CENTER)
        self.caption = ParagraphStyle(
            "caption",
            parent=base,
            fontName=bold,
            alignment=TA_LEFT,
            keepWithNext=1,
            spaceBefore=self.size * 0.6,
            spaceAfter=self.size * 0.4,
            hyphenationLang="",
        )
        self.note = ParagraphStyle(
            "note", parent=self.cell, fontSize=self.size - 0.5, spaceBefore=self.size * 0.2
        )

    def col_widths(self, spec: TableSpec, frame_width: float) -> list[float]:
        n = spec.n_cols
        widths = [0.0] * n
        rows = spec.header + spec.body
        for r, row in enumerate(rows):
            font = self.bold if r < len(spec.header) else self.regular
            for c, text in enumerate(row):
                if text != SPAN and (c + 1 == n or row[c + 1] != SPAN):
                    w = max(_text_width(p.strip(), font, self.size) for p in text.split(BR))
                    widths[c] = max(widths[c], w + 2 * self.pad + 1)
        for r, c, k in spec.spans():
            font = self.bold if r < len(spec.header) else self.regular
            need = max(_text_width(p.strip(), font, self.size) for p in rows[r][c].split(BR))
            need += 2 * self.pad + 1
            have = sum(widths[c : c + k])
            if need > have:
                widths[c + k - 1] += need - have
        total = sum(widths)
        if total > frame_width:
            raise RenderError(
                f"table {spec.caption[:30]!r} is {total:.0f} pt wide, the frame {frame_width:.0f} pt:"
                " break its cells with <br>"
            )
        if spec.full:  # across the page: the spare width goes to the gaps
            widths = [w + (frame_width - total) / n for w in widths]
        return widths

    def _cell(self, text: str, header: bool, spanning: bool):
        if text == SPAN:
            return ""
        markup = "<br/>".join(to_markup(p.strip(), self.st, self.helv) for p in text.split(BR))
        style = self.spanning if spanning else self.head if header else self.cell
        return Paragraph(markup, style)

    def _table(self, spec: TableSpec, body: list[list[str]], widths: list[float]) -> Table:
        rows = spec.header + body
        h = len(spec.header)
        part = TableSpec(spec.caption, spec.header, body, [])
        starts = {(r, c) for r, c, _ in part.spans()}
        data = [
            [self._cell(t, r < h, (r, c) in starts) for c, t in enumerate(row)]
            for r, row in enumerate(rows)
        ]
        cmds = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), self.pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.pad),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        for r, c, k in part.spans():
            cmds.append(("SPAN", (c, r), (c + k - 1, r)))
            if spec.style == "booktabs" and r < h:
                cmds.append(("LINEBELOW", (c, r), (c + k - 1, r), 0.4, colors.black))
        if spec.style == "booktabs":
            cmds += [
                ("LINEABOVE", (0, 0), (-1, 0), 1.0, colors.black),
                ("LINEBELOW", (0, h - 1), (-1, h - 1), 0.6, colors.black),
                ("LINEBELOW", (0, -1), (-1, -1), 1.0, colors.black),
            ]
        elif spec.style == "grid":
            cmds.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
        return Table(data, colWidths=widths, style=TableStyle(cmds), hAlign="LEFT")

    def parts(self, spec: TableSpec, frame_width: float) -> list[list]:
        """The flowables of each part of the table (one part unless ``break=N``)."""
        widths = self.col_widths(spec, frame_width)
        cut = spec.break_after or len(spec.body)
        bodies = [spec.body[:cut], spec.body[cut:]] if cut < len(spec.body) else [spec.body]
        caption = Paragraph(to_markup(spec.caption, self.st, self.helv), self.caption)
        out = [[self._table(spec, b, widths)] for b in bodies]
        out[0].insert(0, caption)
        out[-1] += [Paragraph(to_markup(n, self.st, self.helv), self.note) for n in spec.notes]
        return out


def _stack_height(flows, width) -> float:
    total = 0.0
    for i, f in enumerate(flows):
        _, h = f.wrap(width, 10_000)
        total += h + f.getSpaceAfter() + (f.getSpaceBefore() if i else 0)
    return total


def render(stem: str) -> None:
    src = COMPOSED / f"{stem}.md"
    sty = STYLES / f"{stem}.toml"
    if not src.exists():
        raise RenderError(f"missing {src}")
    if not sty.exists():
        raise RenderError(f"missing {sty}")
    st = load_style(sty)
    blocks = parse_source(src.read_text(encoding="utf-8"))
    regular, bold, cjk = register_fonts(st["font"])
    helv = st["font"] == "helvetica"
    styles = build_styles(st, regular, bold, cjk)

    tables = TableMaker(st, regular, bold, cjk, styles)

    def flow(b: Block):
        style = styles["front"] if (b.front and b.kind == "para") else styles[b.kind]
        return Paragraph(to_markup(b.text, st, helv), style)

    front = [flow(b) for b in blocks if b.front]
    pagesize = A4 if str(st["page_size"]).lower() == "a4" else letter
    pw, ph = pagesize
    margin = float(st["margin_mm"]) * mm
    x0, y0, fw, fh = margin, margin, pw - 2 * margin, ph - 2 * margin
    on_page = _decorator(st, regular)
    out_pdf = COMPOSED / f"{stem}.pdf"
    title = strip_markup(blocks[0].text)
    doc = BaseDocTemplate(
        str(out_pdf),
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        invariant=1,
        title=title,
        author="corpus composer",
        subject="",
        creator="corpus/tools/render.py",
        producer="reportlab",
    )
    pad = dict(leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    gap = float(st["column_gap_mm"]) * mm
    cw = (fw - gap) / 2
    extra: list[PageTemplate] = []  # the pages that carry a full-width or landscape table

    def columns_under(name: str, top_h: float) -> PageTemplate:
        """A page with ``top_h`` points of full width at the top and two columns below."""
        if fh - top_h - 4 < fh * 0.15:
            return PageTemplate(name, [Frame(x0, y0, fw, fh, id=name, **pad)], onPage=on_page)
        below = fh - top_h - 4
        return PageTemplate(
            name,
            [
                Frame(x0, y0 + fh - top_h, fw, top_h, id=name + "t", **pad),
                Frame(x0, y0, cw, below, id=name + "l", **pad),
                Frame(x0 + cw + gap, y0, cw, below, id=name + "r", **pad),
            ],
            onPage=on_page,
        )

    def table_flows(b: Block, k: int) -> list:
        spec = b.table
        if spec.landscape:
            if st["columns"] != 1:
                raise RenderError(f"{spec.caption[:30]!r}: landscape tables need columns = 1")
            lw, lh = landscape_size(pagesize)
            name = f"land{k}"
            frame = Frame(x0, y0, lw - 2 * margin, lh - 2 * margin, id=name, **pad)
            extra.append(PageTemplate(name, [frame], onPage=on_page, pagesize=(lw, lh)))
            parts = tables.parts(spec, lw - 2 * margin)
            out = [NextPageTemplate(name), PageBreak()]
            for i, part in enumerate(parts):
                out += ([PageBreak()] if i else []) + part
            return out + [NextPageTemplate("one"), PageBreak()]
        if st["columns"] == 1 or not spec.full:
            if spec.full and st["columns"] == 1:
                raise RenderError(f"{spec.caption[:30]!r}: 'full' is for two-column layout")
            width = fw if st["columns"] == 1 else cw
            parts = tables.parts(spec, width)
            out = []
            for i, part in enumerate(parts):
                out += ([PageBreak() if st["columns"] == 1 else FrameBreak()] if i else []) + part
            return out
        parts = tables.parts(spec, fw)
        out = []
        for i, part in enumerate(parts):
            height = _stack_height(part, fw) + 6
            if height > fh:
                raise RenderError(f"{spec.caption[:30]!r}: a table part taller than the page")
            name = f"full{k}_{i}"
            last = i == len(parts) - 1
            extra.append(
                columns_under(name, height)
                if last
                else PageTemplate(name, [Frame(x0, y0, fw, fh, id=name, **pad)], onPage=on_page)
            )
            out += [NextPageTemplate(name), PageBreak(), *part]
        return out + [NextPageTemplate("later"), FrameBreak()]

    body = []
    for k, b in enumerate(blocks):
        if b.front:
            continue
        body += table_flows(b, k) if b.table is not None else [flow(b)]

    if st["columns"] == 1:
        doc.addPageTemplates(
            [PageTemplate("one", [Frame(x0, y0, fw, fh, id="f", **pad)], onPage=on_page), *extra]
        )
        story = front + body
    else:
        top_h = _stack_height(front, fw) + 4
        if top_h > fh * 0.8:
            raise RenderError(f"{stem}: front matter too tall for a two-column first page")
        body_h = fh - top_h - 4
        first = PageTemplate(
            "first",
            [
                Frame(x0, y0 + fh - top_h, fw, top_h, id="top", **pad),
                Frame(x0, y0, cw, body_h, id="l1", **pad),
                Frame(x0 + cw + gap, y0, cw, body_h, id="r1", **pad),
            ],
            onPage=on_page,
        )
        later = PageTemplate(
            "later",
            [
                Frame(x0, y0, cw, fh, id="l", **pad),
                Frame(x0 + cw + gap, y0, cw, fh, id="r", **pad),
            ],
            onPage=on_page,
        )
        doc.addPageTemplates([first, later, *extra])
        story = front + [NextPageTemplate("later"), FrameBreak()] + body
    doc.build(story)
    (COMPOSED / f"{stem}.expected.txt").write_text(expected_text(blocks), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("stems", nargs="*", help="document stems (default: every corpus/composed/*.md)")
    args = ap.parse_args(argv)
    stems = [s[:-3] if s.endswith(".md") else s for s in args.stems] or sorted(
        p.stem for p in COMPOSED.glob("*.md")
    )
    failed = 0
    for stem in stems:
        try:
            render(stem)
            print(f"rendered {stem}")
        except RenderError as exc:
            failed += 1
            print(f"render.py: {stem}: {exc}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

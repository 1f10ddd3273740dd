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
  text with the markup stripped.

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

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, letter
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
    PageTemplate,
    Paragraph,
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
class Block:
    kind: str  # title | heading | para | ref
    text: str  # source text (with citation markers)
    front: bool = False


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

    def flush():
        if pending:
            blocks.append(Block("para", _join_lines([p.strip() for p in pending])))
            pending.clear()

    for ln in lines[1:]:
        s = ln.strip()
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


def expected_text(blocks: list[Block]) -> str:
    return "\n\n".join(strip_markup(b.text) for b in blocks) + "\n"


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

    def flow(b: Block):
        style = styles["front"] if (b.front and b.kind == "para") else styles[b.kind]
        return Paragraph(to_markup(b.text, st, helv), style)

    front = [flow(b) for b in blocks if b.front]
    body = [flow(b) for b in blocks if not b.front]

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

    if st["columns"] == 1:
        doc.addPageTemplates(
            [PageTemplate("one", [Frame(x0, y0, fw, fh, id="f", **pad)], onPage=on_page)]
        )
        story = front + body
    else:
        gap = float(st["column_gap_mm"]) * mm
        cw = (fw - gap) / 2
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
        doc.addPageTemplates([first, later])
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

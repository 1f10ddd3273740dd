"""JATS / PubMed Central XML reader: ``.nxml`` and ``.xml`` articles.

PubMed Central and Europe PMC serve articles in the Journal Article Tag Suite. This reader
turns one into the same :class:`~extract.document.Document` the text reader builds, with
every character keeping its offset in the file (``metadata["source_offsets"]``):

- the article title, the abstract and the body, section titles as headings (listed in
  ``metadata["headings"]`` and ``metadata["sections"]`` with their paths) and each
  ``<p>``, list item, figure caption and table footnote as a paragraph;
- ``<xref ref-type="bibr">`` citations out of the text into
  :class:`~extract.document.Citation` annotations, numbered as the reference list numbers
  them (its ``<label>``, or its position);
- ``<table-wrap>``: the caption as a paragraph, the table as ``Document.tables`` cells
  (``rowspan``/``colspan`` expanded over the grid, header rows marked) and as one
  paragraph of the text, a row a line and a tab between cells, as the PDF and converter
  readers write tables, then its footnotes;
- the reference list as a "References" section, one ``[n] …`` entry a line, so that the
  pipeline's reference parser reads it like any other.

No pages: everything is page 1. The file is parsed with expat (no DTD or external entity is
fetched; named entities a DTD would define are read from HTML's list).
"""

from __future__ import annotations

import html.entities
import xml.parsers.expat
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Document, Page
from ..errors import ReaderError
from ..records import doc_id_for_bytes
from .markup import Built, _Cell, _table, pull_citations
from .text import file_bytes

_JOINING = set("+-/–‐ ")  # a line broken after these goes on without a space
_SKIPPED_IN_TEXT = {"object-id", "alt-text", "tex-math", "label", "ext-link-type"}
_BLOCKS = {"p", "list-item", "disp-quote", "def", "statement", "caption", "fn", "boxed-text"}


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    at: int  # character offset of the start tag in the file
    children: list[_Node | _Text] = field(default_factory=list)


@dataclass
class _Text:
    text: str
    at: int  # character offset of the first character in the file


def read_jats(path: str | Path) -> Document:
    """Read a JATS article into a :class:`Document` (ReaderError ``malformed_xml`` when the file
    does not parse or is not an article)."""
    path = Path(path)
    data = file_bytes(path)
    root = _parse(path, data)
    article = root if root.tag == "article" else _find(root, "article")
    if article is None:
        raise ReaderError(
            path, f"XML whose root is <{root.tag}>, not a JATS <article>", code="malformed_xml"
        )
    return _Writer(article).document(path, doc_id_for_bytes(data))


def _parse(path: Path, data: bytes) -> _Node:
    """The element tree, each element and text run with its character offset in the file."""
    text = data.decode("utf-8", errors="replace")
    byte_to_char = _byte_offsets(text)
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[_Node] = [_Node("#document", {}, 0)]

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = _Node(tag.split(":")[-1], attrs, byte_to_char(parser.CurrentByteIndex))
        stack[-1].children.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def chars(s: str) -> None:
        stack[-1].children.append(_Text(s, byte_to_char(parser.CurrentByteIndex)))

    def skipped(name: str, is_parameter: int) -> None:  # &nbsp; &ndash; … from an external DTD
        ch = html.entities.html5.get(name + ";") or html.entities.html5.get(name, "")
        if ch:
            stack[-1].children.append(_Text(ch, byte_to_char(parser.CurrentByteIndex)))

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler, parser.SkippedEntityHandler = chars, skipped
    parser.buffer_text = False
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as e:
        raise ReaderError(path, f"not well-formed XML ({e})", code="malformed_xml") from e
    roots = [c for c in stack[0].children if isinstance(c, _Node)]
    if not roots:
        raise ReaderError(path, "XML without a root element", code="malformed_xml")
    return roots[0]


def _byte_offsets(text: str):
    """A function: byte offset in the UTF-8 file → character offset."""
    starts: list[int] = []
    pos = 0
    for ch in text:
        starts.append(pos)
        pos += len(ch.encode("utf-8", errors="replace"))
    import bisect

    def convert(b: int) -> int:
        return max(0, bisect.bisect_right(starts, b) - 1)

    return convert


def _find(node: _Node, tag: str) -> _Node | None:
    for c in node.children:
        if isinstance(c, _Node):
            if c.tag == tag:
                return c
            hit = _find(c, tag)
            if hit is not None:
                return hit
    return None


def _all(node: _Node, tag: str) -> list[_Node]:
    out = []
    for c in node.children:
        if isinstance(c, _Node):
            if c.tag == tag:
                out.append(c)
            out.extend(_all(c, tag))
    return out


def _plain(node: _Node) -> str:
    return "".join(c.text if isinstance(c, _Text) else _plain(c) for c in node.children)


class _Writer:
    """Walks the article and writes the document's text."""

    def __init__(self, article: _Node) -> None:
        self.article = article
        self.b = Built()
        self.ref_numbers = self._reference_numbers()
        self.path: list[str] = []

    def document(self, path: Path, doc_id: str) -> Document:
        front, body, back = (_find(self.article, t) for t in ("front", "body", "back"))
        title = _find(front, "article-title") if front is not None else None
        if title is not None:
            self._paragraph(title)
        for abstract in _all(front, "abstract") if front is not None else []:
            if abstract.attrs.get("abstract-type") in ("graphical", "teaser", "web-summary"):
                continue
            self._section(abstract, "Abstract")
        if body is not None:
            self._children(body)
        for floats in _all(self.article, "floats-wrap") + _all(self.article, "floats-group"):
            self._children(floats)  # tables and figures PMC keeps apart from the body
        for sec in (c for c in (back.children if back is not None else []) if isinstance(c, _Node)):
            if sec.tag == "sec" and (_all(sec, "table-wrap") or _all(sec, "fig")):
                self._section(sec, None)  # BMC's "Tables" and "Figures" sections at the back
        self._references(back)
        text, origin, cites = pull_citations(self.b)
        if not text.strip():
            raise ReaderError(
                path, "a JATS article without title, abstract or body text", code="empty"
            )
        metadata: dict = {
            "source_offsets": origin,
            "flavour": "jats",
            "headings": self.b.headings,
            "sections": self.b.sections,
        }
        return Document(
            path=path,
            doc_id=doc_id,
            text=text,
            pages=[Page(number=1, start=0, end=len(text), source="text")],
            citations=cites,
            tables=self.b.tables,
            format="text",
            metadata=metadata,
        )

    # -- structure ------------------------------------------------------------------------

    def _children(self, node: _Node) -> None:
        for c in node.children:
            if not isinstance(c, _Node):
                continue
            if c.tag == "sec":
                self._section(c, None)
            elif c.tag == "table-wrap":
                self._table_wrap(c)
            elif c.tag == "fig":
                caption = _find(c, "caption")
                if caption is not None:
                    self._paragraph(caption, prefix=_label(c))
            elif c.tag in ("list", "table-wrap-group", "fig-group", "boxed-text", "disp-quote"):
                self._children(c)
            elif c.tag in _BLOCKS:
                self._paragraph(c)

    def _section(self, sec: _Node, heading: str | None) -> None:
        title = _find_direct(sec, "title")
        name = (
            heading if heading is not None else (_plain(title).strip() if title is not None else "")
        )
        self.path.append(name)
        start = self.b.pos
        if name:
            self.b.paragraph_break(sec.at)
            h0 = self.b.pos
            if title is not None and heading is None:
                self._inline(title)
            else:
                self.b.put(name, sec.at)
            self.b.headings.append((h0, self.b.pos))
            self.b.paragraph_break(sec.at)
        if sec.tag == "abstract" and not any(
            isinstance(c, _Node) and c.tag == "sec" for c in sec.children
        ):
            self._children(sec)
        else:
            self._children(sec)
        self.b.sections.append(
            {"path": " / ".join(p for p in self.path if p), "start": start, "end": self.b.pos}
        )
        self.path.pop()

    def _paragraph(self, node: _Node, prefix: str = "") -> None:
        self.b.paragraph_break(node.at)
        if prefix:
            self.b.put(prefix + " ", node.at)
        nested = [c for c in node.children if isinstance(c, _Node) and c.tag in ("p", "list")]
        if node.tag in ("caption", "list-item", "fn", "def") and nested:
            for c in node.children:
                if isinstance(c, _Node) and c.tag == "title":
                    self._inline(c)
                    self.b.put(" ", c.at)
            for c in nested:
                self._paragraph(c) if c.tag == "p" else self._children(c)
            return
        self._inline(node)
        self.b.paragraph_break(node.at)
        for c in node.children:  # a table or figure placed inside the paragraph: after it
            if isinstance(c, _Node) and c.tag == "table-wrap":
                self._table_wrap(c)
            elif isinstance(c, _Node) and c.tag == "fig" and _find(c, "caption") is not None:
                self._paragraph(_find(c, "caption"), prefix=_label(c))  # type: ignore[arg-type]

    # -- inline content ---------------------------------------------------------------------

    def _inline(self, node: _Node) -> None:
        for c in node.children:
            if isinstance(c, _Text):
                self.b.put(c.text.replace("\n", " "), list(range(c.at, c.at + len(c.text))))
            elif c.tag == "xref" and c.attrs.get("ref-type") == "bibr":
                self._citation(c)
            elif c.tag == "sup" and self._only_citations(c):
                for x in c.children:
                    if isinstance(x, _Node):
                        self._citation(x)
            elif c.tag == "sup":
                if self.b.chars and self.b.chars[-1].isdigit():
                    self.b.put("^", c.at)  # 10<sup>9</sup> → 10^9, not 109
                self._inline(c)
            elif c.tag in _SKIPPED_IN_TEXT or c.tag in ("table-wrap", "fig"):
                continue
            elif c.tag == "break":  # a line break: "0.18<break/>0.81 (0.61-1.09)" is two values
                if self.b.chars and self.b.chars[-1] not in _JOINING:
                    self.b.put(" ", c.at)  # not in "Nimotuzumab+<break/>Gefitinib"
            elif c.tag in ("p", "list", "list-item"):
                self.b.put(" ", c.at)
                self._inline(c)
            else:
                self._inline(c)

    def _only_citations(self, sup: _Node) -> bool:
        nodes = [c for c in sup.children if isinstance(c, _Node)]
        texts = "".join(c.text for c in sup.children if isinstance(c, _Text))
        return (
            bool(nodes)
            and all(n.tag == "xref" and n.attrs.get("ref-type") == "bibr" for n in nodes)
            and not texts.strip(" ,;–-")
        )

    def _citation(self, xref: _Node) -> None:
        """A caret marker the text reader's citation pass turns into an annotation."""
        nums = [
            self.ref_numbers[r] for r in xref.attrs.get("rid", "").split() if r in self.ref_numbers
        ]
        if not nums:
            label = _plain(xref).strip()
            nums = [label] if label.isdigit() else []
        if nums:
            self.b.put("^[" + ",".join(nums) + "]", xref.at)

    # -- tables -----------------------------------------------------------------------------

    def _table_wrap(self, wrap: _Node) -> None:
        caption = _find_direct(wrap, "caption")
        label = _label(wrap)
        if caption is not None or label:
            self.b.paragraph_break(wrap.at)
            cap_start = self.b.pos
            if label:
                self.b.put(label + " ", wrap.at)
            if caption is not None:
                self._inline(caption)
            caption_text = " ".join("".join(self.b.chars[cap_start:]).split())
            self.b.paragraph_break(wrap.at)
        else:
            caption_text = ""
        for table in _all(wrap, "table"):
            rows = self._rows(table)
            before = len(self.b.tables)
            _table(self.b, rows, table.at)
            if len(self.b.tables) > before:
                self.b.tables[-1]["caption"] = caption_text
        foot = _find_direct(wrap, "table-wrap-foot")
        notes = []
        if foot is not None:
            for fn in _all(foot, "fn") or _all(foot, "p"):
                start = self.b.pos
                self._paragraph(fn)
                notes.append("".join(self.b.chars[start:]).strip())
        if len(self.b.tables) and notes:
            self.b.tables[-1]["footnotes"] = notes

    def _rows(self, table: _Node) -> list[list[_Cell]]:
        rows: list[list[_Cell]] = []
        for part in ("thead", "tbody", "tfoot", None):
            holders = [table] if part is None else _all(table, part)
            for holder in holders:
                for tr in (c for c in holder.children if isinstance(c, _Node) and c.tag == "tr"):
                    rows.append(
                        [
                            self._cell(td, part == "thead")
                            for td in tr.children
                            if isinstance(td, _Node) and td.tag in ("td", "th")
                        ]
                    )
            if part is None and rows:
                break
        return rows

    def _cell(self, td: _Node, in_head: bool) -> _Cell:
        saved, self.b = self.b, Built()
        self._inline(td)
        text, origin = "".join(self.b.chars), self.b.origin
        self.b = saved
        stripped = text.strip()
        lead = len(text) - len(text.lstrip())
        origin = origin[lead : lead + len(stripped)]
        return _Cell(
            stripped,
            origin,
            td.at,
            _span(td, "rowspan"),
            _span(td, "colspan"),
            in_head or td.tag == "th",
        )

    # -- references ---------------------------------------------------------------------------

    def _reference_numbers(self) -> dict[str, str]:
        refs = _all(self.article, "ref")
        out = {}
        for i, ref in enumerate(refs, start=1):
            label = _find_direct(ref, "label")
            num = _plain(label).strip().strip("[].") if label is not None else ""
            out[ref.attrs.get("id", f"#{i}")] = num if num.isdigit() else str(i)
        return out

    def _references(self, back: _Node | None) -> None:
        refs = _all(back, "ref") if back is not None else []
        if not refs:
            return
        self.b.paragraph_break(back.at)  # type: ignore[union-attr]
        h0 = self.b.pos
        self.b.put("References", back.at)  # type: ignore[union-attr]
        self.b.headings.append((h0, self.b.pos))
        self.b.put("\n", back.at)  # type: ignore[union-attr]
        for ref in refs:
            num = self.ref_numbers.get(ref.attrs.get("id", ""), "")
            self.b.put(f"[{num}] ", ref.at)
            for c in ref.children:
                if isinstance(c, _Node) and c.tag != "label":
                    self._reference_text(c)
            self.b.put("\n", ref.at)

    def _reference_text(self, node: _Node) -> None:
        """A citation's text; the parts of a structured one joined as a reference list prints them."""
        for c in node.children:
            if isinstance(c, _Text):
                if c.text.strip():
                    self.b.put(c.text.replace("\n", " "), list(range(c.at, c.at + len(c.text))))
            elif c.tag in ("name", "string-name"):
                self._reference_text(c)
                self.b.put(", ", c.at)
            elif c.tag in ("pub-id", "object-id", "ext-link", "comment", "uri"):
                continue  # identifiers and links: no words of the reference
            elif c.tag == "lpage":
                self.b.put("-", c.at)
                self._reference_text(c)
            elif c.tag in ("article-title", "source", "year", "volume", "chapter-title"):
                self._reference_text(c)
                self.b.put(". ", c.at)
            elif c.tag == "fpage":
                self.b.put(": ", c.at)
                self._reference_text(c)
            else:
                self._reference_text(c)
                if c.tag in ("surname",):
                    self.b.put(" ", c.at)


def _find_direct(node: _Node, tag: str) -> _Node | None:
    return next((c for c in node.children if isinstance(c, _Node) and c.tag == tag), None)


def _label(node: _Node) -> str:
    label = _find_direct(node, "label")
    return _plain(label).strip() if label is not None else ""


def _span(td: _Node, name: str) -> int:
    try:
        return max(1, min(100, int(td.attrs.get(name, "1"))))
    except ValueError:
        return 1

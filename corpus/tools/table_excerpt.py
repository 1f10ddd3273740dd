"""Cut chosen result tables out of a real article, for the table gold (issue 14).

A table excerpt holds what a curator needs to read a table and nothing else: the
article's title (it may name the trial) and each chosen table with its caption and
footnotes, as the source wrote them:

- PubMed Central JATS (``PMC*.nxml``): the source's DOCTYPE and root element, its
  ``<journal-meta>``, the article ids and ``<title-group>`` of ``<article-meta>``, and
  each chosen ``<table-wrap>`` element verbatim (caption, ``<table>``, ``<table-wrap-foot>``)
  inside one ``<body><sec>``. Abstract and body text are left out: they are scored by the
  text excerpts of ``corpus/real_text/``.
- Converter Markdown (MinerU, ``ChinaXiv-*.md``): the title heading (the first longer than a
  journal column's name, as ``excerpt.py`` takes it), and for each chosen
  table its caption line (``表…``) before it, the HTML ``<table>`` block and the note lines
  (``注…``) after it, unchanged.

Tables are chosen by id (JATS ``table-wrap/@id``) or by 1-based order in the file (Markdown).

Usage::

    python corpus/tools/table_excerpt.py SRC --tables ID[,ID…] -o corpus/real_tables/en_pmc

writes ``<stem>_tables.<ext>`` and prints a manifest row (source, tables, sizes).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>")
_ROOT = re.compile(r"<article\b[^>]*>")
_JOURNAL_META = re.compile(r"<journal-meta>.*?</journal-meta>", re.S)
_ARTICLE_IDS = re.compile(r"<article-id\b[^>]*>.*?</article-id>", re.S)
_TITLE_GROUP = re.compile(r"<title-group>.*?</title-group>", re.S)
_MD_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S | re.I)


def _table_wrap(xml: str, table_id: str) -> str:
    """The ``<table-wrap id=…>`` element, verbatim (table-wraps do not nest)."""
    start = re.search(rf'<table-wrap\b[^>]*\bid="{re.escape(table_id)}"', xml)
    if start is None:
        raise SystemExit(f"no table-wrap with id {table_id!r}")
    end = xml.find("</table-wrap>", start.start())
    return xml[start.start() : end + len("</table-wrap>")]


def jats_tables(xml: str, ids: list[str]) -> str:
    """A JATS document holding the source's title and the chosen table-wraps."""
    meta = xml[xml.find("<article-meta") :]
    title = _TITLE_GROUP.search(meta)
    parts = [
        _DOCTYPE.search(xml).group(0) if _DOCTYPE.search(xml) else "",
        _ROOT.search(xml).group(0),
        "<front>",
        _JOURNAL_META.search(xml).group(0) if _JOURNAL_META.search(xml) else "",
        "<article-meta>",
        *_ARTICLE_IDS.findall(meta.split("</article-meta>")[0]),
        title.group(0) if title else "",
        "</article-meta></front>",
        "<body><sec><title>Tables</title>",
        *(_table_wrap(xml, i) for i in ids),
        "</sec></body></article>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def md_tables(md: str, numbers: list[int]) -> str:
    """The title heading and the chosen tables with their caption and note lines."""
    heads = [ln for ln in md.split("\n") if ln.startswith("#")]
    title = next((h for h in heads if len(h.lstrip("# ").strip()) > 6), "")  # not a column name
    blocks = list(_MD_TABLE.finditer(md))
    out = [title, ""]
    for n in numbers:
        m = blocks[n - 1]
        start = md.rfind("\n", 0, m.start()) + 1  # the whole line: MinerU wraps it in <html>
        end = md.find("\n", m.end())
        end = len(md) if end < 0 else end
        before = [ln for ln in md[:start].split("\n") if ln.strip()]
        if before and before[-1].lstrip().startswith("表"):
            out += [before[-1], ""]
        out += [md[start:end], ""]
        for ln in md[end:].split("\n"):
            if not ln.strip():
                continue
            if not ln.lstrip().startswith("注"):
                break
            out += [ln, ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("--tables", required=True, help="table-wrap ids, or 1-based numbers for .md")
    ap.add_argument("-o", "--out", type=Path, required=True)
    a = ap.parse_args(argv)
    text = a.src.read_text(encoding="utf-8")
    chosen = [t.strip() for t in a.tables.split(",") if t.strip()]
    if a.src.suffix == ".md":
        cut = md_tables(text, [int(t) for t in chosen])
    else:
        cut = jats_tables(text, chosen)
    a.out.mkdir(parents=True, exist_ok=True)
    dest = a.out / f"{a.src.stem}_tables{a.src.suffix}"
    dest.write_text(cut, encoding="utf-8")
    print(f"| {dest.name} | {a.src} | {', '.join(chosen)} | {len(text)} | {len(cut)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

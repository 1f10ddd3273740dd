"""Cut the curated part out of a real article: its title, abstract and Results text.

The real-text gold (``corpus/gold/<stem>.jsonl`` for ``corpus/real_text/…``) covers
what a curator reads first and what the issue asks for: the abstract and the
Results section, tables left out (tables are scored separately). The excerpt is
the source file's own lines, in order and unchanged, so the text the pipeline
reads is the text the curator read:

- PubMed Central plain text (``PMC*.txt``): the ``TITLE:`` and ``ABSTRACT.*:``
  sections, then the ``BODY.*`` sections from the first whose heading says
  RESULT up to the first that is discussion, conclusion or back matter.
- Converter Markdown (MinerU, ``ChinaXiv-*.md``): the title heading, the abstract
  paragraph (摘要…), then the Results section (a heading ``结果`` numbered like a
  top-level section) up to the discussion / conclusion / references heading;
  HTML ``<table>`` blocks are dropped.

Usage::

    python corpus/tools/excerpt.py SRC... -o corpus/real_text/en_pmc

prints one manifest row per file (source, licence, sizes).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

_PMC_HEAD = re.compile(r"^(TITLE|ABSTRACT|BODY)(\.[^\n]*)?:\s*$")
_PMC_STOP = re.compile(
    r"DISCUSSION|CONCLUSION|ACKNOWLEDG|COMPETING|REFERENCE|ABBREVIATION|FUNDING"
    r"|AUTHORS'|AUTHOR CONTRIB|PRE-PUBLICATION|SUPPLEMENT|COMMENT"
)

_MD_HEAD = re.compile(r"^#+\s*(.*)$")
_MD_RESULTS = re.compile(
    r"^[(（]?[2-4二三四]?[.、\s]*[）)]?\s*(研究)?结\s*果\s*$|^结果与分析$|^[2-4]\s*结果"
)
_MD_STOP = re.compile(r"讨\s*论|结\s*论|参考文献|小结|总结|Discussion|References")


def pmc_excerpt(text: str) -> str:
    """Title, abstract and Results sections of a PMC plain-text article."""
    lines = text.split("\n")
    out: list[str] = []
    state = "front"  # front → body (skipping) → results → done
    keep = True
    for line in lines:
        m = _PMC_HEAD.match(line)
        if m:
            head = line.upper()
            top = m.group(1)
            if top in {"TITLE", "ABSTRACT"}:
                keep = state == "front"
            elif state in {"front", "body"}:
                state = "body"
                keep = "RESULT" in head and not _PMC_STOP.search(head)
                if keep:
                    state = "results"
            elif state == "results":
                if _PMC_STOP.search(head):
                    state, keep = "done", False
                else:
                    keep = True
            else:
                keep = False
        if keep:
            out.append(line)
    return "\n".join(out).rstrip() + "\n"


def _strip_tables(text: str) -> str:
    return re.sub(r"<table>.*?</table>", "", text, flags=re.S)


def md_excerpt(text: str) -> str:
    """Title, abstract paragraph and Results section of converter Markdown."""
    paras = re.split(r"\n{2,}", _strip_tables(text))
    out: list[str] = []
    title_done = False
    state = "front"
    for p in paras:
        s = p.strip()
        if not s:
            continue
        m = _MD_HEAD.match(s)
        head = m.group(1).strip() if m else None
        if state == "front":
            if head is not None and not title_done and len(head) > 6:
                out.append(s)
                title_done = True
            elif re.search(r"摘\s*要", s) and head is None:
                out.append(s)  # the abstract, often run into the author/affiliation line
            if head is not None and _MD_RESULTS.search(head):
                state = "results"
                out.append(s)
            continue
        if state == "results":
            if head is not None and _MD_STOP.search(head):
                state = "done"
                continue
            out.append(s)
    return "\n\n".join(out) + "\n"


def licence_of_nxml(path: Path) -> str:
    if not path.exists():
        return "unknown"
    x = path.read_text(encoding="utf-8", errors="replace")
    m = re.search(r'<license[^>]*xlink:href="([^"]+)"', x)
    if m:
        return m.group(1)
    m = re.search(r'<license[^>]*license-type="([^"]+)"', x)
    return m.group(1) if m else "open access (no licence URL)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sources", nargs="+", type=Path)
    ap.add_argument("-o", "--out", type=Path, required=True)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for src in args.sources:
        text = src.read_text(encoding="utf-8")
        if src.suffix == ".md":
            ex, lic = md_excerpt(text), "CC BY (ChinaXiv)"
        else:
            ex, lic = pmc_excerpt(text), licence_of_nxml(src.with_suffix(".nxml"))
        (args.out / src.name).write_text(ex, encoding="utf-8")
        print(f"| {src.name} | {src} | {lic} | {len(text)} | {len(ex)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

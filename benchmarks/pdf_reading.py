#!/usr/bin/env python3
"""PDF reading benchmark: fidelity and speed, pdfplumber's default next to our reader.

Usage::

    .venv/bin/python benchmarks/pdf_reading.py [--repeat N] [--out FILE.md]

For every generated PDF in ``corpus/pdftests`` (made from known text by
``corpus/pdftests/generate.py``) it reports the normalized character edit
distance between the extracted and the expected text, and whether every
paragraph comes out in order (:mod:`extract.readers.fidelity`), for

- ``pdfplumber extract_text()``: pdfplumber's default, pages joined;
- ``ours/pdfplumber``: ``read_pdf(backend="pdfplumber")`` + ``normalize``;
- ``ours/pdfium``: ``read_pdf(backend="pdfium")`` + ``normalize``.

Then reading speed in pages per second, per method, over the generated PDFs and
the real ones in ``corpus/real`` (the junk-text page excluded), plus PDFium's raw
``get_text_range`` for scale. Prints a Markdown table (the one in README.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from extract.normalize import normalize  # noqa: E402
from extract.readers.fidelity import edit_distance, paragraph_order  # noqa: E402
from extract.readers.pdf import read_pdf  # noqa: E402

PDFTESTS = ROOT / "corpus" / "pdftests"
REAL = ROOT / "corpus" / "real"


def plumber_default(path: Path) -> tuple[str, int]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n\n".join(p.extract_text() or "" for p in pdf.pages), len(pdf.pages)


def pdfium_raw(path: Path) -> tuple[str, int]:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(path))
    try:
        return "\n\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))), len(
            doc
        )
    finally:
        doc.close()


def ours(backend: str):
    def run(path: Path) -> tuple[str, int]:
        doc = read_pdf(path, backend=backend)
        return normalize(doc).text, len(doc.pages)

    return run


METHODS = {
    "pdfplumber extract_text()": plumber_default,
    "ours/pdfplumber": ours("pdfplumber"),
    "ours/pdfium": ours("pdfium"),
}


def fidelity_rows() -> list[str]:
    head = "| PDF | " + " | ".join(METHODS) + " |"
    rows = [head, "|---|" + "---|" * len(METHODS)]
    for pdf in sorted(PDFTESTS.glob("*.pdf")):
        expected = (PDFTESTS / f"{pdf.stem}.expected.txt").read_text(encoding="utf-8")
        cells = []
        for fn in METHODS.values():
            got, _ = fn(pdf)
            order = paragraph_order(expected, got)
            cells.append(f"{edit_distance(expected, got):.4f} {'✓' if order.ok else '✗ order'}")
        rows.append(f"| {pdf.stem} | " + " | ".join(cells) + " |")
    return rows


def speed_rows(repeat: int) -> list[str]:
    files = sorted(PDFTESTS.glob("*.pdf")) + sorted(
        p for p in REAL.glob("*.pdf") if "broken_encoding" not in p.name
    )
    methods = dict(METHODS)
    methods["pdfium get_text_range() (raw, no layout)"] = pdfium_raw
    rows = ["| method | pages | seconds | pages/s |", "|---|---|---|---|"]
    for name, fn in methods.items():
        pages, best = 0, float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            pages = sum(fn(f)[1] for f in files)
            best = min(best, time.perf_counter() - t)
        rows.append(f"| {name} | {pages} | {best:.1f} | {pages / best:.1f} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=1, help="speed runs per method (best is kept)")
    ap.add_argument("--out", type=Path, help="also write the tables to this Markdown file")
    args = ap.parse_args(argv)
    lines = ["Normalized edit distance to the source text (0 = identical) and paragraph order:", ""]
    lines += fidelity_rows()
    lines += [
        "",
        f"Reading speed over {len(list(PDFTESTS.glob('*.pdf')))} generated and the real PDFs:",
        "",
    ]
    lines += speed_rows(args.repeat)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

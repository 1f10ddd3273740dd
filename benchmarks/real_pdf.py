#!/usr/bin/env python3
"""Real-PDF reading benchmark: what of each page image the reader gets right.

Usage::

    .venv/bin/python benchmarks/real_pdf.py [--backend auto|pdfplumber|pdfium] [--out FILE.md]

For every expected reading in ``tests/real_pdf/`` (pages of the PDFs of
``../shared/corpus/real_pdf/`` and ``corpus/real/``, written from their page images; see
:mod:`extract.readers.expected`) it reads the PDF and prints one row per PDF: sentences
that come out whole, numbers that come out exact, paragraph pairs in order, furniture
leaked into the text, and the reading time. A PDF that must fail (scanned, junk text)
counts as right when it fails with the expected code. PDFs absent from ``../shared`` are
listed as skipped. Prints a Markdown table and the totals.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from extract.errors import ReaderError  # noqa: E402
from extract.readers.expected import check, load_all  # noqa: E402
from extract.readers.pdf import read_pdf  # noqa: E402

EXPECTED = ROOT / "tests" / "real_pdf"
SHARED = ROOT.parent / "shared" / "corpus"


def _path(pdf: str) -> Path:
    local = ROOT / "corpus" / pdf
    return local if local.exists() else SHARED / pdf


def _frac(pair: tuple[int, int]) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "–"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", default="auto", choices=("auto", "pdfplumber", "pdfium"))
    ap.add_argument("--out", type=Path, help="also write the table to this Markdown file")
    args = ap.parse_args()
    rows = [
        "| PDF | pages | sentences whole | numbers exact | order | furniture leaked | s |",
        "|---|---|---|---|---|---|---|",
    ]
    totals = [0, 0, 0, 0, 0, 0, 0]
    failures: list[str] = []
    for exp in load_all(EXPECTED):
        path = _path(exp.pdf)
        if not path.exists():
            rows.append(f"| {exp.stem} | skipped: {exp.pdf} not present | | | | | |")
            continue
        t0 = time.perf_counter()
        try:
            doc = read_pdf(path, backend=args.backend)
        except ReaderError as e:
            secs = time.perf_counter() - t0
            verdict = "fails as expected" if e.code == exp.error else f"fails: {e.code}"
            if e.code != exp.error:
                failures.append(f"{exp.stem}: {e}")
            rows.append(f"| {exp.stem} | {verdict} ({e.code}) | | | | | {secs:.1f} |")
            continue
        secs = time.perf_counter() - t0
        if exp.error:
            failures.append(f"{exp.stem}: read, but should fail with {exp.error}")
            rows.append(f"| {exp.stem} | read; expected {exp.error} | | | | | {secs:.1f} |")
            continue
        out = check(exp, doc)
        for k, (got, want) in enumerate((out.sentences, out.numbers, out.order)):
            totals[2 * k] += got
            totals[2 * k + 1] += want
        totals[6] += len(out.furniture_leaked)
        failures += [f"{exp.stem}: {f}" for f in out.failures]
        pages = ", ".join(str(n) for n in sorted(exp.pages))
        rows.append(
            f"| {exp.stem} | {pages} | {_frac(out.sentences)} | {_frac(out.numbers)} | "
            f"{_frac(out.order)} | {len(out.furniture_leaked)} | {secs:.1f} |"
        )
    rows.append(
        f"| **all** | | {totals[0]}/{totals[1]} | {totals[2]}/{totals[3]} | "
        f"{totals[4]}/{totals[5]} | {totals[6]} | |"
    )
    table = "\n".join(rows)
    print(table)
    if failures:
        print("\nnot met:")
        for f in failures:
            print(f"- {f}")
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

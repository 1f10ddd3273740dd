"""Print the README's score table from an evaluation's ``metrics.json``.

Usage::

    .venv/bin/python corpus/tools/score_table.py corpus/gold/baseline.json

One row per slice the README reports (all documents, each language, each genre × language,
each source), with trial strict F1, outcome and effect strict P / R / F1 and loose F1 of all
records, so the README states exactly what the evaluator measured.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

GENRE_NAMES = {
    "composed": "composed reviews",
    "real_excerpt": "real excerpts (abstract + Results)",
    "real_table": "real tables (PMC JATS, ChinaXiv)",
    "real_pdf": "real journal PDFs (results pages)",
    "real_fulltext": "real full texts (seed, PDFs)",
}


def _prf(kinds: dict, kind: str) -> str:
    s = kinds[kind]["strict"]
    return f"{s['precision']:.3f} / {s['recall']:.3f} / {s['f1']:.3f}"


def row(name: str, kinds: dict) -> str:
    return (
        f"| {name} | {kinds['trial']['strict']['f1']:.3f} | {_prf(kinds, 'outcome')} | "
        f"{_prf(kinds, 'effect')} | {kinds['all']['loose']['f1']:.3f} |"
    )


def table(metrics: dict) -> list[str]:
    out = [
        "| slice | trial strict F1 | outcome strict P / R / F1 | effect strict P / R / F1 "
        "| all loose F1 |",
        "|---|---|---|---|---|",
        row("all documents", metrics["overall"]),
    ]
    out += [row(f"all, {lang}", kinds) for lang, kinds in sorted(metrics["by_lang"].items())]
    for key, kinds in metrics["by_genre_lang"].items():
        genre, lang = key.split("/")
        out.append(row(f"{GENRE_NAMES.get(genre, genre)}, {lang}", kinds))
    out += [row(f"source: {src}", kinds) for src, kinds in sorted(metrics["by_source"].items())]
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "corpus/gold/baseline.json")
    print("\n".join(table(json.loads(path.read_text(encoding="utf-8")))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Cut the table gold of issue 14 and the table predictions out of a run, to score tables alone.

The table gold is every ``"source": "table"`` record of the gold files that hold curated tables:
the real table excerpts (``corpus/real_tables/``, stems ``*_tables``), the composed reviews whose
source sets tables (``corpus/composed/*.md`` with a ``::: table`` block) and the real PDF
``table_pvalues_thalassaemia``. Table rows flattened into the text of PMC ``.txt`` excerpts are
not in it (they have no table structure to read). Usage::

    .venv/bin/python corpus/tools/table_gold.py --pred outputs/records.jsonl -o /tmp/tables
    .venv/bin/extract evaluate --gold /tmp/tables/gold --pred /tmp/tables/records.jsonl \\
        --report /tmp/tables/eval

Every gold file of those stems is written (with only its table records, so a document whose
tables hold nothing scores its false positives), and the predictions of those documents whose
``source`` is ``table`` (with their ``documents.jsonl`` lines, read beside ``--pred``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "corpus" / "gold"


def table_stems() -> list[str]:
    stems = [p.stem for p in (ROOT / "corpus" / "real_tables").glob("*/*_tables.*")]
    stems += [
        p.stem
        for p in (ROOT / "corpus" / "composed").glob("*.md")
        if "::: table" in p.read_text(encoding="utf-8")
    ]
    return sorted({*stems, "table_pvalues_thalassaemia"})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pred", type=Path, required=True, help="records.jsonl of a run")
    ap.add_argument("-o", "--out", type=Path, required=True)
    a = ap.parse_args(argv)
    stems = table_stems()
    (a.out / "gold").mkdir(parents=True, exist_ok=True)
    for stem in stems:
        lines = (GOLD / f"{stem}.jsonl").read_text(encoding="utf-8").splitlines()
        kept = [ln for ln in lines if ln.strip() and json.loads(ln).get("source") == "table"]
        (a.out / "gold" / f"{stem}.jsonl").write_text(
            "".join(ln + "\n" for ln in kept), encoding="utf-8"
        )
    genres = json.loads((GOLD / "genres.json").read_text(encoding="utf-8"))
    (a.out / "gold" / "genres.json").write_text(json.dumps(genres), encoding="utf-8")
    docs = [
        json.loads(ln)
        for ln in (a.pred.parent / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    ids = {d["doc_id"] for d in docs if Path(d["path"]).stem in stems}
    with (a.out / "documents.jsonl").open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in docs if d["doc_id"] in ids)
    with (a.out / "records.jsonl").open("w", encoding="utf-8") as out:
        for ln in a.pred.read_text(encoding="utf-8").splitlines():
            rec = json.loads(ln)
            if rec.get("source") == "table" and rec["doc_id"] in ids:
                out.write(ln + "\n")
    print(f"{len(stems)} table gold files and their table predictions in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

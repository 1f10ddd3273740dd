"""Write the golden records: one ``<document>.records.jsonl`` per document of ``corpus/``.

Run only on purpose, when a change of output is intended and has been checked against
gold (``make golden``); ``tests/test_golden_records.py`` compares every run with these
files exactly, so a refactoring that changes one record fails there.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from corpus_paths import CORPUS  # noqa: E402


def golden_name(path: str) -> str:
    """``corpus/composed/x.pdf`` → ``composed__x.pdf.records.jsonl``."""
    rel = Path(path).as_posix().split("corpus/", 1)[-1]
    return rel.replace("/", "__") + ".records.jsonl"


def by_document(out: Path) -> dict[str, list[str]]:
    """Records of a run, as their JSON lines, grouped under each document's golden name."""
    docs = [
        json.loads(x) for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    names = {d["doc_id"]: golden_name(d["path"]) for d in docs}
    grouped: dict[str, list[str]] = {golden_name(d["path"]): [] for d in docs}
    for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines():
        grouped[names[json.loads(line)["doc_id"]]].append(line)
    return grouped


def main() -> None:
    from extract.pipeline import run

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        run([CORPUS], out, ocr=True)
        grouped = by_document(out)
    for old in HERE.glob("*.records.jsonl"):
        old.unlink()
    for name, lines in grouped.items():
        (HERE / name).write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    print(f"wrote {len(grouped)} golden files, {sum(map(len, grouped.values()))} records")


if __name__ == "__main__":
    main()

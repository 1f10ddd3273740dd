"""The records of every corpus document are exactly the golden ones in ``tests/golden/``.

Refactoring recognition, linking, readers or speed must not change one record; a change
of output is made on purpose with ``make golden`` and reviewed in the diff.
"""

from __future__ import annotations

from golden.regenerate import HERE, by_document


def test_every_document_gives_exactly_its_golden_records(corpus_run):
    out, _ = corpus_run
    produced = by_document(out)
    committed = {p.name for p in HERE.glob("*.records.jsonl")}
    assert set(produced) == committed, "documents added or removed: run `make golden`"
    changed = []
    for name, lines in sorted(produced.items()):
        want = (HERE / name).read_text(encoding="utf-8").splitlines()
        if lines != want:
            gone = [x[:160] for x in want if x not in lines]
            new = [x[:160] for x in lines if x not in want]
            changed.append(
                f"{name}: -{len(gone)} +{len(new)}\n  - "
                + "\n  - ".join(gone[:3])
                + "\n  + "
                + "\n  + ".join(new[:3])
            )
    assert not changed, "records changed:\n" + "\n".join(changed)

"""Fuzz: five dozen damaged and hostile PDFs through `extract run`, within its limits.

The mutants (``fuzzpdf.py``) are made in the test from the generated PDFs of
``corpus/pdftests``: bit flips, truncations, broken cross-reference tables, wrong
lengths, garbled content streams, huge media boxes, flate bombs, many pages,
self-referencing objects, odd file names. The run must not crash as a whole; every file
is reported ``ok`` or failed with a catalog code; no document takes longer than the time
limit; and no ``ok`` document lost more than half its text without a warning.
``benchmarks/fuzz_bench.py`` is the long version (hundreds of files, bombs of GiBs).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import fuzzpdf

from extract.errors import ERROR_CODES
from extract.wording import readable_path

TIMEOUT = 30


def test_damaged_and_hostile_pdfs_fail_alone_or_say_what_they_lost(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    files: list[tuple[Path, str | None]] = []
    for src in fuzzpdf.SOURCES:  # the originals, whose text the mutants are measured against
        files.append((fuzzpdf.write(folder, src.name, src.read_bytes()), None))
    for name, data, source in fuzzpdf.mutants(48, seed=1616):
        files.append((fuzzpdf.write(folder, name, data), source))
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "extract.cli",
        "run",
        str(folder),
        "-o",
        str(out),
        "-q",
        "-j",
        "2",
        "--timeout",
        str(TIMEOUT),
        "--memory-limit",
        "1536",
        "--max-pages",
        "100",
    ]
    proc = subprocess.run(cmd, capture_output=True, timeout=900)
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")[-3000:]

    docs = {
        d["path"]: d
        for d in map(json.loads, (out / "documents.jsonl").read_text("utf-8").splitlines())
    }
    assert len(docs) == len(files), "every file has its line in documents.jsonl"
    original = {}
    for src in fuzzpdf.SOURCES:
        d = docs[readable_path(folder / src.name)]
        assert d["status"] == "ok" and not d["warnings"], d
        original[src.stem] = (out / d["text_path"]).read_text("utf-8")
    outcomes: dict[str, int] = {}
    silent = []
    for path, source in files:
        d = docs[readable_path(path)]
        outcome = "ok" if d["status"] == "ok" else d["error_code"]
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        assert d["status"] == "ok" or d["error_code"] in ERROR_CODES, d
        assert d["seconds"] <= TIMEOUT + 1, d
        if d["status"] == "ok" and source is not None:
            kept = fuzzpdf.text_retained(
                original[source], (out / d["text_path"]).read_text("utf-8")
            )
            if kept < 0.5 and not d["warnings"]:
                silent.append((path.name, f"{kept:.0%}"))
    assert not silent, f"lost more than half their text without a warning: {silent}"
    # the mix is a real one: readable damage, refusals, and failures of several kinds
    assert (
        outcomes.get("ok", 0) >= 15 and outcomes.get("too_large", 0) >= 5 and len(outcomes) >= 4
    ), outcomes

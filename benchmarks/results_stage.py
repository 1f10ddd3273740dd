#!/usr/bin/env python3
"""CPU of the recognition + linking stages, this tree next to a baseline revision, in one run.

Usage::

    .venv/bin/python benchmarks/results_stage.py [--baseline REV] [--repeat N] [FILE ...]

Default files: the 111-page Chinese monograph and the BMJ report of ``corpus/real``.
For each source tree (the baseline revision, exported with ``git archive`` into a temporary
directory, and the working tree) a fresh interpreter reads and normalizes the file once,
then runs the pipeline's stages after segmentation (trial linking and results) ``N`` times
and reports their CPU seconds (``time.process_time``, best of N) and the number of records,
so that a speed change which also changes output shows. Ratios are new / baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpus" / "real"
DEFAULT_FILES = [
    REAL / "zh_monograph_trophoblastic_tumours_111p.pdf",
    REAL / "bmj_rct_exercise_smoking_pregnancy.pdf",
]

# Runs inside the interpreter of one source tree: only the public pipeline API both trees have.
_PROBE = r"""
import json, sys, time
from pathlib import Path
from extract import pipeline as P
path, repeat = Path(sys.argv[1]), int(sys.argv[2])
config = P.load_pipeline()
names = [n for n, _ in config.stages]
cut = names.index("extract.segment.v1") + 1
state = P.DocState(path=path)
for name, settings in config.stages[:cut]:
    P.STAGES[name](state, settings)
best, count = None, 0
for _ in range(repeat + 1):  # the first round also loads lexicons and models: not counted
    state.records = []
    t0 = time.process_time()
    for name, settings in config.stages[cut:]:
        P.STAGES[name](state, settings)
    spent = time.process_time() - t0
    if _ > 0 or repeat == 0:
        best = spent if best is None else min(best, spent)
    count = len(state.records)
print(json.dumps({"cpu": best, "records": count, "chars": len(state.nd.text)}))
"""


def _export(rev: str, into: Path) -> Path:
    blob = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src", "pipelines"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _measure(src: Path, path: Path, repeat: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src), OMP_THREAD_LIMIT="1")
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path), str(repeat)],
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"{src}: measuring {path.name} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    ap.add_argument(
        "--baseline", default="71ccc66", help="git revision to compare with (default: before #12)"
    )
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; best of {args.repeat}")
    print(
        f"| file | baseline {args.baseline} CPU s | this tree CPU s | ratio | records (base / now) |"
    )
    print("|---|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as tmp:
        base_src = _export(args.baseline, Path(tmp))
        for f in args.files:
            base = _measure(base_src, f, args.repeat)
            now = _measure(ROOT / "src", f, args.repeat)
            print(
                f"| {f.name} | {base['cpu']:.2f} | {now['cpu']:.2f} | {now['cpu'] / base['cpu']:.2f} "
                f"| {base['records']} / {now['records']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()

"""Fuzz benchmark: `extract run` over hundreds of hostile and damaged PDFs, within its limits.

The mutants come from ``tests/fuzzpdf.py``: the generated test PDFs of ``corpus/pdftests``
with bit flips, truncations, broken cross-reference tables, wrong lengths, objects cut
out, garbled content streams, huge media boxes and odd file names; and files built from
nothing: flate bombs that expand to GiBs (in a content stream, twice compressed, under
ASCII85, in a font, in an image), 5000-page files, self-referencing objects and page trees.

They are run in batches, each batch one ``extract run`` process (as a user would run it)
with a per-document time limit and a per-worker memory limit, while this script watches
every process of the run in /proc. It prints:

- files tried;
- whole-run crashes: a run that exits other than 0 or 1, or whose documents.jsonl does not
  list every file (or that outlives its batch's time budget);
- runs past the limit: documents that took longer than the time limit (plus a second of
  grace), and worker processes whose memory went past the cap;
- peak memory per worker: the largest address space (VmPeak, what the cap bounds) and the
  largest resident set (VmHWM) any worker reached;
- documents ``ok`` that lost more than half their text without a warning: the text a
  mutant's source gives is compared with the mutant's (longest common subsequence).

    .venv/bin/python benchmarks/fuzz_bench.py [--count 220] [--timeout 60] [--memory-limit 2048]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import fuzzpdf  # noqa: E402

from extract.errors import ERROR_CODES  # noqa: E402

EXTRACT = [sys.executable, "-m", "extract.cli"]


def descendants(pid: int) -> list[tuple[int, int]]:
    """Every process below ``pid`` (children, their children …) with its parent, from /proc."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in children.get(p, []):
            out.append((c, p))
            todo.append(c)
    return out


def status_kb(pid: int) -> dict[str, int]:
    got = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                key = line.split(":", 1)[0]
                if key in ("VmPeak", "VmHWM"):
                    got[key] = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return got


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


class Watcher(threading.Thread):
    """Polls the memory of every process under a run; workers are the forkserver's children."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak: dict[int, dict[str, int]] = {}
        self.role: dict[int, str] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for p, parent in [(self.pid, 0), *descendants(self.pid)]:
                if (
                    p not in self.role
                ):  # the forkserver is the driver's child; workers are its children
                    self.role[p] = (
                        "driver"
                        if p == self.pid
                        else "forkserver"
                        if parent == self.pid and "forkserver" in cmdline(p)
                        else "worker"
                    )
                got = status_kb(p)
                mine = self.peak.setdefault(p, {"VmPeak": 0, "VmHWM": 0})
                for k, v in got.items():
                    mine[k] = max(mine[k], v)
            self.stop.wait(0.05)


def run_batch(folder: Path, out: Path, args: argparse.Namespace, n_files: int) -> dict:
    cmd = [
        *EXTRACT,
        "run",
        str(folder),
        "-o",
        str(out),
        "-q",
        "--timeout",
        str(args.timeout),
        "--memory-limit",
        str(args.memory_limit),
        "-j",
        str(args.workers),
        "--max-pages",
        str(args.max_pages),
    ]
    budget = n_files * (args.timeout + 5) / args.workers + 180
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    watch = Watcher(proc.pid)
    watch.start()
    try:
        _, stderr = proc.communicate(timeout=budget)
        hung = False
    except subprocess.TimeoutExpired:
        proc.kill()
        _, stderr = proc.communicate()
        hung = True
    watch.stop.set()
    watch.join()
    workers = {p: v for p, v in watch.peak.items() if watch.role.get(p) == "worker"}
    return {
        "rc": proc.returncode,
        "hung": hung,
        "seconds": time.monotonic() - t0,
        "stderr": stderr.decode("utf-8", "replace"),
        "workers": workers,
    }


def texts(out: Path) -> dict[str, str]:
    docs = [
        json.loads(x) for x in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return {
        Path(d["path"]).stem: (out / d["text_path"]).read_text(encoding="utf-8")
        for d in docs
        if d["status"] == "ok"
    }


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--count", type=int, default=200, help="mutants besides the odd names and heavy files"
    )
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per document (--timeout)")
    ap.add_argument(
        "--memory-limit", type=float, default=2048.0, help="MiB per worker (--memory-limit)"
    )
    ap.add_argument("--max-pages", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=60, help="files per extract run")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--keep", type=Path, help="keep the mutants and outputs here")
    ap.add_argument(
        "--no-heavy", action="store_true", help="leave out the GiB bombs and 5000-page files"
    )
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="extract-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    base_out = work / "baseline"
    r = subprocess.run(
        [*EXTRACT, "run", str(fuzzpdf.PDFTESTS), "-o", str(base_out), "-q"],
        cwd=ROOT,
        capture_output=True,
    )
    if r.returncode != 0:
        print(r.stderr.decode(), file=sys.stderr)
        return 2
    original = texts(base_out)

    made = list(fuzzpdf.mutants(args.count, args.seed, heavy=not args.no_heavy))
    batches: list[list[tuple[Path, str | None]]] = []
    for i, (name, data, source) in enumerate(made):
        b = i // args.batch
        folder = work / f"batch{b:02d}"
        if len(batches) <= b:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            batches.append([])
        batches[b].append((fuzzpdf.write(folder, name, data), source))

    crashes = 0
    past_time = 0
    past_memory = 0
    silent = []
    codes: Counter[str] = Counter()
    warned = 0
    peak_vm = peak_rss = 0
    unknown_codes = []
    total_seconds = 0.0
    for b, files in enumerate(batches):
        folder, out = work / f"batch{b:02d}", work / f"out{b:02d}"
        shutil.rmtree(out, ignore_errors=True)
        got = run_batch(folder, out, args, len(files))
        total_seconds += got["seconds"]
        for w in got["workers"].values():
            peak_vm, peak_rss = max(peak_vm, w["VmPeak"]), max(peak_rss, w["VmHWM"])
            past_memory += w["VmPeak"] > args.memory_limit * 1024
        docs_file = out / "documents.jsonl"
        if got["rc"] not in (0, 1) or got["hung"] or not docs_file.is_file():
            crashes += 1
            print(
                f"batch {b}: whole run failed (exit {got['rc']}, hung={got['hung']}):\n{got['stderr'][-2000:]}",
                file=sys.stderr,
            )
            continue
        docs = [json.loads(x) for x in docs_file.read_text(encoding="utf-8").splitlines()]
        if len(docs) != len(files):
            crashes += 1
            print(
                f"batch {b}: documents.jsonl lists {len(docs)} of {len(files)} files",
                file=sys.stderr,
            )
        by_path = {d["path"]: d for d in docs}
        from extract.wording import readable_path

        for path, source in files:
            d = by_path.get(readable_path(path))
            if d is None:
                continue
            codes[d["status"] if d["status"] == "ok" else d["error_code"]] += 1
            if d["status"] != "ok" and d["error_code"] not in ERROR_CODES:
                unknown_codes.append((d["path"], d["error_code"]))
            if d["seconds"] > args.timeout + 1.0:
                past_time += 1
                print(f"past the time limit: {d['path']} ({d['seconds']:.1f} s)", file=sys.stderr)
            if d["warnings"]:
                warned += 1
            if d["status"] == "ok" and source in original:
                text = (out / d["text_path"]).read_text(encoding="utf-8")
                kept = fuzzpdf.text_retained(original[source], text)
                if kept < 0.5 and not d["warnings"]:
                    silent.append((d["path"], kept))
    for path, kept in silent:
        print(f"silent loss: {path}: {kept:.0%} of the text kept, no warning", file=sys.stderr)
    tried = sum(len(f) for f in batches)
    print(
        f"fuzz benchmark: {tried} files, {len(batches)} runs of `extract run` "
        f"(-j {args.workers} --timeout {args.timeout:g} --memory-limit {args.memory_limit:g} "
        f"--max-pages {args.max_pages}), {total_seconds:.0f} s"
    )
    print(
        "outcomes: "
        + ", ".join(f"{k} {v}" for k, v in codes.most_common())
        + f"; {warned} with warnings"
    )
    print("| measure | value |")
    print("|---|---:|")
    print(f"| files tried | {tried} |")
    print(f"| whole-run crashes | {crashes} |")
    print(f"| documents past the time limit | {past_time} |")
    print(f"| workers past the memory cap ({args.memory_limit:g} MiB) | {past_memory} |")
    print(f"| peak memory of a worker: address space (VmPeak) | {peak_vm / 1024:.0f} MiB |")
    print(f"| peak memory of a worker: resident (VmHWM) | {peak_rss / 1024:.0f} MiB |")
    print(f"| failures with a code not in the catalog | {len(unknown_codes)} |")
    print(
        f"| `ok` documents that lost more than half their text without a warning | {len(silent)} |"
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    bad = crashes or past_time or past_memory or silent or unknown_codes
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())

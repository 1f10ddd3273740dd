"""Batch-ingestion benchmark (run by hand, not in CI).

Replicates the gold-corpus PDFs (every PDF in ``corpus/`` that has a gold file)
until the corpus has ``--pages`` pages, each copy with its own content hash,
then measures on the same machine, in the same run:

- pdfplumber alone opening the PDFs and reading every page's chars, and
  pypdfium2 alone reading every character and its box (one process);
- ``extract.ingest`` of the whole corpus into a fresh store, with the
  pdfplumber and the pdfium backend, with 1 and 2 worker processes
  (pages per second, the ratio to the library alone, the speed-up of 2 workers);
- a re-run over the unchanged corpus, as a fraction of the first run;
- peak memory (max RSS) of a worker.

Usage::

    .venv/bin/python benchmarks/ingest_bench.py --pages 300 [--workdir DIR] [--workers 1 2]

It prints a Markdown table (the one in README.md, section "Batch ingestion").
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def gold_pdfs() -> list[Path]:
    out = []
    for gold in sorted((ROOT / "corpus" / "gold").glob("*.jsonl")):
        for folder in ("seed", "composed", "real"):
            pdf = ROOT / "corpus" / folder / f"{gold.stem}.pdf"
            if pdf.is_file():
                out.append(pdf)
    return out


def page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def build_corpus(folder: Path, target_pages: int) -> tuple[list[Path], int]:
    """Copies of the gold PDFs (bytes appended after %%EOF make each copy a new content hash)."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [(p, page_count(p)) for p in gold_pdfs()]
    files, pages, rep = [], 0, 0
    while pages < target_pages:
        for src, n in sources:
            dst = folder / f"r{rep:02d}_{src.name}"
            dst.write_bytes(src.read_bytes() + f"\n%replica {rep}\n".encode())
            files.append(dst)
            pages += n
        rep += 1
    return files, pages


def pdfplumber_alone(files: list[Path]) -> float:
    import pdfplumber

    t0 = time.perf_counter()
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                _ = page.chars
                page.close()  # drop the page's cached objects, as the reader does
    return time.perf_counter() - t0


def pdfium_alone(files: list[Path]) -> float:
    import pypdfium2 as pdfium

    t0 = time.perf_counter()
    for f in files:
        doc = pdfium.PdfDocument(str(f))
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            n = tp.count_chars()
            _ = tp.get_text_range(0, n)
            for k in range(n):
                tp.get_charbox(k)
            tp.close()
            page.close()
        doc.close()
    return time.perf_counter() - t0


def run_ingest(files_dir: Path, db: Path, workers: int, backend: str) -> tuple[float, object]:
    from extract.ingest import ingest

    t0 = time.perf_counter()
    report = ingest([files_dir], db, workers=workers, pdf_backend=backend, timeout=600)
    return time.perf_counter() - t0, report


def revision() -> str:
    import subprocess

    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes" if dirty else "")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--pages", type=int, default=300, help="pages in the replicated corpus (default 300)"
    )
    ap.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="worker counts to compare"
    )
    ap.add_argument("--backends", nargs="+", default=["pdfplumber", "pdfium"])
    ap.add_argument(
        "--workdir", type=Path, help="where to build the corpus and stores (default: a temp dir)"
    )
    args = ap.parse_args()
    load_start = os.getloadavg()[0]

    work = args.workdir or Path(tempfile.mkdtemp(prefix="extract-bench-"))
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    files, pages = build_corpus(corpus, args.pages)
    print(f"corpus: {len(files)} PDFs, {pages} pages in {corpus}", flush=True)

    alone = {"pdfplumber": pdfplumber_alone(files), "pdfium": pdfium_alone(files)}
    for k, v in alone.items():
        print(f"{k} alone: {v:.1f} s, {pages / v:.1f} pages/s", flush=True)

    rows = []
    for backend in args.backends:
        first_2w: tuple[float, Path] | None = None
        base = base_cpu = None
        for w in args.workers:
            db = work / f"{backend}-{w}w.db"
            for f in db.parent.glob(db.name + "*"):
                f.unlink()
            secs, rep = run_ingest(corpus, db, w, backend)
            rss = max((i.max_rss_mb for i in rep.workers.values()), default=0.0)
            # CPU the workers got, over what w workers could get: below ~90 % the machine is busy
            cpu_times = [i.cpu_seconds for i in rep.workers.values()]
            cpu = sum(cpu_times) / (secs * w)
            rate = pages / secs
            base = base or rate
            # on a machine shared with other jobs the wall-clock speed-up says little; the
            # busiest worker's CPU time against one worker's is what w workers would take alone
            base_cpu = base_cpu or sum(cpu_times)
            rows.append(
                (
                    f"pipeline, {backend} backend",
                    w,
                    secs,
                    rate,
                    f"{rate / (pages / alone[backend]):.2f}× {backend} alone",
                    f"{rate / base:.2f}× ({base_cpu / max(cpu_times):.2f}× by CPU time)",
                    f"{rss:.0f} MiB",
                    f"{cpu:.0%}",
                    f"{rep.ok} ok / {rep.processed - rep.ok} failed",
                )
            )
            print(rows[-1], flush=True)
            if w == max(args.workers):
                first_2w = (secs, db)
        assert first_2w is not None
        secs0, db = first_2w
        w = max(args.workers)
        secs, rep = run_ingest(corpus, db, w, backend)
        rows.append(
            (
                f"re-run, unchanged corpus ({backend})",
                w,
                secs,
                pages / secs,
                f"{secs / secs0:.2%} of the first run",
                "",
                "",
                "",
                f"{rep.skipped} skipped",
            )
        )
        print(rows[-1], flush=True)

    print()
    print(
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}, "
        f"1-min load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
        f"code: {revision()}; "
        f"corpus: {len(files)} PDFs ({len(gold_pdfs())} gold-corpus PDFs replicated), {pages} pages."
    )
    print()
    print(
        "| run | workers | seconds | pages/s | ratio | speed-up | peak RSS / worker | worker CPU | documents |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---|")
    for name, secs in alone.items():
        print(
            f"| {name} alone: open + read chars | 1 (in-process) | {secs:.1f} | {pages / secs:.1f} | 1 | | | | |"
        )
    for name, w, secs, rate, ratio, speed, rss, cpu, docs in rows:
        print(
            f"| {name} | {w} | {secs:.2f} | {rate:.1f} | {ratio} | {speed} | {rss} | {cpu} | {docs} |"
        )


if __name__ == "__main__":
    main()

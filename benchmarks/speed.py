#!/usr/bin/env python3
"""Speed benchmark: the pipeline against the PDF readers underneath it (issue #17).

Usage::

    .venv/bin/python benchmarks/speed.py [--quick] [--skip-ingest] [--profile N]

Every figure is a ratio of two measurements taken in this one run on the same
PDFs (``corpus/real``, ``corpus/composed``, ``corpus/pdftests``; files a backend
cannot read as text are left out of both sides), so a busy machine slows both
sides alike; the 1-minute load average is printed with them. CPU seconds
(``time.process_time``) unless said otherwise.

(a) whole pipeline with the pdfium backend (``process_document``: read, normalize,
    segment, recognize, link, records) against pypdfium2 reading every character's
    text and box — goal: at least 1/3 of its speed;
(b) the default backend's whole pipeline against pdfplumber's ``extract_text()`` of
    every page — goal: faster;
(c) ``extract run`` on a one-page PDF (wall clock, the worker process included)
    against a bare ``python -c "import pypdfium2, pdfplumber"`` — goal: within 4×;
(d) cost per character on 8-, 32- and 128-page PDFs made of the same pages, and a
    worker's peak memory (max RSS of a fresh process) on each — goals: linear, flat;
(e) ``extract.ingest`` with two workers against one, by CPU time (the busiest
    worker's against the single one's) — goal ≥ 1.8× — and a re-run over the
    unchanged corpus against hashing its files.

Then each backend's fidelity on the PDFs that have an expected text (the figures the
default backend is chosen by). A profile of the pdfium pipeline over the corpus (top functions by own time) ends the
output. ``--quick`` uses fewer PDFs (for a check while editing; ratios are noisier).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import ingest_bench  # noqa: E402 - the revision line and the replicated corpus, shared

PY = sys.executable


def corpus_pdfs(quick: bool) -> list[Path]:
    out = []
    for folder in ("real", "composed", "pdftests"):
        out += sorted((ROOT / "corpus" / folder).glob("*.pdf"))
    if quick:
        out = [p for p in out if "monograph" not in p.name][::3]
    return out


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min) / {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def cpu(fn, *args) -> tuple[float, object]:
    t0 = time.process_time()
    out = fn(*args)
    return time.process_time() - t0, out


# --------------------------------------------------------------------------- the readers alone


def pdfium_chars_and_boxes(path: Path) -> int:
    """pypdfium2 reading every character's text and box: the floor of the pdfium backend."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    n_chars = 0
    try:
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            n = tp.count_chars()
            _ = tp.get_text_range(0, n)
            for k in range(n):
                tp.get_charbox(k, loose=True)
            n_chars += n
            tp.close()
            page.close()
    finally:
        doc.close()
    return n_chars


def plumber_extract_text(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return sum(len(p.extract_text() or "") for p in pdf.pages)


def pipeline(backend: str):
    from extract.pipeline import load_pipeline, process_document

    config = load_pipeline()

    def run(path: Path):
        res = process_document(path, config, pdf_backend=backend)
        return res

    return run


def readable(paths: list[Path], backend: str) -> list[Path]:
    run = pipeline(backend)
    return [p for p in paths if run(p).status == "ok"]


def compare(paths: list[Path], ours, theirs, rounds: int) -> tuple[float, float]:
    """CPU seconds of both over all paths, interleaved per file; the best of ``rounds``."""
    a_best = b_best = float("inf")
    for _ in range(rounds):
        a = b = 0.0
        for p in paths:
            a += cpu(ours, p)[0]
            b += cpu(theirs, p)[0]
        a_best, b_best = min(a_best, a), min(b_best, b)
    return a_best, b_best


# --------------------------------------------------------------------------- (c) start-up


def startup(pdf: Path, repeat: int) -> tuple[float, float]:
    """Wall seconds (median) of ``extract run`` on ``pdf`` and of the bare library import."""
    extract = str(Path(PY).parent / "extract")
    runs, bare = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(repeat):
            t0 = time.perf_counter()
            subprocess.run([PY, "-c", "import pypdfium2, pdfplumber"], check=True)
            bare.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            subprocess.run(
                [extract, "run", str(pdf), "-o", f"{tmp}/o{k}"],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            runs.append(time.perf_counter() - t0)
    return statistics.median(runs), statistics.median(bare)


# --------------------------------------------------------------------------- (d) scaling

_SCALE_CHILD = r"""
import resource, sys, time, json
sys.path.insert(0, sys.argv[3])
def peak_mib():
    # VmHWM: this process's own peak. ru_maxrss would keep the high-water mark of the
    # benchmark process it was forked from (Linux carries it across exec), so every
    # document smaller than that would measure the same
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
from extract.pipeline import load_pipeline, process_document
config = load_pipeline()
process_document(sys.argv[2], config, pdf_backend=sys.argv[4])  # warm: imports, rule files
base = peak_mib()
t0 = time.process_time()
res = process_document(sys.argv[1], config, pdf_backend=sys.argv[4])
sec = time.process_time() - t0
print(json.dumps({"cpu": sec, "rss": peak_mib(), "base": base, "status": res.status,
                  "chars": len(res.text)}))
"""


def make_pages(src: Path, pages: int, dst: Path) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(src))
    out = pdfium.PdfDocument.new()
    n = len(doc)
    while len(out) < pages:
        out.import_pages(doc, list(range(min(n, pages - len(out)))))
    out.save(str(dst))
    doc.close()
    out.close()


def scaling(src: Path, sizes: list[int], backend: str, tmp: Path) -> list[dict]:
    import json

    rows = []
    warm = ROOT / "corpus" / "pdftests" / "en_sidebar.pdf"
    for n in sizes:
        pdf = tmp / f"scale_{n}.pdf"
        make_pages(src, n, pdf)
        out = subprocess.run(
            [PY, "-c", _SCALE_CHILD, str(pdf), str(warm), str(ROOT / "src"), backend],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        row = json.loads(out.strip().splitlines()[-1])
        row["pages"] = n
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- (e) ingest


def ingest_figures(tmp: Path, target_pages: int, backend: str) -> dict:
    from ingest_bench import build_corpus

    from extract.ingest import ingest

    files, pages = build_corpus(tmp / "corpus", target_pages)
    out: dict = {"files": len(files), "pages": pages}
    for w in (1, 2):
        db = tmp / f"{w}w.db"
        t0 = time.perf_counter()
        rep = ingest([tmp / "corpus"], db, workers=w, pdf_backend=backend, timeout=600)
        out[f"wall{w}"] = time.perf_counter() - t0
        out[f"cpu{w}"] = [i.cpu_seconds for i in rep.workers.values()]
        out[f"ok{w}"] = rep.ok
    t0 = time.perf_counter()
    rep = ingest([tmp / "corpus"], tmp / "2w.db", workers=2, pdf_backend=backend, timeout=600)
    out["rerun"] = time.perf_counter() - t0
    out["rerun_processed"] = rep.processed
    out["rerun_skipped"] = rep.skipped
    t0 = time.perf_counter()
    for f in files:
        hashlib.sha256(f.read_bytes()).hexdigest()
    out["hash"] = time.perf_counter() - t0
    # what a re-run costs besides hashing: importing the store and pipeline modules
    t0 = time.perf_counter()
    subprocess.run([PY, "-c", "import extract.ingest, extract.store"], check=True)
    out["imports"] = time.perf_counter() - t0
    return out


# --------------------------------------------------------------------------- fidelity

SYMBOLS = "≥≤±×→·°µ"  # dashes left out: normalization makes them all "-"


def fidelity(backends: list[str]) -> list[tuple[str, str, str, str]]:
    """Per backend, over every PDF that has an expected text (generated and composed):
    the mean normalized edit distance, the PDFs whose paragraphs come out of order, and
    the symbol glyphs (≥ ≤ ± × …) of the expected texts that come out as themselves."""
    from extract.normalize import normalize
    from extract.readers.fidelity import edit_distance, paragraph_order
    from extract.readers.pdf import read_pdf

    pdfs = [
        p
        for folder in ("pdftests", "composed")
        for p in sorted((ROOT / "corpus" / folder).glob("*.pdf"))
        if p.with_suffix(".expected.txt").is_file()
    ]
    rows = []
    for be in backends:
        dist, order_bad, sym_want, sym_got = [], 0, 0, 0
        for pdf in pdfs:
            expected = pdf.with_suffix(".expected.txt").read_text(encoding="utf-8")
            doc = read_pdf(pdf, backend=be)
            got = normalize(doc).text
            dist.append(edit_distance(expected, got))
            order_bad += not paragraph_order(expected, got).ok
            for ch in SYMBOLS:
                want = expected.count(ch)
                sym_want += want
                sym_got += min(want, doc.text.count(ch))
        rows.append(
            (
                f"fidelity, {be} backend ({len(pdfs)} PDFs with expected text)",
                f"mean edit distance {statistics.mean(dist):.4f} (max {max(dist):.4f}); "
                f"{order_bad} out of paragraph order",
                f"symbols {sym_got}/{sym_want}",
                "",
            )
        )
    return rows


# --------------------------------------------------------------------------- profile


def profile(paths: list[Path], backend: str, top: int) -> str:
    run = pipeline(backend)
    prof = cProfile.Profile()
    prof.enable()
    for p in paths:
        run(p)
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats("tottime").print_stats(top)
    lines = buf.getvalue().splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    total = next((ln.strip() for ln in lines if "function calls" in ln), "")
    return "\n".join([total, *lines[start:]]).rstrip()


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--quick", action="store_true", help="a third of the PDFs, no monograph, fewer repeats"
    )
    ap.add_argument("--skip-ingest", action="store_true", help="leave out (e), the slowest part")
    ap.add_argument(
        "--profile", type=int, default=20, metavar="N", help="functions in the profile (0: none)"
    )
    ap.add_argument(
        "--ingest-pages", type=int, default=120, help="pages of the replicated corpus for (e)"
    )
    args = ap.parse_args()
    rounds = 1 if args.quick else 2
    # the package's bytecode, as an install has it (`make` compiles it too): where
    # PYTHONDONTWRITEBYTECODE is set, every process of (c) would compile the source again
    import compileall

    compileall.compile_dir(str(ROOT / "src"), quiet=1)
    from extract.pipeline import load_pipeline

    default_backend = dict(load_pipeline().stages)["extract.read.v1"].get("pdf_backend", "auto")
    print(
        f"# extract speed benchmark — code {ingest_bench.revision()}, Python {platform.python_version()}, "
        f"{platform.system()}",
        flush=True,
    )
    print(f"start: {load()}", flush=True)
    paths = corpus_pdfs(args.quick)
    n_pages = {}
    import pypdfium2 as pdfium

    for p in paths:
        d = pdfium.PdfDocument(str(p))
        n_pages[p] = len(d)
        d.close()

    rows: list[tuple[str, str, str, str]] = []

    # (a)
    pdfium_ok = readable(paths, "pdfium")
    ours_a, base_a = compare(pdfium_ok, pipeline("pdfium"), pdfium_chars_and_boxes, rounds)
    pages_a = sum(n_pages[p] for p in pdfium_ok)
    ratio_a = base_a / ours_a
    rows.append(
        (
            "(a) pipeline, pdfium backend ÷ pypdfium2 reading every char's text and box",
            f"{pages_a / ours_a:.1f} vs {pages_a / base_a:.1f} pages/s",
            f"{ratio_a:.2f} of its speed",
            "≥ 0.33: " + ("holds" if ratio_a >= 1 / 3 else "not yet"),
        )
    )
    print(rows[-1], f"[{load()}]", flush=True)

    # (b)
    ok_b = [p for p in readable(paths, default_backend) if p in set(readable(paths, "pdfplumber"))]
    ours_b, base_b = compare(ok_b, pipeline(default_backend), plumber_extract_text, rounds)
    pages_b = sum(n_pages[p] for p in ok_b)
    ratio_b = base_b / ours_b
    rows.append(
        (
            f"(b) pipeline, default backend ({default_backend}) ÷ pdfplumber extract_text()",
            f"{pages_b / ours_b:.1f} vs {pages_b / base_b:.1f} pages/s",
            f"{ratio_b:.2f}× its speed",
            "> 1: " + ("holds" if ratio_b > 1 else "not yet"),
        )
    )
    print(rows[-1], f"[{load()}]", flush=True)
    if default_backend != "pdfium":
        ours_p, _ = compare(ok_b, pipeline("pdfium"), lambda p: None, 1)
        rows.append(
            (
                "(b′) pipeline, pdfium backend ÷ pdfplumber extract_text()",
                f"{pages_b / ours_p:.1f} vs {pages_b / base_b:.1f} pages/s",
                f"{base_b / ours_p:.2f}× its speed",
                "(if pdfium were the default)",
            )
        )
        print(rows[-1], flush=True)

    # (c)
    one_page = ROOT / "corpus" / "pdftests" / "en_sidebar.pdf"
    run_s, bare_s = startup(one_page, 3 if args.quick else 7)
    ratio_c = run_s / bare_s
    rows.append(
        (
            '(c) `extract run` on a one-page PDF ÷ `python -c "import pypdfium2, pdfplumber"`',
            f"{run_s:.2f} s vs {bare_s:.2f} s (wall, median)",
            f"{ratio_c:.1f}×",
            "≤ 4×: " + ("holds" if ratio_c <= 4 else "not yet"),
        )
    )
    print(rows[-1], f"[{load()}]", flush=True)

    # (d)
    with tempfile.TemporaryDirectory() as tmp:
        src = ROOT / "corpus" / "real" / "bmj_rct_exercise_smoking_pregnancy.pdf"
        sizes = [8, 32] if args.quick else [8, 32, 128]
        sc = scaling(src, sizes, "pdfium", Path(tmp))
    per_char = [r["cpu"] / max(r["chars"], 1) * 1e6 for r in sc]
    lin = per_char[-1] / per_char[0]
    growth = [r["rss"] - r["base"] for r in sc]
    mem = sc[-1]["rss"] / sc[0]["rss"]
    rows.append(
        (
            f"(d) cost per character, {sizes[-1]} pages ÷ {sizes[0]} pages (pdfium)",
            ", ".join(f"{r['pages']}p: {c:.1f} µs/char" for r, c in zip(sc, per_char, strict=True)),
            f"{lin:.2f}",
            "≈ 1 (linear): " + ("holds" if lin <= 1.25 else "not yet"),
        )
    )
    rows.append(
        (
            f"(d) peak RSS of a worker, {sizes[-1]} pages ÷ {sizes[0]} pages",
            ", ".join(
                f"{r['pages']}p: {r['rss']:.0f} MiB (+{g:.0f} over warm)"
                for r, g in zip(sc, growth, strict=True)
            ),
            f"{mem:.2f}",
            "≈ 1 (flat): " + ("holds" if mem <= 1.1 else "not yet"),
        )
    )
    print(rows[-2], rows[-1], f"[{load()}]", flush=True)

    # (e)
    if not args.skip_ingest:
        with tempfile.TemporaryDirectory() as tmp:
            e = ingest_figures(Path(tmp), 40 if args.quick else args.ingest_pages, "pdfium")
        by_cpu = sum(e["cpu1"]) / max(e["cpu2"])
        rows.append(
            (
                f"(e) ingest, 2 workers ÷ 1 worker ({e['files']} PDFs, {e['pages']} pages, pdfium)",
                f"{e['wall1']:.1f} s vs {e['wall2']:.1f} s wall; CPU {sum(e['cpu1']):.1f} s vs "
                f"{' + '.join(f'{c:.1f}' for c in e['cpu2'])} s",
                f"{by_cpu:.2f}× by CPU time ({e['wall1'] / e['wall2']:.2f}× wall)",
                "≥ 1.8×: " + ("holds" if by_cpu >= 1.8 else "not yet"),
            )
        )
        only_hash = e["rerun_processed"] == 0 and e["rerun_skipped"] == e["files"]
        rows.append(
            (
                "(e) re-run over the unchanged corpus",
                f"{e['rerun']:.2f} s; hashing the files {e['hash']:.2f} s + importing the "
                f"store {e['imports']:.2f} s; {e['rerun_processed']} documents processed",
                f"{e['rerun'] / e['wall2']:.1%} of the first run",
                "only hashes: " + ("holds" if only_hash else "not yet"),
            )
        )
        print(rows[-2], rows[-1], f"[{load()}]", flush=True)

    if not args.quick:
        for r in fidelity(["auto", "pdfium", "pdfplumber"]):
            rows.append(r)
            print(r, flush=True)

    print()
    print(
        f"end: {load()}; corpus: {len(paths)} PDFs, {sum(n_pages.values())} pages; "
        f"default backend: {default_backend}"
    )
    print()
    print("| measure | figures | ratio | goal |")
    print("|---|---|---:|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    if args.profile:
        print()
        print(
            f"Profile: the pdfium pipeline over {len(pdfium_ok)} PDFs, top {args.profile} by own time"
        )
        print(profile(pdfium_ok, "pdfium", args.profile))


if __name__ == "__main__":
    main()

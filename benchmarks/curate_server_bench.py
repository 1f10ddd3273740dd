"""The curation server probed as issue 16 did (run by hand, not in CI).

Builds a store with the seed PDF and two PDFs with huge media boxes (200 inches
and 10⁹ pt a side), serves it with uvicorn on 127.0.0.1 in this process, and
measures, as a logged-in curator:

- each huge page rendered at both scales: status, seconds, image size, and the
  growth of this process's peak memory (max RSS);
- the slowest of the document-list requests another user sends while an
  uncached huge page renders (it must not wait for the render);
- a JSON body declaring 200 MiB, and one nested 100 000 deep: status and seconds;
- wrong passwords for one account sent as fast as possible for ``--seconds``:
  how many were checked (401) and how many refused unchecked (429).

Usage::

    .venv/bin/python benchmarks/curate_server_bench.py [--seconds 60]

It prints a Markdown table.
"""

from __future__ import annotations

import argparse
import re
import resource
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzzpdf import one_line_pdf  # noqa: E402 - the test PDFs' writer

PASSWORD = "correct horse battery"


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def login(base: str, name: str):
    import httpx

    c = httpx.Client(base_url=base, timeout=120)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post(
        "/login",
        data={"name": name, "password": PASSWORD, "csrf_token": token},
        follow_redirects=True,
    )
    return c, re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="how long to send wrong passwords")
    args = ap.parse_args()

    import io

    import uvicorn
    from PIL import Image

    from extract.curate import create_app
    from extract.curate.auth import add_user
    from extract.curate.db import open_store
    from extract.pipeline import load_pipeline, process_document

    work = Path(tempfile.mkdtemp(prefix="curate-bench-"))
    db = work / "extract.db"
    config = load_pipeline()
    huge = {}
    with open_store(db) as store:
        paths = [ROOT / "corpus" / "seed" / "000_05e11c3b259efc19.pdf"]
        for label, side in (("200 in (14400 pt)", 14400), ("10⁹ pt", 1e9)):
            p = work / f"huge_{int(side)}.pdf"
            p.write_bytes(one_line_pdf(side, side, "KEYNOTE-590 median OS 12.4 months"))
            huge[label] = p
            paths.append(p)
        for p in paths:
            store.save_result(process_document(p, config), config.version)
        ids = {d.path: d.doc_id for d in store.documents()}
        for name in ("alice", "bob"):
            add_user(store, name, PASSWORD)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    alice, csrf = login(base, "alice")
    bob, _ = login(base, "bob")
    rows = []

    for label, p in huge.items():
        for scale in ("1.5", "3"):
            before, t = max_rss_mb(), time.perf_counter()
            r = alice.get(f"/doc/{ids[str(p)]}/page/1.png?scale={scale}")
            secs = time.perf_counter() - t
            size = (
                "×".join(map(str, Image.open(io.BytesIO(r.content)).size))
                if r.status_code == 200
                else "-"
            )
            rows.append(
                (
                    f"page {label} at scale {scale}",
                    f"{r.status_code}, {secs:.2f} s, {size} px, "
                    f"peak RSS +{max_rss_mb() - before:.0f} MB",
                )
            )

    # another user's requests while an uncached huge page renders (a fresh app: empty cache)
    big = huge["200 in (14400 pt)"]
    from extract.curate import render

    render._CACHE.clear()
    done = threading.Event()
    threading.Thread(
        target=lambda: (alice.get(f"/doc/{ids[str(big)]}/page/1.png?scale=3"), done.set())
    ).start()
    latencies = []
    while not done.is_set() or not latencies:
        t = time.perf_counter()
        bob.get("/api/docs")
        latencies.append(time.perf_counter() - t)
    rows.append(
        (
            "document list while a huge page renders",
            f"{len(latencies)} requests, slowest {max(latencies) * 1000:.0f} ms",
        )
    )

    rec = next(iter(open_store(db).records(ids[str(paths[0])])))
    head = (
        f"POST /api/records/{rec.id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Cookie: curate_session={alice.cookies['curate_session']}\r\nX-CSRF-Token: {csrf}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {200 * 2**20}\r\n\r\n"
    )
    t = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(head.encode() + b'{"version": 1, "fields": {"subgroup": "' + b"x" * 65536)
        reply = s.recv(4096).split(b"\r\n", 1)[0].decode()
    rows.append(("JSON body declaring 200 MiB", f"{reply}, {time.perf_counter() - t:.3f} s"))
    t = time.perf_counter()
    r = alice.post(
        f"/api/records/{rec.id}",
        content=b"[" * 100_000 + b"]" * 100_000,
        headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"},
    )
    rows.append(
        ("JSON body nested 100 000 deep", f"{r.status_code}, {time.perf_counter() - t:.3f} s")
    )

    import httpx

    guesser = httpx.Client(base_url=base, timeout=60)
    counts: dict[int, int] = {}
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        token = re.search(r'name="csrf_token" value="([^"]+)"', guesser.get("/login").text).group(1)
        r = guesser.post(
            "/login", data={"name": "alice", "password": "wrong guess", "csrf_token": token}
        )
        counts[r.status_code] = counts.get(r.status_code, 0) + 1
    rows.append(
        (
            f"wrong passwords for one account, {args.seconds:g} s",
            f"{counts.get(401, 0)} checked (401), {counts.get(429, 0)} refused unchecked (429)",
        )
    )
    server.should_exit = True

    print("| probe | result |\n|---|---|")
    for probe, result in rows:
        print(f"| {probe} | {result} |")


if __name__ == "__main__":
    main()

"""Batch ingestion: many documents into the store, incrementally, each in isolation.

:func:`ingest` hashes every input, skips the contents the store already holds
for this pipeline version, and sends the rest, one task a document, to an
executor:

- ``local`` (default): a pool of worker processes supervised by the driver
  (:mod:`extract.pool`). A worker that crashes (segfault, abort, ``os._exit``), runs
  past the per-document time limit or out of its memory limit is killed and replaced;
  its document is recorded as failed (``error_code`` ``crashed`` / ``timeout`` /
  ``out_of_memory``) and the batch goes on. Workers die with their driver.
- ``dask``: the same task function on a Dask distributed cluster (``scheduler``
  address, or a ``LocalCluster`` started for the run). The time limit is kept
  by the driver; a task past it is cancelled and, when its worker has a nanny,
  that worker is restarted.

Only the driver writes the store, one transaction per finished document, so a
run killed at any moment leaves whole documents only, and the next run goes on
with the rest. Drivers running at the same time on one store share the work: each
claims a document (a row in ``claims`` with a lease it keeps renewing) before it
hands it to a worker, passes over documents another live driver holds, and takes
over the claims of a driver that died (its lease ran out, or its process is gone).
"""

from __future__ import annotations

import glob
import logging
import os
import socket
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import ExtractError, missing_extra
from .pool import (  # noqa: F401 - re-exported: the worker side used to live here
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT,
    WARM_UP_ALLOWANCE,
    Gate,
    LocalExecutor,
    OnDone,
    Task,
    TaskQueue,
    WorkerInfo,
    default_memory_mb,
    failed_result,
    plugins_of,
    run_task,
    worker_loads,
)
from .store import DEFAULT_DB, Store, StoreError, file_doc_id
from .wording import plural, readable_path

if TYPE_CHECKING:
    from rich.console import Console

    from .pipeline import DocResult, PipelineConfig

EXECUTORS = ("local", "dask")
CLAIM_LEASE = 60.0  # seconds a claim holds without renewal; the driver renews it every few seconds


class IngestError(ExtractError):
    """Ingestion cannot start: bad executor, unreachable scheduler, missing Dask."""


class DaskExecutor:
    """The same task function on a Dask distributed cluster; the driver keeps the time limit."""

    def __init__(
        self,
        scheduler: str | None,
        workers: int,
        timeout: float | None,
        *,
        processes: bool = True,
        ship_files: bool = False,
        memory_mb: float | None = None,
    ) -> None:
        self.scheduler = scheduler
        self.workers = max(1, workers)
        self.timeout = timeout
        self.processes = processes
        self.ship_files = ship_files
        self.memory_mb = memory_mb or None  # a LocalCluster's workers: their nannies keep it

    def _client(self) -> tuple[Any, Any]:
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError as e:
            raise IngestError(missing_extra("dask", "dask.distributed")) from e
        if self.scheduler:
            try:
                return Client(self.scheduler, timeout="20s"), None
            except (OSError, TimeoutError) as e:
                raise IngestError(
                    f"cannot reach the Dask scheduler at {self.scheduler}: {e}"
                ) from e
        # a crashed worker fails its document at once instead of being retried on another
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=self.processes,
                dashboard_address=None,
                silence_logs=logging.CRITICAL,
                memory_limit=f"{self.memory_mb:g}MiB"
                if self.memory_mb and self.processes
                else None,
            )
        return Client(cluster), cluster

    def run(
        self,
        tasks: list[Task],
        config: PipelineConfig,
        options: dict[str, Any],
        on_done: OnDone,
        *,
        gate: Gate | None = None,
        tick: Any = None,
    ) -> None:
        if not tasks:
            return
        client, cluster = self._client()
        from dask.distributed import wait

        plugins = plugins_of(config)
        last_tick = time.monotonic()
        try:
            window = max(1, sum(client.nthreads().values()))
            queue = TaskQueue(tasks, gate)
            running: dict[Any, tuple[Task, float]] = {}
            while queue or running:
                while len(running) < window:
                    t = queue.next()
                    if t is None:
                        break
                    try:
                        data = t.path.read_bytes() if self.ship_files else None
                    except OSError as e:
                        on_done(
                            t,
                            failed_result(t, "io", f"cannot read the file ({e.strerror})", 0.0),
                            None,
                        )
                        continue
                    fut = client.submit(
                        run_task,
                        str(t.path),
                        config,
                        options,
                        plugins,
                        data,
                        key=f"extract-{t.doc_id}-{t.index}",
                        pure=False,
                    )
                    running[fut] = (t, time.monotonic())
                if tick is not None and time.monotonic() - last_tick >= 5.0:
                    tick()
                    last_tick = time.monotonic()
                if not running:
                    hint = queue.wait_hint()
                    if hint is None:
                        break
                    time.sleep(min(hint, 1.0))
                    continue
                wait_for = 5.0
                if self.timeout is not None:
                    wait_for = min(
                        wait_for,
                        max(
                            0.05,
                            min(s for _, s in running.values()) + self.timeout - time.monotonic(),
                        ),
                    )
                try:
                    done, _ = wait(list(running), timeout=wait_for, return_when="FIRST_COMPLETED")
                except TimeoutError:
                    done = set()
                for fut in done:
                    t, started = running.pop(fut)
                    if fut.status == "finished":
                        result, info = fut.result()
                        on_done(t, result, info)
                    else:
                        err = fut.exception()
                        code = "crashed" if type(err).__name__ == "KilledWorker" else "internal"
                        on_done(
                            t,
                            failed_result(
                                t,
                                code,
                                f"Dask task failed: {type(err).__name__}: {err}",
                                time.monotonic() - started,
                            ),
                            None,
                        )
                if self.timeout is not None:
                    now = time.monotonic()
                    for fut, (t, started) in list(running.items()):
                        if now - started >= self.timeout:
                            running.pop(fut)
                            self._abandon(client, fut)
                            message = f"exceeded the time limit of {self.timeout:g} s per document"
                            on_done(t, failed_result(t, "timeout", message, now - started), None)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    @staticmethod
    def _abandon(client: Any, fut: Any) -> None:
        """Cancel a task past its limit; restart its worker when a nanny can bring it back."""
        key = fut.key
        holders = [w for w, keys in client.processing().items() if key in keys]
        client.cancel(fut, force=True)
        if holders:
            try:
                client.restart_workers(holders, raise_for_error=False)
            except Exception:  # no nanny (threads): the task runs on; its result is dropped
                pass


# -- progress --------------------------------------------------------------------------------


class IngestProgress(Protocol):
    def start(self, todo: int, skipped: int) -> None: ...
    def update(self, result: DocResult) -> None: ...
    def finish(self) -> None: ...

    # optional: def elsewhere(self, task: Task) -> None  (a document another driver did)


class RichProgress:
    """A rich progress bar: documents and pages done, rate, ETA and failures."""

    def __init__(self, console: Console | None = None) -> None:
        from rich.console import Console

        self.console = console or Console(stderr=True)
        self._progress: Any = None
        self._t0 = 0.0
        self._pages = 0
        self._failed = 0

    def start(self, todo: int, skipped: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        if skipped:
            self.console.print(
                f"{skipped} documents already in the store for this pipeline version: skipped"
            )
        if not todo:
            return
        self._t0 = time.monotonic()
        self._progress = Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("docs · {task.fields[pages]} pages · {task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[failed]}"),
            console=self.console,
        )
        self._progress.start()
        self._task = self._progress.add_task(
            "ingest", total=todo, pages=0, rate="", failed="0 failed"
        )

    def update(self, result: DocResult) -> None:
        self._pages += result.pages
        if result.status != "ok":
            self._failed += 1
            from rich.markup import escape

            self._progress.console.print(
                f"[red]failed[/red] {escape(readable_path(result.path))}: {result.error_code}: "
                f"{escape(result.error or '')}",
                highlight=False,
                soft_wrap=True,
            )
        dt = max(time.monotonic() - self._t0, 1e-9)
        failed = f"[red]{self._failed} failed[/red]" if self._failed else "0 failed"
        self._progress.update(
            self._task,
            advance=1,
            pages=self._pages,
            failed=failed,
            rate=f"{self._pages / dt:.1f} pages/s",
        )

    def elsewhere(self, task: Task) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()


class LogProgress:
    """Quiet mode for logs: one line per failure and a status line every ``every`` seconds."""

    def __init__(self, stream: Any = None, every: float = 60.0) -> None:
        self.stream = stream or sys.stderr
        self.every = every
        self._todo = self._done = self._pages = self._failed = 0
        self._t0 = self._last = 0.0

    def start(self, todo: int, skipped: int) -> None:
        self._todo = todo
        self._t0 = self._last = time.monotonic()

    def update(self, result: DocResult) -> None:
        self._done += 1
        self._pages += result.pages
        if result.status != "ok":
            self._failed += 1
            print(
                f"failed: {readable_path(result.path)}: {result.error_code}: {result.error}",
                file=self.stream,
                flush=True,
            )
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            print(
                f"ingest: {self._done}/{self._todo} documents, {self._pages} pages, "
                f"{self._pages / (now - self._t0):.1f} pages/s, {self._failed} failed",
                file=self.stream,
                flush=True,
            )

    def elsewhere(self, task: Task) -> None:
        self._done += 1

    def finish(self) -> None:
        pass


# -- the batch -------------------------------------------------------------------------------


@dataclass
class Failure:
    path: str
    doc_id: str | None
    error_code: str | None
    error: str | None


@dataclass
class IngestReport:
    """What one ingest run did."""

    db: Path
    pipeline_version: str
    inputs: int = 0  # files found
    skipped: int = 0  # already in the store for this pipeline version
    skipped_failed: int = 0  # of those, failed then (``retry_failed`` processes them again)
    duplicates: int = 0  # same content as another input of this run
    processed: int = 0  # sent to a worker (ok + failed)
    ok: int = 0
    pages: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    not_read: list[tuple[str, str]] = field(default_factory=list)
    """Inputs passed over with the reason: file types no reader takes, patterns matching nothing."""
    done_elsewhere: int = 0  # of the skipped, processed by another driver during this run
    warned: int = 0  # processed documents that came with warnings (read, perhaps not whole)
    memory_limit_mb: float | None = None  # each worker's memory cap
    # per worker (host:pid): the last info it reported, and every snapshot of its loads
    workers: dict[str, WorkerInfo] = field(default_factory=dict)
    load_history: dict[str, list[dict[str, int]]] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0

    def summary(self) -> str:
        rate = f", {self.pages / self.seconds:.1f} pages/s" if self.seconds and self.pages else ""
        parts = [
            f"{self.processed} processed ({self.ok} ok, {self.processed - self.ok} failed)",
            f"{self.skipped} skipped (already in the store"
            + (
                f"; {self.skipped_failed} of them failed: --retry-failed)"
                if self.skipped_failed
                else ")"
            ),
        ]
        if self.done_elsewhere:
            parts[1] = parts[1].replace(
                " (already in the store",
                f" (already in the store; {self.done_elsewhere} done meanwhile by another run",
                1,
            )
        if self.warned:
            parts.append(f"{plural(self.warned, 'document')} with warnings")
        if self.duplicates:
            parts.append(plural(self.duplicates, "duplicate file"))
        unreadable = self.failed - (self.processed - self.ok)
        if unreadable:
            parts.append(f"{unreadable} unreadable")
        return (
            f"{plural(self.inputs, 'document')}: "
            + ", ".join(parts)
            + f"; {self.pages} pages in {self.seconds:.1f} s{rate} → {self.db}"
        )


def collect_inputs(
    inputs: Iterable[str | Path], skipped: list[tuple[Path, str]] | None = None
) -> list[Path]:
    """Files to ingest from files, directories and glob patterns (``corpus/**/*.pdf``).

    Without ``skipped``, a pattern that matches nothing or a path that does not exist raises
    FileNotFoundError. With it, such inputs fail alone: a path that does not exist is
    returned (reading it fails, and the batch goes on), and patterns matching nothing and
    files of a type no reader takes are listed in ``skipped`` with the reason.
    """
    from .pipeline import expand_inputs

    items: list[str | Path] = []
    for item in inputs:
        s = str(item)
        if not Path(s).exists() and glob.has_magic(s):
            matches = sorted(glob.glob(s, recursive=True))
            if not matches:
                if skipped is None:
                    raise FileNotFoundError(f"{s} (no file matches the pattern)")
                skipped.append((Path(s), "no file matches the pattern"))
            items.extend(matches)
        else:
            items.append(item)
    return expand_inputs(items, skipped=skipped)


def ingest(
    inputs: Iterable[str | Path],
    db: str | Path = DEFAULT_DB,
    *,
    config: PipelineConfig | None = None,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    memory_limit: float | None = None,
    retry_failed: bool = False,
    progress: IngestProgress | None = None,
    dask_processes: bool = True,
    ship_files: bool = False,
    **options: Any,
) -> IngestReport:
    """Ingest documents into the store at ``db``; returns what was done.

    Args:
        inputs: files, directories (recursively) and glob patterns.
        db: the SQLite store, created when missing.
        config: the pipeline (default: the packaged one); its version decides what is re-extracted.
        workers: processes (local) or Dask workers for a LocalCluster; default: CPU count.
        executor: ``local`` or ``dask``.
        scheduler: Dask scheduler address (``tcp://host:8786``); none starts a LocalCluster.
        timeout: seconds allowed per document (None: no limit).
        memory_limit: MiB of memory each worker may use (None: :func:`~extract.pool.default_memory_mb`;
            0: no limit).
        retry_failed: process again documents that failed under this pipeline version.
        progress: receives each result (:class:`RichProgress`, :class:`LogProgress`).
        dask_processes: LocalCluster workers as processes (isolation) or threads.
        ship_files: send file bytes with Dask tasks (workers without the driver's file system).
        **options: ``pdf_backend`` and ``ocr`` (folded into ``config``), ``password`` and
            ``max_pages`` (passed to :func:`extract.pipeline.process_document`).
    """
    from .pipeline import load_pipeline

    if executor not in EXECUTORS:
        raise IngestError(f"executor {executor!r}: choose one of {', '.join(EXECUTORS)}")
    # the reading options are settings of the read stage: part of the version, so changing
    # the backend or OCR re-extracts
    config = (config or load_pipeline()).with_reading(
        options.pop("pdf_backend", None), options.pop("ocr", None)
    )
    version = config.version
    skipped: list[tuple[Path, str]] = []
    paths = [p.resolve() for p in collect_inputs(inputs, skipped)]
    n_workers = workers or os.cpu_count() or 1
    report = IngestReport(
        Path(db), version, inputs=len(paths), not_read=[(readable_path(p), r) for p, r in skipped]
    )
    t0 = time.monotonic()
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    with Store(db) as store:
        done = store.processed(version, retry_failed=retry_failed)
        failed_before = {d.doc_id: d.ingested_at for d in store.documents(status="failed")}
        tasks: list[Task] = []
        first_path: dict[str, Path] = {}
        for p in paths:
            try:
                doc_id = file_doc_id(p)
            except FileNotFoundError:
                report.failures.append(
                    Failure(readable_path(p), None, "missing", "no such file or directory")
                )
                continue
            except OSError as e:
                report.failures.append(
                    Failure(readable_path(p), None, "io", f"cannot read the file ({e.strerror})")
                )
                continue
            if doc_id in first_path:
                report.duplicates += 1
                continue
            first_path[doc_id] = p
            if doc_id in done:
                report.skipped += 1
                report.skipped_failed += doc_id in failed_before
                store.claim_path(doc_id, p)
            else:
                tasks.append(Task(len(tasks), p, doc_id))

        def gate(task: Task) -> str:
            """Claim the document for this driver, unless another one holds it or has done it."""
            assert task.doc_id is not None
            try:
                got = store.claim(
                    task.doc_id,
                    version,
                    owner,
                    lease=CLAIM_LEASE,
                    retry_failed=retry_failed,
                    seen=failed_before.get(task.doc_id),
                )
            except (StoreError, sqlite3.Error):  # the store too busy to claim: do it unclaimed
                return "go"
            if got == "done":
                report.done_elsewhere += 1
                report.skipped += 1
                store.claim_path(task.doc_id, task.path)
                told = getattr(progress, "elsewhere", None)
                if told is not None:
                    told(task)
                return "skip"
            return "go" if got == "claimed" else "wait"

        def tick() -> None:
            try:
                store.renew_claims(owner, lease=CLAIM_LEASE)
            except (StoreError, sqlite3.Error):  # renewed at the next tick
                pass

        def on_done(task: Task, result: DocResult, info: WorkerInfo | None) -> None:
            if result.doc_id is None:
                result.doc_id = task.doc_id
            try:
                store.save_result(result, version)
            except (StoreError, sqlite3.Error, UnicodeError, ValueError, TypeError) as e:
                # a result the store refuses must not end the batch: the document fails alone
                result = failed_result(
                    task,
                    "internal",
                    f"the result cannot be stored: {type(e).__name__}: {e}",
                    result.seconds,
                )
                store.save_result(result, version)
            report.processed += 1
            report.pages += result.pages
            if result.status == "ok":
                report.ok += 1
            else:
                report.failures.append(
                    Failure(
                        readable_path(result.path), result.doc_id, result.error_code, result.error
                    )
                )
            if result.warnings:
                report.warned += 1
            if info is not None:
                report.workers[info.worker] = info
                report.load_history.setdefault(info.worker, []).append(dict(info.loads))
            if progress is not None:
                progress.update(result)

        runner: LocalExecutor | DaskExecutor
        local_workers = min(n_workers, max(len(tasks), 1))
        memory_mb = default_memory_mb(local_workers) if memory_limit is None else memory_limit
        if executor == "dask":
            runner = DaskExecutor(
                scheduler,
                n_workers,
                timeout,
                processes=dask_processes,
                ship_files=ship_files,
                memory_mb=memory_mb,
            )
        else:
            runner = LocalExecutor(local_workers, timeout, memory_mb)
        report.memory_limit_mb = memory_mb or None
        if progress is not None:
            progress.start(len(tasks), report.skipped)
        try:
            runner.run(tasks, config, options, on_done, gate=gate, tick=tick)
        finally:
            store.release_claims(owner)
            if progress is not None:
                progress.finish()
            report.seconds = time.monotonic() - t0
    return report

"""Batch ingestion: many documents into the store, incrementally, each in isolation.

:func:`ingest` hashes every input, skips the contents the store already holds
for this pipeline version, and sends the rest, one task a document, to an
executor:

- ``local`` (default): a pool of worker processes supervised by the driver. A
  worker that crashes (segfault, ``os._exit``, out of memory) or runs past the
  per-document time limit is killed and replaced; its document is recorded as
  failed (``error_code`` ``crashed`` / ``timeout``) and the batch goes on.
- ``dask``: the same task function on a Dask distributed cluster (``scheduler``
  address, or a ``LocalCluster`` started for the run). The time limit is kept
  by the driver; a task past it is cancelled and, when its worker has a nanny,
  that worker is restarted.

Workers load jieba, spaCy and the rule files once per process (they are cached
module-level by their loaders), never per document; :func:`worker_loads` reports
what a worker has loaded, so the report (and a test) can count it.

Only the driver writes the store, one transaction per finished document, so a
run killed at any moment leaves whole documents only, and the next run goes on
with the rest.
"""

from __future__ import annotations

import glob
import importlib
import logging
import os
import signal
import socket
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import ExtractError, missing_extra
from .store import DEFAULT_DB, Store, file_doc_id
from .wording import plural

if TYPE_CHECKING:
    from rich.console import Console

    from .pipeline import DocResult, PipelineConfig

DEFAULT_TIMEOUT = 600.0  # seconds per document; the 111-page monograph takes ~10 s
EXECUTORS = ("local", "dask")


class IngestError(ExtractError):
    """Ingestion cannot start: bad executor, unreachable scheduler, missing Dask."""


# -- what runs in a worker ---------------------------------------------------------------


@dataclass
class WorkerInfo:
    """What a worker reports with each result: who it is and what it has loaded."""

    worker: str  # host:pid
    max_rss_mb: float
    loads: dict[str, int] = field(default_factory=dict)
    cpu_seconds: float = 0.0  # user + system time of the worker process so far


def worker_loads() -> dict[str, int]:
    """How many times each model, dictionary and rule file was loaded in this process.

    Counts come from ``extract.nlp.load_counts()`` when a stage uses the spaCy adapter
    (the default pipeline does not), from the rule-file cache, and from jieba's
    dictionary (loaded or not: jieba loads it at most once per tokenizer).
    """
    loads: dict[str, int] = {}
    nlp = sys.modules.get("extract.nlp")
    counts = getattr(nlp, "load_counts", None)
    if callable(counts):
        got = counts()
        if isinstance(got, Mapping):
            loads.update({str(k): int(v) for k, v in got.items()})
    rules = sys.modules.get("extract.rules")
    if rules is not None:
        loads["rule files"] = rules.load_rules.cache_info().misses
    jieba = sys.modules.get("jieba")
    if jieba is not None and "jieba" not in loads:
        loads["jieba"] = int(bool(getattr(jieba.dt, "initialized", False)))
    return loads


def _worker_info() -> WorkerInfo:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return WorkerInfo(
        f"{socket.gethostname()}:{os.getpid()}", usage.ru_maxrss / 1024,  # ru_maxrss: KiB on Linux
        worker_loads(), usage.ru_utime + usage.ru_stime,
    )


def _import_plugins(modules: Iterable[str]) -> None:
    for m in modules:
        importlib.import_module(m)


def run_task(
    path: str,
    config: PipelineConfig,
    options: dict[str, Any],
    plugins: tuple[str, ...] = (),
    data: bytes | None = None,
) -> tuple[DocResult, WorkerInfo]:
    """The task: one document through the pipeline, in whatever process runs it.

    ``plugins`` are modules that register the configuration's custom stages
    (imported once per process). With ``data`` the file's bytes come with the
    task (a cluster without the driver's file system) and are read from a
    temporary copy of the same name.
    """
    from .pipeline import STAGES, DocResult, process_document

    _import_plugins(plugins)
    missing = [name for name, _ in config.stages if name not in STAGES]
    if missing:
        res = DocResult(
            Path(path), None, "failed", error_code="pipeline",
            error=f"stages {missing} are not registered in worker {socket.gethostname()}:{os.getpid()}; "
            "register them in a module the worker can import",
        )
        return res, _worker_info()
    if data is None:
        return process_document(path, config, **options), _worker_info()
    with tempfile.TemporaryDirectory(prefix="extract-") as tmp:
        local = Path(tmp) / Path(path).name
        local.write_bytes(data)
        res = process_document(local, config, **options)
    res.path = Path(path)
    return res, _worker_info()


def _plugins_of(config: PipelineConfig) -> tuple[str, ...]:
    """Modules that register the configuration's stages, for workers to import."""
    from .pipeline import STAGES

    mods = []
    for name, _ in config.stages:
        fn = STAGES.get(name)
        mod = getattr(fn, "__module__", None)
        if mod and mod not in ("extract.pipeline", "__main__") and mod not in mods:
            mods.append(mod)
    return tuple(mods)


# -- tasks and executors -------------------------------------------------------------------


@dataclass
class Task:
    index: int
    path: Path
    doc_id: str


OnDone = Callable[[Task, "DocResult", "WorkerInfo | None"], None]


def _failed(task: Task, code: str, message: str, seconds: float) -> DocResult:
    from .pipeline import DocResult

    return DocResult(task.path, task.doc_id, "failed", error=message, error_code=code, seconds=seconds)


def _set_parent_death_signal() -> None:
    """Linux: die with the parent, so a hung worker does not outlive a killed run."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker_main(conn: Any, config: PipelineConfig, options: dict[str, Any], plugins: tuple[str, ...]) -> None:
    _set_parent_death_signal()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C
    _warm_up(plugins)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, path = msg
        try:
            conn.send(("started", index))  # the document's own time starts now
        except (BrokenPipeError, EOFError, OSError):
            return
        try:
            out = run_task(path, config, options, plugins)
        except BaseException as e:  # run_task itself failed: report it, keep serving
            from .pipeline import DocResult

            out = (DocResult(Path(path), None, "failed", error=f"worker error {type(e).__name__}: {e}",
                             error_code="internal"), _worker_info())
        try:
            conn.send((index, out))
        except (BrokenPipeError, EOFError, OSError):
            return
        except Exception as e:  # the result does not pickle
            from .pipeline import DocResult

            bad = DocResult(Path(path), None, "failed", error_code="internal",
                            error=f"result cannot be sent to the driver: {type(e).__name__}: {e}")
            conn.send((index, (bad, out[1])))


def _warm_up(plugins: tuple[str, ...]) -> None:
    """Load what every document needs (the rule files, compiled once, and the pipeline's
    modules) before the first task, so the time limit measures documents, not a worker's
    start-up."""
    try:
        from .pipeline import process_text

        _import_plugins(plugins)
        for text in ("中位总生存期为12.4个月（HR 0.73，95%CI 0.62~0.86，P<0.001）。",
                     "Median overall survival was 12.4 months (HR 0.73; 95% CI, 0.62-0.86; P<0.001)."):
            process_text(text)
    except Exception:  # noqa: BLE001 - a failure here shows again, per document, where it is reported
        pass


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Keep multiprocessing from importing the driver's ``__main__`` in the workers.

    Workers never need it (the task and the stage plugins are imported by module
    name), and a script that calls :func:`ingest` without the ``if __name__ ==
    "__main__"`` guard would otherwise run again in every worker.
    """
    main = sys.modules.get("__main__")
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if main and k in main.__dict__}
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__dict__["__spec__"] = None
        yield
    finally:
        if main is not None:
            main.__dict__.pop("__spec__", None)
            main.__dict__.update(saved)


class _Worker:
    def __init__(self, ctx: Any, args: tuple[Any, ...]) -> None:
        parent, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, *args), daemon=True, name="extract-worker")
        with _main_module_hidden():
            self.proc.start()
        child.close()
        self.conn = parent
        self.task: Task | None = None
        self.started = 0.0
        self.running = False  # the worker has begun the task (it is past its warm-up)

    def give(self, task: Task) -> None:
        self.task = task
        self.started = time.monotonic()
        self.running = False
        self.conn.send((task.index, str(task.path)))

    def deadline(self, timeout: float) -> float:
        """When the task runs out of time: ``timeout`` after the worker began it; a worker
        still warming up gets :data:`WARM_UP_ALLOWANCE` more before it is judged hung."""
        return self.started + timeout + (0.0 if self.running else WARM_UP_ALLOWANCE)

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(2)
        self.kill()


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "worker process stopped responding"
    if code < 0:
        try:
            return f"worker process killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"worker process killed by signal {-code}"
    return f"worker process exited with status {code}"


WARM_UP_ALLOWANCE = 120.0
"""Seconds a new worker may take to load jieba, spaCy and the rules before its first
document's clock starts; past it (plus the time limit) the worker is taken for hung."""


class LocalExecutor:
    """Worker processes supervised by the driver: killed and replaced on crash or time-out."""

    def __init__(self, workers: int, timeout: float | None) -> None:
        self.workers = max(1, workers)
        self.timeout = timeout

    def run(self, tasks: list[Task], config: PipelineConfig, options: dict[str, Any], on_done: OnDone) -> None:
        import multiprocessing as mp
        from multiprocessing.connection import wait

        if not tasks:
            return
        # forkserver: workers fork from a clean, single-threaded process (the driver has
        # threads: rich's refresh, SQLite), with the pipeline modules already imported
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        ctx = mp.get_context(method)
        if method == "forkserver":
            ctx.set_forkserver_preload(["extract.pipeline"])
        args = (config, options, _plugins_of(config))
        queue = deque(tasks)
        pool: list[_Worker] = []
        try:
            while queue or any(w.task for w in pool):
                while queue and (len(pool) < self.workers or any(w.task is None for w in pool)):
                    idle = next((w for w in pool if w.task is None), None)
                    if idle is None:
                        idle = _Worker(ctx, args)
                        pool.append(idle)
                    task = queue.popleft()
                    try:
                        idle.give(task)
                    except OSError:  # the idle worker died (killed from outside): replace it
                        queue.appendleft(task)
                        self._drop(pool, idle)
                busy = [w for w in pool if w.task is not None]
                now = time.monotonic()
                wait_for = None
                if self.timeout is not None:
                    wait_for = max(0.0, min(w.deadline(self.timeout) for w in busy) - now)
                ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], wait_for)
                for w in busy:
                    task = w.task
                    assert task is not None
                    elapsed = time.monotonic() - w.started
                    if w.conn in ready or w.proc.sentinel in ready:
                        got = None
                        try:
                            if w.conn.poll():
                                got = w.conn.recv()
                        except (EOFError, OSError):
                            got = None
                        if got is not None and got[0] == "started":
                            w.started, w.running = time.monotonic(), True
                            continue
                        if got is not None:
                            w.task = None
                            result, info = got[1]
                            on_done(task, result, info)
                            continue
                        w.proc.join(1)
                        message = f"{_describe_exit(w.proc.exitcode)} while reading this document"
                        self._drop(pool, w)
                        on_done(task, _failed(task, "crashed", message, elapsed), None)
                    elif self.timeout is not None and time.monotonic() >= w.deadline(self.timeout):
                        self._drop(pool, w)
                        message = f"exceeded the time limit of {self.timeout:g} s per document; worker killed"
                        on_done(task, _failed(task, "timeout", message, elapsed), None)
        finally:
            for w in pool:
                if w.task is None:
                    w.stop()
                else:
                    w.kill()

    @staticmethod
    def _drop(pool: list[_Worker], w: _Worker) -> None:
        w.kill()
        pool.remove(w)  # a new worker starts when the next task needs one


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
    ) -> None:
        self.scheduler = scheduler
        self.workers = max(1, workers)
        self.timeout = timeout
        self.processes = processes
        self.ship_files = ship_files

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
                raise IngestError(f"cannot reach the Dask scheduler at {self.scheduler}: {e}") from e
        # a crashed worker fails its document at once instead of being retried on another
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            cluster = LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=self.processes,
                dashboard_address=None, silence_logs=logging.CRITICAL,
            )
        return Client(cluster), cluster

    def run(self, tasks: list[Task], config: PipelineConfig, options: dict[str, Any], on_done: OnDone) -> None:
        if not tasks:
            return
        client, cluster = self._client()
        from dask.distributed import wait

        plugins = _plugins_of(config)
        try:
            window = max(1, sum(client.nthreads().values()))
            queue = deque(tasks)
            running: dict[Any, tuple[Task, float]] = {}
            while queue or running:
                while queue and len(running) < window:
                    t = queue.popleft()
                    try:
                        data = t.path.read_bytes() if self.ship_files else None
                    except OSError as e:
                        on_done(t, _failed(t, "unreadable", f"cannot read the file ({e.strerror})", 0.0), None)
                        continue
                    fut = client.submit(
                        run_task, str(t.path), config, options, plugins, data,
                        key=f"extract-{t.doc_id}-{t.index}", pure=False,
                    )
                    running[fut] = (t, time.monotonic())
                wait_for = None
                if self.timeout is not None:
                    wait_for = max(0.05, min(s for _, s in running.values()) + self.timeout - time.monotonic())
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
                        on_done(t, _failed(t, code, f"Dask task failed: {type(err).__name__}: {err}",
                                           time.monotonic() - started), None)
                if self.timeout is not None:
                    now = time.monotonic()
                    for fut, (t, started) in list(running.items()):
                        if now - started >= self.timeout:
                            running.pop(fut)
                            self._abandon(client, fut)
                            message = f"exceeded the time limit of {self.timeout:g} s per document"
                            on_done(t, _failed(t, "timeout", message, now - started), None)
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
            self.console.print(f"{skipped} documents already in the store for this pipeline version: skipped")
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
        self._task = self._progress.add_task("ingest", total=todo, pages=0, rate="", failed="0 failed")

    def update(self, result: DocResult) -> None:
        self._pages += result.pages
        if result.status != "ok":
            self._failed += 1
            self._progress.console.print(
                f"[red]failed[/red] {result.path}: {result.error_code}: {result.error}",
                highlight=False, soft_wrap=True,
            )
        dt = max(time.monotonic() - self._t0, 1e-9)
        failed = f"[red]{self._failed} failed[/red]" if self._failed else "0 failed"
        self._progress.update(self._task, advance=1, pages=self._pages, failed=failed,
                              rate=f"{self._pages / dt:.1f} pages/s")

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
            print(f"failed: {result.path}: {result.error_code}: {result.error}", file=self.stream, flush=True)
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            print(
                f"ingest: {self._done}/{self._todo} documents, {self._pages} pages, "
                f"{self._pages / (now - self._t0):.1f} pages/s, {self._failed} failed",
                file=self.stream, flush=True,
            )

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
            + (f"; {self.skipped_failed} of them failed: --retry-failed)" if self.skipped_failed else ")"),
        ]
        if self.duplicates:
            parts.append(plural(self.duplicates, "duplicate file"))
        unreadable = self.failed - (self.processed - self.ok)
        if unreadable:
            parts.append(f"{unreadable} unreadable")
        return (
            f"{plural(self.inputs, 'document')}: " + ", ".join(parts)
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
        retry_failed: process again documents that failed under this pipeline version.
        progress: receives each result (:class:`RichProgress`, :class:`LogProgress`).
        dask_processes: LocalCluster workers as processes (isolation) or threads.
        ship_files: send file bytes with Dask tasks (workers without the driver's file system).
        **options: ``pdf_backend`` and ``ocr`` (folded into ``config``), ``password`` (passed to
            :func:`extract.pipeline.process_document`).
    """
    from .pipeline import load_pipeline

    if executor not in EXECUTORS:
        raise IngestError(f"executor {executor!r}: choose one of {', '.join(EXECUTORS)}")
    # the reading options are settings of the read stage: part of the version, so changing
    # the backend or OCR re-extracts
    config = (config or load_pipeline()).with_reading(options.pop("pdf_backend", None), options.pop("ocr", None))
    version = config.version
    skipped: list[tuple[Path, str]] = []
    paths = [p.resolve() for p in collect_inputs(inputs, skipped)]
    n_workers = workers or os.cpu_count() or 1
    report = IngestReport(Path(db), version, inputs=len(paths), not_read=[(str(p), r) for p, r in skipped])
    t0 = time.monotonic()
    with Store(db) as store:
        done = store.processed(version, retry_failed=retry_failed)
        failed_before = {d.doc_id for d in store.documents(status="failed")}
        tasks: list[Task] = []
        first_path: dict[str, Path] = {}
        for p in paths:
            try:
                doc_id = file_doc_id(p)
            except FileNotFoundError:
                report.failures.append(Failure(str(p), None, "missing", "no such file or directory"))
                continue
            except OSError as e:
                report.failures.append(Failure(str(p), None, "unreadable", f"cannot read the file ({e.strerror})"))
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

        def on_done(task: Task, result: DocResult, info: WorkerInfo | None) -> None:
            if result.doc_id is None:
                result.doc_id = task.doc_id
            store.save_result(result, version)
            report.processed += 1
            report.pages += result.pages
            if result.status == "ok":
                report.ok += 1
            else:
                report.failures.append(Failure(str(result.path), result.doc_id, result.error_code, result.error))
            if info is not None:
                report.workers[info.worker] = info
                report.load_history.setdefault(info.worker, []).append(dict(info.loads))
            if progress is not None:
                progress.update(result)

        runner: LocalExecutor | DaskExecutor
        if executor == "dask":
            runner = DaskExecutor(scheduler, n_workers, timeout, processes=dask_processes, ship_files=ship_files)
        else:
            runner = LocalExecutor(min(n_workers, max(len(tasks), 1)), timeout)
        if progress is not None:
            progress.start(len(tasks), report.skipped)
        try:
            runner.run(tasks, config, options, on_done)
        finally:
            if progress is not None:
                progress.finish()
            report.seconds = time.monotonic() - t0
    return report

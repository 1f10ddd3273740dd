"""Worker processes that run documents through the pipeline, each within its limits.

:class:`LocalExecutor` is what ``extract run`` and ``extract ingest`` use to process
documents: a pool of worker processes supervised by the driver, one document a task.

- **Time.** A document that runs past ``timeout`` seconds is stopped by killing its
  worker (``error_code`` ``timeout``); a new worker takes the next document.
- **Memory.** Each worker's address space is capped (``RLIMIT_AS``, ``memory_mb``), so a
  flate bomb or a runaway layout cannot take the machine: Python code then gets a
  ``MemoryError`` (``out_of_memory``) and the worker is replaced; a C library that aborts
  when an allocation fails kills its worker, which the driver also reports as
  ``out_of_memory`` when the worker's memory was at its limit (else ``crashed``).
- **Crashes.** A worker that dies (segfault, abort, ``os._exit``) fails its document
  alone (``crashed``); the batch goes on.
- **Lifetime.** Workers die with their driver: ``prctl(PR_SET_PDEATHSIG)`` on Linux, and a
  watchdog thread that ends the worker when the driver's lifeline pipe closes or the
  driver's process is gone (``kill -9`` of the driver included).

Workers load jieba, spaCy and the rule files once per process (they are cached
module-level by their loaders), never per document, and before the first document's
clock starts (:func:`warm_up`), in the forkserver they fork from (:mod:`extract.warm`); :func:`worker_loads` reports what a worker has loaded.
"""

from __future__ import annotations

import importlib
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .forkserver import context, main_module_hidden

if TYPE_CHECKING:
    from .pipeline import DocResult, PipelineConfig

DEFAULT_TIMEOUT = 600.0  # seconds per document; the 111-page monograph takes ~10 s
DEFAULT_MEMORY_MB = 4096  # per worker, at most; less on a machine with little memory
MIN_MEMORY_MB = 512  # below this a worker cannot even load spaCy and jieba

WARM_UP_ALLOWANCE = 120.0
"""Seconds a new worker may take to load jieba, spaCy and the rules before its first
document's clock starts; past it (plus the time limit) the worker is taken for hung."""

POLL_SECONDS = 0.25  # how often the driver looks at its workers' memory


def default_memory_mb(workers: int = 1) -> int:
    """The default memory limit of one worker: 4 GiB, or less so that all the workers together
    stay within four fifths of the machine's memory (never below 1 GiB)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1 << 20)
    except (ValueError, OSError, AttributeError):
        return DEFAULT_MEMORY_MB
    return max(1024, min(DEFAULT_MEMORY_MB, int(0.8 * total / max(workers, 1))))


# -- what runs in a worker ---------------------------------------------------------------


@dataclass
class WorkerInfo:
    """What a worker reports with each result: who it is and what it has loaded."""

    worker: str  # host:pid
    max_rss_mb: float
    loads: dict[str, int] = field(default_factory=dict)
    cpu_seconds: float = 0.0  # user + system time of the worker process so far
    memory_limit_mb: float | None = None  # the worker's address-space cap, when it has one
    peak_vm_mb: float = 0.0  # the worker's largest address space so far (VmPeak)


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


def _proc_status_mb(pid: int | str = "self", key: str = "VmPeak") -> float:
    """A memory figure of a process from /proc (Linux), in MiB; 0 when unknown."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _address_space_mb(pid: int) -> float:
    """The current address space of a process (``/proc/PID/statm``), in MiB; 0 when unknown."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except (OSError, ValueError, IndexError):
        return 0.0


def _worker_info() -> WorkerInfo:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = resource.getrlimit(resource.RLIMIT_AS)[0]
    return WorkerInfo(
        f"{socket.gethostname()}:{os.getpid()}",
        usage.ru_maxrss / 1024,  # ru_maxrss: KiB on Linux
        worker_loads(),
        usage.ru_utime + usage.ru_stime,
        None if soft == resource.RLIM_INFINITY else soft / (1 << 20),
        _proc_status_mb(),
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
            Path(path),
            None,
            "failed",
            error_code="pipeline",
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


def plugins_of(config: PipelineConfig) -> tuple[str, ...]:
    """Modules that register the configuration's stages, for workers to import."""
    from .pipeline import STAGES

    mods = []
    for name, _ in config.stages:
        fn = STAGES.get(name)
        mod = getattr(fn, "__module__", None)
        if mod and mod not in ("extract.pipeline", "__main__") and mod not in mods:
            mods.append(mod)
    return tuple(mods)


# -- tasks -----------------------------------------------------------------------------------


@dataclass
class Task:
    index: int
    path: Path
    doc_id: str | None = None


OnDone = Callable[[Task, "DocResult", "WorkerInfo | None"], None]
Gate = Callable[[Task], str]
"""Asked before a task is given to a worker: ``"go"``, ``"skip"`` (done elsewhere; the task
is dropped) or ``"wait"`` (another driver holds it; asked again later)."""


def failed_result(task: Task, code: str, message: str, seconds: float) -> DocResult:
    """A failed result for a task that never came back from its worker."""
    from .pipeline import DocResult
    from .store import file_doc_id

    doc_id = task.doc_id
    if doc_id is None:
        try:
            doc_id = file_doc_id(task.path)
        except OSError:
            doc_id = None
    return DocResult(task.path, doc_id, "failed", error=message, error_code=code, seconds=seconds)


class TaskQueue:
    """Tasks in order; those a :data:`Gate` says another driver holds wait at the side and are
    asked about again, at most every ``recheck`` seconds, until they are free or done."""

    def __init__(self, tasks: Iterable[Task], gate: Gate | None, recheck: float = 1.0) -> None:
        self.todo = deque(tasks)
        self.waiting: deque[Task] = deque()
        self.gate = gate
        self.recheck = recheck
        self._last_check = 0.0

    def __bool__(self) -> bool:
        return bool(self.todo or self.waiting)

    def next(self) -> Task | None:
        """The next task to run now, or None (nothing left, or only tasks others hold)."""
        if self.waiting and time.monotonic() - self._last_check >= self.recheck:
            self._last_check = time.monotonic()
            self.todo.extendleft(reversed(self.waiting))
            self.waiting.clear()
        while self.todo:
            task = self.todo.popleft()
            verdict = "go" if self.gate is None else self.gate(task)
            if verdict == "go":
                return task
            if verdict == "wait":
                self.waiting.append(task)
        return None

    def put_back(self, task: Task) -> None:
        self.todo.appendleft(task)

    def wait_hint(self) -> float | None:
        """How long a caller with nothing to do may sleep before :meth:`next` can give more."""
        if self.todo:
            return 0.0
        if self.waiting:
            return max(0.05, self.recheck - (time.monotonic() - self._last_check))
        return None


# -- the worker process ----------------------------------------------------------------------


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


def process_alive(pid: int) -> bool:
    """Is ``pid`` a live process (not gone, not a zombie waiting to be reaped)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        return True


def _watch_driver(lifeline: Any, driver_pid: int) -> None:
    """Worker thread: end the worker at once when its driver is gone.

    The driver holds the other end of ``lifeline``; when the driver dies, however it dies,
    the pipe reads end-of-file. The driver's pid is checked too, every second.
    """
    while True:
        try:
            if lifeline.poll(1.0):
                lifeline.recv()  # the driver never sends: this raises EOFError when it is gone
        except (EOFError, OSError):
            os._exit(70)
        except Exception:  # noqa: BLE001 - anything else on the pipe: keep watching the pid
            time.sleep(1.0)
        if not process_alive(driver_pid):
            os._exit(70)


def _limit_memory(memory_mb: float | None) -> None:
    if not memory_mb:
        return
    try:
        import resource

        limit = int(memory_mb * (1 << 20))
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform
        pass


def _worker_main(
    conn: Any,
    lifeline: Any,
    driver_pid: int,
    memory_mb: float | None,
    config: PipelineConfig,
    options: dict[str, Any],
    plugins: tuple[str, ...],
) -> None:
    _set_parent_death_signal()
    threading.Thread(
        target=_watch_driver, args=(lifeline, driver_pid), daemon=True, name="extract-watchdog"
    ).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C
    # one document a process: no thread pools in numerical libraries, whose per-thread
    # buffers (some 40 MiB a core for OpenBLAS) would count against the memory limit
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    _limit_memory(memory_mb)
    warm_up(plugins)
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
        except MemoryError:
            from .pipeline import DocResult

            out = (
                DocResult(
                    Path(path),
                    None,
                    "failed",
                    error_code="out_of_memory",
                    error=_memory_message(memory_mb),
                ),
                _worker_info(),
            )
        except BaseException as e:  # run_task itself failed: report it, keep serving
            from .pipeline import DocResult

            out = (
                DocResult(
                    Path(path),
                    None,
                    "failed",
                    error=f"worker error {type(e).__name__}: {e}",
                    error_code="internal",
                ),
                _worker_info(),
            )
        try:
            conn.send((index, out))
        except (BrokenPipeError, EOFError, OSError):
            return
        except Exception as e:  # the result does not pickle
            from .pipeline import DocResult

            bad = DocResult(
                Path(path),
                None,
                "failed",
                error_code="internal",
                error=f"result cannot be sent to the driver: {type(e).__name__}: {e}",
            )
            conn.send((index, (bad, out[1])))
        if out[0].error_code == "out_of_memory":
            return  # a heap that ran out may be left in pieces: a fresh worker takes the next document


def _memory_message(memory_mb: float | None) -> str:
    if memory_mb:
        return f"ran out of memory: the document needs more than the worker's limit of {memory_mb:g} MiB"
    return "ran out of memory"


def warm_up(plugins: tuple[str, ...]) -> None:
    """Load what every document needs (the rule files, compiled once, and the pipeline's
    modules) before the first task, so the time limit measures documents, not a worker's
    start-up."""
    try:
        from .pipeline import process_text

        _import_plugins(plugins)
        for text in (
            "中位总生存期为12.4个月（HR 0.73，95%CI 0.62~0.86，P<0.001）。",
            "Median overall survival was 12.4 months (HR 0.73; 95% CI, 0.62-0.86; P<0.001).",
        ):
            process_text(text)
    except Exception:  # noqa: BLE001 - a failure here shows again, per document, where it is reported
        pass


class _Worker:
    def __init__(self, ctx: Any, memory_mb: float | None, args: tuple[Any, ...]) -> None:
        parent, child = ctx.Pipe(duplex=True)
        life_r, life_w = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(
            target=_worker_main,
            args=(child, life_r, os.getpid(), memory_mb, *args),
            daemon=True,
            name="extract-worker",
        )
        with main_module_hidden():
            self.proc.start()
        child.close()
        life_r.close()
        self.conn = parent
        self.lifeline = life_w  # never written: the worker watches for it to close
        self.task: Task | None = None
        self.started = 0.0
        self.running = False  # the worker has begun the task (it is past its warm-up)
        self.vm_mb = 0.0  # the largest address space the driver saw during the current task

    def give(self, task: Task) -> None:
        self.task = task
        self.started = time.monotonic()
        self.running = False
        self.vm_mb = 0.0
        self.conn.send((task.index, str(task.path)))

    def deadline(self, timeout: float) -> float:
        """When the task runs out of time: ``timeout`` after the worker began it; a worker
        still warming up gets :data:`WARM_UP_ALLOWANCE` more before it is judged hung."""
        return self.started + timeout + (0.0 if self.running else WARM_UP_ALLOWANCE)

    def look(self) -> None:
        if self.proc.pid is not None:
            self.vm_mb = max(self.vm_mb, _address_space_mb(self.proc.pid))

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()
        self.lifeline.close()

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


class LocalExecutor:
    """Worker processes supervised by the driver: killed and replaced on crash, time-out or
    memory exhaustion.

    Args:
        workers: how many worker processes at most.
        timeout: seconds allowed per document (None: no limit).
        memory_mb: each worker's address-space cap in MiB (None or 0: no cap).
    """

    def __init__(self, workers: int, timeout: float | None, memory_mb: float | None = None) -> None:
        self.workers = max(1, workers)
        self.timeout = timeout
        self.memory_mb = memory_mb or None

    def run(
        self,
        tasks: list[Task],
        config: PipelineConfig,
        options: dict[str, Any],
        on_done: OnDone,
        *,
        gate: Gate | None = None,
        on_start: Callable[[Task], None] | None = None,
        tick: Callable[[], None] | None = None,
    ) -> None:
        """Run every task; ``on_done`` gets each result in the driver, in the order they finish.

        ``gate`` is asked before each task is handed out (claims shared with other drivers),
        ``on_start`` is told when a worker begins a task, ``tick`` is called at least every
        few seconds while the pool runs (to renew those claims).
        """
        from multiprocessing.connection import wait

        if not tasks:
            return
        ctx = context()
        args = (config, options, plugins_of(config))
        queue = TaskQueue(tasks, gate)
        pool: list[_Worker] = []
        last_tick = time.monotonic()
        try:
            while queue or any(w.task for w in pool):
                while len(pool) < self.workers or any(w.task is None for w in pool):
                    task = queue.next()
                    if task is None:
                        break
                    idle = next((w for w in pool if w.task is None), None)
                    if idle is None:
                        idle = _Worker(ctx, self.memory_mb, args)
                        pool.append(idle)
                    try:
                        idle.give(task)
                    except OSError:  # the idle worker died (killed from outside): replace it
                        queue.put_back(task)
                        self._drop(pool, idle)
                busy = [w for w in pool if w.task is not None]
                if tick is not None and time.monotonic() - last_tick >= 5.0:
                    tick()
                    last_tick = time.monotonic()
                if not busy:
                    hint = queue.wait_hint()
                    if hint is None:
                        break
                    time.sleep(min(hint, 1.0))
                    continue
                now = time.monotonic()
                wait_for = POLL_SECONDS if self.memory_mb else 5.0
                if self.timeout is not None:
                    wait_for = min(
                        wait_for, max(0.0, min(w.deadline(self.timeout) for w in busy) - now)
                    )
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
                            if on_start is not None:
                                on_start(task)
                            continue
                        if got is not None:
                            w.task = None
                            result, info = got[1]
                            on_done(task, result, info)
                            if result.error_code == "out_of_memory":
                                self._drop(pool, w)  # it exits: a fresh one takes the next document
                            continue
                        w.proc.join(1)
                        code, message = self._crash(w)
                        self._drop(pool, w)
                        on_done(task, failed_result(task, code, message, elapsed), None)
                    elif self.timeout is not None and time.monotonic() >= w.deadline(self.timeout):
                        self._drop(pool, w)
                        message = f"exceeded the time limit of {self.timeout:g} s per document; worker killed"
                        on_done(task, failed_result(task, "timeout", message, elapsed), None)
                    else:
                        w.look()
        finally:
            for w in pool:
                if w.task is None:
                    w.stop()
                else:
                    w.kill()

    def _crash(self, w: _Worker) -> tuple[str, str]:
        """The code and message of a worker that died on its document."""
        exit_text = _describe_exit(w.proc.exitcode)
        limit = self.memory_mb
        if limit and w.vm_mb >= limit - max(256.0, 0.2 * limit):
            return "out_of_memory", (
                f"ran out of memory: the worker reached its limit of {limit:g} MiB ({exit_text})"
            )
        return "crashed", f"{exit_text} while reading this document"

    @staticmethod
    def _drop(pool: list[_Worker], w: _Worker) -> None:
        w.kill()
        pool.remove(w)  # a new worker starts when the next task needs one

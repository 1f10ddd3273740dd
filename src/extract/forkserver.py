"""The workers' forkserver: the multiprocessing context of :mod:`extract.pool`, and starting
it early.

Kept apart from :mod:`extract.pool` so that ``extract run`` can start the forkserver as
the first thing its process does (:mod:`extract.entry`), having imported only
:mod:`multiprocessing`: the forkserver then loads the pipeline (:mod:`extract.warm`) on
the other core while the driver imports its command line, instead of after the driver
has imported the pool's own modules (sockets, threads, signals, temporary files).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def context() -> Any:
    """The multiprocessing context of the workers.

    forkserver: workers fork from a clean, single-threaded process (the driver has
    threads: rich's refresh, SQLite) that has imported the pipeline and loaded its rule
    files once (:mod:`extract.warm`); spawn where there is no forkserver.
    """
    import multiprocessing as mp

    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["extract.warm"])  # it imports the pipeline
    return ctx


def start_early() -> None:
    """Start the workers' forkserver now: it loads the pipeline while the caller is still
    importing and expanding its inputs (on another core), instead of after."""
    ctx = context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        with main_module_hidden():
            forkserver.ensure_running()


@contextmanager
def main_module_hidden() -> Iterator[None]:
    """Keep multiprocessing from importing the driver's ``__main__`` in the workers.

    Workers never need it (the task and the stage plugins are imported by module
    name), and a script that calls :func:`extract.ingest.ingest` without the
    ``if __name__ == "__main__"`` guard would otherwise run again in every worker.
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

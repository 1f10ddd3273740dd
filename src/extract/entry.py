"""The ``extract`` command's entry point.

``extract run`` processes its documents in worker processes forked from a forkserver
that imports the pipeline and loads the rule files (:func:`extract.forkserver.start_early`).
Started here, before the command line's own imports (typer, rich) and its parsing,
the forkserver loads on the other core while the driver does those, instead of
after them. Any other command, and ``run --help``, goes straight to :mod:`extract.cli`.

When ``run`` is done (its outputs written and closed, its workers joined) the process
ends without tearing the interpreter down: the exit handlers run (multiprocessing's
included) and the standard streams are flushed, but the thousand modules the pipeline
imported are not freed one by one, which costs a one-document run about a tenth of its
time.
"""

from __future__ import annotations

import sys


def _uses_workers(argv: list[str]) -> bool:
    if len(argv) < 2 or argv[1] != "run":
        return False
    return not any(a in ("-h", "--help") for a in argv[2:])


def main() -> None:
    if not _uses_workers(sys.argv):
        from .cli import main as cli_main

        cli_main()
        return
    from .forkserver import start_early

    start_early()
    from .cli import main as cli_main

    try:
        cli_main()
        code: object = 0
    except SystemExit as e:
        code = e.code
    _exit_now(code)


def _exit_now(code: object) -> None:
    """End the process as ``sys.exit(code)`` would, without the interpreter's teardown."""
    import atexit
    import os

    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed, or a pipe the reader has left
            pass
    os._exit(code or 0)

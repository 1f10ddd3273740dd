"""The ``extract`` command's entry point.

``extract run`` processes its documents in worker processes forked from a forkserver
that imports the pipeline and loads the rule files (:func:`extract.pool.start_early`).
Started here, before the command line's own imports (typer, rich) and its parsing,
the forkserver loads on the other core while the driver does those, instead of
after them. Any other command, and ``run --help``, goes straight to :mod:`extract.cli`.
"""

from __future__ import annotations

import sys


def _uses_workers(argv: list[str]) -> bool:
    if len(argv) < 2 or argv[1] != "run":
        return False
    return not any(a in ("-h", "--help") for a in argv[2:])


def main() -> None:
    if _uses_workers(sys.argv):
        from .pool import start_early

        start_early()
    from .cli import main as cli_main

    cli_main()

"""Words for people: counts with the right plural, paths made short enough to read."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 document``, ``2 documents``; ``words`` for an irregular plural (``1 entry`` / ``entries``)."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def short_names(paths: Iterable[Path]) -> dict[Path, str]:
    """Each path relative to the directory the paths share (or the current directory when
    that is shorter), so that a table shows ``composed/en_review_x.md`` and
    ``composed/en_review_x.pdf`` whole instead of a cut ``/work/…/composed/en_re…``."""
    paths = list(paths)
    if not paths:
        return {}
    absolute = [p.absolute() for p in paths]
    try:
        common = Path(os.path.commonpath([p.parent for p in absolute]))
    except ValueError:  # different drives
        return {p: str(p) for p in paths}
    out = {}
    for p, a in zip(paths, absolute, strict=True):
        rel = a.relative_to(common).as_posix()
        cwd = os.path.relpath(a)
        out[p] = rel if len(rel) <= len(cwd) or cwd.startswith("..") else cwd
    return out

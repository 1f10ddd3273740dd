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
        return {p: readable_path(p) for p in paths}
    out = {}
    for p, a in zip(paths, absolute, strict=True):
        rel = a.relative_to(common).as_posix()
        cwd = os.path.relpath(a)
        out[p] = readable_text(rel if len(rel) <= len(cwd) or cwd.startswith("..") else cwd)
    return out


def readable_path(path: str | os.PathLike | bytes) -> str:
    """A path as text that is safe to store, print and write as JSON.

    A Linux file name is any bytes but ``/`` and NUL; Python hands names that are not valid
    UTF-8 over as strings with surrogate escapes (``caf\\udce9.pdf``), which SQLite, JSON
    files and terminals refuse. A name that is valid UTF-8 comes back as it is; in any other
    the bytes that do not decode are written ``\\xNN`` (``caf\\xe9.pdf``), as ``ls -b`` does.
    :func:`raw_path` gives the exact bytes back.
    """
    if isinstance(path, bytes):
        return path.decode("utf-8", "backslashreplace")
    s = os.fspath(path)
    if isinstance(s, bytes):
        return s.decode("utf-8", "backslashreplace")
    return readable_text(s)


def readable_text(text: str) -> str:
    """``text`` with surrogate escapes (undecodable bytes of a file name) written ``\\xNN``."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # surrogates that are not escaped bytes: show them as \\udNNN
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def raw_path(path: str | os.PathLike | bytes) -> bytes | None:
    """The file name's bytes when it is not valid UTF-8 (what :func:`readable_path` escaped), else None."""
    if isinstance(path, bytes):
        raw = path
    else:
        s = os.fspath(path)
        if isinstance(s, bytes):
            raw = s
        else:
            try:
                s.encode("utf-8")
                return None
            except UnicodeEncodeError:
                try:
                    raw = s.encode("utf-8", "surrogateescape")
                except UnicodeEncodeError:
                    return None
    try:
        raw.decode("utf-8")
        return None
    except UnicodeDecodeError:
        return raw

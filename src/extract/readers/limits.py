"""Bounds on what one PDF may cost to read, and the log of what did not decode.

A PDF is small on disk and may be huge inside: a 4 MB flate stream can expand to 4 GiB
(a "flate bomb"), a file can declare thousands of pages. Before either backend touches
a file, :func:`check_pdf` measures what every flate stream in it expands to, without
keeping the output (nested flate included), and refuses the file (``too_large``) when
one expands past :data:`MAX_STREAM_MB`; :func:`check_pages` refuses a file with more
pages than the ``max_pages`` limit. pdfminer's own flate decoding (which also sees
encrypted streams, once deciphered) keeps the same budget: :func:`install_pdfminer_budget`.

PDFium decodes in C and has no such hook; the memory limit of the worker process
(:mod:`extract.pool`) is its bound.

While a document is read (:func:`reading`), the streams that failed to decode, or decoded
only in part, are noted per page in a :class:`DamageLog`, so that the document can say
its text may be incomplete (warning ``stream_damaged``).
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ReaderError

MAX_STREAM_MB = 256
"""What one flate stream may expand to; past it the PDF is refused as ``too_large``."""
DEFAULT_MAX_PAGES = 2000
"""Pages a PDF may have by default (``--max-pages``); the 111-page monograph reads in ~10 s."""

_MB = 1 << 20


class StreamTooLarge(Exception):
    """A stream expands past the decompression budget."""

    def __init__(self, size: int, limit: int) -> None:
        self.size, self.limit = size, limit
        super().__init__(f"a compressed stream expands past {limit // _MB} MiB")


@dataclass
class DamageLog:
    """Streams that did not decode (or only in part) while reading one document, by page."""

    page: int | None = None  # the page being read (1-based), None while opening the file
    failed: dict[int | None, int] = field(default_factory=dict)
    partial: dict[int | None, int] = field(default_factory=dict)
    limit: int = MAX_STREAM_MB * _MB

    def note(self, partial: bool) -> None:
        book = self.partial if partial else self.failed
        book[self.page] = book.get(self.page, 0) + 1


_current: DamageLog | None = None


@contextmanager
def reading(limit_mb: float = MAX_STREAM_MB) -> Iterator[DamageLog]:
    """Collect damage notes (and apply the stream budget) while reading one document."""
    global _current
    install_pdfminer_budget()
    saved = _current
    _current = DamageLog(limit=int(limit_mb * _MB))
    try:
        yield _current
    finally:
        _current = saved


def _budget() -> int:
    return _current.limit if _current is not None else MAX_STREAM_MB * _MB


def _note(partial: bool) -> None:
    if _current is not None:
        _current.note(partial)


# -- pdfminer: bounded flate decoding -------------------------------------------------------


class _BoundedZlib:
    """Stands in for the ``zlib`` module inside ``pdfminer.pdftypes``: ``decompress`` gives
    what ``zlib.decompress`` gives, but never more than the budget."""

    error = zlib.error

    def decompress(self, data: bytes, *args: Any, **kwargs: Any) -> bytes:
        limit = _budget()
        d = zlib.decompressobj()
        try:
            out = d.decompress(data, limit + 1)
        except zlib.error:
            raise  # pdfminer tries decompress_corrupted next
        if len(out) > limit:
            raise StreamTooLarge(len(out), limit)
        if not d.eof:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's ``decompress_corrupted`` (what a stream with a bad checksum still gives),
    in linear time and within the budget; notes the damage."""
    limit = _budget()
    d = zlib.decompressobj()
    parts: list[bytes] = []
    total = 0
    n = len(data)
    i = 0
    step = 4096
    while i < n:
        saved = d.copy()
        try:
            out = d.decompress(data[i : i + step], limit + 1 - total)
            if d.unconsumed_tail:
                raise StreamTooLarge(total + len(out) + 1, limit)
        except zlib.error:
            d = saved  # the bad byte is in this piece: byte by byte, as pdfminer does
            for j in range(i, min(i + step, n)):
                try:
                    out = d.decompress(data[j : j + 1])
                except zlib.error:
                    if j < n - 3:  # not just the checksum: nothing usable
                        _note(partial=False)
                        raise
                    _note(partial=True)
                    return b"".join(parts)
                parts.append(out)
                total += len(out)
                if total > limit:
                    raise StreamTooLarge(total, limit) from None
            i += step
            continue
        parts.append(out)
        total += len(out)
        if total > limit:
            raise StreamTooLarge(total, limit)
        i += step
    if not d.eof:
        _note(partial=True)  # cut short: what came before the cut
    return b"".join(parts)


_MAX_REF_CHAIN = 32  # references to references: past this, a cycle (``6 0 obj 6 0 R endobj``)
_MAX_NESTING = 200  # arrays and dictionaries resolved inside each other


def _resolve1(x: object, default: object = None) -> Any:
    """pdfminer's ``resolve1``, which loops forever on an object that is a reference to itself;
    a chain of references longer than any real file has resolves to ``default``."""
    from pdfminer.pdftypes import PDFObjRef

    for _ in range(_MAX_REF_CHAIN):
        if not isinstance(x, PDFObjRef):
            return x
        x = x.resolve(default=default)
    return default if isinstance(x, PDFObjRef) else x


def _resolve_all(x: object, default: object = None, _depth: int = 0) -> Any:
    """pdfminer's ``resolve_all``, bounded the same way, and in how deep it goes."""
    x = _resolve1(x, default)
    if _depth >= _MAX_NESTING:
        return default
    if isinstance(x, list):
        return [_resolve_all(v, default, _depth + 1) for v in x]
    if isinstance(x, dict):
        for k, v in x.items():
            x[k] = _resolve_all(v, default, _depth + 1)
    return x


_installed = False


def install_pdfminer_budget() -> None:
    """Make pdfminer decode flate streams within the budget, and resolve references that loop
    (once per process)."""
    global _installed
    if _installed:
        return
    import sys

    from pdfminer import pdftypes

    pdftypes.zlib = _BoundedZlib()  # type: ignore[assignment]
    pdftypes.decompress_corrupted = _decompress_corrupted
    originals = {"resolve1": pdftypes.resolve1, "resolve_all": pdftypes.resolve_all}
    guards = {"resolve1": _resolve1, "resolve_all": _resolve_all}
    import pdfminer.pdfdocument  # noqa: F401 - the modules that took the names, loaded before patching
    import pdfminer.pdffont  # noqa: F401
    import pdfminer.pdfinterp  # noqa: F401
    import pdfminer.pdfpage  # noqa: F401

    for name, mod in list(sys.modules.items()):
        if mod is None or not (name.startswith("pdfminer") or name.startswith("pdfplumber")):
            continue
        for attr, original in originals.items():
            if getattr(mod, attr, None) is original:
                setattr(mod, attr, guards[attr])
    _installed = True


# -- before any backend: measure the flate streams ---------------------------------------------

_STREAM = re.compile(rb"stream\r?\n")
_IN_CHUNK = 1 << 22
_OUT_CHUNK = 1 << 24


def _zlib_header(b: bytes | memoryview) -> bool:
    return (
        len(b) >= 2 and (b[0] & 0x0F) == 8 and (b[0] >> 4) <= 7 and ((b[0] << 8) | b[1]) % 31 == 0
    )


def _inflated_size(data: bytes | memoryview, start: int, limit: int, depth: int = 0) -> int:
    """What the zlib stream at ``data[start:]`` expands to, up to just past ``limit``.

    Only a little of the output is held at a time; the first 64 MiB are kept when they start
    like zlib data themselves (a stream compressed twice) and measured in turn.
    """
    mv = memoryview(data)
    d = zlib.decompressobj()
    total = 0
    head = bytearray()
    pos = start
    tail: bytes = bytes(mv[pos : pos + _IN_CHUNK])
    pos += len(tail)
    try:
        while True:
            out = d.decompress(tail, _OUT_CHUNK)
            if depth < 2 and len(head) < 64 * _MB and (head or (total == 0 and _zlib_header(out))):
                head += out[: 64 * _MB - len(head)]
            total += len(out)
            if total > limit or d.eof:
                break
            tail = d.unconsumed_tail
            if not tail:
                if pos >= len(mv):
                    break
                tail = bytes(mv[pos : pos + _IN_CHUNK])
                pos += len(tail)
    except zlib.error:
        pass  # damaged: whatever a backend makes of it is bounded by what came out so far
    if head and total <= limit:
        total = max(total, _inflated_size(bytes(head), 0, limit, depth + 1))
    return total


def _text_decoded(data: bytes, start: int) -> bytes | None:
    """A stream written as ASCII85 or hex text (``/Filter [/ASCII85Decode /FlateDecode]``, as
    ReportLab writes them), decoded, when its dictionary says so; else None."""
    head = data[max(0, start - 512) : start]
    head = head[head.rfind(b"<<") :] if b"<<" in head else head
    if b"/ASCII85Decode" in head or b"/A85" in head:
        end = data.find(b"~>", start)
        if end < 0:
            return None
        raw = re.sub(rb"\s+", b"", data[start:end]).removeprefix(b"<~")
        try:
            return base64.a85decode(raw)
        except ValueError:
            return None
    if b"/ASCIIHexDecode" in head or b"/AHx" in head:
        end = data.find(b">", start)
        if end < 0:
            return None
        raw = re.sub(rb"\s+", b"", data[start:end])
        try:
            return bytes.fromhex(raw.decode("ascii") + ("0" if len(raw) % 2 else ""))
        except ValueError:
            return None
    return None


def check_pdf(path: Path, data: bytes, limit_mb: float = MAX_STREAM_MB) -> None:
    """Refuse (``too_large``) a PDF holding a flate stream that expands past ``limit_mb``
    (flate compressed twice, and flate under ASCII85 or hex, included)."""
    limit = int(limit_mb * _MB)
    for m in _STREAM.finditer(data):
        start = m.end()
        if _zlib_header(data[start : start + 2]):
            size = _inflated_size(data, start, limit)
        else:
            text = _text_decoded(data, start)
            if text is None or not _zlib_header(text[:2]):
                continue
            size = _inflated_size(text, 0, limit)
        if size > limit:
            raise ReaderError(
                path,
                f"a compressed stream at byte {start} expands past {limit_mb:g} MiB "
                "(a decompression bomb, or content far larger than any article)",
                code="too_large",
            )


def check_pages(path: Path, n_pages: int, max_pages: int | None) -> None:
    """Refuse (``too_large``) a PDF with more pages than ``max_pages`` (None: no limit)."""
    if max_pages is not None and n_pages > max_pages:
        raise ReaderError(
            path,
            f"PDF has {n_pages} pages, more than the limit of {max_pages} (--max-pages)",
            code="too_large",
        )


def too_large(path: Path, e: StreamTooLarge) -> ReaderError:
    return ReaderError(
        path,
        f"{e} (a decompression bomb, or content far larger than any article)",
        code="too_large",
    )


# -- the file's structure ----------------------------------------------------------------------

_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_OBJ_AT = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj")


def structure_warnings(data: bytes) -> list[dict[str, Any]]:
    """What is wrong with a PDF's frame, from its bytes: cut short, or a cross-reference table
    that points elsewhere than at the objects (both backends then re-scan the file, and
    may miss what the broken part held)."""
    out: list[dict[str, Any]] = []
    tail = data[-2048:]
    if b"%%EOF" not in tail:
        out.append(
            {
                "code": "truncated",
                "message": "the file is cut short (no %%EOF at its end); "
                "pages or text at its end may be missing",
            }
        )
    found = list(_STARTXREF.finditer(tail))
    if not found:
        if out:  # truncated: no trailer to check
            return out
        out.append(
            {
                "code": "xref_repaired",
                "message": "no startxref at the end of the file; "
                "its objects were found by re-scanning it",
            }
        )
        return out
    at = int(found[-1].group(1))
    where = data[at : at + 64]
    if where.startswith(b"xref"):
        bad, total = _check_xref_table(data, at)
        if bad:
            out.append(
                {
                    "code": "xref_repaired",
                    "message": f"{bad} of {total} cross-reference entries "
                    "point at no object; the objects were found by re-scanning the file",
                }
            )
    elif not _OBJ_AT.match(where):
        out.append(
            {
                "code": "xref_repaired",
                "message": f"startxref points at byte {at}, where there is no "
                "cross-reference table; the objects were found by re-scanning the file",
            }
        )
    return out


def _check_xref_table(data: bytes, at: int) -> tuple[int, int]:
    """Of the in-use entries of the cross-reference table at ``at``: how many point at no
    ``N G obj``, and how many there are."""
    bad = total = 0
    end = data.find(b"trailer", at)
    table = data[at : end if end > 0 else at + 20 * 100_000]
    for m in _XREF_ENTRY.finditer(table):
        if m.group(3) != b"n":
            continue
        total += 1
        off = int(m.group(1))
        if off >= len(data) or not _OBJ_AT.match(data, off):
            bad += 1
    return bad, total

"""Where an offset of the normalized text lies: its page and, for PDFs, its boxes.

The store keeps evidence boxes of machine records but not the character map,
so a record a curator adds needs the document read again: the reader and the
normalizer of the pipeline rebuild the offset map (a second or two, once per
document and process). When the file is gone or now reads differently from the
stored text, pages are inferred from the evidence of the stored records and the
added record has no box.

The server awaits :func:`warm` before it adds a record, so the reading runs in
a worker thread, not on its event loop; it holds the process's pdfium lock
(:data:`~extract.curate.render.PDFIUM_LOCK`), since the readers may use pdfium
and pdfium must not run in two threads at once, not even on two documents.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..store import Store
from .render import PDFIUM_LOCK

Box = tuple[int, tuple[float, float, float, float]]


@dataclass
class Geometry:
    """Page of an offset, and the boxes (one per line) of a span."""

    nd: Any | None  # NormalizedDocument, when the document could be read again
    starts: list[int]  # fallback: evidence starts of stored records …
    pages: list[int]  # … and their pages

    def page_of(self, offset: int) -> int:
        if self.nd is not None:
            return self.nd.page_of(offset)
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.pages[i] if i >= 0 else 1

    def boxes(self, start: int, end: int) -> list[Box]:
        if self.nd is None:
            return []
        from ..pipeline import evidence_boxes
        from ..records import Evidence

        ev = Evidence(page=self.page_of(start), start=start, end=end, text=self.nd.text[start:end])
        return evidence_boxes(self.nd, [ev])


_CACHE: OrderedDict[str, Geometry] = OrderedDict()
_LOCK = threading.Lock()


def _read_again(path: Path, text: str) -> Any | None:
    from ..errors import ExtractError
    from ..pipeline import DocState, prepare

    if not path.is_file():
        return None
    try:
        with PDFIUM_LOCK:
            state = prepare(DocState(path=path), upto="text")
    except ExtractError:
        return None
    nd = state.nd
    return nd if nd is not None and nd.text == text else None


def _cached(doc_id: str) -> Geometry | None:
    with _LOCK:
        if doc_id in _CACHE:
            _CACHE.move_to_end(doc_id)
            return _CACHE[doc_id]
    return None


def _keep(store: Store, doc_id: str, nd: Any | None) -> Geometry:
    pairs = sorted(
        {
            (ev["start"], ev["page"])
            for r in store.records(doc_id)
            for ev in r.effective.get("evidence", [])
        }
    )
    geo = Geometry(nd, [s for s, _ in pairs], [p for _, p in pairs])
    with _LOCK:
        _CACHE[doc_id] = geo
        while len(_CACHE) > 8:
            _CACHE.popitem(last=False)
    return geo


def geometry(store: Store, doc_id: str) -> Geometry:
    """The offset → page/box map of a stored document (cached per process)."""
    geo = _cached(doc_id)
    if geo is not None:
        return geo
    doc = store.document(doc_id)
    nd = _read_again(Path(doc.path), store.text(doc_id) or "") if doc is not None else None
    return _keep(store, doc_id, nd)


async def warm(store: Store, doc_id: str) -> None:
    """Make :func:`geometry` of ``doc_id`` ready, reading the document again in a worker thread.

    The store is read on the caller's thread (its connection is the event loop's).
    """
    if _cached(doc_id) is not None:
        return
    import anyio.to_thread

    doc = store.document(doc_id)
    if doc is None:
        return
    nd = await anyio.to_thread.run_sync(_read_again, Path(doc.path), store.text(doc_id) or "")
    _keep(store, doc_id, nd)

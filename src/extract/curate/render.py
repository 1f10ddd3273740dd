"""PDF page images for the document page (pypdfium2), cached per page and scale."""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from pathlib import Path

from .errors import CurationError

SCALES: tuple[float, ...] = (1.5, 3.0)
"""Render scales (× 72 dpi) the app serves: the first for a page that fits its panel, the next for zooming in."""

_CACHE: OrderedDict[tuple[str, float, int, float], bytes] = OrderedDict()
_CACHE_SIZE = 48
_LOCK = threading.Lock()  # pdfium is not thread-safe


def page_png(path: str | Path, page: int, scale: float = 1.5) -> bytes:
    """PNG bytes of 1-based ``page`` of the PDF at ``path``, rendered at ``scale`` × 72 dpi.

    The image covers the whole page, so a box in PDF points (top-left origin)
    lands at ``(x * scale, top * scale)`` on it.
    """
    try:
        import pypdfium2 as pdfium
    except ImportError as e:  # pragma: no cover - declared dependency
        raise CurationError("rendering pages needs pypdfium2: pip install pypdfium2") from e
    p = Path(path)
    try:
        mtime = p.stat().st_mtime
    except OSError as e:
        raise CurationError(f"{p}: cannot read the document to render page {page} ({e.strerror})") from e
    key = (str(p.resolve()), scale, page, mtime)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        pdf = pdfium.PdfDocument(str(p))
        try:
            if not 1 <= page <= len(pdf):
                raise CurationError(f"{p}: page {page} does not exist (the document has {len(pdf)} pages)")
            image = pdf[page - 1].render(scale=scale).to_pil()
        finally:
            pdf.close()
        buf = io.BytesIO()
        image.save(buf, format="PNG", optimize=False)
        data = buf.getvalue()
        _CACHE[key] = data
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
        return data

"""PDF page images for the document page (pypdfium2), cached per page and scale.

A page is drawn at the scale asked for unless its image would exceed the pixel
budget (:data:`MAX_PIXELS`, and :data:`MAX_SIDE` per side): then it is drawn
smaller, to fit. A media box of 10⁹ pt is a valid PDF, and rendered as asked it
would need exabytes; within the budget it is a small image, and the page panel
stretches it over the page's size in points like any other, so the evidence
boxes still land where they belong. The app calls :func:`page_png` from a worker
thread, never on its event loop.
"""

from __future__ import annotations

import io
import math
import threading
from collections import OrderedDict
from pathlib import Path

from .errors import CurationError

SCALES: tuple[float, ...] = (1.5, 3.0)
"""Render scales (× 72 dpi) the app serves: the first for a page that fits its panel, the next for zooming in."""

MAX_PIXELS = 12_000_000
"""At most this many pixels per page image (an A3 page at 3 × 72 dpi is 9 million; 48 MB as RGBA)."""
MAX_SIDE = 8_000
"""At most this many pixels on either side of a page image."""

_CACHE: OrderedDict[tuple[str, float, int, float], bytes] = OrderedDict()
_CACHE_SIZE = 48
PDFIUM_LOCK = threading.RLock()
"""Held by whatever calls pdfium in this process (renders, documents read again): pdfium is not thread-safe."""
_CACHE_LOCK = threading.Lock()


def fit_scale(width: float, height: float, scale: float) -> float:
    """``scale``, or the largest smaller one whose ``width`` × ``height`` pt image fits the pixel budget."""
    if width <= 0 or height <= 0:
        return scale
    # pdfium rounds each side up: (w·s + 1)(h·s + 1) <= MAX_PIXELS keeps the image within the budget
    area, half = width * height, (width + height) / 2
    pixels = (-half + math.sqrt(half * half + area * (MAX_PIXELS - 1))) / area
    return min(scale, pixels, (MAX_SIDE - 1) / max(width, height))


def _rasterize(pdf: object, page: int, scale: float) -> object:
    """The PIL image of 0-based ``page`` of an open pdfium document at ``scale`` (within the budget)."""
    p = pdf[page]  # type: ignore[index]
    width, height = p.get_size()
    return p.render(scale=fit_scale(width, height, scale)).to_pil()


def page_png(path: str | Path, page: int, scale: float = 1.5) -> bytes:
    """PNG bytes of 1-based ``page`` of the PDF at ``path``, rendered at ``scale`` × 72 dpi.

    The image covers the whole page, so a box in PDF points (top-left origin)
    lands at ``(x * scale, top * scale)`` on it, unless the page was too large
    for the pixel budget: then it was drawn at :func:`fit_scale` instead.
    """
    try:
        import pypdfium2 as pdfium
    except ImportError as e:  # pragma: no cover - declared dependency
        raise CurationError("rendering pages needs pypdfium2: pip install pypdfium2") from e
    p = Path(path)
    try:
        mtime = p.stat().st_mtime
    except OSError as e:
        raise CurationError(
            f"{p}: cannot read the document to render page {page} ({e.strerror})"
        ) from e
    key = (str(p.resolve()), scale, page, mtime)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(str(p))
        except pdfium.PdfiumError as e:
            raise CurationError(f"{p}: cannot open the document to render page {page} ({e})") from e
        try:
            if not 1 <= page <= len(pdf):
                raise CurationError(
                    f"{p}: page {page} does not exist (the document has {len(pdf)} pages)"
                )
            image = _rasterize(pdf, page - 1, scale)
        except pdfium.PdfiumError as e:
            raise CurationError(f"{p}: cannot render page {page} ({e})") from e
        finally:
            pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)  # PIL, not pdfium: outside the lock
    data = buf.getvalue()
    with _CACHE_LOCK:
        _CACHE[key] = data
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return data

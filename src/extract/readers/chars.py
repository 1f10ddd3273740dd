"""Character sources: the glyphs of a PDF page, whichever library reads them.

The layout code (:mod:`extract.readers.layout`) needs very little from a PDF:
for every glyph its text, bounding box, baseline, font name and size, and
whether it runs upright. :class:`CharSource` is that small interface, with two
backends:

- ``pdfplumber`` (pdfminer.six): the reference reader, slow (≈5–8 pages/s);
- ``pdfium`` (pypdfium2): 25–100× faster; reads some embedded CJK fonts that
  pdfminer returns no characters for.

Both give coordinates in PDF points with a top-left origin, in the orientation
the page is displayed in (``/Rotate`` applied), relative to the media box, so
the same layout code runs on either and bboxes can be compared across them.
Opening errors are translated to :class:`~extract.errors.ReaderError` with a
distinct ``code`` per failure (``encrypted``, ``password``, ``corrupt``,
``truncated``, ``no_pages``).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol

from ..errors import ReaderError

_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
_LIGATURE_CODES = frozenset(ord(k) for k in _LIGATURES)  # the code points the pdfium loop looks for


@dataclass(slots=True)
class Char:
    """One glyph on a page (top-left origin, points)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str = ""
    baseline: float | None = None  # y of the baseline, same axis as top/bottom
    angle: int = 0  # text direction in degrees, counter-clockwise, snapped to 0/90/180/270

    @property
    def base(self) -> float:
        return self.baseline if self.baseline is not None else self.bottom - 0.2 * self.size

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass
class PageChars:
    """The characters of one page plus what is needed to judge the page."""

    number: int  # 1-based
    width: float
    height: float
    chars: list[Char]
    source: str  # pdfplumber | pdfium | ocr
    rotation: int = 0
    image_coverage: float = 0.0  # fraction of the page area covered by images
    off_direction: list[Char] = field(default_factory=list)  # text running another way


class CharSource(Protocol):
    """A PDF opened for reading characters page by page."""

    name: str

    def __len__(self) -> int: ...

    def page(self, index: int) -> PageChars: ...

    def close(self) -> None: ...


BACKENDS = ("pdfplumber", "pdfium")


def open_source(path: Path, backend: str, password: str | None = None) -> CharSource:
    """Open ``path`` with the named backend; errors become ReaderError."""
    if backend == "pdfplumber":
        return PdfplumberSource(path, password)
    if backend == "pdfium":
        return PdfiumSource(path, password)
    raise ValueError(f"unknown PDF backend {backend!r}; expected one of {', '.join(BACKENDS)}")


# --------------------------------------------------------------------------- shared helpers


def _snap_angle(radians: float) -> int:
    deg = math.degrees(radians) % 360
    return int(round(deg / 90.0)) % 4 * 90


def _rotate_point(x: float, y: float, w: float, h: float, rot: int) -> tuple[float, float]:
    """Map a point of an upright w×h page (top-left origin) to the page turned ``rot``° clockwise."""
    if rot == 90:
        return h - y, x
    if rot == 180:
        return w - x, h - y
    if rot == 270:
        return y, w - x
    return x, y


def _rotate_box(box, w: float, h: float, rot: int) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = box
    ax, ay = _rotate_point(x0, top, w, h, rot)
    bx, by = _rotate_point(x1, bottom, w, h, rot)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _explode_ligatures(chars: list[Char]) -> list[Char]:
    """One character per glyph: ligatures (ﬁ, or "fi" on one glyph) split into their letters.

    The glyph's box is divided evenly. pdfminer's ``(cid:N)`` for a glyph it cannot
    map becomes U+FFFD, which the page judge counts as undecodable.
    """
    out: list[Char] = []
    for c in chars:
        rep = _LIGATURES.get(c.text)
        if rep is None and len(c.text) > 1:
            rep = "\ufffd" if c.text.startswith("(cid:") else c.text
        if rep is None or len(rep) == 1:
            if rep is not None:
                c.text = rep
            out.append(c)
            continue
        step = (c.x1 - c.x0) / len(rep)
        for k, letter in enumerate(rep):
            out.append(
                Char(
                    letter,
                    c.x0 + k * step,
                    c.top,
                    c.x0 + (k + 1) * step,
                    c.bottom,
                    c.size,
                    c.font,
                    c.baseline,
                    c.angle,
                )
            )
    return out


def upright_page(
    chars: list[Char], width: float, height: float
) -> tuple[list[Char], list[Char], float, float]:
    """Keep the text of the page's dominant direction, turned upright.

    Text set sideways on an otherwise upright page (a "Downloaded from …" strip
    in the margin) is returned separately. A page whose text mostly runs at 90°
    (a landscape table printed on a portrait page without ``/Rotate``) is turned
    so that its text reads left to right.
    """
    if not chars:
        return chars, [], width, height
    counts: dict[int, int] = {}
    for c in chars:
        counts[c.angle] = counts.get(c.angle, 0) + 1
    dominant = max(counts, key=lambda a: (counts[a], a == 0))
    main = [c for c in chars if c.angle == dominant]
    off = [c for c in chars if c.angle != dominant]
    if dominant:
        # the page must turn by -dominant (clockwise by `dominant`) for its text to stand upright
        rot = dominant % 360
        nw, nh = (height, width) if rot in (90, 270) else (width, height)
        turned = []
        for c in main:
            x0, top, x1, bottom = _rotate_box(c.bbox, width, height, rot)
            turned.append(Char(c.text, x0, top, x1, bottom, c.size, c.font, None, 0))
        # baselines of turned glyphs: the bottom of the loose box, less the descent
        for c in turned:
            c.baseline = c.bottom - 0.2 * c.size
        main, width, height = turned, nw, nh
    return main, off, width, height


# --------------------------------------------------------------------------- pdfplumber


class PdfplumberSource:
    """Characters from pdfplumber (pdfminer.six)."""

    name = "pdfplumber"

    def __init__(self, path: Path, password: str | None = None) -> None:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect, PDFXRefFallback
        from pdfminer.pdfparser import PDFSyntaxError
        from pdfminer.psparser import PSException

        from .limits import StreamTooLarge

        self.path = path
        try:
            self._pdf = pdfplumber.open(path, password=password or "")
            pages = self._pdf.pages
        except Exception as e:  # pdfplumber wraps pdfminer's zoo of exceptions
            inner = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
            if isinstance(inner, (MemoryError, StreamTooLarge)):
                raise inner from None
            if isinstance(inner, PDFPasswordIncorrect):
                raise _password_error(path, password) from e
            if isinstance(inner, PDFEncryptionError):
                raise ReaderError(
                    path, f"PDF uses an unsupported encryption ({inner})", code="encrypted"
                ) from e
            if isinstance(inner, (PDFSyntaxError, PSException)):
                raise _corrupt_error(path, inner) from e
            raise _corrupt_error(path, inner) from e
        self._pages = pages
        # pdfminer re-scanned the file for its objects: the cross-reference table is broken
        self.xref_repaired = any(isinstance(x, PDFXRefFallback) for x in self._pdf.doc.xrefs)

    def __len__(self) -> int:
        return len(self._pages)

    def page(self, index: int) -> PageChars:
        from pdfminer.layout import LTChar, LTContainer, LTImage

        page = self._pages[index]
        number = index + 1
        try:
            layout = page.layout
        except Exception as e:
            inner = e.args[0] if e.args and isinstance(e.args[0], BaseException) else e
            from .limits import StreamTooLarge

            if isinstance(inner, (MemoryError, StreamTooLarge)):
                raise inner from None
            raise ReaderError(
                self.path,
                f"page {number} is damaged ({type(inner).__name__}: {inner})",
                code="corrupt",
            ) from e
        width, height = float(page.width), float(page.height)
        rot = int(page.rotation or 0) % 360
        chars: list[Char] = []
        images: list[tuple[float, float, float, float]] = []
        # pdfminer's layout objects directly: pdfplumber's per-object dicts cost more than
        # the parsing itself. Coordinates are relative to the media box, /Rotate applied.
        stack = list(layout._objs)
        same = {}.setdefault  # a value → the first float object of that value (never 0.0)
        while stack:
            obj = stack.pop()
            if isinstance(obj, LTChar):
                text = obj.get_text()
                if not text:
                    continue
                text = same(text, text)  # one str object for each character on the page
                m = obj.matrix
                angle = _snap_angle(math.atan2(m[1], m[0]))
                size = float(obj.size) or abs(obj.y1 - obj.y0)
                top, bottom = height - obj.y1, height - obj.y0
                baseline = None
                if angle == 0:
                    baseline = height - float(m[5])
                    if not (top - size <= baseline <= bottom + size):
                        baseline = None
                font = obj.fontname
                if isinstance(font, bytes):
                    font = font.decode("latin-1")
                x0, x1 = float(obj.x0), float(obj.x1)
                # the glyphs of a line share their top, bottom, baseline and size: one float
                # object for each value on the page
                if x0:
                    x0 = same(x0, x0)
                if x1:
                    x1 = same(x1, x1)
                if top:
                    top = same(top, top)
                if bottom:
                    bottom = same(bottom, bottom)
                if baseline:
                    baseline = same(baseline, baseline)
                if size:
                    size = same(size, size)
                chars.append(Char(text, x0, top, x1, bottom, size, font, baseline, angle))
            elif isinstance(obj, LTImage):
                images.append((obj.x0, height - obj.y1, obj.x1, height - obj.y0))
            elif isinstance(obj, LTContainer):
                stack.extend(obj._objs)
        chars.reverse()  # content-stream order
        chars = _explode_ligatures(chars)
        chars, off, width, height = upright_page(chars, width, height)
        return PageChars(
            number, width, height, chars, self.name, rot, _coverage(images, width, height), off
        )

    def close(self) -> None:
        self._pdf.close()


# --------------------------------------------------------------------------- pdfium


class PdfiumSource:
    """Characters from pypdfium2 (PDFium)."""

    name = "pdfium"

    def __init__(self, path: Path, password: str | None = None) -> None:
        import pypdfium2 as pdfium

        self.path = path
        try:
            self._doc = pdfium.PdfDocument(str(path), password=password or None)
        except pdfium.PdfiumError as e:
            # the message carries PDFium's error ("Incorrect password error", "Data format
            # error"); FPDF_GetLastError may still hold an earlier document's error
            msg = str(e).lower()
            try:
                encrypted = b"/Encrypt" in path.read_bytes()
            except OSError:
                encrypted = True
            if not encrypted and ("password" in msg or "security" in msg):
                msg = "(pdfium: success)"  # a stale error from an earlier document
            if "password" in msg:
                raise _password_error(path, password) from e
            if "security" in msg:
                raise ReaderError(
                    path, "PDF uses an unsupported encryption", code="encrypted"
                ) from e
            if "(pdfium: success)" in msg:
                # PDFium refuses a well-formed document whose page tree is empty, with no error
                raise ReaderError(path, "PDF has no pages", code="no_pages") from e
            raise _corrupt_error(path, e) from e

    def __len__(self) -> int:
        return len(self._doc)

    def page(self, index: int) -> PageChars:
        import pypdfium2 as pdfium

        number = index + 1
        try:
            page = self._doc[index]
            textpage = page.get_textpage()
        except pdfium.PdfiumError as e:
            raise ReaderError(self.path, f"page {number} is damaged ({e})", code="corrupt") from e
        try:
            mx0, my0, mx1, my1 = page.get_mediabox()
            w, h = mx1 - mx0, my1 - my0
            rot = int(page.get_rotation() or 0) % 360
            chars, ligatures, angled = _page_glyphs(textpage.raw, (mx0, my0, mx1, my1), rot)
            images = []
            for left, bottom, right, top in _image_bounds(page.raw):
                box = (left - mx0, my1 - top, right - mx0, my1 - bottom)
                images.append(_rotate_box(box, w, h, rot) if rot else box)
        finally:
            textpage.close()
            page.close()
        width, height = (h, w) if rot in (90, 270) else (w, h)
        # both steps change nothing on a page without ligature glyphs, or without text at an
        # angle (most pages): they are left out there, not run over every glyph for nothing
        if ligatures:
            chars = _explode_ligatures(chars)
        off: list[Char] = []
        if angled:
            chars, off, width, height = upright_page(chars, width, height)
        return PageChars(
            number, width, height, chars, self.name, rot, _coverage(images, width, height), off
        )

    def count_chars(self, index: int) -> int:
        """How many characters other than white space PDFium finds on the page (quick: no boxes)."""
        import pypdfium2 as pdfium

        try:
            page = self._doc[index]
            textpage = page.get_textpage()
        except pdfium.PdfiumError:
            return 0
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
            page.close()
        return sum(1 for ch in text if not ch.isspace())

    def close(self) -> None:
        self._doc.close()


def _page_glyphs(tp, mediabox, rot: int) -> tuple[list[Char], bool, bool]:
    """The glyphs of text page ``tp`` in content-stream order (top-left origin, relative to
    the media box, the page turned ``rot``° clockwise), and whether any of them is a
    ligature glyph (ﬁ) or runs at an angle.

    This loop runs for every glyph of the document: PDFium's calls are looked up once and
    take plain addresses (ctypes' checks of a typed pointer argument cost more than the
    call itself); the loose box and the origin are written side by side and read in one
    unpack."""
    import ctypes

    mx0, my0, mx1, my1 = mediabox
    w, h = mx1 - mx0, my1 - my0
    calls = _glyph_calls()
    get_unicode, loose_box, get_origin = calls.unicode, calls.loose_box, calls.origin
    text_object, is_generated = calls.text_object, calls.is_generated
    n = calls.count(tp)
    tp_a = ctypes.cast(tp, ctypes.c_void_p).value
    out = ctypes.create_string_buffer(_GLYPH_OUT.size)
    rect_a = ctypes.addressof(out)
    ox_a, oy_a = rect_a + 16, rect_a + 24
    unpack = _GLYPH_OUT.unpack_from  # left, top, right, bottom, x, y
    style = _ObjectStyle(tp_a)
    by_object: dict[int | None, tuple[str, float, int]] = {}
    chars: list[Char] = []
    append = chars.append
    same = {}.setdefault  # a coordinate → the first float object of that value
    chr_of = _CHR
    ligature_codes = _LIGATURE_CODES
    ligatures = angled = False
    low_done = -1  # the index of a low surrogate already joined to its high one
    for i in range(n):
        if i == low_done:
            continue
        u = get_unicode(tp_a, i)
        if u == 0 or u == 0x0D or u == 0x0A or u == 0xFFFE:
            continue
        # PDFium generates spaces and line breaks only: a glyph of any other code is real
        if u == 0x20 and is_generated(tp_a, i) == 1:
            continue
        if u == 0x02:  # PDFium's code for a hyphen it takes to break a word at a line end
            u = 0x2D
        elif 0xD800 <= u <= 0xDFFF:
            # a character beyond the BMP (𝑥, 𠀀) comes as two UTF-16 halves; a lone half
            # is a glyph that did not decode
            nxt = get_unicode(tp_a, i + 1) if i + 1 < n else 0
            if u <= 0xDBFF and 0xDC00 <= nxt <= 0xDFFF:
                u = 0x10000 + ((u - 0xD800) << 10) + (nxt - 0xDC00)
                low_done = i + 1
            else:
                u = 0xFFFD
        elif u in ligature_codes:
            ligatures = True
        # one str object for each character (chr makes a new one for each glyph
        # beyond Latin-1: a CJK text's every glyph, an English one's quotes and dashes)
        text = chr_of.get(u)
        if text is None:
            text = chr_of[u] = chr(u) if u <= 0x10FFFF else "\ufffd"
        if not loose_box(tp_a, i, rect_a):
            continue
        get_origin(tp_a, i, ox_a, oy_a)
        # font, size and matrix are the text object's, the same for each of its glyphs
        # (PDFium gives a generated character other values, but those are skipped
        # above): read once per text object
        key = text_object(tp_a, i)
        known = by_object.get(key)
        if known is None:
            known = by_object[key] = style(i)
        font, size, angle = known
        left, r_top, right, r_bottom, gx, gy = unpack(out)
        if rot:
            box = _rotate_box((left - mx0, my1 - r_top, right - mx0, my1 - r_bottom), w, h, rot)
            base = _rotate_point(gx - mx0, my1 - gy, w, h, rot)[1]
            # turning the page clockwise turns its text the same way
            angle = (angle - rot) % 360
            x0, top, x1, bottom = box
        else:
            x0, top, x1, bottom = left - mx0, my1 - r_top, right - mx0, my1 - r_bottom
            base = my1 - gy
        if angle:
            base = None
            angled = True
        elif base:
            base = same(base, base)
        # the glyphs of a line share their top, bottom and baseline (and a grid of
        # CJK glyphs its x positions): one float object for each value on the page.
        # Never 0.0, which would stand for -0.0 too
        if top:
            top = same(top, top)
        if bottom:
            bottom = same(bottom, bottom)
        if x0:
            x0 = same(x0, x0)
        if x1:
            x1 = same(x1, x1)
        append(Char(text, x0, top, x1, bottom, size or abs(bottom - top), font, base, angle))
    return chars, ligatures, angled


class _ObjectStyle:
    """The font name, font size (in points) and angle (counter-clockwise, page space) of the
    text object a glyph of a text page belongs to, read with PDFium's calls declared as for
    the glyphs (:func:`_glyph_calls`)."""

    def __init__(self, tp_a: int) -> None:
        import ctypes

        self.tp_a = tp_a
        calls = _glyph_calls()
        self.calls = (calls.font_size, calls.matrix, calls.angle, calls.font_info)
        self.matrix = (ctypes.c_float * 6)()  # FS_MATRIX: a, b, c, d, e, f
        self.fontbuf = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()
        self.addresses = (
            ctypes.addressof(self.matrix),
            ctypes.addressof(self.fontbuf),
            ctypes.addressof(self.flags),
        )

    def __call__(self, i: int) -> tuple[str, float, int]:
        get_size, get_matrix, get_angle, get_font = self.calls
        tp_a, fontbuf = self.tp_a, self.fontbuf
        matrix_a, font_a, flags_a = self.addresses
        size = get_size(tp_a, i)
        # the font size is in text space: a "1 Tf" scaled by the text matrix is common
        if get_matrix(tp_a, i, matrix_a):
            a, b, c, d = self.matrix[:4]
            scale = math.hypot(c, d)
            if scale > 0:
                size *= scale
            # PDFium's char angle is atan2(-b, a) of this matrix: clockwise in page space
            angle = 0 if b == 0 and a > 0 else _snap_angle(math.atan2(-b, a))
        else:
            angle = _snap_angle(get_angle(tp_a, i))
        k = get_font(tp_a, i, font_a, len(fontbuf), flags_a)
        font = fontbuf.raw[: max(k - 1, 0)].decode("utf-8", "replace") if k else ""
        # pdfium's char angle is clockwise in page space; ours counter-clockwise, display space
        return font, size, (-angle) % 360


def _image_bounds(page) -> list[tuple[float, float, float, float]]:
    """The bounds (left, bottom, right, top) of the page's images, those inside a form
    XObject drawn on the page included (one level down), read with PDFium's own calls:
    ``PdfPage.get_objects`` builds a Python object for every path and text object."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as R

    out = []
    left, bottom, right, top = (
        ctypes.c_float(),
        ctypes.c_float(),
        ctypes.c_float(),
        ctypes.c_float(),
    )
    bounds = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
    get_type, get_bounds = R.FPDFPageObj_GetType, R.FPDFPageObj_GetBounds
    image, form = R.FPDF_PAGEOBJ_IMAGE, R.FPDF_PAGEOBJ_FORM

    def walk(count, get, parent, level: int) -> None:
        n = count(parent)
        if n < 0:
            raise pdfium.PdfiumError("Failed to get number of pageobjects.")
        for i in range(n):
            obj = get(parent, i)
            if not obj:
                raise pdfium.PdfiumError("Failed to get pageobject.")
            kind = get_type(obj)
            if kind == image:
                if get_bounds(obj, *bounds):
                    out.append((left.value, bottom.value, right.value, top.value))
            elif kind == form and level < 1:
                walk(R.FPDFFormObj_CountObjects, R.FPDFFormObj_GetObject, obj, level + 1)

    walk(R.FPDFPage_CountObjects, R.FPDFPage_GetObject, page, 0)
    return out


_GLYPH_CALLS: _GlyphCalls | None = None
_CHR: dict[int, str] = {}  # a code point → its character, one str object for all its glyphs
# what PDFium is given to write a glyph's loose box (FS_RECTF: left, top, right, bottom) and
# its origin (x, y) into, side by side
_GLYPH_OUT = struct.Struct("=4f2d")


class _GlyphCalls(NamedTuple):
    """PDFium's per-glyph and per-text-object calls, their arguments declared as plain
    addresses and ints (:func:`_glyph_calls`)."""

    unicode: object  # FPDFText_GetUnicode
    loose_box: object  # FPDFText_GetLooseCharBox
    origin: object  # FPDFText_GetCharOrigin
    text_object: object  # FPDFText_GetTextObject: the object's address as an int, a dict key
    is_generated: object  # FPDFText_IsGenerated
    count: object  # FPDFText_CountChars, as pypdfium2 declares it
    font_size: object  # FPDFText_GetFontSize
    matrix: object  # FPDFText_GetMatrix
    angle: object  # FPDFText_GetCharAngle
    font_info: object  # FPDFText_GetFontInfo


def _glyph_calls() -> _GlyphCalls:
    """PDFium's calls the glyph loop makes, looked up once a process, with arguments declared
    as plain addresses and ints (ctypes' checks of a typed pointer argument cost more than
    the call itself), and ``FPDFText_GetTextObject`` returning an int rather than a pointer
    object that ``ctypes.cast`` would have to turn into one. The return types are PDFium's,
    as pypdfium2 declares them."""
    global _GLYPH_CALLS
    if _GLYPH_CALLS is None:
        import ctypes

        import pypdfium2.raw as R

        vp, c_int, fn = ctypes.c_void_p, ctypes.c_int, ctypes.CFUNCTYPE
        _GLYPH_CALLS = _GlyphCalls(
            unicode=ctypes.cast(R.FPDFText_GetUnicode, fn(ctypes.c_uint, vp, c_int)),
            loose_box=ctypes.cast(R.FPDFText_GetLooseCharBox, fn(c_int, vp, c_int, vp)),
            origin=ctypes.cast(R.FPDFText_GetCharOrigin, fn(c_int, vp, c_int, vp, vp)),
            text_object=ctypes.cast(R.FPDFText_GetTextObject, fn(vp, vp, c_int)),
            is_generated=ctypes.cast(R.FPDFText_IsGenerated, fn(c_int, vp, c_int)),
            count=R.FPDFText_CountChars,
            font_size=ctypes.cast(R.FPDFText_GetFontSize, fn(ctypes.c_double, vp, c_int)),
            matrix=ctypes.cast(R.FPDFText_GetMatrix, fn(c_int, vp, c_int, vp)),
            angle=ctypes.cast(R.FPDFText_GetCharAngle, fn(ctypes.c_float, vp, c_int)),
            font_info=ctypes.cast(
                R.FPDFText_GetFontInfo, fn(ctypes.c_ulong, vp, c_int, vp, ctypes.c_ulong, vp)
            ),
        )
    return _GLYPH_CALLS


def _coverage(boxes, width: float, height: float) -> float:
    """Fraction of the page covered by the given boxes (clipped, overlaps counted once on a grid)."""
    if not boxes or width <= 0 or height <= 0:
        return 0.0
    n = 40
    cells = set()
    for x0, top, x1, bottom in boxes:
        i0, i1 = max(int(x0 / width * n), 0), min(int(math.ceil(x1 / width * n)), n)
        j0, j1 = max(int(top / height * n), 0), min(int(math.ceil(bottom / height * n)), n)
        for i in range(i0, i1):
            for j in range(j0, j1):
                cells.add((i, j))
    return len(cells) / (n * n)


def _password_error(path: Path, password: str | None) -> ReaderError:
    if password:
        return ReaderError(
            path, "PDF is encrypted and the password given is wrong", code="password"
        )
    return ReaderError(path, "PDF is encrypted; give its password (--password)", code="encrypted")


def _corrupt_error(path: Path, e: Exception) -> ReaderError:
    detail = f"{type(e).__name__}: {e}".strip().rstrip(":")
    try:
        tail = path.read_bytes()[-2048:]
    except OSError:
        tail = b""
    if b"%%EOF" not in tail:
        return ReaderError(
            path, f"PDF is truncated (no %%EOF at the end; {detail})", code="truncated"
        )
    return ReaderError(path, f"PDF is corrupt ({detail})", code="corrupt")

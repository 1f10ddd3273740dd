"""Hostile and damaged PDFs, made from the generated test PDFs (``corpus/pdftests``) or from
nothing: for the fuzz test (``tests/test_fuzz.py``) and the fuzz benchmark
(``benchmarks/fuzz_bench.py``).

:func:`mutants` gives ``(file name, bytes, source stem or None)``: the source is the PDF a
mutant was made from (its text is what the mutant may have lost), None for the files
built from nothing (flate bombs, thousands of pages, self-referencing objects). Every
mutant is a pure function of the seed, so a failure can be made again.

Kinds: bit flips (anywhere, or inside the compressed streams only), truncations, broken
cross-reference tables (startxref off, every offset shifted, the table gone), wrong
``/Length``s, objects cut out, garbage spliced in, content streams garbled under a
valid frame, huge or absurd media boxes, flate bombs (GiBs from a few MB; twice
compressed; under ASCII85), many pages, self-referencing objects and page trees, and odd
file names (spaces, Chinese, bytes that are not UTF-8, rich markup, a newline, 250 bytes).
"""

from __future__ import annotations

import base64
import os
import random
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDFTESTS = ROOT / "corpus" / "pdftests"
SOURCES = sorted(PDFTESTS.glob("*.pdf"))

Mutant = tuple[str, bytes, "str | None"]


# -- writing PDFs ------------------------------------------------------------------------------


def build_pdf(objects: dict[int, bytes], root: int = 1, version: bytes = b"1.4") -> bytes:
    """A PDF with these objects (number → body) and a correct cross-reference table."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
SENTENCE = (
    b"Overall survival was 12.4 months with the combination versus 9.8 months with "
    b"chemotherapy alone (HR 0.73, 95% CI 0.61-0.88; P<0.001)."
)


def page_content(lines: int = 30, page: int = 1) -> bytes:
    ops = [b"BT /F1 9 Tf 50 760 Td 11 TL"]
    for k in range(lines):
        words = SENTENCE[: 60 + (k * 7) % 60].replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(b"(%d.%d %s) Tj T*" % (page, k, words))
    ops.append(b"ET")
    return b"\n".join(ops)


def simple_pdf(
    contents: list[bytes], media: bytes = b"[0 0 612 792]", compress: bool = True
) -> bytes:
    """One page per content stream, Helvetica, a classic cross-reference table."""
    objs: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: FONT}
    kids = []
    for i, content in enumerate(contents):
        page, cont = 4 + 2 * i, 5 + 2 * i
        kids.append(b"%d 0 R" % page)
        objs[page] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox " + media + b" /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % cont
        )
        objs[cont] = (
            stream(zlib.compress(content), b"/Filter /FlateDecode ")
            if compress
            else stream(content)
        )
    objs[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(contents)
    return build_pdf(objs)


def one_line_pdf(width: float, height: float, text: str) -> bytes:
    """One page of ``width`` × ``height`` pt (any size, 1e9 too) with one line of text."""
    content = b"BT /F1 24 Tf 72 72 Td (%s) Tj ET" % text.encode("latin-1")
    return simple_pdf([content], media=b"[0 0 %.0f %.0f]" % (width, height), compress=False)


# -- flate bombs -------------------------------------------------------------------------------


def _adler32_repeated(byte: int, n: int, start: int = 1) -> int:
    """Adler-32 of ``n`` copies of ``byte`` continuing from ``start`` (closed form)."""
    mod = 65521
    a0, b0 = start & 0xFFFF, start >> 16
    a = (a0 + n * byte) % mod
    b = (b0 + n * a0 + byte * (n * (n + 1) // 2)) % mod
    return (b << 16) | a


def flate_bomb(expanded: int, prefix: bytes = b"") -> bytes:
    """A zlib stream of ``prefix`` followed by about ``expanded`` bytes of spaces, made in
    well under a second however large: one compressed MiB of spaces, flushed to a byte
    boundary, repeated (about 1 KB a MiB: 4 GiB from 4 MB)."""
    unit = 1 << 20
    c = zlib.compressobj(9)
    first = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(b" " * unit) + c.flush(zlib.Z_FULL_FLUSH)
    n = max(1, expanded // unit)
    adler = zlib.adler32(prefix)
    adler = _adler32_repeated(0x20, n * unit, adler)
    return first + block * n + b"\x03\x00" + struct.pack(">I", adler)


def bomb_pdf(expanded: int, where: str = "content") -> bytes:
    """A one-page PDF whose content stream (or font file, or twice-compressed content, or
    ASCII85-encoded content) expands to ``expanded`` bytes."""
    text = b"BT /F1 12 Tf 72 700 Td (A page with a flate bomb in it.) Tj ET\n"
    objs: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: FONT,
        4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        b"/Resources << /Font << /F1 3 0 R >> >> >>",
    }
    if where == "content":
        objs[5] = stream(flate_bomb(expanded, text), b"/Filter /FlateDecode ")
    elif where == "double":
        objs[5] = stream(
            zlib.compress(flate_bomb(expanded, text), 9), b"/Filter [/FlateDecode /FlateDecode] "
        )
    elif where == "ascii85":
        enc = b"<~" + base64.a85encode(flate_bomb(expanded, text), wrapcol=80) + b"~>"
        objs[5] = stream(enc, b"/Filter [/ASCII85Decode /FlateDecode] ")
    elif where == "font":
        objs[3] = (
            b"<< /Type /Font /Subtype /TrueType /BaseFont /Bomb /FirstChar 32 /LastChar 126 "
            b"/FontDescriptor 6 0 R >>"
        )
        objs[5] = stream(zlib.compress(text), b"/Filter /FlateDecode ")
        objs[6] = (
            b"<< /Type /FontDescriptor /FontName /Bomb /Flags 32 /FontBBox [0 0 1000 1000] "
            b"/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 7 0 R >>"
        )
        objs[7] = stream(flate_bomb(expanded), b"/Filter /FlateDecode ")
    elif where == "image":
        objs[4] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 6 0 R >> >> >>"
        )
        objs[5] = stream(
            zlib.compress(text + b"q 500 0 0 500 50 100 cm /Im1 Do Q\n"), b"/Filter /FlateDecode "
        )
        side = int((expanded / 3) ** 0.5)
        objs[6] = stream(
            flate_bomb(expanded),
            b"/Type /XObject /Subtype /Image /Width %d /Height %d "
            b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode " % (side, side),
        )
    else:
        raise ValueError(where)
    return build_pdf(objs)


def stacked_bombs(pages: int, each: int) -> bytes:
    """``pages`` pages, each with its own content stream of ``each`` bytes: every stream under
    the decompression budget, all of them together past any worker's memory."""
    text = b"BT /F1 12 Tf 72 700 Td (A page just under the stream budget.) Tj ET\n"
    objs: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: FONT}
    bomb = stream(flate_bomb(each, text), b"/Filter /FlateDecode ")
    kids = []
    for i in range(pages):
        objs[4 + 2 * i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * i)
        )
        objs[5 + 2 * i] = bomb
        kids.append(b"%d 0 R" % (4 + 2 * i))
    objs[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
    return build_pdf(objs)


# -- built from nothing ------------------------------------------------------------------------


def many_pages(n: int, shared: bool = True) -> bytes:
    """``n`` pages; with ``shared`` they all draw one content stream (a small file)."""
    objs: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: FONT}
    objs[4] = stream(zlib.compress(page_content(4)), b"/Filter /FlateDecode ")
    kids = []
    for i in range(n):
        num = 5 + i * (1 if shared else 2)
        kids.append(b"%d 0 R" % num)
        cont = 4 if shared else num + 1
        objs[num] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % cont
        )
        if not shared:
            objs[cont] = stream(zlib.compress(page_content(4, i + 1)), b"/Filter /FlateDecode ")
    objs[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % n
    return build_pdf(objs)


def self_referencing(kind: str) -> bytes:
    """Objects that point at themselves or loop, in the places readers follow references."""
    content = stream(zlib.compress(page_content(20)), b"/Filter /FlateDecode ")
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        b"/Resources << /Font << /F1 3 0 R >> >> >>"
    )
    objs: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: FONT,
        4: page,
        5: content,
    }
    if kind == "contents":  # /Contents is a reference to itself
        objs[4] = page.replace(b"/Contents 5 0 R", b"/Contents 6 0 R")
        objs[6] = b"6 0 R"
    elif kind == "contents_array":  # an array of contents that holds itself
        objs[4] = page.replace(b"/Contents 5 0 R", b"/Contents 6 0 R")
        objs[6] = b"[5 0 R 6 0 R]"
    elif kind == "kids":  # the page tree lists itself among its kids
        objs[2] = b"<< /Type /Pages /Kids [4 0 R 2 0 R] /Count 2 >>"
    elif kind == "kids_cycle":  # two page-tree nodes, each the other's kid
        objs[2] = b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>"
        objs[6] = b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 4 0 R] /Count 1 >>"
    elif kind == "resources":  # resources inherited from a parent that is the page itself
        objs[4] = (
            b"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
            b"/Resources 6 0 R >>"
        )
        objs[6] = b"6 0 R"
    elif kind == "font":  # the font dictionary's /Widths and /Encoding refer to themselves
        objs[3] = (
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar 126 "
            b"/Widths 6 0 R /Encoding 7 0 R >>"
        )
        objs[6] = b"6 0 R"
        objs[7] = b"<< /Type /Encoding /BaseEncoding 7 0 R /Differences 7 0 R >>"
    elif kind == "xobject":  # a form XObject that draws itself
        objs[4] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /X1 6 0 R >> >> >>"
        )
        objs[5] = stream(zlib.compress(page_content(10) + b"\n/X1 Do"), b"/Filter /FlateDecode ")
        objs[6] = stream(
            b"BT /F1 9 Tf 50 100 Td (form) Tj ET /X1 Do",
            b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /X1 6 0 R >> >> ",
        )
    elif kind == "length":  # the stream's /Length is a reference to itself
        objs[5] = re.sub(rb"/Length \d+", b"/Length 6 0 R", content, count=1)
        objs[6] = b"6 0 R"
    elif kind == "deep":  # an array nested 100 000 deep
        objs[4] = page.replace(
            b"/MediaBox [0 0 612 792]",
            b"/MediaBox [0 0 612 792] /Junk " + b"[" * 100_000 + b"]" * 100_000,
        )
    else:
        raise ValueError(kind)
    return build_pdf(objs)


SELF_REFERENCING = (
    "contents",
    "contents_array",
    "kids",
    "kids_cycle",
    "resources",
    "font",
    "xobject",
    "length",
    "deep",
)


# -- mutating a PDF ----------------------------------------------------------------------------


def _streams(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of every stream's data."""
    out = []
    for m in re.finditer(rb"stream\r?\n", data):
        if data[max(0, m.start() - 3) : m.start()] == b"end":
            continue
        end = data.find(b"endstream", m.end())
        if end > m.end():
            out.append((m.end(), end))
    return out


def flip_bits(data: bytes, rng: random.Random, n: int, in_streams: bool = False) -> bytes:
    b = bytearray(data)
    spans = _streams(data) if in_streams else [(16, len(data))]
    spans = [s for s in spans if s[1] - s[0] > 8] or [(16, len(data))]
    for _ in range(n):
        lo, hi = rng.choice(spans)
        i = rng.randrange(lo, hi)
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def truncate(data: bytes, share: float) -> bytes:
    return data[: max(16, int(len(data) * share))]


def broken_xref(data: bytes, how: str) -> bytes:
    if how == "startxref":
        return re.sub(
            rb"startxref\s+(\d+)", lambda m: b"startxref\n%d" % (int(m.group(1)) + 17), data
        )
    if how == "shift":  # every offset off by 3 bytes
        return re.sub(
            rb"(\d{10}) (\d{5}) n",
            lambda m: b"%010d %s n" % (int(m.group(1)) + 3, m.group(2)),
            data,
        )
    if how == "gone":
        i, j = data.rfind(b"xref"), data.rfind(b"trailer")
        return data[:i] + data[j:] if 0 < i < j else data
    if how == "keyword":
        i = data.rfind(b"\nxref")
        return data[:i] + b"\nxzef" + data[i + 5 :] if i > 0 else data
    if how == "zeros":  # every offset 0
        return re.sub(rb"(\d{10}) (\d{5}) n", lambda m: b"0000000000 %s n" % m.group(2), data)
    raise ValueError(how)


def wrong_lengths(data: bytes, rng: random.Random, how: str) -> bytes:
    def fix(m: re.Match[bytes]) -> bytes:
        n = int(m.group(1))
        if how == "short":
            return b"/Length %d" % max(0, n // 2)
        if how == "long":
            return b"/Length %d" % (n * 3 + 1000)
        if how == "huge":
            return b"/Length 9999999999"
        return b"/Length %d" % max(0, n + rng.randint(-50, 50))

    return re.sub(rb"/Length (\d+)", fix, data)


def cut_object(data: bytes, rng: random.Random) -> bytes:
    objs = list(re.finditer(rb"\n(\d+) 0 obj\b.*?endobj", data, re.S))
    if not objs:
        return data
    m = rng.choice(objs)
    return data[: m.start()] + data[m.end() :]


def splice_garbage(data: bytes, rng: random.Random, size: int) -> bytes:
    i = rng.randrange(16, len(data))
    return data[:i] + bytes(rng.randrange(256) for _ in range(size)) + data[i:]


def zero_region(data: bytes, rng: random.Random, share: float) -> bytes:
    n = max(1, int(len(data) * share))
    i = rng.randrange(16, max(17, len(data) - n))
    return data[:i] + b"\0" * n + data[i + n :]


_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJ.finditer(data)}


def _root(data: bytes) -> int:
    m = re.search(rb"/Root (\d+) 0 R", data)
    return int(m.group(1)) if m else 1


def garble_content(data: bytes, rng: random.Random, n: int, mode: str = "flip") -> bytes:
    """Damage the decoded content of the content streams, then write a valid file around them:
    the frame is sound, the text operators are not."""
    objs = _objects(data)
    for num, body in list(objs.items()):
        m = re.match(rb"(<<.*?>>)\s*stream\r?\n(.*)\r?\nendstream", body, re.S)
        if not m or b"/Subtype" in m.group(1) or b"/Length1" in m.group(1):
            continue  # fonts and images stay
        head, raw = m.group(1), m.group(2)
        try:
            if b"/ASCII85Decode" in head:
                raw = base64.a85decode(raw.strip().removeprefix(b"<~"), adobe=False)
                if raw.endswith(b"~>"):
                    raw = raw[:-2]
            decoded = zlib.decompress(raw) if b"/FlateDecode" in head else raw
        except (ValueError, zlib.error):
            continue
        b = bytearray(decoded)
        if not b:
            continue
        if mode == "flip":
            for _ in range(n):
                b[rng.randrange(len(b))] = rng.randrange(256)
        elif mode == "cut":  # the stream ends early
            b = b[: len(b) // 3]
        elif mode == "ops":  # text-showing operators renamed: the text is there, never shown
            b = bytearray(bytes(b).replace(b"Tj", b"Tz").replace(b"TJ", b"TZ"))
        objs[num] = stream(zlib.compress(bytes(b)), b"/Filter /FlateDecode ")
    return build_pdf(objs, _root(data))


def huge_media(data: bytes, box: bytes) -> bytes:
    return re.sub(rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox " + box, data)


MEDIA_BOXES = (
    b"[0 0 1e9 1e9]",
    b"[0 0 14400 14400]",
    b"[-1e9 -1e9 1e9 1e9]",
    b"[0 0 0 0]",
    b"[0 0 3e38 3e38]",
    b"[612 792 0 0]",
)


# -- odd names -------------------------------------------------------------------------------

ODD_NAMES: tuple[bytes, ...] = (
    b"with spaces and 'quotes'.pdf",
    "中文文件名 综述.pdf".encode(),
    b"latin1 caf\xe9 r\xe9sum\xe9.pdf",  # not UTF-8
    b"\xff\xfe bytes that decode to nothing.pdf",  # not UTF-8
    b"[red]rich markup[bold] [link=x]y.pdf",
    b"-starts-with-a-dash.pdf",
    b"new\nline.pdf",
    b"tab\there.pdf",
    b"x" * 246 + b".pdf",  # 250 bytes: as long as a name may be
    b"\xe2\x80\xae right-to-left override.pdf",
    b"UPPER.PDF",
)


def write(folder: Path, name: str | bytes, data: bytes) -> Path:
    """Write a mutant into ``folder`` under its name (bytes names as the file system has them)."""
    raw = name if isinstance(name, bytes) else os.fsencode(name)
    path = os.path.join(os.fsencode(folder), raw)
    with open(path, "wb") as f:
        f.write(data)
    return Path(os.fsdecode(path))


# -- the collection -----------------------------------------------------------------------------


def _media(data: bytes, rng: random.Random, box: bytes) -> bytes:
    return huge_media(data, box)


def mutants(
    count: int, seed: int = 16, *, heavy: bool = False
) -> Iterator[tuple[str | bytes, bytes, str | None]]:
    """``count`` mutants (a round robin over the kinds and the sources), then — with ``heavy``
    — the large ones: bombs of GiBs, files of thousands of pages."""
    rng = random.Random(seed)
    sources = [(p.stem, p.read_bytes()) for p in SOURCES]
    kinds: list[tuple[str, Callable[[bytes, random.Random], bytes]]] = [
        ("flip1", lambda d, r: flip_bits(d, r, 1)),
        ("flip5", lambda d, r: flip_bits(d, r, 5)),
        ("flip40", lambda d, r: flip_bits(d, r, 40)),
        ("sflip3", lambda d, r: flip_bits(d, r, 3, in_streams=True)),
        ("sflip20", lambda d, r: flip_bits(d, r, 20, in_streams=True)),
        ("trunc90", lambda d, r: truncate(d, 0.9)),
        ("trunc60", lambda d, r: truncate(d, 0.6)),
        ("trunc30", lambda d, r: truncate(d, 0.3)),
        ("xref-startxref", lambda d, r: broken_xref(d, "startxref")),
        ("xref-shift", lambda d, r: broken_xref(d, "shift")),
        ("xref-gone", lambda d, r: broken_xref(d, "gone")),
        ("xref-keyword", lambda d, r: broken_xref(d, "keyword")),
        ("xref-zeros", lambda d, r: broken_xref(d, "zeros")),
        ("len-short", lambda d, r: wrong_lengths(d, r, "short")),
        ("len-long", lambda d, r: wrong_lengths(d, r, "long")),
        ("len-huge", lambda d, r: wrong_lengths(d, r, "huge")),
        ("len-jitter", lambda d, r: wrong_lengths(d, r, "jitter")),
        ("cut-object", lambda d, r: cut_object(d, r)),
        ("garbage", lambda d, r: splice_garbage(d, r, 200)),
        ("zeros", lambda d, r: zero_region(d, r, 0.1)),
        ("garble-flip", lambda d, r: garble_content(d, r, 8)),
        ("garble-cut", lambda d, r: garble_content(d, r, 0, "cut")),
        ("garble-ops", lambda d, r: garble_content(d, r, 0, "ops")),
        *[(f"media{i}", partial(_media, box=box)) for i, box in enumerate(MEDIA_BOXES)],
    ]
    built: list[tuple[str, Callable[[], bytes]]] = [
        ("bomb-300m", lambda: bomb_pdf(300 << 20)),
        ("bomb-200m-under-budget", lambda: bomb_pdf(200 << 20)),
        ("bomb-double", lambda: bomb_pdf(600 << 20, "double")),
        ("bomb-ascii85", lambda: bomb_pdf(300 << 20, "ascii85")),
        ("bomb-font", lambda: bomb_pdf(300 << 20, "font")),
        ("bomb-image", lambda: bomb_pdf(300 << 20, "image")),
        ("pages-300", lambda: many_pages(300)),
        *[(f"selfref-{k}", partial(self_referencing, k)) for k in SELF_REFERENCING],
    ]
    made = 0
    i = 0
    while made < count:
        if i % 4 == 3 and built:
            name, make = built.pop(0)
            yield f"{name}.pdf", make(), None
        else:
            kind, fn = kinds[i % len(kinds)]
            stem, data = sources[(i * 7) % len(sources)]
            yield f"{stem}.{kind}.{i}.pdf", fn(data, rng), stem
        made += 1
        i += 1
    stem, data = sources[0]
    for k, name in enumerate(ODD_NAMES):
        yield name, flip_bits(data, rng, k % 3), stem
    if heavy:
        for gib in (1, 4, 8):
            yield f"bomb-{gib}g.pdf", bomb_pdf(gib << 30), None
        yield "bomb-4g-double.pdf", bomb_pdf(4 << 30, "double"), None
        yield "bomb-4g-ascii85.pdf", bomb_pdf(4 << 30, "ascii85"), None
        yield "bomb-2g-font.pdf", bomb_pdf(2 << 30, "font"), None
        yield "bomb-4g-image.pdf", bomb_pdf(4 << 30, "image"), None
        yield "bombs-8x250m-under-budget.pdf", stacked_bombs(8, 250 << 20), None
        yield "bombs-4x200m-under-budget.pdf", stacked_bombs(4, 200 << 20), None
        yield "pages-5000.pdf", many_pages(5000), None
        yield "pages-5000-distinct.pdf", many_pages(5000, shared=False), None
        yield "pages-1900.pdf", many_pages(1900), None


def text_retained(original: str, text: str) -> float:
    """Share of ``original``'s characters (white space aside) that ``text`` still has, in order:
    their longest common subsequence over the original's length."""
    from rapidfuzz.distance import Indel

    a, b = "".join(original.split()), "".join(text.split())
    if not a:
        return 1.0
    common = (len(a) + len(b) - Indel.distance(a, b)) / 2
    return common / len(a)

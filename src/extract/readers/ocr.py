"""OCR for scanned pages: Tesseract (``chi_sim+eng``) → characters for the layout code.

The page is rendered with pypdfium2 at 300 dpi and passed to the ``tesseract``
command (Debian packages ``tesseract-ocr`` and ``tesseract-ocr-chi-sim``). Its
TSV output gives words with boxes; each word is split into characters with
equal shares of the word's box, in PDF points, so the OCR text runs through the
same layout analysis as a text layer and every character keeps a bbox. The
page's ``source`` is ``"ocr"``.

Tesseract is slow (≈11 s per page with ``OMP_THREAD_LIMIT=1``), so OCR only
runs when the caller asks for it (``read_pdf(..., ocr=True)``, ``--ocr``).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ReaderError
from .chars import Char, PageChars

DPI = 300
LANGS = "chi_sim+eng"
MAX_PIXELS = 40_000_000
"""Pixels a page image for OCR may have: an A4 page at 300 dpi has 8.7 million; a page with a
huge media box is rendered at a lower resolution instead of as a bitmap of gigabytes."""


def tesseract_available(langs: str = LANGS) -> bool:
    exe = shutil.which("tesseract")
    if not exe:
        return False
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    have = set(out.stdout.split()) | set(out.stderr.split())
    return all(lang in have for lang in langs.split("+"))


def ocr_page(
    path: Path, index: int, password: str | None = None, langs: str = LANGS, timeout: float = 300.0
) -> PageChars:
    """OCR page ``index`` (0-based) of the PDF at ``path``."""
    import pypdfium2 as pdfium

    exe = shutil.which("tesseract")
    if not exe:
        raise ReaderError(
            path,
            "OCR needs the tesseract command (apt-get install tesseract-ocr tesseract-ocr-chi-sim)",
            code="ocr_unavailable",
        )
    doc = pdfium.PdfDocument(str(path), password=password or None)
    try:
        page = doc[index]
        width, height = page.get_size()
        scale = DPI / 72.0
        if width * height * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / max(width * height, 1e-9)) ** 0.5
        bitmap = page.render(scale=scale)
        image = bitmap.to_pil()
        page.close()
    finally:
        doc.close()
    env = dict(os.environ, OMP_THREAD_LIMIT=os.environ.get("OMP_THREAD_LIMIT", "1"))
    with tempfile.TemporaryDirectory(prefix="extract-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        try:
            proc = subprocess.run(
                [exe, str(png), "stdout", "-l", langs, "--psm", "3", "tsv"],
                capture_output=True,
                text=True,
                timeout=timeout,
                env=env,
            )
        except subprocess.TimeoutExpired as e:
            raise ReaderError(
                path, f"OCR of page {index + 1} timed out after {timeout:.0f} s", code="ocr_failed"
            ) from e
    if proc.returncode != 0:
        reason = (
            proc.stderr.strip().splitlines()[-1]
            if proc.stderr.strip()
            else f"exit {proc.returncode}"
        )
        raise ReaderError(path, f"OCR of page {index + 1} failed ({reason})", code="ocr_failed")
    chars = chars_from_tsv(proc.stdout, 1.0 / scale)
    return PageChars(index + 1, float(width), float(height), chars, "ocr")


def chars_from_tsv(tsv: str, scale: float) -> list[Char]:
    """Tesseract TSV words → characters (word boxes split evenly), in points."""
    chars: list[Char] = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    lines: dict[tuple[str, str, str], list[dict]] = {}
    for row in reader:
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        if not text or float(row.get("conf") or -1) < 0:
            continue
        key = (row["block_num"], row["par_num"], row["line_num"])
        lines.setdefault(key, []).append(row)
    for words in lines.values():
        # one baseline per OCR line: the lowest word bottom is close to it for Latin and CJK alike
        heights = sorted(int(w["height"]) for w in words)
        h = heights[len(heights) // 2] * scale
        base = max((int(w["top"]) + int(w["height"])) for w in words) * scale
        size = max(h / 0.72, 4.0)
        for w in words:
            text = w["text"].strip()
            left, top = int(w["left"]) * scale, int(w["top"]) * scale
            width = int(w["width"]) * scale
            step = width / len(text)
            for k, ch in enumerate(text):
                chars.append(
                    Char(
                        ch,
                        left + k * step,
                        top,
                        left + (k + 1) * step,
                        top + int(w["height"]) * scale,
                        size,
                        "OCR",
                        base - 0.18 * size,
                        0,
                    )
                )
    # no space glyphs: word gaps give Latin spaces, and Chinese needs none
    return chars

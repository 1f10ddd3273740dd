"""Reading each test PDF once per session and backend (import from any reader test)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from corpus_paths import CORPUS

from extract.document import Document
from extract.normalize import NormalizedDocument, normalize
from extract.readers.pdf import read_pdf

PDFTESTS = CORPUS / "pdftests"
GENERATED = sorted(p.stem for p in PDFTESTS.glob("*.pdf"))
BACKENDS = ("pdfplumber", "pdfium")


@cache
def read(path: str, backend: str = "auto") -> Document:
    return read_pdf(path, backend=backend)


@cache
def read_normalized(path: str, backend: str = "auto") -> NormalizedDocument:
    return normalize(read(path, backend))


def generated(name: str) -> tuple[Path, str]:
    """The generated PDF and its expected text."""
    return PDFTESTS / f"{name}.pdf", (PDFTESTS / f"{name}.expected.txt").read_text(encoding="utf-8")

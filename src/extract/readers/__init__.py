"""Readers: bytes on disk → :class:`~extract.document.Document`.

``read_document`` picks the reader by suffix; every failure is a
:class:`~extract.errors.ReaderError` naming the file and the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import ReaderError

TEXT_SUFFIXES = {".txt", ".md"}
PDF_SUFFIXES = {".pdf"}
XML_SUFFIXES = {".nxml", ".xml"}  # JATS / PubMed Central articles
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | XML_SUFFIXES


def read_document(path: str | Path, **options: Any) -> Document:
    """Read one input file. ``options`` go to the PDF reader (password, backend, ocr…)."""
    path = Path(path)
    if not path.exists():
        raise ReaderError(path, "no such file", code="missing")
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        from .pdf import read_pdf

        return read_pdf(path, **options)
    if suffix in TEXT_SUFFIXES:
        from .text import read_text

        return read_text(path)
    if suffix in XML_SUFFIXES:
        from .jats import read_jats

        return read_jats(path)
    raise ReaderError(
        path,
        f"unsupported file type {suffix or '(none)'}; expected one of "
        + ", ".join(sorted(SUPPORTED_SUFFIXES)),
        code="unsupported",
    )

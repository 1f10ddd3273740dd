"""Plain-text / Markdown reader: ``.txt`` and ``.md`` files.

The file's flavour is told by its content (:func:`.markup.flavour`): PubMed Central
plain text (headings and sections), converter Markdown such as the seed review or MinerU
output (LaTeX math decoded, HTML and pipe tables read into cells), or plain prose (as it
is). In every flavour caret citation markers (``^[1-2]``) become
:class:`~extract.document.Citation` annotations and every output character keeps its
offset in the file (``metadata["source_offsets"]``), so provenance survives. A form feed
starts a new page; otherwise the whole file is page 1.
"""

from __future__ import annotations

from pathlib import Path

from ..document import Document, Page
from ..errors import ReaderError
from ..records import doc_id_for_bytes
from .markup import (
    Built,
    build_converter,
    build_pmc,
    fenced_tables,
    flavour,
    pull_citations,
    unbreak_cells,
)


def file_bytes(path: Path) -> bytes:
    """The bytes of a text or XML file; ReaderError ``io`` when it cannot be read, ``empty`` when
    it holds nothing but white space."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReaderError(path, f"cannot read file ({e.strerror})", code="io") from e
    if not data.strip():
        raise ReaderError(path, "file is empty", code="empty")
    return data


def read_text(path: str | Path) -> Document:
    """Read a ``.txt`` / ``.md`` file into a :class:`Document` (UTF-8, GB18030 as fallback)."""
    path = Path(path)
    data = file_bytes(path)
    for enc in ("utf-8-sig", "gb18030"):
        try:
            raw = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise ReaderError(path, "not UTF-8 or GB18030 text", code="encoding")
    if "\x00" in raw:
        raise ReaderError(path, "binary content (NUL bytes) in a text file", code="binary")
    return text_document(raw, path, doc_id_for_bytes(data))


def text_document(raw: str, path: str | Path = "<text>", doc_id: str | None = None) -> Document:
    """Build a :class:`Document` from a string, by its flavour (see :mod:`.markup`).

    PMC plain text gets its headings and sections, converter Markdown its math decoded and
    its tables as cells, plain prose stays as it is; in all, caret citation markers become
    :class:`Citation` annotations and every character keeps its file offset.
    """
    path = Path(path)
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    kind = flavour(raw)
    if kind == "pmc":
        built = build_pmc(raw)
    elif kind == "converter":
        built = build_converter(raw)
    else:
        built = Built()
        plain = unbreak_cells(raw)
        built.put(plain, list(range(len(raw))))
        built.tables = fenced_tables(plain)
    text, origin, cites = pull_citations(built)
    pages: list[Page] = []
    start = 0
    for number, chunk in enumerate(text.split("\f"), start=1):
        end = start + len(chunk)
        pages.append(Page(number=number, start=start, end=end, source="text"))
        start = end + 1
    metadata: dict = {"source_offsets": origin, "flavour": kind}
    if built.headings:
        metadata["headings"] = built.headings
    if built.sections:
        metadata["sections"] = built.sections
    return Document(
        path=path,
        doc_id=doc_id or doc_id_for_bytes(raw.encode("utf-8")),
        text=text,
        pages=pages,
        citations=cites,
        tables=built.tables,
        format="text",
        metadata=metadata,
    )

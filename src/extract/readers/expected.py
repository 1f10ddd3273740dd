"""Expected readings of real PDF pages, and how far a reading meets them.

An expectation file (JSON, one per PDF; ``tests/real_pdf/*.json``) says what a reader
of the page images sees on a few pages::

    {"pdf": "real_pdf/en_x.pdf", "language": "en", "open": true,
     "pages": {"2": {"order": ["…", "…"], "sentences": ["…"], "numbers": ["70.2%"],
                     "furniture": ["PLOS ONE | DOI…"]}},
     "document": {"furniture": ["Content courtesy of Springer Nature"]}}

A PDF that cannot be read as text (scanned, junk glyphs) has ``"error": "<code>"``: the
:class:`~extract.errors.ReaderError` code its reading must fail with.

- ``order``: short snippets of one page that must come out in this order (as
  written, else in any case: a small-caps heading's text layer may be in lower case) (paragraph order: the
  column read before the next, the title before the abstract);
- ``sentences``: sentences that must come out whole, in one piece;
- ``numbers``: numbers that must come out exactly on their page (``7.7``, ``95% CI 0.61-0.97``),
  not run into a neighbouring digit;
- ``furniture``: running heads, strips and watermarks that must not be in the text.

The text compared is the normalized text (:func:`extract.normalize.normalize`) with
white space collapsed but paragraph breaks kept (a sentence must come out in one
paragraph); the expectations go through the same normalization steps, so
``–`` and ``-`` or ``５９％`` and ``59%`` are one. In Chinese (``"language": "zh"``) white
space is dropped on both sides: a justified line's text layer puts spaces between
ideographs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Document
from ..normalize import STEPS, normalize

_STEPS = ("controls", "ligatures", "fullwidth", "dashes", "decimal_points", "whitespace")


@dataclass
class Expectation:
    stem: str
    pdf: str  # path relative to the shared corpus folder: "real_pdf/x.pdf" or "real/x.pdf"
    language: str
    open: bool
    pages: dict[int, dict[str, list[str]]]
    document: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None  # the ReaderError code a PDF must fail with (no text layer, junk)


@dataclass
class Outcome:
    """What of one PDF's expectations the reading met."""

    stem: str
    sentences: tuple[int, int] = (0, 0)  # (whole, expected)
    numbers: tuple[int, int] = (0, 0)
    order: tuple[int, int] = (0, 0)  # pairs in order, pairs expected
    furniture_leaked: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def load(path: Path) -> Expectation:
    """One expectation file; a malformed one raises ValueError naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pages = {int(k): v for k, v in data.get("pages", {}).items()}
        if not pages and not data.get("error"):
            raise ValueError("neither pages to check nor an error to expect")
        for n, page in pages.items():
            unknown = set(page) - {"order", "sentences", "numbers", "furniture", "note"}
            if unknown:
                raise ValueError(f"page {n}: unknown key(s) {', '.join(sorted(unknown))}")
        return Expectation(
            path.stem,
            data["pdf"],
            data.get("language", "en"),
            bool(data.get("open", False)),
            pages,
            data.get("document", {}),
            data.get("error"),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f"{path}: not an expected reading ({e})") from e


def load_all(folder: Path) -> list[Expectation]:
    return [load(p) for p in sorted(folder.glob("*.json"))]


_PARAGRAPH = "\u00b6"


def flat(text: str, language: str, paragraphs: bool = False) -> str:
    """Text as compared: normalized like a document, white space collapsed (dropped in
    Chinese); with ``paragraphs``, a paragraph break stays as ``¶``, which no expected
    sentence holds: a sentence split in two paragraphs is not whole."""
    for name in _STEPS:
        text = STEPS[name](text)[0]
    if paragraphs:
        text = re.sub(r"\n[ \t]*\n\s*", f" {_PARAGRAPH} ", text)
    return re.sub(r"\s+", "" if language == "zh" else " ", text).strip()


def _number_found(number: str, text: str) -> bool:
    pattern = r"(?<![\d.])" + re.escape(number) + r"(?![\d]|\.\d)"
    return re.search(pattern, text) is not None


def check(exp: Expectation, doc: Document) -> Outcome:
    """Compare the reading of a PDF with what its page images show."""
    nd = normalize(doc)
    text = flat(nd.text, exp.language, paragraphs=True)
    by_page: dict[int, list[str]] = {}
    for i, ch in enumerate(nd.text):
        by_page.setdefault(nd.page_of(i), []).append(ch)
    out = Outcome(exp.stem)
    whole = total = nums = nums_total = pairs = pairs_total = 0
    leaked: list[str] = []
    for n, page in sorted(exp.pages.items()):
        on_page = flat("".join(by_page.get(n, [])), exp.language, paragraphs=True)
        for s in page.get("sentences", []):
            total += 1
            if flat(s, exp.language) in text:
                whole += 1
            else:
                out.failures.append(f"page {n}: sentence not whole: {s[:90]}")
        for x in page.get("numbers", []):
            nums_total += 1
            if _number_found(flat(x, exp.language), on_page):
                nums += 1
            else:
                out.failures.append(f"page {n}: number not exact: {x}")
        snippets = page.get("order", [])
        folded = on_page.casefold()
        where = []
        for s in snippets:
            f = flat(s, exp.language)
            k = on_page.find(f)
            where.append(k if k >= 0 else folded.find(f.casefold()))
        for k in range(len(snippets) - 1):
            pairs_total += 1
            if 0 <= where[k] < where[k + 1]:
                pairs += 1
            else:
                out.failures.append(
                    f"page {n}: {snippets[k][:40]!r} does not come before {snippets[k + 1][:40]!r}"
                )
        leaked += [f for f in page.get("furniture", []) if flat(f, exp.language) in text]
    leaked += [f for f in exp.document.get("furniture", []) if flat(f, exp.language) in text]
    out.failures += [f"furniture in the text: {f[:90]}" for f in leaked]
    out.sentences = (whole, total)
    out.numbers = (nums, nums_total)
    out.order = (pairs, pairs_total)
    out.furniture_leaked = leaked
    return out

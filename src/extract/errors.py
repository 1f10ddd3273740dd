"""One exception tree for the whole package.

Every error names the culprit (a file, a rule, a field) and the reason, so that a
batch can record it next to the document and go on.
"""

from __future__ import annotations

from pathlib import Path

ERROR_CODES: dict[str, str] = {
    # the file itself
    "missing": "the input does not exist",
    "unsupported": "not a file type extract reads (it reads .pdf, .txt, .md, .nxml, .xml)",
    "malformed_xml": "an .nxml / .xml file that is not well-formed XML or not a JATS article",
    "io": "the file exists but cannot be read (permissions, a device error)",
    "empty": "the file is empty (0 bytes, or only white space)",
    # text files
    "encoding": "a text file that is neither UTF-8 nor GB18030",
    "binary": "a text file with binary content (NUL bytes)",
    # PDFs
    "not_pdf": "no %PDF- header: not a PDF, whatever its suffix",
    "encrypted": "an encrypted PDF and no password, or an encryption no backend supports",
    "password": "an encrypted PDF and the password given is wrong",
    "truncated": "the PDF is cut short (no %%EOF at its end) and cannot be opened",
    "corrupt": "the PDF's structure (page tree, cross-references, a page) cannot be parsed",
    "no_pages": "the PDF opens but has no pages",
    "needs_ocr": "most pages are scanned images without a text layer (--ocr reads them)",
    "junk_text": "the text layer decodes to garbage: glyph codes, mojibake, symbol soup (--ocr reads the image)",
    "no_text": "no page has any text (blank or figure-only pages)",
    "ocr_unavailable": "OCR was asked for but Tesseract (with chi_sim) is not installed",
    "ocr_failed": "Tesseract failed or timed out on a page",
    "too_large": "past a size limit: more pages than --max-pages, or a stream that expands past the decompression budget",
    # the pipeline and the workers that run it
    "pipeline": "a stage failed on purpose: a bad configuration, a stage not registered in the worker",
    "internal": "a bug: an unexpected exception in a stage (the message says where)",
    "out_of_memory": "the document needed more memory than the worker's limit (--memory-limit)",
    "timeout": "the document took longer than the time limit (--timeout)",
    "crashed": "the worker process died on the document (a segfault or abort in a PDF library)",
}
"""Every ``code`` a document can fail with (``DocResult.error_code``, ``ReaderError.code``,
the store's ``documents.error_code``), with its meaning in one line. README's table of
error codes lists the same; a test checks both against the codes the source raises."""

WARNING_CODES: dict[str, str] = {
    "stream_damaged": "a content stream or font failed to decode, or decoded only in part: text of that page may be missing",
    "xref_repaired": "the cross-reference table is broken; the file was re-scanned to find its objects",
    "truncated": "the file is cut short (no %%EOF at its end): pages or text at its end may be missing",
    "sparse_page": "a page has much less text than the pages around it",
    "backends_disagree": "pdfplumber and PDFium read very different amounts of text from a page",
    "pages_skipped": "scanned or junk pages left out of the text (listed; --ocr reads them)",
    "control_chars": "control characters in the text (removed by normalization)",
    "replacement_chars": "U+FFFD replacement characters: glyphs or bytes that did not decode",
    "unresolved_glyphs": "private-use glyphs that neither the font's encoding, the other PDF backend nor the context resolves",
}
"""Every ``code`` of a document warning: the document was read, but perhaps not all of it."""


class ExtractError(Exception):
    """Base class of every error this package raises on purpose."""


class ReaderError(ExtractError):
    """A document could not be read: corrupt, encrypted, empty, scanned, junk text."""

    def __init__(self, path: str | Path, reason: str, *, code: str) -> None:
        if code not in ERROR_CODES:
            raise ValueError(
                f"unknown error code {code!r}: add it to extract.errors.ERROR_CODES "
                "(and README's table of error codes)"
            )
        from .wording import readable_path, readable_text

        self.path = readable_path(path)
        self.reason = readable_text(reason)
        self.code = code
        super().__init__(f"{self.path}: {self.reason}")


class RuleFileError(ExtractError):
    """A rule/resource file is malformed."""


class PipelineConfigError(ExtractError):
    """A pipeline TOML file names an unknown stage or bad setting."""


class RecordError(ExtractError):
    """A record does not satisfy the contract."""


def missing_extra(extra: str, module: str) -> str:
    """One line that says what is missing and the exact command that installs it.

    ``extra`` is the name of the optional dependency group in pyproject.toml. The command
    installs into the environment that runs ``extract`` (from the checkout, as ``make`` set
    it up), so it is the one to paste.
    """
    import sys

    return (
        f"{module} is not installed (the optional '{extra}' extra); install it with: "
        f'{sys.executable} -m pip install -e ".[{extra}]"  (run in the extract checkout)'
    )

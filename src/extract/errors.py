"""One exception tree for the whole package.

Every error names the culprit (a file, a rule, a field) and the reason, so that a
batch can record it next to the document and go on.
"""

from __future__ import annotations

from pathlib import Path


class ExtractError(Exception):
    """Base class of every error this package raises on purpose."""


class ReaderError(ExtractError):
    """A document could not be read: corrupt, encrypted, empty, scanned, junk text."""

    def __init__(self, path: str | Path, reason: str, *, code: str = "unreadable") -> None:
        self.path = str(path)
        self.reason = reason
        self.code = code
        super().__init__(f"{self.path}: {reason}")


class RuleFileError(ExtractError):
    """A rule/resource file is malformed."""


class PipelineConfigError(ExtractError):
    """A pipeline TOML file names an unknown stage or bad setting."""


class RecordError(ExtractError):
    """A record does not satisfy the contract."""

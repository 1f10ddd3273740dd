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


def missing_extra(extra: str, module: str) -> str:
    """One line that says what is missing and the exact command that installs it.

    ``extra`` is the name of the optional dependency group in pyproject.toml. The command
    installs into the environment that runs ``extract`` (from the checkout, as ``make`` set
    it up), so it is the one to paste.
    """
    import sys

    return (f"{module} is not installed (the optional '{extra}' extra); install it with: "
            f'{sys.executable} -m pip install -e ".[{extra}]"  (run in the extract checkout)')

"""Curation errors, in the package's one exception tree (``ExtractError``)."""

from __future__ import annotations

from ..errors import ExtractError


class CurationError(ExtractError):
    """A curation request that cannot be carried out; the message says why and what is allowed."""


class AuthError(CurationError):
    """Unknown user, wrong password, missing or stale session or token."""


class NotAllowed(CurationError):
    """The user's role does not allow the action (a curator settling a double-curated document, …)."""


class EditConflict(CurationError):
    """Someone else changed the record since the curator loaded it (a lost update was prevented)."""

    def __init__(self, record_id: str, expected: int, current: int, by: str | None = None) -> None:
        self.record_id, self.expected, self.current, self.by = record_id, expected, current, by
        who = f" by {by}" if by else ""
        super().__init__(
            f"record {record_id} was changed{who} while you were editing it (you loaded version {expected}, "
            f"it is now at version {current}); your change was not saved. Reload to see the current values, "
            "then make your change again."
        )

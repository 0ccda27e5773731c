"""The ledger's errors, each with a stable `code` the gateway maps to an HTTP status once.

Kept few on purpose: a caller can act on "not found", "not allowed", "not now" and "bad input";
finer distinctions live in the message.
"""

from __future__ import annotations

from marshmallow import ValidationError

from eventlog.model import ConcurrencyConflict


class LedgerError(Exception):
    code = "ledger_error"


class NotFound(LedgerError):
    code = "not_found"


class Forbidden(LedgerError):
    """The actor lacks the role the command needs; the message names that role."""

    code = "forbidden"


class InvalidTransition(LedgerError):
    """The aggregate's current state does not allow the command (completing a cancelled item)."""

    code = "invalid_transition"


class StudyQuotaExceeded(LedgerError):
    code = "study_quota_exceeded"


class BadInput(ValidationError):
    """Input that fails a schema or a rule on its shape; `messages`: field → errors."""

    code = "bad_input"


EXPECTED = (LedgerError, BadInput, ValidationError, ConcurrencyConflict)

__all__ = [
    "EXPECTED",
    "BadInput",
    "ConcurrencyConflict",
    "Forbidden",
    "InvalidTransition",
    "LedgerError",
    "NotFound",
    "StudyQuotaExceeded",
]

"""The appraisal's errors: the shared vocabulary, and the rules of its own that say "not now"."""

from __future__ import annotations

from eventlog.model import ConcurrencyConflict
from services.common.errors import (
    EXPECTED,
    BadInput,
    Forbidden,
    InvalidTransition,
    NotFound,
    ServiceError,
)


class WindowClosed(InvalidTransition):
    """The step's window does not contain the moment of the command."""

    code = "window_closed"


class AlreadySubmitted(InvalidTransition):
    """A submitted review is locked; only the secretary's reopening unlocks it."""

    code = "already_submitted"


class MissingReviews(InvalidTransition):
    """Finalising with reviews missing needs the reason recorded."""

    code = "missing_reviews"


__all__ = [
    "EXPECTED",
    "AlreadySubmitted",
    "BadInput",
    "ConcurrencyConflict",
    "Forbidden",
    "InvalidTransition",
    "MissingReviews",
    "NotFound",
    "ServiceError",
    "WindowClosed",
]

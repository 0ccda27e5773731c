"""The ledger's errors: the shared vocabulary, and the one rule of its own."""

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


class StudyQuotaExceeded(InvalidTransition):
    code = "study_quota_exceeded"


__all__ = [
    "EXPECTED",
    "BadInput",
    "ConcurrencyConflict",
    "Forbidden",
    "InvalidTransition",
    "NotFound",
    "ServiceError",
    "StudyQuotaExceeded",
]

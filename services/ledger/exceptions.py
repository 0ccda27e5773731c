"""The ledger's errors: the shared vocabulary."""

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

__all__ = [
    "EXPECTED",
    "BadInput",
    "ConcurrencyConflict",
    "Forbidden",
    "InvalidTransition",
    "NotFound",
    "ServiceError",
]

"""Fields the ledger's command and query schemas share."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import fields, validate

YEAR = validate.Range(2000, 2100, error="a year from {min} to {max}")


def _in_years(day: date) -> None:
    YEAR(day.year)


def Date(**options: Any) -> fields.Date:  # named like the field types it stands beside
    """A date within YEAR: periods, schedules and histories are computed only for those years."""
    return fields.Date(validate=_in_years, **options)

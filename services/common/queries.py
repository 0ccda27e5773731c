"""What every service's queries share: the read database they need, and answers in JSON terms."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol


class ReadDatabase(Protocol):
    def fetch_all(self, sql: str, params: Any = None) -> list[dict[str, Any]]: ...

    def fetch_one(self, sql: str, params: Any = None) -> dict[str, Any] | None: ...


def iso(row: dict[str, Any]) -> dict[str, Any]:
    """Dates and times as ISO strings, the way every answer of the services carries them."""
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in row.items()}

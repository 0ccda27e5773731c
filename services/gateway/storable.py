"""Text no service can store, refused at the edge for all of them with the one error body.

PostgreSQL text holds no NUL, and an unpaired surrogate (valid in JSON's escapes) is no UTF-8: a
service handed such text fails inside its database call, which would answer 500. The services'
schemas refuse such text where they read text; the gateway refuses it in every field and key at
once, before any call. (Integers beyond 64 bits are refused by the schemas' Integer field.)
"""

from __future__ import annotations

from typing import Any

from services.common.schemas import is_storable


def refusals(given: dict[str, Any]) -> dict[str, list[str]]:
    """field → why, for each field of a request's body or query that no service could store."""
    return {name: ["text with a NUL or an unpaired surrogate"] for name in unstorable(given)}


def unstorable(given: Any, at: str = "") -> list[str]:
    """Where the request holds text no service can store (dotted paths, `_schema` for a key)."""
    if isinstance(given, dict):
        if any(_bad_text(key) for key in given):
            return [at or "_schema"]
        return [f for k, v in given.items() for f in unstorable(v, f"{at}.{k}" if at else k)]
    if isinstance(given, list):
        return [f for n, v in enumerate(given) for f in unstorable(v, f"{at}.{n}")]
    return [at or "_schema"] if isinstance(given, str) and _bad_text(given) else []


def _bad_text(text: str) -> bool:
    return not is_storable(text)

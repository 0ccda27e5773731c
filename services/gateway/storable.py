"""What no service can store, refused at the edge for all of them with the one error body.

PostgreSQL text holds no NUL, an unpaired surrogate (valid in JSON's escapes) is no UTF-8, and
no column holds an integer beyond 64 bits (an offset of 10**20): a service handed such a value
fails inside its database call, which would answer 500. The services' schemas refuse such text
where they read text; the gateway refuses it in every field and key at once, before any call.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from services.common.schemas import is_storable


def refusals(schema: Schema, given: dict[str, Any]) -> dict[str, list[str]]:
    """field → why, for each field of a request's body or query that no service could store."""
    refused = {name: ["text with a NUL or an unpaired surrogate"] for name in unstorable(given)}
    return refused | {name: ["beyond a 64-bit integer"] for name in too_large(schema, given)}


def unstorable(given: Any, at: str = "") -> list[str]:
    """Where the request holds text no service can store (dotted paths, `_schema` for a key)."""
    if isinstance(given, dict):
        if any(_bad_text(key) for key in given):
            return [at or "_schema"]
        return [f for k, v in given.items() for f in unstorable(v, f"{at}.{k}" if at else k)]
    if isinstance(given, list):
        return [f for n, v in enumerate(given) for f in unstorable(v, f"{at}.{n}")]
    return [at or "_schema"] if isinstance(given, str) and _bad_text(given) else []


def too_large(schema: Schema, given: dict[str, Any]) -> list[str]:
    """The integer fields whose value no database column holds (an offset of 10**20)."""
    integers = [n for n, f in schema.fields.items() if isinstance(f, fields.Integer) and n in given]
    return [name for name in integers if not _fits(given[name])]


def _fits(value: Any) -> bool:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return True  # not a number at all: the schema says so
    return -(2**63) <= number < 2**63


def _bad_text(text: str) -> bool:
    return not is_storable(text)

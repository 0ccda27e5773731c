"""A request's JSON body, read strictly: what JSON does not hold, or what nothing after could
walk, is a 400 for every route before anything else looks at it, and a body over MAX_BYTES is a
413 before it is read (werkzeug's RequestEntityTooLarge, errors.from_werkzeug).

Python's parser takes NaN, Infinity and -Infinity, which are not JSON, and reads 1e400 as
infinity, which no field takes (int() of it raises OverflowError). It recurses once a level of
nesting: 100,000 `[` exhaust the stack in the parser, and a few hundred levels, parsed, exhaust it
later in what walks the body (the storable check, the idempotency hash, the RPC's serialiser).
"""

from __future__ import annotations

import json
import math
from typing import Any

from werkzeug.wrappers import Request

from .errors import HttpError

MAX_DEPTH = 32  # levels of objects and arrays: no request schema takes more than a few
# The largest body is a roster file in base64: a workbook of thousands of members is a few
# hundred kilobytes. A body is held whole in memory, so one of any size would be a way to take
# the gateway down.
MAX_BYTES = 4 * 1024 * 1024


def read_body(request: Request) -> dict[str, Any]:
    request.max_content_length = MAX_BYTES
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw, parse_constant=_not_json, parse_float=_finite)
    except RecursionError:
        raise _bad(f"the body is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:
        raise _bad(f"the body is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise _bad("the body must be a JSON object")
    if _deeper_than(body, MAX_DEPTH):
        raise _bad(f"the body is nested deeper than {MAX_DEPTH} levels")
    return body


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is beyond the range of a number")
    return number


def _deeper_than(value: Any, limit: int) -> bool:
    """Without recursion, as the point is not to need the stack."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in node)
    return False


def _bad(detail: str) -> HttpError:
    return HttpError(400, "bad_json", detail)

"""Idempotency-Key on POSTs: a retried request gets the first answer and changes nothing more.

Each (user, key) has a stream `idem-<sha256(user|key)>` in the log. An attempt claims the key by
appending IdempotentRequestStarted where the stream must end (expected version), so two
concurrent attempts cannot both run; the answer is kept as IdempotentRequestCompleted. An
attempt that ended in a server-side failure (5xx) is IdempotentRequestAbandoned: it released the
key, and a retry may run the request again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from eventlog import ConcurrencyConflict, Metadata, NewEvent

from .errors import HttpError, bad_input

MAX_KEY = 200  # characters: what /openapi.json promises
STARTED, COMPLETED, ABANDONED = (
    "IdempotentRequestStarted",
    "IdempotentRequestCompleted",
    "IdempotentRequestAbandoned",
)


def checked_key(key: str | None) -> str | None:
    if key is not None and len(key) > MAX_KEY:
        raise bad_input({"Idempotency-Key": [f"at most {MAX_KEY} characters"]})
    return key


def stream_id(user: str, key: str) -> str:
    return "idem-" + hashlib.sha256(f"{user}|{key}".encode()).hexdigest()


def body_hash(body: Any) -> str:
    """Of the parsed body, so the same JSON with other spacing or key order is the same body."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Claim:
    stream_id: str
    version: int  # the stream's version after our IdempotentRequestStarted
    actor_id: str


@dataclass(frozen=True)
class Replay:
    status: int
    body: Any


def claim(store: Any, user: str, key: str, request: dict[str, str]) -> Claim | Replay:
    """Claims the key for this request, or answers with what the first attempt answered."""
    stream = stream_id(user, key)
    events = store.read_stream(stream)
    while True:
        _check_same_request(events, request)
        last = events[-1] if events else None
        if last is not None and last.type == COMPLETED:
            return Replay(last.data["status"], last.data["body"])
        if last is not None and last.type == STARTED:
            raise HttpError(409, "request_in_progress", "a request with this key is in progress")
        try:
            started = NewEvent(STARTED, request)
            stored = store.append(stream, [started], len(events), metadata=Metadata(actor_id=user))
            return Claim(stream, stored[-1].version, user)
        except ConcurrencyConflict:
            events = store.read_stream(stream)


def complete(store: Any, claim: Claim, status: int, body: Any) -> None:
    """Keeps the answer; a server-side failure releases the key instead."""
    if status >= 500:
        event = NewEvent(ABANDONED, {"status": status})
    else:
        event = NewEvent(COMPLETED, {"status": status, "body": body})
    store.append(
        claim.stream_id, [event], claim.version, metadata=Metadata(actor_id=claim.actor_id)
    )


def _check_same_request(events: list, request: dict[str, str]) -> None:
    if events and events[0].data != request:
        raise HttpError(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request",
            {"Idempotency-Key": ["already used with another method, path or body"]},
        )

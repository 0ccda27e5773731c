"""Idempotency-Key on POSTs: a retried request gets the first answer and changes nothing more.

Each (user, key) has a stream `idem-<sha256(user|key)>` in the log. An attempt claims the key by
appending IdempotentRequestStarted where the stream must end (expected version), so two
concurrent attempts cannot both run; the answer is kept as IdempotentRequestCompleted. An
attempt that ended in a server-side failure (5xx) is IdempotentRequestAbandoned: it released the
key, and a retry may run the request again. An attempt that never ended (its gateway died) holds
the key until its claim is stale; a retry then takes the key over.

Running a request again is safe because the gateway sends its command with a key derived from
the same (user, key), `command_key`: a service that already committed the command answers its
first outcome instead of deciding again (services/common/keyed.py), whatever the 5xx hid.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from eventlog import ConcurrencyConflict, Metadata, StoredEvent, new_event

from .errors import HttpError, bad_input
from .events import IdempotentRequestAbandoned, IdempotentRequestCompleted, IdempotentRequestStarted

MAX_KEY = 200  # characters: what /openapi.json promises


def checked_key(key: str | None) -> str | None:
    if key is not None and len(key) > MAX_KEY:
        raise bad_input({"Idempotency-Key": [f"at most {MAX_KEY} characters"]})
    return key


def command_key(user: str, key: str) -> str:
    """The key the services get with the request's command: the same for every retry."""
    return hashlib.sha256(f"{user}|{key}".encode()).hexdigest()


def stream_id(user: str, key: str) -> str:
    return "idem-" + command_key(user, key)


def body_hash(body: Any, key: str) -> str:
    """Of the parsed body, so the same JSON with other spacing or key order is the same body; an
    HMAC under the gateway's `key`, as a body may hold a password (a plain hash in the log would
    let anyone who reads it check guesses at the password)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key.encode(), canonical.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Claim:
    stream_id: str
    version: int  # the stream's version after our IdempotentRequestStarted
    actor_id: str


@dataclass(frozen=True)
class Replay:
    status: int
    body: Any


def claim(
    store: Any, user: str, key: str, request: dict[str, str], now: datetime, stale: timedelta
) -> Claim | Replay:
    """Claims the key for this request, or answers with what the first attempt answered. A claim
    older than `stale` is taken over: its attempt would have answered by then."""
    stream = stream_id(user, key)
    events = store.read_stream(stream)
    while True:
        _check_same_request(events, request)
        last = events[-1] if events else None
        if last is not None and last.type == IdempotentRequestCompleted.type:
            answered = IdempotentRequestCompleted.of(last)
            return Replay(answered.status, answered.body)
        started_last = last is not None and last.type == IdempotentRequestStarted.type
        if started_last and not _stale(last, now, stale):
            raise HttpError(409, "request_in_progress", "a request with this key is in progress")
        try:
            started = new_event(IdempotentRequestStarted(**request))
            stored = store.append(stream, [started], len(events), metadata=Metadata(actor_id=user))
            return Claim(stream, stored[-1].version, user)
        except ConcurrencyConflict:
            events = store.read_stream(stream)


def complete(store: Any, claim: Claim, status: int, body: Any) -> None:
    """Keeps the answer; a server-side failure releases the key instead. A claim taken over
    meanwhile is left to the attempt that took it: that one keeps its answer, the same."""
    if status >= 500:
        event = new_event(IdempotentRequestAbandoned(status=status))
    else:
        event = new_event(IdempotentRequestCompleted(status=status, body=body))
    meta = Metadata(actor_id=claim.actor_id)
    with contextlib.suppress(ConcurrencyConflict):
        store.append(claim.stream_id, [event], claim.version, metadata=meta)


def _stale(started: StoredEvent, now: datetime, stale: timedelta) -> bool:
    return now - started.recorded_at > stale


def _check_same_request(events: list, request: dict[str, str]) -> None:
    if events and IdempotentRequestStarted.of(events[0]).data != request:
        raise HttpError(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request",
            {"Idempotency-Key": ["already used with another method, path or body"]},
        )

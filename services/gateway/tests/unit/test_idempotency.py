"""Idempotency keys on the in-memory store: first answer kept, reuse and overlap refused, a dead
attempt's claim taken over once stale."""

import hashlib
import json
from datetime import timedelta

import pytest

from eventlog import InMemoryEventStore, utcnow
from services.gateway import idempotency
from services.gateway.errors import HttpError

KEY = "k" * 32  # the gateway's
REQUEST = {"method": "POST", "path": "/api/v1/x", "body_hash": idempotency.body_hash({"a": 1}, KEY)}
STALE = timedelta(seconds=10)


def claim(store, person="p1", request=REQUEST, later=timedelta(0)):
    return idempotency.claim(store, person, "k", request, utcnow() + later, STALE)


def test_a_completed_request_is_replayed():
    store = InMemoryEventStore(source="gateway")
    idempotency.complete(store, claim(store), 200, {"id": "x"})
    assert claim(store) == idempotency.Replay(200, {"id": "x"})
    assert isinstance(claim(store, "p2"), idempotency.Claim)


def test_a_request_in_progress_or_another_body_is_refused():
    store = InMemoryEventStore(source="gateway")
    claim(store)
    with pytest.raises(HttpError) as running:
        claim(store)
    assert running.value.status == 409 and running.value.code == "request_in_progress"
    other = {**REQUEST, "body_hash": idempotency.body_hash({"a": 2}, KEY)}
    with pytest.raises(HttpError) as reused:
        claim(store, request=other)
    assert reused.value.status == 422 and reused.value.code == "idempotency_key_reused"


def test_a_server_failure_releases_the_key():
    store = InMemoryEventStore(source="gateway")
    idempotency.complete(store, claim(store), 503, {})
    assert isinstance(claim(store), idempotency.Claim)


def test_a_claim_whose_attempt_never_answered_is_taken_over_once_stale():
    store = InMemoryEventStore(source="gateway")
    dead = claim(store)  # its gateway was killed: it never completes
    with pytest.raises(HttpError):
        claim(store, later=STALE / 2)
    retry = claim(store, later=STALE * 2)
    assert isinstance(retry, idempotency.Claim) and retry.version > dead.version
    idempotency.complete(store, retry, 200, {"id": "x"})
    idempotency.complete(store, dead, 200, {"id": "x"})  # a slow first attempt: no error
    assert claim(store) == idempotency.Replay(200, {"id": "x"})


def test_every_retry_sends_the_same_command_key():
    assert idempotency.command_key("p1", "k") == idempotency.command_key("p1", "k")
    assert idempotency.command_key("p1", "k") != idempotency.command_key("p2", "k")


def test_the_body_hash_ignores_key_order_and_spacing():
    given = idempotency.body_hash({"a": 1, "b": [1]}, KEY)
    assert given == idempotency.body_hash({"b": [1], "a": 1}, KEY)


def test_the_body_hash_is_keyed_so_a_password_in_the_body_cannot_be_guessed_from_the_log():
    body = {"username": "ann", "password": "guessable 2026"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    plain = hashlib.sha256(canonical.encode()).hexdigest()
    assert idempotency.body_hash(body, KEY) not in {plain, idempotency.body_hash(body, "o" * 32)}

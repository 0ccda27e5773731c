"""Idempotency keys on the in-memory store: first answer kept, reuse and overlap refused."""

import pytest

from eventlog import InMemoryEventStore
from services.gateway import idempotency
from services.gateway.errors import HttpError

REQUEST = {"method": "POST", "path": "/api/v1/x", "body_hash": idempotency.body_hash({"a": 1})}


def test_a_completed_request_is_replayed():
    store = InMemoryEventStore(source="gateway")
    claim = idempotency.claim(store, "p1", "k", REQUEST)
    idempotency.complete(store, claim, 200, {"id": "x"})
    assert idempotency.claim(store, "p1", "k", REQUEST) == idempotency.Replay(200, {"id": "x"})
    assert isinstance(idempotency.claim(store, "p2", "k", REQUEST), idempotency.Claim)


def test_a_request_in_progress_or_another_body_is_refused():
    store = InMemoryEventStore(source="gateway")
    idempotency.claim(store, "p1", "k", REQUEST)
    with pytest.raises(HttpError) as running:
        idempotency.claim(store, "p1", "k", REQUEST)
    assert running.value.status == 409 and running.value.code == "request_in_progress"
    other = {**REQUEST, "body_hash": idempotency.body_hash({"a": 2})}
    with pytest.raises(HttpError) as reused:
        idempotency.claim(store, "p1", "k", other)
    assert reused.value.status == 422 and reused.value.code == "idempotency_key_reused"


def test_a_server_failure_releases_the_key():
    store = InMemoryEventStore(source="gateway")
    idempotency.complete(store, idempotency.claim(store, "p1", "k", REQUEST), 503, {})
    assert isinstance(idempotency.claim(store, "p1", "k", REQUEST), idempotency.Claim)


def test_the_body_hash_ignores_key_order_and_spacing():
    assert idempotency.body_hash({"a": 1, "b": [1]}) == idempotency.body_hash({"b": [1], "a": 1})

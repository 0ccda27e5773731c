"""The relay publishes the stored log to RabbitMQ in log order, as nameko events, and seals it."""

import json
import re
import time
import types
import uuid

import amqp
import kombu
import psycopg2
import pytest
from amqp import spec
from amqp.method_framing import frame_writer
from amqp.serialization import dumps

from eventlog import NewEvent, PostgresEventStore, StoredEvent
from eventlog.relay import BrokerPublisher, Outgoing, Relay, publish_frames
from eventlog.seal import verify
from tests.support import sample

from .test_append_only import owner_tampers


@pytest.fixture
def relay(settings, db):
    relay = Relay(PostgresEventStore(db, "relay"), BrokerPublisher(settings.amqp_uri), batch=50)
    assert relay.acquire()
    relay_all(relay)  # start at the head: what earlier tests stored is published first
    yield relay
    relay.release()


@pytest.fixture
def bus(settings):
    """A queue bound to every event the source `test` publishes."""
    with kombu.Connection(settings.amqp_uri) as conn:
        exchange = kombu.Exchange("test.events", type="topic", durable=True)
        queue = kombu.Queue(f"relay-test-{uuid.uuid4()}", exchange, routing_key="#")
        bound = queue(conn.default_channel)
        bound.declare()
        yield lambda: drain(conn, queue)
        bound.delete()  # basic.get never subscribes, so auto_delete would never fire


def drain(conn, queue) -> list[dict]:
    bodies = []
    bound = queue(conn.default_channel)
    while (message := bound.get(no_ack=True)) is not None:
        assert message.content_type == "application/json"
        bodies.append((message.delivery_info["routing_key"], json.loads(message.body)))
    return bodies


def relay_all(relay) -> int:
    """Relays until every committed event is sealed (an open transaction elsewhere in the
    cluster may hold the relay back for a moment, by design)."""
    total, deadline = 0, time.monotonic() + 30
    while unsealed(relay.store.db):
        assert time.monotonic() < deadline, "the relay did not catch up"
        total += relay.relay_once()
    return total


def unsealed(db) -> int:
    return db.fetch_one(
        "SELECT count(*) AS n FROM eventlog.events e"
        " WHERE NOT EXISTS (SELECT 1 FROM eventlog.seals s"
        " WHERE (s.transaction_id, s.position) = (e.transaction_id, e.position))"
    )["n"]


def test_published_in_log_order_with_the_type_as_routing_key(store, relay, bus):
    streams = [f"relayed-{uuid.uuid4()}" for _ in range(3)]
    for round_ in range(40):
        for stream in streams:
            store.append(stream, [NewEvent("Counted", {"round": round_})], None)
    assert relay_all(relay) == 120  # in batches of 50
    assert relay.relay_once() == 0
    published = bus()
    assert {key for key, _ in published} == {"Counted"}
    expected = list(store.iterate(categories=["relayed"]))
    assert [body["event_id"] for _, body in published] == [str(e.event_id) for e in expected]
    # The message PostgreSQL builds is the event a consumer would have read from the log.
    assert [StoredEvent.from_message(body) for _, body in published] == expected


def test_the_lag_gauge_counts_the_backlog_behind_a_full_batch(store, relay, monkeypatch):
    stream = f"lagging-{uuid.uuid4()}"
    stored = store.append(stream, [NewEvent("Happened", {"n": n}) for n in range(120)], 0)
    monkeypatch.setattr(relay, "_next_count", 0.0)  # count now, not a few seconds after the last
    assert relay.relay_once() == 50  # a full batch
    assert sample("eventlog_relay_lag_events") == 120  # all still to seal
    assert store.backlog(stored[0].position, categories=["lagging"]) == 119  # after the first
    assert store.backlog(stored[0].position, categories=["nothing-of-it"]) == 0
    relay_all(relay)
    assert sample("eventlog_relay_lag_events") == 0


def test_only_one_relay_holds_the_lock(settings, db, relay):
    other = Relay(PostgresEventStore(db, "relay"), BrokerPublisher(settings.amqp_uri))
    assert not other.acquire()
    relay.release()
    assert other.acquire()
    other.release()


def test_verify_accepts_the_sealed_log_and_reports_an_edit(settings, store, relay):
    stored = store.append(f"sealed-{uuid.uuid4()}", [NewEvent("A", {"v": 1})], 0)[0]
    relay_all(relay)
    # The log is shared by the session: what other tests tampered with is reported already.
    report = verify(store.db)
    earlier = set(report.problems)
    assert not any(re.search(rf"\bposition {stored.position.position}\b", p) for p in earlier)
    assert report.unsealed == 0 and report.sealed == report.events

    owner_tampers(
        settings,
        "UPDATE eventlog.events SET data = '{\"v\": 2}' WHERE event_id = %s",
        (str(stored.event_id),),
    )
    problems = set(verify(store.db).problems)
    assert problems == earlier | {f"event at position {stored.position.position} was edited"}


def test_verify_reports_a_removed_event(settings, store, relay):
    stored = store.append(f"sealed-{uuid.uuid4()}", [NewEvent("A", {})], 0)[0]
    relay_all(relay)
    owner_tampers(
        settings, "DELETE FROM eventlog.events WHERE event_id = %s", (str(stored.event_id),)
    )
    problems = verify(store.db).problems
    assert f"event at position {stored.position.position} was removed" in problems


def test_seals_refuse_changes(settings, store, relay):
    store.append(f"sealed-{uuid.uuid4()}", [NewEvent("A", {})], 0)
    relay_all(relay)
    conn = psycopg2.connect(settings.admin_database_url)
    try:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn.cursor() as cur:
            cur.execute("UPDATE eventlog.seals SET event_hash = 'x'")
    finally:
        conn.close()


@pytest.mark.parametrize("body_size", [300, 200_000])  # one body frame, and several
def test_publish_frames_are_what_py_amqp_writes_for_the_same_message(body_size):
    event = Outgoing(
        position=7, transaction_id=9, source="ledger", type="ItemAssigned",
        event_id=str(uuid.uuid4()), correlation_id="req-42",
        body=json.dumps({"note": "落实" * (body_size // 6)}, ensure_ascii=False),
        event_hash=b"", recorded_at=None,
    )  # fmt: skip
    written = []
    connection = types.SimpleNamespace(frame_max=131072, bytes_sent=0)
    transport = types.SimpleNamespace(write=lambda data: written.append(bytes(data)))
    message = amqp.Message(
        event.body,
        content_type="application/json",
        content_encoding="utf-8",
        delivery_mode=2,
        message_id=event.event_id,
        application_headers={"nameko.correlation_id": event.correlation_id},
    )
    args = dumps("Bssbb", (0, "ledger.events", event.type, False, False))
    frame_writer(connection, transport)(1, 3, spec.Basic.Publish, args, message)
    assert publish_frames(3, 131072, "ledger.events", event) == b"".join(written)

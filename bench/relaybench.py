"""The relay (publisher confirms, seals, checkpoint) against plain kombu publishes.

The relay is the log's one publisher (one advisory lock for the database), under its usual
checkpoint name, so what it seals continues the log's one hash chain.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
import uuid
from collections.abc import Iterator

import kombu

from bench import data
from bench.harness import Result
from bench.workloads import METADATA
from eventlog import Database, NewEvent, PostgresEventStore, Settings
from eventlog.relay import BrokerPublisher, Relay

EXCHANGE = f"{data.SOURCE}.events"  # where the relay publishes events of source "bench"
QUEUE = "bench.relay"
EVENTS_PER_ROUND = 20_000
ROUNDS = 3
DRAIN_BATCH = 5_000  # draining the backlog is not measured: a large batch makes it quick
LOCK_WAIT_SECONDS = 15.0


def _store(settings: Settings) -> PostgresEventStore:
    return PostgresEventStore(Database(settings.database_url, max_connections=2), data.SOURCE)


@contextlib.contextmanager
def holding_lock(settings: Settings, batch: int) -> Iterator[Relay]:
    """A relay that holds the relay lock, waiting a little for another holder to let go."""
    relay = Relay(_store(settings), BrokerPublisher(settings.amqp_uri), batch=batch)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while not relay.acquire():
        if time.monotonic() > deadline:
            raise RuntimeError("another relay holds the relay lock on this database")
        time.sleep(0.5)
    try:
        yield relay
    finally:
        relay.release()
        relay.store.db.close()


def drain(relay: Relay) -> int:
    total = 0
    while published := relay.relay_once():
        total += published
    return total


def drain_backlog(settings: Settings) -> int:
    """Publishes whatever the log holds unpublished, so measured rounds start at the head."""
    with holding_lock(settings, DRAIN_BATCH) as relay:
        return drain(relay)


@contextlib.contextmanager
def bound_queue(settings: Settings) -> Iterator[kombu.Queue]:
    """A durable queue on the bench exchange, so that the broker really stores each message."""
    with kombu.Connection(settings.amqp_uri) as conn:
        exchange = kombu.Exchange(EXCHANGE, "topic", durable=True)
        queue = kombu.Queue(QUEUE, exchange, routing_key="#", durable=True)(conn.default_channel)
        queue.declare()
        try:
            yield queue
        finally:
            queue.delete()


def _append(store: PostgresEventStore, count: int) -> str:
    """Appends `count` events in batches of 100; returns one as the relay publishes it."""
    payloads, stored = data.payload_cycle(), []
    for _ in range(count // 100):
        events = [NewEvent(data.EVENT_TYPE, next(payloads)) for _ in range(100)]
        stream_id = f"{data.CATEGORY}-{uuid.uuid4()}"
        stored = store.append(stream_id, events, 0, metadata=METADATA)
    return json.dumps(stored[-1].to_message(), ensure_ascii=False, separators=(",", ":"))


def _relay_at_least(relay: Relay, count: int, timeout: float = 60.0) -> int:
    """relay_once() until `count` events went out and the log is drained, polling as run() does:
    a transaction open elsewhere can hold the relay back for a moment, never lose an event."""
    published, deadline = 0, time.monotonic() + timeout
    while published < count and time.monotonic() < deadline:
        published += drain(relay)
        if published < count:
            time.sleep(relay.poll_seconds)
    return published


def _round(relay: Relay, queue: kombu.Queue, count: int) -> tuple[float, str]:
    drain(relay)  # whatever another writer appended meanwhile is not this round's
    body = _append(relay.store, count)
    start = time.perf_counter()
    published = _relay_at_least(relay, count)
    rate = published / (time.perf_counter() - start)
    if published < count:
        print(f"relay: WARNING only {published} of {count} events readable within the timeout:"
              " a write transaction open anywhere on this server holds the read horizon back",
              file=sys.stderr)  # fmt: skip
    queue.purge()
    return rate, body


def measure_relay(settings: Settings, queue: kombu.Queue, batch: int) -> tuple[Result, str]:
    """Events/s of relay rounds of EVENTS_PER_ROUND; also a message body as the relay sends it."""
    with holding_lock(settings, batch) as relay:
        _round(relay, queue, 1000)  # warm-up: connects to the broker, declares the exchange
        rounds = [_round(relay, queue, EVENTS_PER_ROUND) for _ in range(ROUNDS)]
    label = f"relay with publisher confirms, batch {batch} ({EVENTS_PER_ROUND} events a round)"
    return Result(f"relay_b{batch}", label, [rate for rate, _ in rounds]), rounds[-1][1]

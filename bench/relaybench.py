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
from typing import Any

import kombu

from bench import data
from bench.workloads import METADATA
from eventlog import Database, NewEvent, PostgresEventStore, Settings
from eventlog.relay import BrokerPublisher, Relay

EXCHANGE = f"{data.SOURCE}.events"  # where the relay publishes events of source "bench"
QUEUE = "bench.relay"
EVENTS_PER_ROUND = 20_000
LOCK_WAIT_SECONDS = 15.0


def _store(settings: Settings) -> PostgresEventStore:
    return PostgresEventStore(Database(settings.database_url, max_connections=2), data.SOURCE)


@contextlib.contextmanager
def holding_lock(settings: Settings, **options: Any) -> Iterator[Relay]:
    """A relay that holds the relay lock, waiting a little for another holder to let go."""
    relay = Relay(_store(settings), BrokerPublisher(settings.amqp_uri), **options)
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


class RelayRounds:
    """Rounds of a relay that holds the relay lock: each appends EVENTS_PER_ROUND events, then
    times the relay publishing them. `body` is a message as the relay sent it."""

    def __init__(self, relay: Relay, queue: kombu.Queue):
        self.relay, self.queue = relay, queue
        self.label = f"relay with publisher confirms, batch {relay.batch}"
        self.label += f" ({EVENTS_PER_ROUND} events a round)"
        self.body = ""
        self.round(1000)  # warm-up: connects to the broker, declares the exchange

    def round(self, count: int = EVENTS_PER_ROUND) -> float:
        """Events/s of one round."""
        drain(self.relay)  # whatever another writer appended meanwhile is not this round's
        self.body = _append(self.relay.store, count)
        start = time.perf_counter()
        published = _relay_at_least(self.relay, count)
        rate = published / (time.perf_counter() - start)
        if published < count:
            print(f"relay: WARNING only {published} of {count} events readable within the"
                  " timeout: a write transaction open anywhere on this server holds the read"
                  " horizon back", file=sys.stderr)  # fmt: skip
        self.queue.purge()
        return rate


@contextlib.contextmanager
def relay_rounds(settings: Settings, queue: kombu.Queue, **options: Any) -> Iterator[RelayRounds]:
    """`options` for the Relay: its defaults unless given (the tests' rounds are smaller)."""
    with holding_lock(settings, **options) as relay:
        yield RelayRounds(relay, queue)

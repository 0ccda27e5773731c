"""What every fault-injection test asserts once the faults stop and the system has settled."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

import kombu

from eventlog import Database, ProjectionRunner, StoredEvent
from eventlog.seal import verify
from eventlog.store import CATEGORY
from tests.support import wait_for

from .counter import ATTEMPT, applied, counts, table
from .harness import collect, in_transaction


def by_stream(events: Iterable[StoredEvent]) -> dict[str, list[int]]:
    versions: dict[str, list[int]] = {}
    for event in events:
        versions.setdefault(event.stream_id, []).append(event.version)
    return versions


def first_deliveries(bodies: list[dict]) -> dict[str, list[int]]:
    """Per stream, the versions in the order they first arrived (redeliveries dropped)."""
    seen: set[str] = set()
    versions: dict[str, list[int]] = {}
    for body in bodies:
        if body["event_id"] not in seen:
            seen.add(body["event_id"])
            versions.setdefault(body["stream_id"], []).append(body["version"])
    return versions


def assert_published_in_order(
    amqp_uri: str, queue: kombu.Queue, stored: list[StoredEvent]
) -> list[dict]:
    """Every stored event reached the queue, each stream in version order once duplicates go."""
    bodies = collect(amqp_uri, queue, {str(e.event_id) for e in stored}, timeout=30)
    assert first_deliveries(bodies) == by_stream(stored)
    return bodies


def assert_sealed_once(db: Database, category: str, baseline: set[str]) -> None:
    """The whole log is sealed, the chain intact, each event of `category` sealed once."""
    report = verify(db)
    # Earlier tests tamper with the log on purpose: these tests must add no problem of their own.
    assert set(report.problems) == baseline
    assert report.unsealed == 0 and report.sealed == report.events
    row = db.fetch_one(
        "SELECT count(*) AS events, count(s.position) AS seals FROM eventlog.events e"
        f" LEFT JOIN eventlog.seals s USING (transaction_id, position) WHERE {CATEGORY} = %s",
        (category,),
    )
    assert row is not None and row["seals"] == row["events"]


def in_handler(db: Database, name: str, category: str) -> bool:
    """Consumer `name` wrote the read model and sleeps in its handler, the transaction open."""
    return in_transaction(db, name, f"INSERT INTO {table(category)} ")


def catch_in_handler(
    db: Database, name: str, category: str, stored: list[StoredEvent], more: Callable[[], list]
) -> None:
    """Waits until consumer `name` is inside a handler's transaction. A consumer that applies all
    of `stored` before this process sees it there (a busy host can hold the test back that long)
    is given `more()` events to apply, added to `stored`."""
    deadline = time.monotonic() + 60
    while not in_handler(db, name, category):
        done = applied(db, category)
        if done >= len(stored):
            stored += more()
        assert time.monotonic() < deadline, (
            f"{name} never seen inside a handler in 60 s: {done} of {len(stored)} events applied"
        )
        time.sleep(0.002)


def handler_attempts(logs: Path) -> int:
    """How many times a handler ran, committed or not (each attempt prints a line first)."""
    return sum(
        line.startswith(ATTEMPT)
        for path in logs.glob("*.log")
        for line in path.read_text().splitlines()
    )


def assert_applied_exactly_once(
    db: Database, category: str, read_model: ProjectionRunner, stored: list[StoredEvent]
) -> None:
    """Each stream's count is its number of events, its versions 1..n once each, no lag."""

    def settled() -> bool:
        return applied(db, category) >= len(stored) and read_model.lag() == 0

    wait_for(settled, 60, "the read model to apply the whole log", pause=0.1)
    expected = {stream: (len(vs), sorted(vs)) for stream, vs in by_stream(stored).items()}
    assert counts(db, category) == expected
    assert read_model.lag() == 0

"""The log's promises that only a real PostgreSQL can show: a tailing reader never passes a late
commit, and sees every committed event exactly once and in order however many write at once."""

import random
import threading
import time
import uuid

import psycopg2
import pytest

from eventlog import NewEvent, Position, PostgresEventStore
from eventlog.relay import BATCH_QUERY as relay_batch
from eventlog.store import encode
from tests.support import wait_for


def open_slow_writer(settings, stream_id: str) -> psycopg2.extensions.connection:
    """A writer whose transaction has inserted an event and not committed yet."""
    conn = psycopg2.connect(settings.database_url)
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO eventlog.events (event_id, stream_id, version, event_type, source, data,"
            " occurred_at) VALUES (%s, %s, 1, 'Slow', 'test', %s, now())",
            (str(uuid.uuid4()), stream_id, encode({})),
        )
    return conn


def read_at_least(store: PostgresEventStore, after: Position, count: int) -> list:
    """What a reader gets once `count` events are readable (a moment's wait is by design)."""

    def readable() -> list | None:
        events = store.read_all(after, categories=["late"])
        return events if len(events) >= count else None

    return wait_for(readable, 30, f"{count} events readable")


def test_reader_waits_for_a_late_commit_instead_of_skipping_it(settings, store):
    start = store.head()
    slow = open_slow_writer(settings, f"late-{uuid.uuid4()}")  # takes its position first
    fast = store.append(f"late-{uuid.uuid4()}", [NewEvent("Fast", {})], 0)[0]

    # The fast event is committed and has the larger position, but a reader that returned it now
    # would have passed the slow writer's place: it must not be readable yet.
    assert store.read_all(start, categories=["late"]) == []
    slow.commit()
    slow.close()

    seen = read_at_least(store, start, 2)
    assert [e.type for e in seen] == ["Slow", "Fast"]
    assert seen[0].position.position < fast.position.position


def test_a_rolled_back_writer_leaves_no_trace_and_releases_readers(settings, store):
    start = store.head()
    slow = open_slow_writer(settings, f"late-{uuid.uuid4()}")
    store.append(f"late-{uuid.uuid4()}", [NewEvent("Fast", {})], 0)
    slow.rollback()
    slow.close()
    assert [e.type for e in read_at_least(store, start, 1)] == ["Fast"]


def tail(
    store: PostgresEventStore, after: Position, expected: threading.Event, stored: list, seen: list
) -> None:
    """Reads on until it has seen as many events as the writers stored (or gives up after 60 s).

    An empty read proves nothing: any open write transaction in the cluster (autovacuum's
    ANALYZE, say) holds readers back for a moment, by design.
    """
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (expected.is_set() and len(seen) >= len(stored)):
        events = store.read_all(after, categories=["race"], limit=200)
        seen.extend(events)
        if events:
            after = events[-1].position
        else:
            time.sleep(0.005)


def write(store: PostgresEventStore, streams: list[str], count: int, stored: list) -> None:
    rng = random.Random()
    versions = dict.fromkeys(streams, 0)
    for _ in range(count):
        stream = rng.choice(streams)
        batch = [NewEvent("Raced", {"i": i}) for i in range(rng.randint(1, 3))]
        appended = store.append(stream, batch, versions[stream])
        versions[stream] = appended[-1].version
        stored.extend(appended)


def test_a_tailing_reader_sees_every_event_once_in_order_under_concurrent_writers(db, store):
    start, done, stored, seen = store.head(), threading.Event(), [], []
    reader = threading.Thread(target=tail, args=(store, start, done, stored, seen))
    reader.start()
    writers = [
        threading.Thread(
            target=write,
            args=(
                PostgresEventStore(db, "test"),
                [f"race-{uuid.uuid4()}" for _ in range(3)],
                60,
                stored,
            ),
        )
        for _ in range(8)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    done.set()
    reader.join()

    log_order = list(store.iterate(start, categories=["race"]))
    assert len(log_order) == len(stored)
    assert [e.event_id for e in seen] == [e.event_id for e in log_order]
    by_stream: dict[str, list[int]] = {}
    for event in seen:
        by_stream.setdefault(event.stream_id, []).append(event.version)
    assert all(v == list(range(1, len(v) + 1)) for v in by_stream.values())


def page_queries():
    """Every query that pages through the log: the store's (with and without a category) and
    the relay's batch."""
    for categories in (None, ["race"]):
        yield PostgresEventStore.read_all_query(Position(0, 0), categories, None, 10)
    yield relay_batch, ["0", 0, 10]


@pytest.mark.parametrize("query", list(page_queries()))
def test_log_pages_sort_transaction_ids_as_numbers_in_the_index(db, query):
    """999999 comes before 1000000, and a page is read off the index, not sorted whole: the
    ORDER BY must name the xid8 column itself, never an output column (a cast of it)."""
    sql, params = query
    with db.statement() as cur:
        cur.execute("EXPLAIN (VERBOSE) " + sql, params)
        plan = [row[0].strip() for row in cur.fetchall()]
    sort_keys = [line for line in plan if line.startswith("Sort Key:")]
    # Either the log-order index gives the order, or the sort is on the columns themselves.
    assert sort_keys in ([], ['Sort Key: events.transaction_id, events."position"'])

"""The event store's contract, run against every implementation: the in-memory fake the unit
tests use must behave as the PostgreSQL store does."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from eventlog import (
    ConcurrencyConflict,
    DuplicateEventIdMismatch,
    InMemoryEventStore,
    Metadata,
    NewEvent,
    PostgresEventStore,
)
from eventlog.model import Upcasters
from tests.support import wait_for


@pytest.fixture(
    params=["memory", pytest.param("postgres", marks=pytest.mark.servers)],
)
def any_store(request):
    if request.param == "memory":
        return InMemoryEventStore(source="test")
    return PostgresEventStore(request.getfixturevalue("db"), source="test")


def new_stream(category: str = "contract") -> str:
    return f"{category}{uuid.uuid4().hex[:8]}-{uuid.uuid4()}"


def events(*types: str, **data) -> list[NewEvent]:
    return [NewEvent(t, {"n": i, **data}) for i, t in enumerate(types)]


def test_append_numbers_versions_from_one_and_reads_back_in_order(any_store):
    stream = new_stream()
    stored = any_store.append(stream, events("A", "B", "C"), 0)
    assert [e.version for e in stored] == [1, 2, 3]
    assert [e.type for e in any_store.read_stream(stream)] == ["A", "B", "C"]
    assert [e.version for e in any_store.read_stream(stream, from_version=2)] == [2, 3]
    assert any_store.stream_version(stream) == 3
    assert any_store.stream_version(new_stream()) == 0


# One event and several take different statements in the PostgreSQL store: both are checked.
SIZES = pytest.mark.parametrize("size", [1, 2], ids=["one event", "two events"])


@SIZES
def test_expected_version_mismatch_is_a_typed_conflict(any_store, size):
    stream = new_stream()
    any_store.append(stream, events("A"), 0)
    with pytest.raises(ConcurrencyConflict) as behind:
        any_store.append(stream, events(*"BC"[:size]), 0)
    assert (behind.value.expected, behind.value.actual) == (0, 1)
    with pytest.raises(ConcurrencyConflict) as ahead:
        any_store.append(stream, events(*"BC"[:size]), 5)  # a gap is refused too
    assert (ahead.value.expected, ahead.value.actual) == (5, 1)
    assert any_store.stream_version(stream) == 1


def test_any_version_appends_at_the_end(any_store):
    stream = new_stream()
    any_store.append(stream, events("A"), None)
    assert [e.version for e in any_store.append(stream, events("B", "C"), None)] == [2, 3]


@SIZES
@pytest.mark.parametrize("expected", [0, 1, None])
def test_retrying_the_same_events_stores_them_once(any_store, size, expected):
    stream = new_stream()
    if expected != 0:
        any_store.append(stream, events("Z"), 0)
    batch = events(*"AB"[:size])
    first = any_store.append(stream, batch, expected)
    again = any_store.append(stream, batch, expected)
    assert again == first
    assert any_store.stream_version(stream) == (expected or 0) + size + (expected is None)


def test_retrying_a_batch_across_streams_stores_it_once(any_store):
    one, two = new_stream(), new_stream()
    batch = [(one, 0, events("A", "B")), (two, 0, events("A"))]
    first = any_store.append_batch(batch)
    assert any_store.append_batch(batch) == first
    assert (any_store.stream_version(one), any_store.stream_version(two)) == (2, 1)


# The PostgreSQL store builds what an append returns from the few values the database assigned:
# it must be exactly what a reader later reads, whichever statement stored it.
@pytest.mark.parametrize("shape", ["one event", "one stream", "two streams"])
def test_an_append_returns_the_events_as_read_back(any_store, shape):
    one, two = new_stream(), new_stream()
    meta = Metadata(branch_id="b1", actor_id="m7", correlation_id="c1")
    occurred = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    first = [NewEvent("A", {"x": "台账"}, occurred_at=occurred), NewEvent("B", {"y": [1, 2]})]
    batches = {
        "one event": [(one, None, first[:1])],
        "one stream": [(one, 0, first)],
        "two streams": [(two, 0, events("C")), (one, 0, first)],
    }[shape]
    stored = any_store.append_batch(batches, metadata=meta)
    read = any_store.read_streams([one, two])
    assert sorted(stored, key=lambda e: e.position) == stored
    assert sorted(stored, key=lambda e: (e.stream_id, e.version)) == sorted(
        read[one] + read[two], key=lambda e: (e.stream_id, e.version)
    )
    for event in stored:  # none given: the moment of the append
        assert event.occurred_at == (occurred if event.type == "A" else event.recorded_at)
    assert len({(e.position.transaction_id, e.recorded_at) for e in stored}) == 1  # one moment


def test_an_event_id_reused_with_new_events_is_refused(any_store):
    stream = new_stream()
    batch = events("A")
    any_store.append(stream, batch, 0)
    with pytest.raises(DuplicateEventIdMismatch):
        any_store.append(stream, [batch[0], NewEvent("B", {})], 1)


def test_batch_across_streams_is_all_or_nothing(any_store):
    one, two = new_stream(), new_stream()
    any_store.append(two, events("A"), 0)
    with pytest.raises(ConcurrencyConflict):
        any_store.append_batch([(one, 0, events("A")), (two, 0, events("B"))])
    assert any_store.stream_version(one) == 0
    stored = any_store.append_batch([(one, 0, events("A")), (two, 1, events("B"))])
    assert [(e.stream_id, e.version) for e in stored] == [(one, 1), (two, 2)]


def test_a_batch_names_each_stream_once(any_store):
    one = new_stream()
    with pytest.raises(ValueError, match="twice"):
        any_store.append_batch([(one, 0, events("A")), (one, 1, events("B"))])
    assert any_store.stream_version(one) == 0


def test_batch_checks_every_streams_expected_version(any_store):
    one, two, three = new_stream(), new_stream(), new_stream()
    any_store.append_batch([(one, 0, events("A")), (two, 0, events("A", "B"))])
    stored = any_store.append_batch(
        [(one, 1, events("B")), (two, 2, events("C")), (three, 0, events("A"))]
    )
    assert [(e.stream_id, e.version) for e in stored] == [(one, 2), (two, 3), (three, 1)]
    with pytest.raises(ConcurrencyConflict) as conflict:
        any_store.append_batch([(one, 2, events("C")), (two, 2, events("D"))])
    assert (conflict.value.stream_id, conflict.value.actual) == (two, 3)
    assert any_store.stream_version(one) == 2


def test_metadata_travels_with_every_event(any_store):
    stream = new_stream()
    meta = Metadata(branch_id="b1", actor_id="m7", correlation_id="c1", causation_id="e0")
    occurred = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    stored = any_store.append(
        stream, [NewEvent("A", {"x": "台账"}, occurred_at=occurred)], 0, metadata=meta
    )[0]
    read = any_store.read_stream(stream)[0]
    assert read.metadata == meta == stored.metadata
    assert read.occurred_at == occurred and read.recorded_at >= occurred
    assert (read.type, read.schema_version, read.data, read.source) == (
        "A",
        1,
        {"x": "台账"},
        "test",
    )
    assert read.category == stream.split("-")[0]


def settled(store, start, categories: list[str], count: int) -> list:
    """read_all once `count` events are readable: a write transaction open elsewhere in the
    cluster holds log readers back for a moment, by design (see eventlog/store.py)."""

    def readable() -> list | None:
        found = store.read_all(start, categories=categories)
        return found if len(found) >= count else None

    return wait_for(readable, 30, f"{count} events readable")


def test_read_all_filters_by_category_and_type_in_log_order(any_store):
    stream_a, stream_b = new_stream(), new_stream()
    start = any_store.head()
    any_store.append(stream_a, events("A", "B"), 0)
    any_store.append(stream_b, events("A"), 0)
    categories = [stream_a.split("-")[0], stream_b.split("-")[0]]
    everything = [(e.stream_id, e.type) for e in settled(any_store, start, categories, 3)]
    assert everything == [(stream_a, "A"), (stream_a, "B"), (stream_b, "A")]
    only_b = any_store.read_all(start, categories=[stream_b.split("-")[0]])
    assert [e.stream_id for e in only_b] == [stream_b]
    assert [e.type for e in any_store.read_all(start, categories=categories, types=["B"])] == ["B"]
    first = any_store.read_all(start, categories=categories, limit=1)
    later = any_store.read_all(first[0].position, categories=categories)
    assert [e.type for e in later] == ["B", "A"]


def test_state_as_of_a_time_is_the_prefix_that_had_occurred(any_store):
    stream = new_stream()
    day = datetime(2026, 1, 1, tzinfo=UTC)
    any_store.append(
        stream,
        [NewEvent(t, {}, occurred_at=day + timedelta(days=i)) for i, t in enumerate("ABC")],
        0,
    )
    as_of = any_store.read_stream(stream, as_of=day + timedelta(days=1, hours=1))
    assert [e.type for e in as_of] == ["A", "B"]
    assert any_store.read_stream(stream, as_of=day - timedelta(days=1)) == []


def test_several_streams_are_read_at_once_each_as_of_a_time(any_store):
    one, two, unknown = new_stream(), new_stream(), new_stream()
    day = datetime(2026, 1, 1, tzinfo=UTC)
    for stream, days in ((one, (0, 1, 2)), (two, (2, 0))):  # two: a late event, then an earlier
        any_store.append(
            stream, [NewEvent(f"E{d}", {}, occurred_at=day + timedelta(days=d)) for d in days], 0
        )
    found = any_store.read_streams([one, two, unknown], as_of=day + timedelta(days=1, hours=1))
    assert {s: [e.type for e in events] for s, events in found.items()} == {
        one: ["E0", "E1"],
        two: [],  # the prefix stops at the first event after the moment
        unknown: [],
    }
    everything = any_store.read_streams([one, two])
    assert [e.version for e in everything[one]] == [1, 2, 3] and len(everything[two]) == 2


def test_event_data_must_be_json(any_store):
    stream = new_stream()
    with pytest.raises(TypeError):
        any_store.append(stream, [NewEvent("A", {"x": object()})], 0)
    with pytest.raises(TypeError):  # refused whole: the good event is not stored either
        any_store.append(stream, [NewEvent("A", {}), NewEvent("B", {"x": object()})], 0)
    assert any_store.stream_version(stream) == 0


def test_older_schema_versions_are_upcast_on_read(any_store):
    upcasters = Upcasters()

    @upcasters.register("Renamed", 1)
    def v1_to_v2(data):
        return {"title": data.pop("name")}

    stream = new_stream()
    any_store.append(stream, [NewEvent("Renamed", {"name": "x"})], 0)
    any_store._upcasters = upcasters  # as a release that knows version 2 reads the same log
    read = any_store.read_stream(stream)[0]
    assert (read.schema_version, read.data) == (2, {"title": "x"})

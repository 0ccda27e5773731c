"""The log's own metrics count what happened: appends once, conflicts whichever way found."""

import uuid

import pytest

from eventlog import ConcurrencyConflict, NewEvent
from tests.support import sample


def test_a_retry_is_not_counted_again_and_every_conflict_is(store):
    stream, event = f"metered-{uuid.uuid4()}", NewEvent("Metered", {})
    appended = sample("eventlog_events_appended_total", source="test", type="Metered")
    conflicts = sample("eventlog_append_conflicts_total", source="test")
    store.append(stream, [event], 0)
    store.append(stream, [event], 0)  # the same command again: returns what is stored
    with pytest.raises(ConcurrencyConflict):
        store.append(stream, [NewEvent("Metered", {})], 3)  # ahead of the stream: a guard fails
    with pytest.raises(ConcurrencyConflict):
        store.append(stream, [NewEvent("Metered", {})], 0)  # behind it: the unique key refuses
    assert sample("eventlog_events_appended_total", source="test", type="Metered") == appended + 1
    assert sample("eventlog_append_conflicts_total", source="test") == conflicts + 2

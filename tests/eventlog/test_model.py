"""The log's value types."""

import uuid
from dataclasses import FrozenInstanceError, replace
from datetime import datetime

import pytest

from eventlog import NewEvent, Position, StoredEvent, utcnow
from eventlog.model import new_event_id


def test_an_assembled_event_is_the_event_the_constructor_makes():
    now = utcnow()
    fields = dict(
        event_id=uuid.uuid4(), stream_id="item-1", version=3, type="Done", schema_version=2,
        data={"by": "m1"}, source="ledger", position=Position(7, 9), occurred_at=now,
        recorded_at=now, branch_id="b1", actor_id="m1",
    )  # fmt: skip
    made, assembled = StoredEvent(**fields), StoredEvent.assemble(**fields)
    assert assembled == made and repr(assembled) == repr(made)
    assert assembled.correlation_id is None  # a default not given
    assert replace(assembled, version=4) == replace(made, version=4)
    with pytest.raises(FrozenInstanceError):
        assembled.version = 5  # type: ignore[misc]


def test_event_ids_are_uuid7_and_sort_in_the_order_they_were_made():
    ids = [new_event_id() for _ in range(1000)]
    assert {i.version for i in ids} == {7} and {i.variant for i in ids} == {uuid.RFC_4122}
    assert len(set(ids)) == len(ids)
    stamps = [i.int >> 80 for i in ids]  # milliseconds: ids of one millisecond are unordered
    assert stamps == sorted(stamps)


def test_a_new_event_refuses_a_time_without_its_zone():
    with pytest.raises(ValueError, match="time zone"):
        NewEvent("Done", {}, occurred_at=datetime(2026, 3, 1, 9, 30))
    assert NewEvent("Done", {}, occurred_at=utcnow()).occurred_at is not None

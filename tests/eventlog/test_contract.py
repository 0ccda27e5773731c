"""The contract check's reading of code: every form in which a reader takes a payload's field is
seen, and a field its definition lacks is named with where it is read. Pure: no servers."""

from __future__ import annotations

from eventlog import Catalogue, Event, Projection
from eventlog.contract import Read, check, source_reads, statement_reads
from eventlog.projection import statement

HERE = __name__


class Planned(Event, category="thing"):
    thing_id: str
    owner_id: str | None


class Moved(Event, category="thing"):
    thing_id: str
    to: str


CATALOGUE = Catalogue.of_module("things", globals())

READER = f"""
from {HERE} import Moved
from {HERE.rsplit(".", 1)[0]} import test_contract as t


def bound(event):
    plan = t.Planned.of(event)
    return plan.owner_id, plan.owner


def direct(event):
    return t.Planned.of(event).thing_idd


def annotated(change: Moved | t.Planned, other) -> str:
    return change.thing_id + change.to + other.anything


def matched(event):
    match event:
        case t.Planned(owner_id=owner, colour=colour):
            return owner
        case Moved() as moved:
            return moved.where
        case Moved() | t.Planned() as either:
            return either.thing_id
"""


def reads_of(source: str) -> set[tuple[str, str | None]]:
    return {(r.ref[1], r.field) for r in source_reads("readers.mod", source, [HERE])}


def test_every_form_of_reading_a_payload_is_seen():
    found = reads_of(READER)
    assert {
        ("Planned", "owner_id"),
        ("Planned", "owner"),
        ("Planned", "thing_idd"),
        ("Moved", "thing_id"),
        ("Planned", "thing_id"),
        ("Moved", "to"),
        ("Planned", "to"),
        ("Planned", "colour"),
        ("Moved", "where"),
    } <= found
    assert not any(field == "anything" for _, field in found)  # `other` holds no payload


def test_fields_a_definition_lacks_are_named_where_they_are_read():
    reads = source_reads("readers.mod", READER, [HERE])
    problems = check([CATALOGUE], [], reads)
    assert problems == [
        "readers.mod:8 reads Planned.owner, which Planned does not have",
        "readers.mod:12 reads Planned.thing_idd, which Planned does not have",
        "readers.mod:16 reads Planned.to, which Planned does not have",
        "readers.mod:21 reads Planned.colour, which Planned does not have",
        "readers.mod:24 reads Moved.where, which Moved does not have",
    ]


def test_a_read_model_handles_or_ignores_each_type_of_its_categories():
    handler = statement(Planned, "INSERT INTO t VALUES (%(thing_id)s, %(owner_idd)s)")
    things = Projection("things", ("thing",), "", (), handlers={Planned: handler})
    reads = statement_reads(things)
    assert reads == [
        Read((HERE, "Planned"), "owner_idd", "things"),
        Read((HERE, "Planned"), "thing_id", "things"),
    ]
    assert check([CATALOGUE], [things], reads) == [
        "things reads Planned.owner_idd, which Planned does not have",
        "things neither handles nor ignores Moved",
    ]
    stale = Projection("stale", ("thing",), "", (), ignored=(Moved, Planned, "Gone"))
    assert check([CATALOGUE], [stale], []) == [
        "stale names Gone, which no producer of its categories defines"
    ]

"""Event definitions: a payload written and read back as the log stores it, older shapes read
through upcasters, read models keyed by definitions. Pure: no servers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from eventlog import (
    UPCASTERS,
    Catalogue,
    Event,
    InMemoryEventStore,
    NewEvent,
    Projection,
    new_event,
)
from eventlog.definitions import omittable
from eventlog.projection import statement


class Noted(Event, category="thing", schema_version=2):
    """A test type: a note on a thing."""

    thing_id: str
    note: str
    links: list[str]
    day: str | None = omittable()
    mood: str = "calm"  # gained without a new version


@Noted.upcaster(1)
def _with_links(data: dict) -> dict:
    return {**data, "links": []}


class Dropped(Event, category="thing"):
    thing_id: str


def test_a_payload_is_the_fields_in_order_and_an_absent_one_is_left_out():
    noted = Noted(thing_id="t1", note="n", links=["l"])
    assert noted.data == {"thing_id": "t1", "note": "n", "links": ["l"], "mood": "calm"}
    with_day = Noted(thing_id="t1", note="n", links=[], day="2026-01-01")
    assert list(with_day.data) == ["thing_id", "note", "links", "day", "mood"]
    assert (noted.type, noted.schema_version, noted.category) == ("Noted", 2, "thing")


def test_a_definition_is_appended_and_read_back_unchanged():
    store = InMemoryEventStore()
    noted = Noted(thing_id="t1", note="n", links=["l"], day="2026-01-01")
    stored = store.append("thing-t1", [new_event(noted)], 0)[0]
    assert (stored.type, stored.schema_version, dict(stored.data)) == ("Noted", 2, noted.data)
    assert Noted.of(stored) == noted


def test_reading_takes_defaults_for_what_old_payloads_lack_and_refuses_what_must_be_there():
    store = InMemoryEventStore()
    old = {"thing_id": "t1", "note": "n", "extra": 1}  # version 1: no links, no mood
    store.append("thing-t1", [new_event(Dropped(thing_id="t1")), NewEvent("Noted", old, 1)], 0)
    stored = store.read_stream("thing-t1")[1]  # read as the log reads it: upcast
    assert Noted.of(stored) == Noted(thing_id="t1", note="n", links=[], mood="calm")
    assert UPCASTERS.upcast("Noted", 1, old) == (2, {**old, "links": []})
    assert Noted.upcasters == {1: _with_links}
    store.append("thing-t2", [NewEvent("Noted", {"thing_id": "t2"}, 2)], 0)
    with pytest.raises(KeyError):
        Noted.of(store.read_stream("thing-t2")[0])
    with pytest.raises(TypeError):
        Dropped.of(stored)


def test_an_older_version_as_appended_is_read_through_the_upcasters_too():
    store = InMemoryEventStore()
    old = {"thing_id": "t1", "note": "n"}
    appended = store.append("thing-t1", [NewEvent("Noted", old, 1)], 0)[0]
    assert (appended.schema_version, Noted.of(appended).links) == (1, [])
    assert Noted.of(NewEvent("Noted", old, 1)).links == []


def test_a_catalogue_reads_its_types_and_leaves_others():
    catalogue = Catalogue.of_module("tests", globals())
    assert set(catalogue.types) == {"Noted", "Dropped"}
    assert catalogue.categories == {"thing"}
    assert catalogue.typed("Dropped", {"thing_id": "t1"}) == Dropped(thing_id="t1")
    assert catalogue.typed("Unknown", {}) is None


def test_a_read_model_is_keyed_by_definitions_and_a_statement_reads_its_parameters():
    handler = statement(Noted, "UPDATE t SET note = %(note)s, at = %(at)s WHERE id = %(owner)s")
    projection = Projection(
        name="things",
        categories=("thing",),
        schema_sql="",
        tables=(),
        handlers={Noted: handler},
        ignored=(Dropped,),
    )
    assert projection.handlers == {"Noted": handler}
    assert projection.ignored == {"Dropped"}
    assert handler.reads == ("note",)  # type: ignore[attr-defined]


def test_a_statement_refuses_a_field_named_as_the_envelope():
    class Clocked(Event, category="thing"):
        at: str

    with pytest.raises(ValueError, match="envelope"):
        statement(Clocked, "UPDATE t SET x = %(at)s")


def test_an_event_takes_a_commands_fields_of_its_names_as_the_log_stores_them():
    @dataclass(frozen=True)
    class Note:
        thing_id: str
        note: str
        links: tuple[str, ...]
        on: date
        actor_id: str = "someone"

    noted = Noted.taking(Note("t1", "n", ("l",), date(2026, 3, 1)), day=date(2026, 3, 2))
    assert noted == Noted(thing_id="t1", note="n", links=["l"], day="2026-03-02")  # mood: default
    assert Noted.taking(Note("t1", "n", (), date(2026, 3, 1)), note="other").note == "other"

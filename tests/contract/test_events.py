"""The events contract, checked without servers: every reader reads what its producer defines,
every read model decides about every type of its streams, and docs/events.md is current. The
check is shown to fail on what it is there for, against modified copies of the definitions."""

from __future__ import annotations

import types
from typing import Any

import pytest

from eventlog import Catalogue, Event, InMemoryEventStore, new_event
from services import catalogue
from services.ledger import events as le


def test_every_reader_reads_what_its_producer_defines():
    assert catalogue.problems() == []


def copy(
    definition: type[Event], annotations: dict[str, Any], name: str = "", **options: Any
) -> type[Event]:
    """Another definition (of the type, or named `name`) in its producer's module and category,
    with these fields."""
    keywords = {"category": definition.category, **options}

    def body(namespace: dict[str, Any]) -> None:
        namespace.update(__annotations__=annotations, __module__=definition.__module__)

    return types.new_class(name or definition.type, (Event,), keywords, body)


def ledger_with(*changed: type[Event]) -> list[Catalogue]:
    """Every catalogue, the ledger's with these definitions instead of (or beside) its own."""
    by_name = {**le.EVENTS.types, **{definition.type: definition for definition in changed}}
    ledger = Catalogue(le.EVENTS.producer, le.EVENTS.module, by_name.values())
    return [ledger if c is le.EVENTS else c for c in catalogue.CATALOGUES]


def test_renaming_a_field_breaks_the_contract_where_it_is_read():
    fields = le.ItemPlanned.field_types()
    renamed = {("owner" if name == "owner_id" else name): kind for name, kind in fields.items()}
    found = catalogue.problems(ledger_with(copy(le.ItemPlanned, renamed)))
    read = [problem for problem in found if "reads ItemPlanned.owner_id" in problem]
    assert any(problem.startswith("gateway_reach ") for problem in read)  # its statement's SQL
    assert any(p.startswith("services.gateway.web.pages.items:") for p in read)  # a history
    assert all("ItemPlanned.owner_id" in problem for problem in found)


def test_a_new_type_is_a_decision_for_every_reader_of_its_streams():
    accounted = copy(le.ItemReassigned, {"accountable_id": str}, "ItemAccountabilityChanged")
    found = catalogue.problems(ledger_with(accounted))
    readers = ("ledger", "appraisal", "gateway_reach")  # those reading `item-…` streams
    assert found == [f"{r} neither handles nor ignores ItemAccountabilityChanged" for r in readers]


def test_a_type_of_a_new_version_needs_its_upcaster():
    fields = le.GroupFormed.field_types()
    newer = copy(le.GroupFormed, {**fields, "leader_id": str | None}, schema_version=2)
    assert catalogue.problems(ledger_with(newer)) == [
        "GroupFormed version 2: no upcaster from version [1]"
    ]


def test_the_catalogue_of_events_in_the_docs_is_current():
    assert catalogue.DOCUMENT.read_text("utf-8") == catalogue.document(), "run: make events"


@pytest.mark.parametrize(
    "definition",
    [d for c in catalogue.CATALOGUES for d in c.types.values()],
    ids=lambda definition: definition.type,
)
def test_a_definition_reads_back_what_it_appended(definition: type[Event]):
    """Through the log's own port: a payload the definition makes is stored and read as it was."""
    sample = definition.of(_Stored(definition.type, _sample(definition)))
    store = InMemoryEventStore(source="test")
    stored = store.append(f"{definition.category}-x", [new_event(sample)], 0)
    assert stored[0].type == definition.type
    assert stored[0].schema_version == definition.schema_version
    assert definition.of(store.read_stream(f"{definition.category}-x")[0]) == sample


class _Stored:
    def __init__(self, type_name: str, data: dict[str, Any]):
        self.type, self.data = type_name, data


def _sample(definition: type[Event]) -> dict[str, Any]:
    """A value of each field's type where it is a plain one (null for the others)."""
    values = {str: "text", int: 3, float: 0.5, bool: True}
    return {name: values.get(kind) for name, kind in definition.field_types().items()}

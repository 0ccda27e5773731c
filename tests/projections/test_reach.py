"""The gateway's reach read model answers as the services it copies: over the producers' worlds,
a person's roles and the branches their committees oversee are the ledger's `member_roles` and
`institution` answers, each item's place and owner the ledger's, each cycle's branch the
appraisal's; and a rebuild from the log (`taizhang rebuild`) gives the model the live one was."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventlog import PostgresEventStore, ProjectionRunner, StoredEvent, cli, owner_of
from services.appraisal.projection import PROJECTION as APPRAISAL
from services.gateway.reach import queries as reach
from services.gateway.reach.projection import PROJECTION as REACH
from services.ledger.projection import PROJECTION as LEDGER
from services.ledger.queries import organisation

from .producers import play
from .world import World

pytestmark = pytest.mark.servers
EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def runners(db) -> dict[str, ProjectionRunner]:
    store = PostgresEventStore(db, source="test")
    found = {p.name: ProjectionRunner(db, store, p) for p in (LEDGER, APPRAISAL, REACH)}
    for runner in found.values():
        runner.setup()
    return found


def _played(runners, draw) -> list[StoredEvent]:
    events = play(World(runners["ledger"].store, draw))
    for runner in runners.values():
        runner.apply(events)
    return events


def _people(events: list[StoredEvent]) -> set[str]:
    return {
        person
        for event in events
        for person in (event.data.get("person_id"), event.data.get("member_id"), event.actor_id)
        if isinstance(person, str)
    }


def _ids(events: list[StoredEvent], category: str) -> list[str]:
    return sorted({owner_of(e) for e in events if e.stream_id.startswith(f"{category}-")})


def _items(db, table: str, ids: list[str]) -> list[dict]:
    return db.fetch_all(
        f"SELECT item_id, branch_id, level, group_id, owner_id FROM {table}"
        " WHERE item_id = ANY(%s) ORDER BY item_id",
        (ids,),
    )


def _cycles(db, table: str, ids: list[str]) -> list[dict]:
    return db.fetch_all(
        f"SELECT cycle_id, branch_id FROM {table} WHERE cycle_id = ANY(%s) ORDER BY cycle_id",
        (ids,),
    )


def _answers(db, events: list[StoredEvent]) -> dict:
    """Everything the reach model says about this world's people, items and cycles."""
    return {
        "people": {person: reach.member_roles(db, person) for person in sorted(_people(events))},
        "items": _items(db, "gateway.items", _ids(events, "item")),
        "cycles": _cycles(db, "gateway.appraisal_cycles", _ids(events, "cycle")),
    }


@EXAMPLES
@given(data=st.data())
def test_the_reach_model_answers_as_the_ledger_and_the_appraisal(runners, db, data):
    events = _played(runners, data.draw)
    for person in sorted(_people(events)):
        roles, overseen = reach.member_roles(db, person)
        assert roles == organisation.member_roles(db, person)
        assert overseen == {
            branch["branch_id"]: institution
            for institution in roles["institution_committee"]
            for branch in organisation.institution(db, institution)["branches"]
        }
    items = _ids(events, "item")
    assert _items(db, "gateway.items", items) == _items(db, "ledger.items", items)
    cycles = _ids(events, "cycle")
    assert _cycles(db, "gateway.appraisal_cycles", cycles) == _cycles(
        db, "appraisal.cycles", cycles
    )


@settings(EXAMPLES, max_examples=1)
@given(data=st.data())
def test_a_rebuild_from_the_log_gives_the_live_model(runners, db, data):
    events = _played(runners, data.draw)
    live = _answers(db, events)
    assert cli.main(["rebuild", "services.gateway.reach.projection", "--quiet"]) == 0
    assert _answers(db, events) == live

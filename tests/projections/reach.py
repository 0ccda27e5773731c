"""What the gateway's reach read model says about a world's people, items and cycles, and that
it is what the services it copies say (the ledger's `member_roles` and `institution`, its items,
the appraisal's cycles)."""

from __future__ import annotations

from eventlog import StoredEvent, owner_of
from services.gateway.reach import queries as reach
from services.ledger.queries import organisation


def people(events: list[StoredEvent]) -> set[str]:
    return {
        person
        for event in events
        for person in (event.data.get("person_id"), event.data.get("member_id"), event.actor_id)
        if isinstance(person, str)
    }


def ids(events: list[StoredEvent], category: str) -> list[str]:
    return sorted({owner_of(e) for e in events if e.stream_id.startswith(f"{category}-")})


def items(db, table: str, item_ids: list[str]) -> list[dict]:
    return db.fetch_all(
        f"SELECT item_id, branch_id, level, group_id, owner_id FROM {table}"
        " WHERE item_id = ANY(%s) ORDER BY item_id",
        (item_ids,),
    )


def cycles(db, table: str, cycle_ids: list[str]) -> list[dict]:
    return db.fetch_all(
        f"SELECT cycle_id, branch_id FROM {table} WHERE cycle_id = ANY(%s) ORDER BY cycle_id",
        (cycle_ids,),
    )


def answers(db, events: list[StoredEvent]) -> dict:
    """Everything the reach model says about this world's people, items and cycles."""
    return {
        "people": {person: reach.member_roles(db, person) for person in sorted(people(events))},
        "items": items(db, "gateway.items", ids(events, "item")),
        "cycles": cycles(db, "gateway.appraisal_cycles", ids(events, "cycle")),
    }


def assert_answers_as_the_services(db, events: list[StoredEvent]) -> None:
    for person in sorted(people(events)):
        roles, overseen = reach.member_roles(db, person)
        assert roles == organisation.member_roles(db, person)
        assert overseen == {
            branch["branch_id"]: institution
            for institution in roles["institution_committee"]
            for branch in organisation.institution(db, institution)["branches"]
        }
    item_ids, cycle_ids = ids(events, "item"), ids(events, "cycle")
    assert items(db, "gateway.items", item_ids) == items(db, "ledger.items", item_ids)
    assert cycles(db, "gateway.appraisal_cycles", cycle_ids) == cycles(
        db, "appraisal.cycles", cycle_ids
    )

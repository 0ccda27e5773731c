"""Rectifications raised by the appraisal become items in the member's ledger, once only."""

from __future__ import annotations

import uuid

import pytest

from eventlog import Metadata, NewEvent, PostgresEventStore, ProjectionRunner
from services.common.handlers import load
from services.ledger.domain.items import Item, evolve
from services.ledger.handlers.items import stream_id
from services.ledger.rectifications import RECTIFICATIONS

from .scenario import build

pytestmark = pytest.mark.servers


@pytest.fixture
def rectifications(db, ledger_store) -> ProjectionRunner:
    runner = ProjectionRunner(db, ledger_store, RECTIFICATIONS)
    runner.setup()
    return runner


def raise_rectification(db, ids, raised_by: str) -> tuple[str, list]:
    """A RectificationRaised as the appraisal writes it, in a cycle stream of its own."""
    cycle = f"c{uuid.uuid4().hex[:8]}"
    data = {
        "rectification_id": f"{cycle}.r1",
        "cycle_id": cycle,
        "branch_id": ids["branch"],
        "member_id": ids["m1"],
        "title": "加强学习",
        "due_date": "2026-06-30",
        "raised_by": raised_by,
    }
    store = PostgresEventStore(db, source="appraisal")
    meta = Metadata(branch_id=ids["branch"], actor_id=raised_by)
    events = store.append(
        f"cycle-{cycle}", [NewEvent("RectificationRaised", data)], 0, metadata=meta
    )
    return data["rectification_id"], events


def outcome(db, rectification_id: str) -> dict:
    return db.fetch_one(
        "SELECT planned, refusal FROM ledger.rectifications WHERE rectification_id = %s",
        (rectification_id,),
    )


def test_a_raised_rectification_is_planned_once_as_a_member_item(db, ledger_store, rectifications):
    ids = build(ledger_store)
    item_id, events = raise_rectification(db, ids, ids["sec"])
    rectifications.apply(events)
    item, version = load(ledger_store, stream_id(item_id), evolve, Item())
    assert version == 1
    assert {k: item.plan[k] for k in ("level", "kind", "cadence", "owner_id", "due_date")} == {
        "level": "member",
        "kind": "rectification",
        "cadence": "once",
        "owner_id": ids["m1"],
        "due_date": "2026-06-30",
    }
    assert item.plan["source"]["raised_by"] == ids["sec"]
    rectifications.rebuild()  # a replay finds the item planned and plans nothing twice
    assert ledger_store.stream_version(stream_id(item_id)) == 1
    assert outcome(db, item_id) == {"planned": True, "refusal": None}


def test_a_refused_rectification_is_recorded_and_does_not_block(db, ledger_store, rectifications):
    ids = build(ledger_store)
    item_id, events = raise_rectification(db, ids, ids["m1"])  # a member manages no items
    rectifications.apply(events)
    assert ledger_store.stream_version(stream_id(item_id)) == 0
    found = outcome(db, item_id)
    assert not found["planned"] and found["refusal"].startswith("Forbidden")

"""What was done about an overdue occurrence: recorded on the item by its supervision holder (or
who runs the branch), only for an occurrence that fell overdue, with the day the action was
taken."""

from datetime import UTC, date, datetime

import pytest

from services.ledger.domain import branch as b
from services.ledger.domain import goals as g
from services.ledger.domain import items as c
from services.ledger.exceptions import BadInput, Forbidden, InvalidTransition
from services.ledger.handlers import items as h
from services.ledger.handlers import life
from services.ledger.handlers import organisation as org

from .conftest import NOW
from .test_items import plan


def talk(store, actor="fto", period="2026-01", item_id="it1", **more):
    cmd = c.RecordAccountability(actor, item_id, period, "talk", "已约谈，限期一周", **more)
    return h.record_accountability(cmd, store, NOW)


@pytest.fixture(autouse=True)
def monthly(store):
    """A member's monthly item from January: January is overdue on 10 March, February was done
    late (on 10 March), March is not due yet."""
    plan(store)
    h.complete_occurrence(c.CompleteOccurrence("m1", "it1", "2026-02"), store, NOW)


def test_the_action_is_recorded_on_the_item_with_the_day_it_was_taken(store):
    events = talk(store, taken_on=date(2026, 3, 2)).events
    assert [(e.type, e.actor_id) for e in events] == [("AccountabilityRecorded", "fto")]
    assert dict(events[0].data) == {
        "period": "2026-01",
        "action": "talk",
        "note": "已约谈，限期一周",
        "taken_on": "2026-03-02",
    }
    assert (
        talk(store, period="2026-02").events[0].data["taken_on"] == "2026-03-10"
    )  # today, late done


@pytest.mark.parametrize("period", ["2026-03", "2026-04"])
def test_an_occurrence_not_yet_overdue_has_nothing_to_account_for(store, period):
    with pytest.raises(InvalidTransition):
        talk(store, period=period)


def test_an_occurrence_done_on_time_or_cancelled_has_nothing_to_account_for(store):
    plan(store, item_id="it2")
    on_time = datetime(2026, 1, 20, 2, tzinfo=UTC)
    h.complete_occurrence(c.CompleteOccurrence("m1", "it2", "2026-01"), store, on_time)
    h.cancel_item(c.CancelItem("sec", "it2", "并入年度计划", "2026-02"), store, NOW)
    for period in ("2026-01", "2026-02"):
        with pytest.raises(InvalidTransition):
            talk(store, period=period, item_id="it2")


@pytest.mark.parametrize("day", [date(2026, 1, 31), date(2026, 3, 11)])
def test_the_action_is_taken_after_the_due_date_and_not_after_today(store, day):
    with pytest.raises(BadInput) as refused:
        talk(store, taken_on=day)
    assert set(refused.value.messages) == {"taken_on"}


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [("fto", True), ("sec", True), ("com", True), ("boss", True), ("gl1", False), ("m1", False)],
)
def test_with_no_goal_the_full_time_officers_and_who_runs_the_branch_record_it(
    store, actor, allowed
):
    if allowed:
        talk(store, actor)
    else:
        with pytest.raises(Forbidden, match="supervision"):
            talk(store, actor)


def test_an_item_of_a_goal_is_its_supervision_holders(store):
    org.grant_role(b.GrantRole("boss", "b1", "m2", "full_time_officer"), store, NOW)
    life.open_goal_set(g.OpenGoalSet("sec", "b1", 2026), store, NOW)
    goal = "b1.2026.S1"
    holders = g.AssignResponsibility("sec", "b1", 2026, goal, "sec", "m2", "lead", ("com",))
    life.assign_responsibility(holders, store, NOW)
    plan(store, item_id="it2", goal_id=goal)
    with pytest.raises(Forbidden):
        talk(store, "fto", item_id="it2")  # a full-time officer, but not this goal's supervision
    assert talk(store, "m2", item_id="it2").events[0].actor_id == "m2"

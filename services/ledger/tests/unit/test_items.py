"""Item life cycle through the handlers, on the in-memory store."""

from datetime import date, datetime

import pytest

from eventlog import NewEvent
from services.common.handlers import load
from services.ledger.domain import items as c
from services.ledger.domain.items import Item, evolve, is_overdue
from services.ledger.exceptions import BadInput, Forbidden, InvalidTransition, NotFound
from services.ledger.handlers import items as h

from .conftest import NOW


def plan(store, actor="sec", item_id="it1", **fields):
    defaults = dict(
        level="member",
        kind="party_building",
        cadence="monthly",
        title="学习",
        owner_id="m1",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30),
    )
    return h.plan_item(c.PlanItem(actor, item_id, "b1", **{**defaults, **fields}), store, NOW)


def state_of(store, item_id="it1") -> Item:
    return load(store, h.stream_id(item_id), evolve, Item())[0]


def test_planning_yields_one_occurrence_per_period_and_fills_the_owners_group(store):
    outcome = plan(store, due_day=31)
    item = state_of(store)
    assert outcome.version == 1 and item.plan["group_id"] == "g1"
    assert list(item.occurrences) == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
    ]
    assert item.occurrences["2026-02"].due_date == date(2026, 2, 28)


def test_a_recurring_item_without_dates_runs_for_the_current_year(store):
    h.plan_item(c.PlanItem("sec", "it9", "b1", "branch", "reform", "quarterly", "改革"), store, NOW)
    assert list(state_of(store, "it9").occurrences) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]


def test_a_one_off_item_needs_a_due_date(store):
    with pytest.raises(BadInput) as refused:
        plan(store, cadence="once", starts_on=None, ends_on=None)
    assert "due_date" in refused.value.messages
    plan(store, cadence="once", starts_on=None, ends_on=None, due_date=date(2026, 5, 1))
    assert list(state_of(store).occurrences) == ["once"]


def test_the_full_life_of_an_occurrence(store):
    plan(store)
    steps = [
        (h.start_item, c.StartItem("m1", "it1", "2026-01"), "in_progress"),
        (
            h.note_progress,
            c.NoteProgress("m1", "it1", "2026-01", "half", ("http://x",)),
            "in_progress",
        ),
        (h.complete_occurrence, c.CompleteOccurrence("m1", "it1", "2026-01", "ok"), "done"),
        (h.reopen_item, c.ReopenItem("sec", "it1", "missing minutes", "2026-01"), "in_progress"),
        (h.cancel_item, c.CancelItem("sec", "it1", "merged", "2026-01"), "cancelled"),
        (h.reopen_item, c.ReopenItem("sec", "it1", "back", "2026-01"), "in_progress"),
    ]
    for handler, cmd, status in steps:
        handler(cmd, store, NOW)
        assert state_of(store).status("2026-01") == status


@pytest.mark.parametrize(
    ("handler", "cmd"),
    [
        (h.start_item, c.StartItem("m1", "it1", "2026-01")),
        (h.complete_occurrence, c.CompleteOccurrence("m1", "it1", "2026-01")),
        (h.note_progress, c.NoteProgress("m1", "it1", "2026-01", "late note")),
        (h.cancel_item, c.CancelItem("sec", "it1", "too late", "2026-01")),
    ],
)
def test_a_done_occurrence_refuses_everything_but_reopen(store, handler, cmd):
    plan(store)
    h.complete_occurrence(c.CompleteOccurrence("m1", "it1", "2026-01"), store, NOW)
    with pytest.raises(InvalidTransition):
        handler(cmd, store, NOW)


def test_reopening_needs_done_or_cancelled(store):
    plan(store)
    with pytest.raises(InvalidTransition):
        h.reopen_item(c.ReopenItem("sec", "it1", "why", "2026-01"), store, NOW)


def test_completing_a_planned_occurrence_records_its_start(store):
    plan(store)
    outcome = h.complete_occurrence(c.CompleteOccurrence("m1", "it1", "2026-02"), store, NOW)
    assert [e.type for e in outcome.events] == ["ItemStarted", "ItemCompleted"]
    assert state_of(store).occurrences["2026-02"].completed_at == NOW


def test_cancelling_the_whole_item_cancels_unfinished_occurrences_until_reopened(store):
    plan(store)
    h.complete_occurrence(c.CompleteOccurrence("m1", "it1", "2026-01"), store, NOW)
    h.cancel_item(c.CancelItem("gl1", "it1", "no longer needed"), store, NOW)
    item = state_of(store)
    assert item.status("2026-01") == "done" and item.status("2026-02") == "cancelled"
    with pytest.raises(InvalidTransition):
        h.start_item(c.StartItem("m1", "it1", "2026-02"), store, NOW)
    h.reopen_item(c.ReopenItem("gl1", "it1", "needed after all"), store, NOW)
    assert state_of(store).status("2026-02") == "planned"


def test_an_unknown_period_is_not_found(store):
    plan(store)
    with pytest.raises(NotFound):
        h.start_item(c.StartItem("m1", "it1", "2027-01"), store, NOW)


def test_a_new_due_day_moves_only_unfinished_occurrences(store):
    plan(store, due_day=10)
    h.complete_occurrence(c.CompleteOccurrence("m1", "it1", "2026-01"), store, NOW)
    h.change_due_date(c.ChangeDueDate("gl1", "it1", "later", due_day=20), store, NOW)
    occurrences = state_of(store).occurrences
    assert occurrences["2026-01"].due_date == date(2026, 1, 10)
    assert occurrences["2026-02"].due_date == date(2026, 2, 20)


def test_reassigning_keeps_a_member_item_inside_its_group(store):
    plan(store)
    with pytest.raises(BadInput):
        h.reassign_item(c.ReassignItem("sec", "it1", "m2"), store, NOW)
    h.reassign_item(c.ReassignItem("sec", "it1", "gl1", "m1 调岗"), store, NOW)
    assert state_of(store).plan["owner_id"] == "gl1"
    reassigned = store.read_stream(h.stream_id("it1"))[-1]
    assert reassigned.data == {"owner_id": "gl1", "reason": "m1 调岗"}


def test_completing_with_evidence_keeps_the_links_and_an_old_completion_has_none(store):
    plan(store)
    links = ("https://example.org/report.pdf",)
    h.complete_occurrence(c.CompleteOccurrence("m1", "it1", "2026-01", "交了", links), store, NOW)
    done = store.read_stream(h.stream_id("it1"))[-1]
    assert (done.type, done.data["evidence"]) == ("ItemCompleted", list(links))
    old = NewEvent("ItemCompleted", {"period": "2026-02", "note": ""}, schema_version=1)
    store.append(h.stream_id("it1"), [NewEvent("ItemStarted", {"period": "2026-02"}), old], None)
    assert store.read_stream(h.stream_id("it1"))[-1].data["evidence"] == []
    assert state_of(store).status("2026-02") == "done"


def test_a_reassignment_of_the_release_before_reads_without_a_reason(store):
    plan(store)
    old = NewEvent("ItemReassigned", {"owner_id": "gl1"}, schema_version=1)
    store.append(h.stream_id("it1"), [old], 1)
    assert store.read_stream(h.stream_id("it1"))[-1].data == {"owner_id": "gl1", "reason": ""}
    assert state_of(store).plan["owner_id"] == "gl1"


def test_overdue_is_computed_from_the_clock_never_stored():
    due = date(2026, 3, 31)
    assert not is_overdue("planned", due, today=date(2026, 3, 31))
    assert is_overdue("in_progress", due, today=date(2026, 4, 1))
    assert not is_overdue("done", due, today=date(2026, 4, 1))
    assert not is_overdue("cancelled", due, today=date(2026, 4, 1))


def test_the_event_records_when_it_occurred(store):
    later = datetime(2026, 4, 2, tzinfo=NOW.tzinfo)
    plan(store)
    outcome = h.start_item(c.StartItem("m1", "it1", "2026-01"), store, later)
    assert outcome.events[0].occurred_at == later and outcome.events[0].actor_id == "m1"


# Permissions ---------------------------------------------------------------------------------

PLANNERS = {
    # level, group → who may plan it (everyone else is refused)
    ("branch", None, None): {"boss", "sec", "com"},
    ("group", "g1", None): {"boss", "sec", "com", "gl1"},
    ("member", None, "m2"): {"boss", "sec", "com", "gl2"},
}
EVERYONE = {"boss", "sec", "fto", "lead", "com", "gl1", "gl2", "m1", "m2", "stranger"}


@pytest.mark.parametrize(("level", "group", "owner"), list(PLANNERS))
def test_who_may_plan_an_item(store, level, group, owner):
    for n, actor in enumerate(sorted(EVERYONE)):
        fields = dict(level=level, group_id=group, owner_id=owner)
        if actor in PLANNERS[(level, group, owner)]:
            plan(store, actor=actor, item_id=f"p{n}", **fields)
        else:
            with pytest.raises(Forbidden):
                plan(store, actor=actor, item_id=f"p{n}", **fields)


REFUSED_PLANNER = (
    "this needs the role: group_leader of the owner's group, or secretary or committee_member"
    " of the branch, or institution_committee"
)


def test_a_refused_planner_cannot_tell_a_member_of_another_group_from_no_member(store):
    refused = [("gl2", "nobody")] + [
        (actor, owner)
        for actor in ("stranger", "m1", "fto", "lead", "gl1")
        for owner in ("m2", "nobody")
    ]
    for actor, owner in refused:
        with pytest.raises(Forbidden) as refusal:
            plan(store, actor=actor, owner_id=owner)
        assert str(refusal.value) == REFUSED_PLANNER, (actor, owner)


def test_who_may_plan_for_any_member_hears_that_an_owner_is_unknown(store):
    for admin in ("sec", "com", "boss"):
        with pytest.raises(NotFound, match="nobody is not a member of branch b1"):
            plan(store, actor=admin, owner_id="nobody")


def test_an_unknown_group_is_told_only_to_a_branch_admin(store):
    for actor in ("stranger", "m1", "gl1"):
        with pytest.raises(Forbidden, match="group_leader of group g9"):
            plan(store, actor=actor, level="group", group_id="g9", owner_id=None)
    with pytest.raises(NotFound, match="group g9 does not exist"):
        plan(store, actor="com", level="group", group_id="g9", owner_id=None)


def test_owners_work_on_their_own_items_but_do_not_cancel_them(store):
    plan(store)
    h.start_item(c.StartItem("m1", "it1", "2026-01"), store, NOW)
    for outsider in ("m2", "gl2", "fto", "lead"):
        with pytest.raises(Forbidden, match="group_leader of group g1"):
            h.complete_occurrence(c.CompleteOccurrence(outsider, "it1", "2026-01"), store, NOW)
    with pytest.raises(Forbidden):
        h.cancel_item(c.CancelItem("m1", "it1", "bored", "2026-02"), store, NOW)
    h.complete_occurrence(c.CompleteOccurrence("gl1", "it1", "2026-01"), store, NOW)


def test_a_routine_item_has_one_continuing_occurrence_a_review_period_monthly_by_default(store):
    planned = plan(store, cadence="routine", title="党费收缴").events[0]
    assert (planned.schema_version, planned.data["review"]) == (2, "monthly")
    item = state_of(store)
    assert list(item.occurrences)[:2] == ["2026-01", "2026-02"] and len(item.occurrences) == 6
    assert item.occurrences["2026-02"].due_date == date(2026, 2, 28)  # reviewed at the month's end
    h.note_progress(c.NoteProgress("m1", "it1", "2026-02", "本月已收缴"), store, NOW)
    h.note_progress(c.NoteProgress("m1", "it1", "2026-02", "补缴两人"), store, NOW)
    assert state_of(store).occurrences["2026-02"].notes == ("本月已收缴", "补缴两人")


def test_a_routine_item_may_be_reviewed_quarterly_half_yearly_or_yearly(store):
    plan(store, cadence="routine", review="quarterly", due_day=20)
    assert [(k, o.due_date) for k, o in state_of(store).occurrences.items()] == [
        ("2026-Q1", date(2026, 3, 20)),
        ("2026-Q2", date(2026, 6, 20)),
    ]
    plan(store, item_id="it2", cadence="routine", review="annual", ends_on=date(2026, 12, 31))
    assert list(state_of(store, "it2").occurrences) == ["2026"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"cadence": "daily"}, "cadence"),  # routine replaced it
        ({"cadence": "monthly", "review": "quarterly"}, "review"),
        ({"cadence": "routine", "review": "daily"}, "review"),
    ],
)
def test_no_plan_is_daily_and_only_a_routine_item_has_a_review_period(store, fields, field):
    with pytest.raises(BadInput) as refused:
        plan(store, **fields)
    assert field in refused.value.messages


def test_a_daily_item_planned_before_routine_stays_daily_readable_and_workable(store):
    """Its ItemPlanned (version 1) is read with no review period; its occurrences are days."""
    data = {**legacy_plan(), "cadence": "daily", "starts_on": "2026-03-01", "ends_on": "2026-03-03"}
    store.append(h.stream_id("old"), [NewEvent("ItemPlanned", data, schema_version=1)], 0)
    item = state_of(store, "old")
    assert item.plan["review"] is None
    assert list(item.occurrences) == ["2026-03-01", "2026-03-02", "2026-03-03"]
    h.complete_occurrence(c.CompleteOccurrence("m1", "old", "2026-03-02", "已值班"), store, NOW)
    assert state_of(store, "old").status("2026-03-02") == "done"


def legacy_plan() -> dict:
    """An item's plan as version 1 of ItemPlanned wrote it (no review period)."""
    return {"item_id": "old", "branch_id": "b1", "level": "member", "kind": "reform",
            "title": "值班", "description": "", "goal_id": None, "group_id": "g1",
            "owner_id": "m1", "due_date": None, "due_day": None, "due_month": None,
            "source": None}  # fmt: skip

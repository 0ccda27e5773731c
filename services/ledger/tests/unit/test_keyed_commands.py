"""Keyed commands (services/common/keyed.py) through the ledger's handlers, on the in-memory
store: whatever happened to the first attempt's answer, a retry with the key gets its outcome
and changes nothing more, even when deciding again would now be refused or plan something new."""

import uuid
from datetime import date

import pytest

from services.common import keyed
from services.common.errors import BadInput, PreconditionFailed
from services.common.events import CommandRefused
from services.common.handlers import commit, expecting
from services.ledger.domain import items as c
from services.ledger.exceptions import InvalidTransition
from services.ledger.handlers import items as h

from .conftest import NOW

PLAN = {"actor_id": "sec", "branch_id": "b1", "level": "branch", "kind": "reform"}
PLAN |= {"cadence": "once", "title": "调研报告", "due_date": "2026-12-20"}


def plan(store, key: str | None, during=None):
    """plan_item as the RPC method runs it: no item_id given, so each attempt draws a new one.
    `during(store)` runs between loading and appending (another attempt, say)."""

    def handle(writer):
        if during is not None:
            during(store)
        fields = {**PLAN, "due_date": date.fromisoformat(PLAN["due_date"])}
        return h.plan_item(c.PlanItem(item_id=uuid.uuid4().hex, **fields), writer, NOW)

    return keyed.run(store, key, "plan_item", PLAN, handle)


def planned(store) -> list[str]:
    return [
        e.stream_id for e in store.read_all(types=["ItemPlanned"]) if e.data["title"] == "调研报告"
    ]


def test_a_retry_with_the_key_gets_the_first_outcome_and_plans_nothing_more(store):
    first = plan(store, "k1")
    assert plan(store, "k1") == first
    assert planned(store) == [h.stream_id(first.id)]
    assert plan(store, "k2").id != first.id  # another key, another item


def test_without_a_key_every_attempt_plans_again(store):
    plan(store, None), plan(store, None)
    assert len(planned(store)) == 2


def test_of_two_attempts_at_once_the_second_to_append_answers_the_firsts_outcome(store):
    answers = []
    slow = plan(store, "k1", during=lambda s: answers.append(plan(s, "k1")))
    assert slow == answers[0] and len(planned(store)) == 1


def test_a_retry_that_would_now_be_refused_gets_the_first_outcome(store):
    item = plan(store, None).id
    complete = {"actor_id": "sec", "item_id": item, "period": "once"}

    def handle(writer):
        return h.complete_occurrence(c.CompleteOccurrence(**complete), writer, NOW)

    first = keyed.run(store, "done", "complete_occurrence", complete, handle)
    with pytest.raises(InvalidTransition):  # completing again, without the key
        handle(store)
    assert keyed.run(store, "done", "complete_occurrence", complete, handle) == first


def test_a_key_reused_for_another_command_is_refused(store):
    plan(store, "k1")
    with pytest.raises(BadInput) as refused:
        keyed.run(store, "k1", "cancel_item", {"item_id": "x"}, lambda writer: None)
    assert "command_key" in refused.value.messages


def test_a_command_that_decides_nothing_records_nothing(store):
    def nothing(writer):
        return commit(writer, "item-none", [], 0, actor_id="sec", branch_id="b1", now=NOW, id="x")

    keyed.run(store, "k1", "noop", {}, nothing)
    assert store.stream_version(keyed.record_stream("ledger", "k1")) == 0


def test_under_a_stale_precondition_no_event_is_stored_and_the_key_keeps_the_refusal(store):
    item = plan(store, None)
    cancel = {"actor_id": "sec", "item_id": item.id, "reason": "重复"}

    def handle(writer):
        return h.cancel_item(c.CancelItem(**cancel), expecting(writer, item.version - 1), NOW)

    def current(writer):
        return h.cancel_item(c.CancelItem(**cancel), expecting(writer, item.version), NOW)

    with pytest.raises(PreconditionFailed):
        keyed.run(store, "k1", "cancel_item", cancel, handle)
    assert store.stream_version(h.stream_id(item.id)) == item.version
    record = store.read_stream(keyed.record_stream("ledger", "k1"))
    assert [e.type for e in record] == [CommandRefused.type]
    with pytest.raises(PreconditionFailed):  # the key's outcome, as the gateway keeps it too
        keyed.run(store, "k1", "cancel_item", cancel, current)
    assert keyed.run(store, "k2", "cancel_item", cancel, current).version == item.version + 1


def test_a_request_delivered_after_its_retry_was_refused_meets_the_refusal(store):
    """The first attempt's request waits in the broker (its service was killed); the retry is
    refused, and its caller told so; the state then changes so that the command would pass.
    The first attempt, delivered at last, must not take effect after that refusal."""
    item = plan(store, None).id
    h.cancel_item(c.CancelItem("sec", item, "暂缓"), store, NOW)
    complete = {"actor_id": "sec", "item_id": item, "period": "once"}

    def handle(writer):
        return h.complete_occurrence(c.CompleteOccurrence(**complete), writer, NOW)

    with pytest.raises(InvalidTransition):  # the retry: the item is cancelled
        keyed.run(store, "done", "complete_occurrence", complete, handle)
    h.reopen_item(c.ReopenItem("sec", item, "恢复"), store, NOW)
    with pytest.raises(InvalidTransition):  # the first attempt, late
        keyed.run(store, "done", "complete_occurrence", complete, handle)
    assert "OccurrenceCompleted" not in [e.type for e in store.read_stream(h.stream_id(item))]
    handle(store)  # without the key it passes: the refusal was the key's, not the item's

"""Reminder keys, routing to channels, and the delivery decisions with their backoff."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventlog import InMemoryEventStore, new_event
from services.notify.domain.reminders import (
    Backoff,
    Reminder,
    ReminderState,
    decide_claim,
    decide_issue,
    decide_outcome,
    decide_read,
    evolve,
    reminder_key,
    route,
)

from .conftest import NOW

REMINDER = Reminder("overdue", "it1", "once", "m1", "b1", "title", "body")


def test_the_key_names_rule_subject_period_and_recipient():
    assert REMINDER.key == reminder_key("overdue", "it1", "once", "m1")
    others = [
        reminder_key("due_soon", "it1", "once", "m1"),
        reminder_key("overdue", "it2", "once", "m1"),
        reminder_key("overdue", "it1", "2026-03", "m1"),
        reminder_key("overdue", "it1", "once", "m2"),
    ]
    assert len({REMINDER.key, *others}) == 5
    assert len(REMINDER.key) == 40


@pytest.mark.parametrize(
    ("chosen", "email", "url", "channels"),
    [
        (None, "m1@x.cn", None, ("email", "inbox")),  # the default: inbox and email
        (None, None, None, ("inbox",)),  # no address: no email
        (("webhook",), "m1@x.cn", "http://h/hook", ("webhook",)),
        (("webhook",), "m1@x.cn", None, ("inbox",)),  # nothing usable left: the inbox
    ],
)
def test_routes_keep_the_channels_that_have_an_address(chosen, email, url, channels):
    assert route(chosen, email, url).channels == channels


class Stream:
    """One reminder's stream in the in-memory log, folded like the handlers fold it."""

    def __init__(self, channels=("email", "webhook", "inbox")):
        self.store = InMemoryEventStore(source="notify")
        to = route(channels, "m1@x.cn", "http://h/hook")
        self.append(decide_issue(ReminderState(), REMINDER, to), NOW)

    def append(self, events, at):
        stamped = [new_event(e, occurred_at=at) for e in events]
        return self.store.append("reminder-k", stamped, None)

    @property
    def state(self) -> ReminderState:
        state = ReminderState()
        for event in self.store.read_stream("reminder-k"):
            state = evolve(state, event)
        return state


BACKOFF = Backoff((60, 300))


def test_the_schedule_waits_longer_after_each_try():
    assert BACKOFF.max_attempts == 3
    assert [BACKOFF.retry_at(n, NOW) - NOW for n in (1, 2, 3)] == [
        timedelta(seconds=60),
        timedelta(seconds=300),
        timedelta(seconds=300),  # the last try's lease
    ]
    with pytest.raises(ValueError):
        Backoff(())


def test_an_attempt_is_claimed_then_recorded():
    stream = Stream()
    assert stream.state.deliveries["inbox"].status == "delivered"
    claim = decide_claim(stream.state, "email", NOW, BACKOFF)
    assert [(e.type, e.data["attempt"]) for e in claim] == [("DeliveryAttempted", 1)]
    stream.append(claim, NOW)
    assert decide_claim(stream.state, "email", NOW, BACKOFF) == []  # claimed: not due again
    stream.append(decide_outcome(stream.state, "email", 1, None, NOW, BACKOFF), NOW)
    assert stream.state.deliveries["email"].status == "delivered"


def test_failures_retry_after_the_backoff_then_give_up():
    stream, now = Stream(), NOW
    for attempt in (1, 2, 3):
        early = now - timedelta(seconds=1)
        assert decide_claim(stream.state, "webhook", early, BACKOFF) == []  # not due yet
        stream.append(decide_claim(stream.state, "webhook", now, BACKOFF), now)
        outcome = decide_outcome(stream.state, "webhook", attempt, "HTTP 500", now, BACKOFF)
        stream.append(outcome, now)
        now = BACKOFF.retry_at(attempt, now)
    assert [e.type for e in outcome] == ["DeliveryFailed"]
    assert stream.state.deliveries["webhook"].status == "failed"
    assert decide_claim(stream.state, "webhook", now, BACKOFF) == []


def test_a_last_try_that_never_reported_is_recorded_as_failed():
    stream, now = Stream(), NOW
    for attempt in (1, 2, 3):
        stream.append(decide_claim(stream.state, "email", now, BACKOFF), now)
        if attempt < 3:
            stream.append(decide_outcome(stream.state, "email", attempt, "down", now, BACKOFF), now)
        now = BACKOFF.retry_at(attempt, now)
    [failed] = decide_claim(stream.state, "email", now, BACKOFF)
    assert failed.type == "DeliveryFailed" and failed.data["attempts"] == 3


def test_a_superseded_attempts_failure_changes_nothing():
    stream = Stream()
    stream.append(decide_claim(stream.state, "email", NOW, BACKOFF), NOW)
    later = BACKOFF.retry_at(1, NOW)
    stream.append(decide_claim(stream.state, "email", later, BACKOFF), later)  # lease expired
    assert decide_outcome(stream.state, "email", 1, "slow", later, BACKOFF) == []
    late_success = decide_outcome(stream.state, "email", 1, None, later, BACKOFF)
    assert [e.type for e in late_success] == ["Delivered"]  # it did arrive


def test_reading_twice_is_reading_once():
    stream = Stream()
    stream.append(decide_read(stream.state), NOW)
    assert stream.state.read and decide_read(stream.state) == []

"""The delivery worker: claim a due attempt in the log, send outside any transaction, record.

See domain.reminders for why the claim comes first and what that guarantees.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from eventlog.model import ConcurrencyConflict, StoredEvent

from .. import events as e
from .. import metrics
from ..domain.reminders import (
    Backoff,
    ReminderState,
    decide_claim,
    decide_outcome,
    evolve,
    stream_id,
)
from ..queries.reminders import due_deliveries
from .common import Log

BATCH = 50  # per tick: a backlog drains over a few ticks instead of one long worker


class Clock(Protocol):
    def now(self) -> datetime: ...


class Sender(Protocol):
    def send(self, channel: str, reminder: Mapping[str, Any], attempt: int) -> str | None: ...


def deliver_due(log: Log, sender: Sender, clock: Clock, backoff: Backoff) -> int:
    """Tries every delivery due now; returns how many outcomes it recorded."""
    due = due_deliveries(log.db, clock.now(), BATCH)
    return sum(len(deliver(log, sender, clock, backoff, key, channel)) for key, channel in due)


def deliver(
    log: Log, sender: Sender, clock: Clock, backoff: Backoff, key: str, channel: str
) -> list[StoredEvent]:
    """One attempt on one channel of one reminder, if it is still due when loaded from the log."""
    stream = stream_id(key)
    state, version = log.load(stream, evolve, ReminderState())
    claim = decide_claim(state, channel, clock.now(), backoff)
    try:  # at the loaded version: of two workers that loaded it, one claims, one conflicts
        claimed = log.append(stream, claim, version, now=clock.now(), branch_id=_branch(state))
    except ConcurrencyConflict:
        return []
    if not claimed or claimed[-1].type != e.DeliveryAttempted.type:
        _count(claimed)
        return claimed
    attempt = e.DeliveryAttempted.of(claimed[-1]).attempt
    error = sender.send(channel, state.issued, attempt)  # no transaction is open here
    state = evolve(state, claimed[-1])
    outcome = decide_outcome(state, channel, attempt, error, clock.now(), backoff)
    # Any version: the claim already made this attempt ours, and the reminder's other channel
    # may have moved the stream on meanwhile.
    recorded = log.append(stream, outcome, None, now=clock.now(), branch_id=_branch(state))
    _count(recorded)
    return recorded


def _branch(state: ReminderState) -> str | None:
    return state.issued.get("branch_id")


OUTCOMES = {e.Delivered: "delivered", e.DeliveryAttemptFailed: "retry", e.DeliveryFailed: "failed"}


def _count(events: list[StoredEvent]) -> None:
    for event in events:
        match e.EVENTS.read(event):
            case e.Delivered() | e.DeliveryAttemptFailed() | e.DeliveryFailed() as outcome:
                metrics.DELIVERIES.labels(outcome.channel, OUTCOMES[type(outcome)]).inc()
                if isinstance(outcome, e.DeliveryFailed):
                    metrics.DELIVERY_FAILURES.labels(outcome.channel).inc()

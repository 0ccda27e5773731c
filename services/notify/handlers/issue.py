"""Issuing reminders: each decided reminder becomes its own stream, created exactly once."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from eventlog.model import ConcurrencyConflict, StoredEvent

from .. import metrics
from ..domain.reminders import Reminder, ReminderState, Route, decide_issue, stream_id
from ..queries.organisation import routes
from ..queries.reminders import known
from .common import Log

logger = logging.getLogger(__name__)


def issue(log: Log, reminders: Iterable[Reminder], now: datetime) -> list[StoredEvent]:
    """Issues the reminders not issued before; returns the ReminderIssued events stored.

    The read model answers "issued before?" cheaply; the log answers it for certain: a reminder
    another instance issued a moment ago is refused by the expected version 0.
    """
    wanted = {reminder.key: reminder for reminder in reminders}
    issued = known(log.db, list(wanted))
    fresh = [reminder for key, reminder in wanted.items() if key not in issued]
    stored: list[StoredEvent] = []
    for branch_id in sorted({r.branch_id for r in fresh}):
        mine = [r for r in fresh if r.branch_id == branch_id]
        reach = routes(log.db, branch_id, sorted({r.recipient_id for r in mine}))
        for reminder in mine:
            stored += issue_one(log, reminder, reach[reminder.recipient_id], now)
    return stored


def issue_one(log: Log, reminder: Reminder, reach: Route, now: datetime) -> list[StoredEvent]:
    events = decide_issue(ReminderState(), reminder, reach)
    try:
        stored = log.append(
            stream_id(reminder.key), events, 0, now=now, branch_id=reminder.branch_id
        )
    except ConcurrencyConflict:
        logger.debug("reminder %s was issued elsewhere first", reminder.key)
        return []
    metrics.REMINDERS_ISSUED.labels(reminder.rule).inc()
    if "inbox" in reach.channels:
        metrics.DELIVERIES.labels("inbox", "delivered").inc()
    return stored

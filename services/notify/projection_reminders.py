"""Reminders and the delivery log in the read model.

A delivery row moves only while pending: an outcome arriving after the channel was settled (a
superseded attempt reporting late) leaves it as it is, as the aggregate does (domain.reminders).
"""

from __future__ import annotations

import json
from datetime import datetime

from psycopg2.extensions import cursor as Cursor
from psycopg2.extras import execute_values

from eventlog import Event, StoredEvent, owner_of, statement
from eventlog.projection import Handler

from . import events as e


def _issued(cur: Cursor, event: StoredEvent) -> None:
    issued = e.ReminderIssued.of(event)
    cur.execute(
        "INSERT INTO notify.reminders VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL)"
        " ON CONFLICT DO NOTHING",
        (
            owner_of(event),
            issued.rule,
            issued.subject_id,
            issued.period,
            issued.recipient_id,
            issued.branch_id,
            issued.title,
            issued.body,
            json.dumps(issued.channels),
            event.occurred_at,
        ),
    )
    _deliveries(cur, owner_of(event), issued, event.occurred_at)


def _deliveries(cur: Cursor, key: str, issued: e.ReminderIssued, at: datetime) -> None:
    """A row per channel: the inbox delivered at once, the others pending from now."""
    addresses = {"email": issued.email, "webhook": issued.webhook_url, "inbox": None}
    rows = [(key, channel, issued.branch_id, addresses[channel], at) for channel in issued.channels]
    execute_values(
        cur,
        "INSERT INTO notify.deliveries (reminder_key, channel, branch_id, address,"
        " next_attempt_at, status, delivered_at, updated_at)"
        " SELECT k, c, b, a, CASE WHEN c = 'inbox' THEN NULL ELSE t END,"
        " CASE WHEN c = 'inbox' THEN 'delivered' ELSE 'pending' END,"
        " CASE WHEN c = 'inbox' THEN t END, t"
        " FROM (VALUES %s) AS v (k, c, b, a, t) ON CONFLICT DO NOTHING",
        rows,
        template="(%s, %s, %s, %s, %s::timestamptz)",
    )


def _pending(definition: type[Event], assignments: str) -> Handler:
    """A handler updating the channel's delivery row while it is still pending."""
    return statement(
        definition,
        f"UPDATE notify.deliveries SET {assignments}, updated_at = %(at)s"
        " WHERE reminder_key = %(owner)s AND channel = %(channel)s AND status = 'pending'",
    )


REMINDER_HANDLERS: dict[type[Event], Handler] = {
    e.ReminderIssued: _issued,
    e.DeliveryAttempted: _pending(
        e.DeliveryAttempted, "attempts = %(attempt)s, next_attempt_at = %(retry_at)s"
    ),
    e.DeliveryAttemptFailed: _pending(
        e.DeliveryAttemptFailed,
        "last_error = %(error)s,"
        " next_attempt_at = CASE WHEN attempts = %(attempt)s THEN %(retry_at)s::timestamptz"
        " ELSE next_attempt_at END",
    ),
    e.Delivered: _pending(
        e.Delivered, "status = 'delivered', delivered_at = %(at)s, next_attempt_at = NULL"
    ),
    e.DeliveryFailed: _pending(
        e.DeliveryFailed,
        "status = 'failed', attempts = %(attempts)s, last_error = %(error)s,"
        " next_attempt_at = NULL",
    ),
    e.InboxRead: statement(
        e.InboxRead,
        "UPDATE notify.reminders SET read_at = %(at)s WHERE reminder_key = %(owner)s"
        " AND read_at IS NULL",
    ),
}

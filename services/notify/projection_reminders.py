"""Reminders and the delivery log in the read model.

A delivery row moves only while pending: an outcome arriving after the channel was settled (a
superseded attempt reporting late) leaves it as it is, as the aggregate does (domain.reminders).
"""

from __future__ import annotations

import json

from psycopg2.extensions import cursor as Cursor
from psycopg2.extras import execute_values

from eventlog import StoredEvent, owner_of


def _issued(cur: Cursor, event: StoredEvent) -> None:
    data = event.data
    columns = ("rule", "subject_id", "period", "recipient_id", "branch_id", "title", "body")
    cur.execute(
        "INSERT INTO notify.reminders VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL)"
        " ON CONFLICT DO NOTHING",
        (
            owner_of(event),
            *(data[name] for name in columns),
            json.dumps(data["channels"]),
            event.occurred_at,
        ),
    )
    _deliveries(cur, event)


def _deliveries(cur: Cursor, event: StoredEvent) -> None:
    """A row per channel: the inbox delivered at once, the others pending from now."""
    data, at = event.data, event.occurred_at
    addresses = {"email": data["email"], "webhook": data["webhook_url"], "inbox": None}
    rows = [
        (owner_of(event), channel, data["branch_id"], addresses[channel], at)
        for channel in data["channels"]
    ]
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


def _pending(assignments: str, fields: tuple[str, ...] = ()):
    """A handler updating the channel's delivery row while it is still pending."""

    def handle(cur: Cursor, event: StoredEvent) -> None:
        params = {
            **{name: event.data.get(name) for name in fields},
            "key": owner_of(event),
            "channel": event.data["channel"],
            "at": event.occurred_at,
        }
        cur.execute(
            f"UPDATE notify.deliveries SET {assignments}, updated_at = %(at)s"
            " WHERE reminder_key = %(key)s AND channel = %(channel)s AND status = 'pending'",
            params,
        )

    return handle


REMINDER_HANDLERS = {
    "ReminderIssued": _issued,
    "DeliveryAttempted": _pending(
        "attempts = %(attempt)s, next_attempt_at = %(retry_at)s", ("attempt", "retry_at")
    ),
    "DeliveryAttemptFailed": _pending(
        "last_error = %(error)s,"
        " next_attempt_at = CASE WHEN attempts = %(attempt)s THEN %(retry_at)s::timestamptz"
        " ELSE next_attempt_at END",
        ("attempt", "error", "retry_at"),
    ),
    "Delivered": _pending("status = 'delivered', delivered_at = %(at)s, next_attempt_at = NULL"),
    "DeliveryFailed": _pending(
        "status = 'failed', attempts = %(attempts)s, last_error = %(error)s,"
        " next_attempt_at = NULL",
        ("attempts", "error"),
    ),
    "InboxRead": lambda cur, event: cur.execute(
        "UPDATE notify.reminders SET read_at = %s WHERE reminder_key = %s AND read_at IS NULL",
        (event.occurred_at, owner_of(event)),
    ),
}

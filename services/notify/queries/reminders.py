"""The inbox, the delivery log, and what the delivery worker should look at next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.common.errors import Forbidden
from services.common.queries import ReadDatabase, iso

from .organisation import ADMIN_NEEDS, is_branch_admin


def _page(db: ReadDatabase, select: str, where: str, params: dict, order: str) -> dict[str, Any]:
    total = db.fetch_one(f"SELECT count(*) AS n FROM {where}", params)
    rows = db.fetch_all(
        f"SELECT {select} FROM {where} ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s", params
    )
    return {
        "total": total["n"] if total else 0,
        "limit": params["limit"],
        "offset": params["offset"],
        "items": [iso(row) for row in rows],
    }


def inbox(db: ReadDatabase, actor_id: str, unread_only: bool, limit: int, offset: int) -> dict:
    """The actor's own in-app reminders, newest first."""
    where = (
        "notify.reminders WHERE recipient_id = %(actor)s AND channels ? 'inbox'"
        " AND (NOT %(unread)s OR read_at IS NULL)"
    )
    params = {"actor": actor_id, "unread": unread_only, "limit": limit, "offset": offset}
    select = "reminder_key, rule, subject_id, period, branch_id, title, body, issued_at, read_at"
    page = _page(db, select, where, params, "issued_at DESC, reminder_key")
    unread = db.fetch_one(
        "SELECT count(*) AS n FROM notify.reminders WHERE recipient_id = %s"
        " AND channels ? 'inbox' AND read_at IS NULL",
        (actor_id,),
    )
    return {**page, "unread": unread["n"] if unread else 0}


def deliveries(
    db: ReadDatabase, actor_id: str, branch_id: str, status: str | None, limit: int, offset: int
) -> dict[str, Any]:
    """The branch's delivery log, latest change first: one row per reminder and channel."""
    if not is_branch_admin(db, branch_id, actor_id):
        raise Forbidden(ADMIN_NEEDS)
    where = (
        "notify.deliveries d JOIN notify.reminders r USING (reminder_key, branch_id)"
        " WHERE d.branch_id = %(branch)s AND (%(status)s::text IS NULL OR d.status = %(status)s)"
    )
    params = {"branch": branch_id, "status": status, "limit": limit, "offset": offset}
    select = (
        "d.reminder_key, r.rule, r.subject_id, r.period, r.recipient_id, r.title, d.channel,"
        " d.address, d.status, d.attempts, d.next_attempt_at, d.last_error, d.delivered_at,"
        " r.issued_at, d.updated_at"
    )
    return _page(db, select, where, params, "d.updated_at DESC, d.reminder_key, d.channel")


def due_deliveries(db: ReadDatabase, now: datetime, limit: int) -> list[tuple[str, str]]:
    """(reminder key, channel) of pending deliveries whose next attempt is due."""
    rows = db.fetch_all(
        "SELECT reminder_key, channel FROM notify.deliveries WHERE status = 'pending'"
        " AND next_attempt_at <= %s ORDER BY next_attempt_at LIMIT %s",
        (now, limit),
    )
    return [(row["reminder_key"], row["channel"]) for row in rows]


def known(db: ReadDatabase, keys: list[str]) -> set[str]:
    """Which of these reminders were already issued (the log still has the final word)."""
    rows = db.fetch_all(
        "SELECT reminder_key FROM notify.reminders WHERE reminder_key = ANY(%s)", (keys,)
    )
    return {row["reminder_key"] for row in rows}

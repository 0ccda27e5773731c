"""Queries answered from the log itself: an item's history, and a ledger as it stood on a date."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import reduce
from typing import Any
from zoneinfo import ZoneInfo

from services.common.handlers import EventStore
from services.common.queries import ReadDatabase

from ..domain.items import Item, evolve, is_overdue
from .common import item_row, reader


def item_history(store: EventStore, db: ReadDatabase, actor_id: str, item_id: str) -> dict:
    """Every event of the item: who did what, when (and when the log recorded it)."""
    reader(db, item_row(db, item_id)["branch_id"], actor_id)
    events = store.read_stream(f"item-{item_id}")
    return {
        "item_id": item_id,
        "events": [
            {
                "version": e.version,
                "type": e.type,
                "data": dict(e.data),
                "actor_id": e.actor_id,
                "occurred_at": e.occurred_at.isoformat(),
                "recorded_at": e.recorded_at.isoformat(),
            }
            for e in events
        ],
    }


_CANDIDATES = """
SELECT item_id FROM ledger.items
WHERE branch_id = %(branch)s AND planned_at <= %(as_of)s AND level = %(level)s
  AND (%(group)s::text IS NULL OR group_id = %(group)s)
  AND (%(owner)s::text IS NULL OR owner_id = %(owner)s OR group_id IN (
       SELECT group_id FROM ledger.members WHERE branch_id = %(branch)s AND member_id = %(owner)s))
ORDER BY item_id
"""


def ledger_as_of(
    store: EventStore,
    db: ReadDatabase,
    actor_id: str,
    branch_id: str,
    as_of: date,
    group_id: str | None = None,
    owner_id: str | None = None,
) -> dict[str, Any]:
    """The branch's (or a group's, or a member's) ledger as it stood at the end of `as_of`.

    Each item's stream is folded up to that moment, so statuses, owners and due dates are those
    of the day. A member's ledger looks at items now owned by them or in their group, and keeps
    those they owned on the day (member items stay within a group when reassigned).
    """
    found = reader(db, branch_id, actor_id)
    zone = ZoneInfo(found.timezone)
    moment = datetime.combine(as_of + timedelta(days=1), time.min, zone) - timedelta(microseconds=1)
    level = "member" if owner_id else "group" if group_id else "branch"
    params = {
        "branch": branch_id,
        "as_of": moment,
        "level": level,
        "group": group_id,
        "owner": owner_id,
    }
    entries = []
    streams = [f"item-{row['item_id']}" for row in db.fetch_all(_CANDIDATES, params)]
    for events in store.read_streams(streams, as_of=moment).values():
        state = reduce(evolve, events, Item())
        if state.plan and (owner_id is None or state.plan["owner_id"] == owner_id):
            entries += _entries(state, as_of, zone)
    entries.sort(key=lambda e: (e["due_date"], e["item_id"], e["period"]))
    return {
        "branch_id": branch_id,
        "as_of": as_of.isoformat(),
        "level": level,
        "group_id": group_id,
        "owner_id": owner_id,
        "entries": entries,
    }


def _entries(state: Item, as_of: date, zone: ZoneInfo) -> list[dict[str, Any]]:
    plan = state.plan
    rows = []
    for period, occurrence in state.occurrences.items():
        status = state.status(period)
        done_at = occurrence.completed_at
        rows.append(
            {
                "item_id": plan["item_id"],
                "title": plan["title"],
                "kind": plan["kind"],
                "cadence": plan["cadence"],
                "review": plan["review"],
                "owner_id": plan["owner_id"],
                "period": period,
                "due_date": occurrence.due_date.isoformat(),
                "status": status,
                "overdue": is_overdue(status, occurrence.due_date, as_of),
                "completed_on": done_at.astimezone(zone).date().isoformat() if done_at else None,
            }
        )
    return rows

"""Ledger queries: entries (item occurrences) with filters, one item, a goal set's progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.common.queries import ReadDatabase, iso

from .common import item_row, reader

# Each filter a caller may pass, as a condition on ledger.entries (`today` is the branch's date).
FILTERS = {
    "level": "level = %(level)s",
    "kind": "kind = %(kind)s",
    "cadence": "cadence = %(cadence)s",
    "status": "status = %(status)s",
    "owner_id": "owner_id = %(owner_id)s",
    "group_id": "group_id = %(group_id)s",
    "goal_id": "goal_id = %(goal_id)s",
    "period": "period = %(period)s",
    "due_from": "due_date >= %(due_from)s",
    "due_to": "due_date <= %(due_to)s",
    "overdue": "(status NOT IN ('done', 'cancelled') AND due_date < %(today)s) = %(overdue)s",
}
COMPUTED = (
    "status NOT IN ('done', 'cancelled') AND due_date < %(today)s AS overdue,"
    " status = 'done' AND completed_on <= due_date AS on_time"
)


def list_entries(
    db: ReadDatabase,
    now: datetime,
    actor_id: str,
    branch_id: str,
    limit: int,
    offset: int,
    **filters: Any,
) -> dict[str, Any]:
    """A page of the branch's ledger, one row per item occurrence, by due date."""
    today = reader(db, branch_id, actor_id).today(now)
    given = {name: value for name, value in filters.items() if value is not None}
    where = " AND ".join(["branch_id = %(branch_id)s", *(FILTERS[name] for name in given)])
    params = {**given, "branch_id": branch_id, "today": today, "limit": limit, "offset": offset}
    total = db.fetch_one(f"SELECT count(*) AS n FROM ledger.entries WHERE {where}", params)
    rows = db.fetch_all(
        f"SELECT *, {COMPUTED} FROM ledger.entries WHERE {where}"
        " ORDER BY due_date, item_id, period LIMIT %(limit)s OFFSET %(offset)s",
        params,
    )
    return {
        "total": total["n"] if total else 0,
        "limit": limit,
        "offset": offset,
        "today": today.isoformat(),
        "entries": [iso(row) for row in rows],
    }


def item(db: ReadDatabase, now: datetime, actor_id: str, item_id: str) -> dict[str, Any]:
    found = item_row(db, item_id)
    today = reader(db, found["branch_id"], actor_id).today(now)
    occurrences = db.fetch_all(
        "SELECT period, due_date, status, started_at, completed_at, completed_on, outcome_note,"
        f" cancel_reason, notes, last_note, evidence, {COMPUTED} FROM ledger.entries"
        " WHERE item_id = %(item)s ORDER BY due_date, period",
        {"item": item_id, "today": today},
    )
    return {**iso(found), "occurrences": [iso(row) for row in occurrences]}


_PROGRESS = """
SELECT g.goal_id, g.code, g.title, g.description, g.standard, g.responsibility,
       count(DISTINCT e.item_id) AS items,
       count(e.period) FILTER (WHERE e.status <> 'cancelled') AS occurrences,
       count(e.period) FILTER (WHERE e.status = 'done') AS done,
       count(e.period) FILTER (WHERE e.status <> 'cancelled' AND e.due_date <= %(today)s)
           AS due_so_far,
       count(e.period) FILTER (WHERE e.status NOT IN ('done', 'cancelled')
                               AND e.due_date < %(today)s) AS overdue
FROM ledger.goals g
LEFT JOIN ledger.entries e ON e.branch_id = g.branch_id AND e.goal_id = g.goal_id
     AND e.due_date BETWEEN make_date(g.year, 1, 1) AND make_date(g.year, 12, 31)
WHERE g.branch_id = %(branch)s AND g.year = %(year)s
GROUP BY g.goal_id, g.code, g.title, g.description, g.standard, g.responsibility, g.ordinal
ORDER BY g.ordinal
"""


def goal_set(db: ReadDatabase, now: datetime, actor_id: str, branch_id: str, year: int) -> dict:
    """The 8+X goals with progress: done ÷ all non-cancelled occurrences due in the year."""
    today = reader(db, branch_id, actor_id).today(now)
    goals = db.fetch_all(_PROGRESS, {"branch": branch_id, "year": year, "today": today})
    for goal in goals:
        goal["progress"] = (
            round(goal["done"] / goal["occurrences"], 4) if goal["occurrences"] else None
        )
    return {"branch_id": branch_id, "year": year, "today": today.isoformat(), "goals": goals}

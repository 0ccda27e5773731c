"""Ledger queries: entries (item occurrences) with filters, one item, a goal set's progress."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.common.queries import ReadDatabase, iso

from ..domain import measures
from .common import Reader, item_row, reader
from .completion import cells
from .files import of_records

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
    if given.get("overdue"):  # said again as a range, so the branch's due-date index finds them
        where += " AND due_date < %(today)s"
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
        " cancel_reason, notes, last_note, evidence, actions, last_action,"
        f" {COMPUTED} FROM ledger.entries"
        " WHERE item_id = %(item)s ORDER BY due_date, period",
        {"item": item_id, "today": today},
    )
    files = of_records(db, "item", [item_id])[item_id]
    return {**iso(found), "occurrences": [iso(row) for row in occurrences], "attachments": files}


_GOALS = """
SELECT g.goal_id, g.code, g.title, g.description, g.standard, g.responsibility,
       (SELECT count(*) FROM ledger.items i WHERE i.branch_id = g.branch_id
        AND i.goal_id = g.goal_id AND EXISTS (SELECT 1 FROM ledger.occurrences o
            WHERE o.item_id = i.item_id AND o.due_date BETWEEN %(start)s AND %(end)s)) AS items
FROM ledger.goals g WHERE g.branch_id = %(branch)s AND g.year = %(year)s ORDER BY g.ordinal
"""


def goal_set(db: ReadDatabase, now: datetime, actor_id: str, branch_id: str, year: int) -> dict:
    """The 8+X goals with progress: done ÷ all non-cancelled occurrences due in the year
    (counted as every measure is: domain/measures.py)."""
    return goal_set_of(db, reader(db, branch_id, actor_id), now, year)


def goal_set_of(db: ReadDatabase, branch: Reader, now: datetime, year: int) -> dict[str, Any]:
    """goal_set of a branch the caller may read."""
    branch_id, today = branch.branch_id, branch.today(now)
    start, end = date(year, 1, 1), date(year, 12, 31)
    goals = db.fetch_all(_GOALS, {"branch": branch_id, "year": year, "start": start, "end": end})
    rows = cells(db, [branch_id], start, end, today, ("goal_id",))
    counted = measures.tally_by([r for r in rows if r["goal_id"]], today, "goal_id")
    for goal in goals:
        counts = counted.get((goal["goal_id"],), measures.tally([], today))
        goal.update(
            occurrences=counts["occurrences"],
            done=counts["done"],
            due_so_far=counts["due"],
            overdue=counts["overdue"],
            progress=measures.rate(counts["done"], counts["occurrences"]),
        )
    return {"branch_id": branch_id, "year": year, "today": today.isoformat(), "goals": goals}

"""A member's measured record over a window: what the appraisal service scores with."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.common.periods import months_between
from services.common.queries import ReadDatabase

from ..domain import study
from .common import reader
from .life import article_counts

# "Due" counts the occurrences whose outcome is settled: done, or past their due date. One due
# later in the window is not held against the member yet.
_LEDGER = """
SELECT kind,
       count(*) AS due,
       count(*) FILTER (WHERE status = 'done' AND completed_on <= due_date) AS on_time,
       count(*) FILTER (WHERE status = 'done' AND completed_on > due_date) AS late,
       count(*) FILTER (WHERE status <> 'done') AS overdue
FROM ledger.entries
WHERE branch_id = %(branch)s AND owner_id = %(member)s AND status <> 'cancelled'
  AND due_date BETWEEN %(start)s AND %(end)s AND (status = 'done' OR due_date < %(today)s)
GROUP BY kind ORDER BY kind
"""
# Leave is excused: the rate is present ÷ (present + absent).
_ATTENDANCE = """
SELECT count(*) FILTER (WHERE a.status = 'present') AS present,
       count(*) FILTER (WHERE a.status = 'on_leave') AS on_leave,
       count(*) FILTER (WHERE a.status = 'absent') AS absent
FROM ledger.attendance a JOIN ledger.meetings m USING (branch_id, meeting_id)
WHERE a.branch_id = %(branch)s AND a.member_id = %(member)s
  AND m.held_on BETWEEN %(start)s AND %(end)s
"""


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def member_measures(
    db: ReadDatabase,
    now: datetime,
    actor_id: str,
    branch_id: str,
    member_id: str,
    start: date,
    end: date,
) -> dict[str, Any]:
    today = reader(db, branch_id, actor_id).today(now)
    params = {"branch": branch_id, "member": member_id, "start": start, "end": end, "today": today}
    return {
        "branch_id": branch_id,
        "member_id": member_id,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "today": today.isoformat(),
        "ledger": _ledger(db.fetch_all(_LEDGER, params)),
        "study": _study(db, branch_id, member_id, start, end, today),
        "attendance": _attendance(db.fetch_one(_ATTENDANCE, params) or {}),
    }


def _ledger(rows: list[dict[str, Any]]) -> dict[str, Any]:
    due, on_time = sum(r["due"] for r in rows), sum(r["on_time"] for r in rows)
    by_kind = {r["kind"]: {**r, "rate": _rate(r["on_time"], r["due"])} for r in rows}
    for row in by_kind.values():
        row.pop("kind")
    return {"due": due, "on_time": on_time, "rate": _rate(on_time, due), "by_kind": by_kind}


def _study(db: ReadDatabase, branch_id: str, member_id: str, start: date, end: date, today: date):
    """Only finished months are judged: a month under way cannot yet fall short."""
    months = months_between(start, end)
    counts = article_counts(db, branch_id, months[0], months[-1]).get(member_id, {})
    judged = [row for row in study.compliance(counts, months, today) if row["finished"]]
    meeting = sum(row["meets_rule"] for row in judged)
    return {
        "months": len(judged),
        "meeting_rule": meeting,
        "rate": _rate(meeting, len(judged)),
        "articles": sum(counts.values()),
    }


def _attendance(row: dict[str, Any]) -> dict[str, Any]:
    present, absent = row.get("present", 0), row.get("absent", 0)
    return {**row, "rate": _rate(present, present + absent)}

"""Members' measured records over a window: what the appraisal service scores with.

A whole roster is measured by the same few SQL queries as one member (each grouped by member),
so finalising a cycle asks the ledger once, whatever the size of the branch. The ledger part is
the one tally every view shows (queries/completion.py), over the window instead of a year.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.common.periods import months_between
from services.common.queries import ReadDatabase

from ..domain import study
from ..domain.measures import rate, tally, tally_by
from .common import reader
from .completion import cells
from .life import article_counts, member_months

# Leave is excused: the rate is present ÷ (present + absent).
_ATTENDANCE = """
SELECT a.member_id,
       count(*) FILTER (WHERE a.status = 'present') AS present,
       count(*) FILTER (WHERE a.status = 'on_leave') AS on_leave,
       count(*) FILTER (WHERE a.status = 'absent') AS absent
FROM ledger.attendance a JOIN ledger.meetings m USING (branch_id, meeting_id)
WHERE a.branch_id = %(branch)s AND a.member_id = ANY(%(members)s)
  AND m.held_on BETWEEN %(start)s AND %(end)s
GROUP BY a.member_id
"""
# What a member with no meeting in the window attended.
_NO_MEETINGS = {"present": 0, "on_leave": 0, "absent": 0}


def member_measures(
    db: ReadDatabase,
    now: datetime,
    actor_id: str,
    branch_id: str,
    member_id: str,
    start: date,
    end: date,
) -> dict[str, Any]:
    return members_measures(db, now, actor_id, branch_id, [member_id], start, end)["members"][0]


def members_measures(
    db: ReadDatabase,
    now: datetime,
    actor_id: str,
    branch_id: str,
    member_ids: list[str],
    start: date,
    end: date,
) -> dict[str, Any]:
    """Each member's record (in the order asked, once each), from five SQL queries in all."""
    branch = reader(db, branch_id, actor_id)
    today = branch.today(now)
    members = list(dict.fromkeys(member_ids))
    params = {"branch": branch_id, "members": members, "start": start, "end": end, "today": today}
    ledger_rows: dict[str, list[dict[str, Any]]] = {}
    for row in cells(db, [branch_id], start, end, today, ("owner_id", "kind"), owner_ids=members):
        ledger_rows.setdefault(row["owner_id"], []).append(row)
    attendance = {row.pop("member_id"): row for row in db.fetch_all(_ATTENDANCE, params)}
    months = months_between(start, end)
    articles = article_counts(db, branch_id, months[0], months[-1])
    theirs = member_months(db, branch, members, months)
    window = {"start": start.isoformat(), "end": end.isoformat(), "today": today.isoformat()}
    records = [
        {
            "branch_id": branch_id,
            "member_id": member,
            **window,
            "ledger": _ledger(ledger_rows.get(member, []), today),
            "study": _study(articles.get(member, {}), theirs[member], today),
            "attendance": _attendance(attendance.get(member, _NO_MEETINGS)),
        }
        for member in members
    ]
    return {"branch_id": branch_id, **window, "members": records}


def _ledger(rows: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """The member's occurrences due in the window, counted as every view counts them."""
    by_kind = {kind: counts for (kind,), counts in tally_by(rows, today, "kind").items()}
    return {**tally(rows, today), "by_kind": by_kind}


def _study(counts: dict[str, int], months: list[str], today: date) -> dict[str, Any]:
    """Only the member's finished months are judged: a month under way cannot yet fall short,
    and one before they joined (or after they left) is not theirs."""
    judged = [row for row in study.compliance(counts, months, today) if row["finished"]]
    meeting = sum(row["meets_rule"] for row in judged)
    return {
        "months": len(judged),
        "meeting_rule": meeting,
        "rate": rate(meeting, len(judged)),
        "articles": sum(counts.get(month, 0) for month in months),
    }


def _attendance(row: dict[str, Any]) -> dict[str, Any]:
    present, absent = row.get("present", 0), row.get("absent", 0)
    return {**row, "rate": rate(present, present + absent)}

"""Organisational life and study queries, with "due but not held" and the 1–5 rule computed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.common.periods import months_between
from services.common.queries import ReadDatabase, iso

from ..domain import measures, orglife, study
from .common import Reader, reader
from .files import of_records


def requirements(db: ReadDatabase, branch_id: str) -> dict[str, orglife.Requirement]:
    """The branch's own requirements over the defaults."""
    rows = db.fetch_all(
        "SELECT meeting_type, cadence, per_group FROM ledger.meeting_requirements"
        " WHERE branch_id = %s",
        (branch_id,),
    )
    own = {
        row["meeting_type"]: orglife.Requirement(row["cadence"], row["per_group"]) for row in rows
    }
    return {**orglife.DEFAULT_REQUIREMENTS, **own}


def org_life(db: ReadDatabase, now: datetime, actor_id: str, branch_id: str, year: int) -> dict:
    """Required vs held per period (and group), with attendance of every meeting held."""
    return org_life_of(db, reader(db, branch_id, actor_id), now, year)


def org_life_of(db: ReadDatabase, branch: Reader, now: datetime, year: int) -> dict[str, Any]:
    """org_life of a branch the caller may read."""
    branch_id, today = branch.branch_id, branch.today(now)
    needed = requirements(db, branch_id)
    meetings = db.fetch_all(
        "SELECT m.meeting_id, m.meeting_type, m.held_on, m.group_id, m.title, m.recorded_by,"
        " m.lecturer, m.partner, m.place,"
        " count(a.member_id) FILTER (WHERE a.status = 'present') AS present,"
        " count(a.member_id) FILTER (WHERE a.status = 'on_leave') AS on_leave,"
        " count(a.member_id) FILTER (WHERE a.status = 'absent') AS absent"
        " FROM ledger.meetings m LEFT JOIN ledger.attendance a USING (branch_id, meeting_id)"
        " WHERE m.branch_id = %s AND extract(year FROM m.held_on) = %s"
        " GROUP BY m.meeting_id, m.meeting_type, m.held_on, m.group_id, m.title, m.recorded_by,"
        " m.lecturer, m.partner, m.place"
        " ORDER BY m.held_on, m.meeting_id",
        (branch_id, year),
    )
    groups = db.fetch_all("SELECT group_id FROM ledger.groups WHERE branch_id = %s", (branch_id,))
    held = [(m["meeting_type"], m["held_on"], m["group_id"]) for m in meetings]
    slots = orglife.calendar(needed, held, [g["group_id"] for g in groups], year, today)
    return {
        "branch_id": branch_id,
        "year": year,
        "today": today.isoformat(),
        "requirements": {kind: vars(need) for kind, need in needed.items()},
        "slots": slots,
        "due_but_not_held": sum(s["due_but_not_held"] for s in slots),
        "meetings": [iso(m) for m in meetings],
        "reports": reports_of(db, branch_id, year),
    }


def reports_of(db: ReadDatabase, branch_id: str, year: int) -> list[dict[str, Any]]:
    """The reports filed in the year, newest first, each with its files."""
    rows = db.fetch_all(
        "SELECT report_id, title, kind, filed_on FROM ledger.reports"
        " WHERE branch_id = %s AND extract(year FROM filed_on) = %s"
        " ORDER BY filed_on DESC, report_id",
        (branch_id, year),
    )
    files = of_records(db, "report", [row["report_id"] for row in rows], branch_id)
    return [{**iso(row), "attachments": files[row["report_id"]]} for row in rows]


def meeting(db: ReadDatabase, actor_id: str, branch_id: str, meeting_id: str) -> dict[str, Any]:
    reader(db, branch_id, actor_id)
    found = db.fetch_one(
        "SELECT * FROM ledger.meetings WHERE branch_id = %s AND meeting_id = %s",
        (branch_id, meeting_id),
    )
    attendance = db.fetch_all(
        "SELECT member_id, status FROM ledger.attendance WHERE branch_id = %s AND meeting_id = %s"
        " ORDER BY member_id",
        (branch_id, meeting_id),
    )
    files = of_records(db, "meeting", [meeting_id], branch_id)[meeting_id] if found else []
    answer = {a["member_id"]: a["status"] for a in attendance}
    return {**iso(found or {}), "attendance": answer, "attachments": files}


def reports_count(db: ReadDatabase, actor_id: str, branch_id: str) -> dict[str, Any]:
    """Reports filed per year, and per kind within the year."""
    reader(db, branch_id, actor_id)
    rows = db.fetch_all(
        "SELECT extract(year FROM filed_on)::int AS year, kind, count(*) AS count"
        " FROM ledger.reports WHERE branch_id = %s GROUP BY 1, 2 ORDER BY 1, 2",
        (branch_id,),
    )
    years: dict[int, dict[str, Any]] = {}
    for row in rows:
        year = years.setdefault(row["year"], {"year": row["year"], "count": 0, "by_kind": {}})
        year["count"] += row["count"]
        year["by_kind"][row["kind"]] = row["count"]
    return {"branch_id": branch_id, "years": list(years.values())}


def study_log(
    db: ReadDatabase,
    now: datetime,
    actor_id: str,
    branch_id: str,
    year: int,
    member_id: str | None = None,
) -> dict[str, Any]:
    """Per member and month of the year that is theirs (see study.members_months): articles
    posted and whether the 1–5 rule is met; and the measure of it all (measures.study)."""
    return study_log_of(db, reader(db, branch_id, actor_id), now, year, member_id)


def study_log_of(
    db: ReadDatabase, branch: Reader, now: datetime, year: int, member_id: str | None = None
) -> dict[str, Any]:
    """study_log of a branch the caller may read."""
    branch_id, today = branch.branch_id, branch.today(now)
    members = db.fetch_all(
        "SELECT member_id, name FROM ledger.members WHERE branch_id = %s AND active"
        " AND (%s::text IS NULL OR member_id = %s) ORDER BY member_id",
        (branch_id, member_id, member_id),
    )
    counts = article_counts(db, branch_id, f"{year}-01", f"{year}-12")
    months = months_between(date(year, 1, 1), date(year, 12, 31))
    theirs = member_months(db, branch, [m["member_id"] for m in members], months)
    for member in members:
        mine = theirs[member["member_id"]]
        rows = study.compliance(counts.get(member["member_id"], {}), mine, today)
        member["months"] = rows
        member["shortfalls"] = sum(row["shortfall"] for row in rows)
    return {
        "branch_id": branch_id,
        "year": year,
        "today": today.isoformat(),
        "members": members,
        "measures": measures.study(members),
    }


def articles(db: ReadDatabase, actor_id: str, branch_id: str, member_id: str, month: str) -> dict:
    reader(db, branch_id, actor_id)
    rows = db.fetch_all(
        "SELECT article_id, title, link, posted_on, recommended_by, recommended_note"
        " FROM ledger.articles WHERE branch_id = %s AND member_id = %s AND month = %s"
        " ORDER BY posted_on, article_id",
        (branch_id, member_id, month),
    )
    return {"member_id": member_id, "month": month, "articles": [iso(row) for row in rows]}


_SPELLS = """
SELECT member_id, coalesce(joined_on, (joined_at AT TIME ZONE %(tz)s)::date) AS joined_on,
       (left_at AT TIME ZONE %(tz)s)::date AS left_on
FROM ledger.memberships WHERE branch_id = %(branch)s AND member_id = ANY(%(members)s)
"""


def member_months(
    db: ReadDatabase, branch: Reader, member_ids: list[str], months: list[str]
) -> dict[str, list[str]]:
    """Each member's months among `months`: those of their spells in the branch, by the
    institution's days. One query, whatever the number of members."""
    params = {"tz": branch.timezone, "branch": branch.branch_id, "members": member_ids}
    spells: dict[str, list[tuple[date, date | None]]] = {m: [] for m in member_ids}
    for row in db.fetch_all(_SPELLS, params):
        spells[row["member_id"]].append((row["joined_on"], row["left_on"]))
    return {member: study.members_months(spells[member], months) for member in member_ids}


def article_counts(
    db: ReadDatabase, branch_id: str, first: str, last: str
) -> dict[str, dict[str, int]]:
    rows = db.fetch_all(
        "SELECT member_id, month, count(*) AS n FROM ledger.articles"
        " WHERE branch_id = %s AND month BETWEEN %s AND %s GROUP BY 1, 2",
        (branch_id, first, last),
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["member_id"], {})[row["month"]] = row["n"]
    return counts

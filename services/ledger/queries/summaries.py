"""A branch's measures for a year, as its dashboard leads with them and the institution overview
ranks them: completion, meetings, study and goals (domain/measures.py), one answer per branch.

A branch's summary is kept once computed (ledger.branch_summaries), for the day it was computed
on and the branch's stamp then (ledger.branch_stamps: the projection moves it with every event
of the branch). So a dashboard or an overview costs what it shows: a branch is summed again only
when something of it changed or the day did, and an overview of 100 branches reads 100 kept rows
in one query. The stamp is read before what is summed: a change that lands meanwhile moves the
stamp past the one kept, so a summary is never kept as newer than what it counted.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Protocol

from services.common.queries import ReadDatabase

from ..domain import measures
from .common import Reader, reader
from .completion import cells, completion, institution_reader
from .ledger import goal_set_of
from .life import org_life_of, study_log_of


class Database(ReadDatabase, Protocol):
    def execute(self, sql: str, params: Any = None) -> None: ...


_STAMP = "SELECT coalesce((SELECT stamp FROM ledger.branch_stamps WHERE branch_id = %s), 0) AS s"
_KEEP = """
INSERT INTO ledger.branch_summaries AS kept VALUES (%(branch)s, %(year)s, %(today)s, %(stamp)s,
    %(summary)s, %(brief)s)
ON CONFLICT (branch_id, year) DO UPDATE SET today = EXCLUDED.today, stamp = EXCLUDED.stamp,
    summary = EXCLUDED.summary, brief = EXCLUDED.brief
WHERE (kept.today, kept.stamp) <= (EXCLUDED.today, EXCLUDED.stamp)
"""
# The kept summaries of some branches, whole or brief (the stamp to keep one under where it is
# missing). The overview reads the briefs, a tenth of the size: it decodes no detail.
_KEPT = """
SELECT b.branch_id, b.name, coalesce(t.stamp, 0) AS stamp, s.{column} AS summary
FROM ledger.branches b
LEFT JOIN ledger.branch_stamps t USING (branch_id)
LEFT JOIN ledger.branch_summaries s ON s.branch_id = b.branch_id AND s.year = %(year)s
    AND s.today = %(today)s AND s.stamp = coalesce(t.stamp, 0)
WHERE b.branch_id = ANY(%(branches)s) OR b.institution_id = %(institution)s
ORDER BY b.branch_id
"""

# The institution's branches' stamps summed and counted, and its overview kept under them.
_RANKED = """
WITH now AS (
    SELECT coalesce(sum(t.stamp), 0) AS stamps, count(*) AS branches
    FROM ledger.branches b LEFT JOIN ledger.branch_stamps t USING (branch_id)
    WHERE b.institution_id = %(institution)s
)
SELECT now.stamps, now.branches, o.ranked FROM now
LEFT JOIN ledger.institution_overviews o ON o.institution_id = %(institution)s
    AND o.year = %(year)s AND o.today = %(today)s AND o.stamps = now.stamps
    AND o.branches = now.branches
"""
_KEEP_RANKED = """
INSERT INTO ledger.institution_overviews AS kept VALUES (%(institution)s, %(year)s, %(today)s,
    %(stamps)s, %(count)s, %(ranked)s)
ON CONFLICT (institution_id, year) DO UPDATE SET today = EXCLUDED.today,
    stamps = EXCLUDED.stamps, branches = EXCLUDED.branches, ranked = EXCLUDED.ranked
WHERE (kept.today, kept.stamps, kept.branches) <= (EXCLUDED.today, EXCLUDED.stamps,
    EXCLUDED.branches)
"""


def branch_summary(
    db: Database,
    now: datetime,
    actor_id: str,
    branch_id: str,
    year: int,
    group_id: str | None = None,
) -> dict[str, Any]:
    """A branch's summary for the year (kept), or one group's (summed each time: a group is
    small), with its members' own figures."""
    branch = reader(db, branch_id, actor_id)
    if group_id is not None:
        return _summed(db, branch, now, year, group_id)
    today = branch.today(now)
    params = {"year": year, "today": today, "branches": [branch_id], "institution": None}
    (kept,) = db.fetch_all(_KEPT.format(column="summary"), params)
    return kept["summary"] or _kept(db, branch, now, year, kept["stamp"])


def institution_summaries(
    db: Database, now: datetime, actor_id: str, institution_id: str, year: int
) -> dict[str, Any]:
    """Every branch's summary, brief, ranked side by side (domain/measures.rank): as kept for
    the day and the branches' stamps, else ranked from their kept briefs and kept."""
    institution = institution_reader(db, actor_id, institution_id)
    today = institution.today(now)
    params = {"year": year, "today": today, "branches": [], "institution": institution_id}
    # Read before the briefs, as a branch's stamp is read before its sum (branch_summary).
    kept = db.fetch_one(_RANKED, params)
    ranked = kept["ranked"]
    if ranked is None:
        summaries = []
        for row in db.fetch_all(_KEPT.format(column="brief"), params):
            branch = Reader(row["branch_id"], institution_id, row["name"], institution.timezone)
            summary = row["summary"] or measures.brief(_kept(db, branch, now, year, row["stamp"]))
            summaries.append({**summary, "name": row["name"]})
        ranked = measures.rank(summaries)
        keep = {**params, "stamps": kept["stamps"], "count": kept["branches"]}
        db.execute(_KEEP_RANKED, {**keep, "ranked": json.dumps(ranked)})
    return {
        "institution_id": institution_id,
        "name": institution.name,
        "year": year,
        "today": today.isoformat(),
        "branches": ranked,
    }


def _kept(db: Database, branch: Reader, now: datetime, year: int, stamp: int) -> dict[str, Any]:
    """The branch's summary, summed and kept under `stamp` (read before the sum)."""
    summary = _summed(db, branch, now, year)
    db.execute(
        _KEEP,
        {
            "branch": branch.branch_id,
            "year": year,
            "today": date.fromisoformat(summary["today"]),
            "stamp": stamp,
            "summary": json.dumps(summary),
            "brief": json.dumps(measures.brief(summary)),
        },
    )
    return summary


def _summed(
    db: Database, branch: Reader, now: datetime, year: int, group_id: str | None = None
) -> dict[str, Any]:
    today = branch.today(now)
    start, end = date(year, 1, 1), date(year, 12, 31)
    keys = ("level", "kind", "cadence", "owner_id")
    counted = cells(db, [branch.branch_id], start, end, today, keys, group_id=group_id)
    study_log = study_log_of(db, branch, now, year)
    summary = {
        "branch_id": branch.branch_id,
        "year": year,
        "today": today.isoformat(),
        "completion": completion(counted, today),
        "meetings": measures.meetings(org_life_of(db, branch, now, year)["slots"], group_id),
    }
    summary["overdue"] = summary["completion"]["overdue"]
    if group_id is None:
        summary["study"] = measures.study(study_log["members"])
        summary["goals"] = measures.goals(goal_set_of(db, branch, now, year)["goals"])
        return summary
    group = set(_group_members(db, branch.branch_id, group_id))
    members = [m for m in study_log["members"] if m["member_id"] in group]
    owners = measures.tally_by([c for c in counted if c["owner_id"]], today, "owner_id")
    summary["study"] = measures.study(members)
    summary["members"] = [
        {
            "member_id": member["member_id"],
            "name": member["name"],
            "completion": owners.get((member["member_id"],), {}).get("rate"),
            "overdue": owners.get((member["member_id"],), {}).get("overdue", 0),
            "study": measures.study([member])["rate"],
        }
        for member in members
    ]
    return summary


def _group_members(db: ReadDatabase, branch_id: str, group_id: str) -> list[str]:
    rows = db.fetch_all(
        "SELECT member_id FROM ledger.members WHERE branch_id = %s AND group_id = %s AND active",
        (branch_id, group_id),
    )
    return [row["member_id"] for row in rows]

"""Results of a cycle, a member's performance archive, and the peer reviews about a member."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.common.actors import is_service
from services.common.queries import iso

from ..domain.cycle import Window
from ..domain.roster import require
from .common import ReadDatabase, cycle_row, load_roster, require_reader, sees_all

_RESULTS = (
    "SELECT r.member_id, r.score, r.grade, r.breakdown, m.measures FROM appraisal.results r"
    " LEFT JOIN appraisal.measures m USING (cycle_id, member_id) WHERE r.cycle_id = %s"
)
# A rectification's state is its ledger item's; "raised" until the ledger has planned it.
_RECTIFICATIONS = """
SELECT r.rectification_id, r.cycle_id, r.branch_id, r.title, r.raised_by, r.raised_at,
       coalesce(i.due_date, r.due_date) AS due_date,
       CASE WHEN i.item_id IS NULL THEN 'raised'
            WHEN i.cancelled AND i.status <> 'done' THEN 'cancelled' ELSE i.status END AS status,
       i.closed_at, i.note
FROM appraisal.rectifications r LEFT JOIN appraisal.rectification_items i
     ON i.item_id = r.rectification_id
WHERE r.member_id = %s ORDER BY r.raised_at, r.rectification_id
"""
_ARCHIVE = """
SELECT c.cycle_id, c.branch_id, c.kind, c.period, c.starts_on, c.ends_on, c.finalised_at,
       r.score, r.grade, r.breakdown, m.measures
FROM appraisal.results r JOIN appraisal.cycles c USING (cycle_id)
LEFT JOIN appraisal.measures m USING (cycle_id, member_id)
WHERE r.member_id = %s ORDER BY c.starts_on, c.cycle_id
"""


def results(db: ReadDatabase, actor_id: str, cycle_id: str) -> dict[str, Any]:
    """Every member's score, grade and breakdown for those who run the cycle; one's own else."""
    row = cycle_row(db, cycle_id)
    roster = load_roster(db, row["branch_id"])
    require_reader(roster, actor_id)
    sql, params = _RESULTS, [cycle_id]
    if not sees_all(roster, actor_id):
        sql, params = sql + " AND r.member_id = %s", [cycle_id, actor_id]
    rows = db.fetch_all(sql + " ORDER BY r.member_id", params)
    return {"cycle": iso(row), "finalised": row["finalised_at"] is not None, "results": rows}


def archive(db: ReadDatabase, actor_id: str, member_id: str) -> dict[str, Any]:
    """A member's record across cycles: scores, grades, the evidence, rectifications' outcome.

    The member sees it all; those who run a branch see the cycles of their branch.
    """
    cycles = [iso(row) for row in db.fetch_all(_ARCHIVE, (member_id,))]
    rectifications = [iso(row) for row in db.fetch_all(_RECTIFICATIONS, (member_id,))]
    if actor_id != member_id and not is_service(actor_id):
        branches = {row["branch_id"] for row in cycles + rectifications}
        mine = {branch for branch in branches if load_roster(db, branch).admin(actor_id)}
        require(bool(mine) or not branches, "the member, or secretary of their branch")
        cycles = [row for row in cycles if row["branch_id"] in mine]
        rectifications = [row for row in rectifications if row["branch_id"] in mine]
    return {"member_id": member_id, "cycles": cycles, "rectifications": rectifications}


def peer_reviews_about(
    db: ReadDatabase, now: datetime, actor_id: str, cycle_id: str, member_id: str
) -> dict[str, Any]:
    """The peer reviews a member received: to the member and the secretary. An anonymous
    cycle's are sorted by content, without any reviewer identity, and only once peer review has
    closed — watched while it is open, each new review would appear just as its author stopped
    being pending. An open cycle's name who wrote each, as soon as they are written."""
    row = cycle_row(db, cycle_id)
    roster = load_roster(db, row["branch_id"])
    allowed = actor_id == member_id or roster.holds(actor_id, "secretary")
    require(allowed, "the reviewed member, or the secretary of the branch")
    found = {"cycle_id": cycle_id, "member_id": member_id, "peer_mode": row["peer_mode"]}
    peer_review = Window.from_dict(row["windows"]["peer_review"])
    closed = row["finalised_at"] is not None or now >= peer_review.closes_at
    if not closed and row["peer_mode"] != "open":
        return {**found, "available": False, "reviews": []}
    reviews = db.fetch_all(
        "SELECT review_id, reviewer_id, scores, comments FROM appraisal.peer_reviews"
        " WHERE cycle_id = %s AND reviewee_id = %s AND status = 'submitted'"
        " ORDER BY scores::text, comments, review_id",
        (cycle_id, member_id),
    )
    return {**found, "available": True, "reviews": reviews}

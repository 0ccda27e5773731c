"""A branch's cycles, a cycle's status, what a member owes in it, and which steps are open (for
reminders)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.common.actors import is_service
from services.common.queries import iso

from ..domain.cycle import STEPS, Window
from ..domain.pseudonym import review_ids
from ..domain.roster import Roster, require, require_member
from .common import ReadDatabase, cycle_row, load_roster, progress, require_reader, sees_all

_OWN_SELF = (
    "SELECT scores, problems, status, submitted_at FROM appraisal.self_reviews"
    " WHERE cycle_id = %s AND member_id = %s"
)
_OWN_PEER = (
    "SELECT reviewee_id, scores, comments, status FROM appraisal.peer_reviews"
    " WHERE cycle_id = %s AND review_id = ANY(%s)"
)
_COMMENTS = (
    "SELECT member_id, leader_id, score, comment, status FROM appraisal.leader_comments"
    " WHERE cycle_id = %s"
)
_CYCLES = """
SELECT cycle_id, branch_id, kind, period, starts_on, ends_on, peer_scope, peer_mode, windows,
       opened_at,
       finalised_at, CASE WHEN finalised_at IS NULL THEN 'open' ELSE 'finalised' END AS status
FROM appraisal.cycles
WHERE branch_id = %(branch)s
  AND (%(status)s::text IS NULL OR (finalised_at IS NULL) = (%(status)s = 'open'))
ORDER BY opened_at DESC, cycle_id
"""


def list_cycles(
    db: ReadDatabase, actor_id: str, branch_id: str, status: str | None = None
) -> dict[str, Any]:
    """The branch's cycles, newest first; `status`: open (not finalised) or finalised only.
    Each cycle's plan, nothing of its reviews: whoever may read the branch's cycles may list them.
    """
    require_reader(load_roster(db, branch_id), actor_id)
    rows = db.fetch_all(_CYCLES, {"branch": branch_id, "status": status})
    return {"branch_id": branch_id, "cycles": [iso(row) for row in rows]}


def cycle(db: ReadDatabase, key: bytes, now: datetime, actor_id: str, cycle_id: str) -> dict:
    """Status per step with counts; who still owes a step only for those who run the cycle,
    and never for peer reviews: after a reopened peer review, its author would be the one who
    owes again. Peer reviews are counted, not attributed (notify alone learns who owes them,
    through `open_steps`, to remind them)."""
    row = cycle_row(db, cycle_id)
    roster = load_roster(db, row["branch_id"])
    require_reader(roster, actor_id)
    found, finalised = progress(db, row, roster, key), row["finalised_at"] is not None
    missing = found.missing()
    steps = []
    for step in STEPS:
        times = row["windows"][step]
        status = {"step": step, **times, "open": Window.from_dict(times).contains(now)}
        if step in missing:
            status |= {"expected": found.expected(step), "missing": missing[step]}
        if sees_all(roster, actor_id) and not finalised and step != "peer_review":
            status["pending_member_ids"] = found.pending(step)
        steps.append(status)
    return {**iso(row), "status": "finalised" if finalised else "open", "steps": steps}


def my_reviews(db: ReadDatabase, key: bytes, actor_id: str, cycle_id: str) -> dict[str, Any]:
    """What the actor has submitted and still owes in the cycle: only they can ask this."""
    row = cycle_row(db, cycle_id)
    roster = load_roster(db, row["branch_id"])
    require_member(roster, actor_id)
    own = db.fetch_one(_OWN_SELF, (cycle_id, actor_id))
    peers = roster.peers(actor_id, row["peer_scope"])
    mine = [id for peer in peers for id in review_ids(key, cycle_id, actor_id, peer)]
    written = {r["reviewee_id"]: r for r in db.fetch_all(_OWN_PEER, (cycle_id, mine))}
    comments = {r["member_id"]: r for r in db.fetch_all(_COMMENTS, (cycle_id,))}
    owed = [m for m in sorted(roster.members) if actor_id in roster.commentators(m)]
    given = [m for m, r in comments.items() if r["leader_id"] == actor_id and m not in owed]
    return {
        "cycle_id": cycle_id,
        "self_review": _status(own and iso(own)),
        "peer_reviews": [{"reviewee_id": p, **_status(written.get(p))} for p in peers],
        "leader_reviews": [{"member_id": m, **_status(comments.get(m))} for m in owed + given],
    }


def _status(found: dict[str, Any] | None) -> dict[str, Any]:
    return dict(found) if found else {"status": "owed"}


def open_steps(db: ReadDatabase, key: bytes, actor_id: str, at: datetime) -> list[dict]:
    """Every step of an unfinished cycle whose window contains `at`, with who has not done it.

    For the notify service's reminders (which name the cycle by its kind and period): peer
    reviews are pending for the members who still owe at least one, commentary for the leaders
    who owe it, finalisation for the secretary.
    """
    require(is_service(actor_id), "one of our services")
    rows = db.fetch_all(
        "SELECT * FROM appraisal.cycles WHERE finalised_at IS NULL ORDER BY branch_id, cycle_id"
    )
    steps = []
    # A branch runs several cycles at once (a quarter's and the half-year's, say): its roster is
    # read once per scan, and only for a branch with a step open now.
    rosters: dict[str, Roster] = {}
    for row in rows:
        current = [step for step in STEPS if Window.from_dict(row["windows"][step]).contains(at)]
        if not current:
            continue
        branch_id = row["branch_id"]
        if branch_id not in rosters:
            rosters[branch_id] = load_roster(db, branch_id)
        found = progress(db, row, rosters[branch_id], key)
        steps += [
            {
                "cycle_id": row["cycle_id"],
                "branch_id": row["branch_id"],
                "kind": row["kind"],
                "period": row["period"],
                "step": step,
                **row["windows"][step],
                "pending_member_ids": found.pending(step),
            }
            for step in current
        ]
    return steps

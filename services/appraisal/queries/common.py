"""What the queries (and the commands' permission checks) read first: rosters and cycles."""

from __future__ import annotations

from typing import Any

from services.common.actors import is_service
from services.common.periods import DEFAULT_TIMEZONE
from services.common.queries import ReadDatabase

from ..domain.progress import Progress, Submitted
from ..domain.roster import Roster, require
from ..exceptions import NotFound

_MEMBERS = "SELECT member_id, group_id FROM appraisal.members WHERE branch_id = %s AND active"
_ROLES = "SELECT member_id, role, nullif(group_id, '') AS group_id FROM appraisal.roles"
_COMMITTEE = "SELECT person_id FROM appraisal.committee WHERE institution_id = %s"
_BRANCH = (
    "SELECT b.institution_id, i.timezone FROM appraisal.branches AS b"
    " LEFT JOIN appraisal.institutions AS i USING (institution_id) WHERE b.branch_id = %s"
)


def load_roster(db: ReadDatabase, branch_id: str) -> Roster:
    branch = db.fetch_one(_BRANCH, (branch_id,))
    if branch is None:
        raise NotFound(f"branch {branch_id} does not exist")
    members = db.fetch_all(_MEMBERS, (branch_id,))
    roles = db.fetch_all(f"{_ROLES} WHERE branch_id = %s", (branch_id,))
    committee = db.fetch_all(_COMMITTEE, (branch["institution_id"],))
    return Roster(
        branch_id,
        branch["institution_id"],
        {row["member_id"]: row["group_id"] for row in members},
        frozenset((row["member_id"], row["role"], row["group_id"]) for row in roles),
        frozenset(row["person_id"] for row in committee),
        branch["timezone"] or DEFAULT_TIMEZONE,  # a branch heard of before its institution
    )


def cycle_row(db: ReadDatabase, cycle_id: str) -> dict[str, Any]:
    row = db.fetch_one("SELECT * FROM appraisal.cycles WHERE cycle_id = %s", (cycle_id,))
    if row is None:
        raise NotFound(f"appraisal cycle {cycle_id} does not exist")
    return row


def require_reader(roster: Roster, actor_id: str) -> None:
    """Members of the branch, the institution committee and our services read its cycles."""
    allowed = actor_id in roster.members or roster.admin(actor_id) or is_service(actor_id)
    require(allowed, f"member of branch {roster.branch_id}, or institution_committee")


def sees_all(roster: Roster, actor_id: str) -> bool:
    return roster.admin(actor_id) or is_service(actor_id)


def submitted(db: ReadDatabase, cycle_id: str) -> Submitted:
    def standing(table: str, key: str) -> frozenset[str]:
        rows = db.fetch_all(
            f"SELECT {key} AS key FROM appraisal.{table}"
            " WHERE cycle_id = %s AND status = 'submitted'",
            (cycle_id,),
        )
        return frozenset(row["key"] for row in rows)

    return Submitted(
        standing("self_reviews", "member_id"),
        standing("peer_reviews", "review_id"),
        standing("leader_comments", "member_id"),
    )


def progress(db: ReadDatabase, cycle: dict[str, Any], roster: Roster, key: bytes) -> Progress:
    return Progress(
        cycle["cycle_id"], cycle["peer_scope"], roster, submitted(db, cycle["cycle_id"]), key
    )

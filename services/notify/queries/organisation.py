"""The organisation as the notify read model holds it: branches, their people, who may do what,
and how each member is reached."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, NamedTuple

from services.common import roles
from services.common.actors import is_service
from services.common.errors import Forbidden, NotFound
from services.common.periods import DEFAULT_TIMEZONE
from services.common.queries import ReadDatabase

from ..domain.inputs import People
from ..domain.preferences import Preferences, Thresholds
from ..domain.reminders import Route, route

ADMIN_NEEDS = f"this needs the role: {roles.ADMIN_NEEDS}"


class KnownBranch(NamedTuple):
    branch_id: str
    name: str  # the id until the read model has the name
    timezone: str
    thresholds: Thresholds


_BRANCHES = """
SELECT b.branch_id, coalesce(b.name, b.branch_id) AS name,
       coalesce(i.timezone, %(tz)s) AS timezone, t.branch_id IS NOT NULL AS own,
       t.due_soon_days, t.escalate_after_days, t.escalate_again_after_days,
       t.study_days_before_month_end, t.meetings_days_before_period_end
FROM notify.branches b
LEFT JOIN notify.institutions i USING (institution_id)
LEFT JOIN notify.thresholds t USING (branch_id)
WHERE %(branch)s::text IS NULL OR b.branch_id = %(branch)s
ORDER BY b.branch_id
"""


def branches(db: ReadDatabase, branch_id: str | None = None) -> list[KnownBranch]:
    """Every branch known, or one."""
    rows = db.fetch_all(_BRANCHES, {"tz": DEFAULT_TIMEZONE, "branch": branch_id})
    return [
        KnownBranch(
            row["branch_id"],
            row["name"],
            row["timezone"],
            Thresholds.from_row(row if row["own"] else None),
        )
        for row in rows
    ]


def branch(db: ReadDatabase, branch_id: str) -> KnownBranch:
    found = branches(db, branch_id)
    if not found:
        raise NotFound(f"branch {branch_id} is not known to notify")
    return found[0]


def people(db: ReadDatabase, branch_id: str) -> People:
    held = db.fetch_all(
        "SELECT r.member_id, r.role, r.group_id FROM notify.roles r JOIN notify.members m"
        " USING (branch_id, member_id) WHERE r.branch_id = %s AND m.active"
        " ORDER BY r.member_id",
        (branch_id,),
    )
    names = db.fetch_all(
        "SELECT member_id, name FROM notify.members WHERE branch_id = %s AND name IS NOT NULL",
        (branch_id,),
    )
    groups = db.fetch_all(
        "SELECT group_id, name FROM notify.groups WHERE branch_id = %s", (branch_id,)
    )
    duties = db.fetch_all(
        "SELECT goal_id, supervision, urging FROM notify.responsibilities WHERE branch_id = %s",
        (branch_id,),
    )
    holders = {
        role: tuple(r["member_id"] for r in held if r["role"] == role)
        for role in (roles.SECRETARY, roles.COMMITTEE_MEMBER, roles.FULL_TIME_OFFICER)
    }
    leaders: dict[str, tuple[str, ...]] = {}
    for r in (r for r in held if r["role"] == roles.GROUP_LEADER):
        leaders[r["group_id"]] = (*leaders.get(r["group_id"], ()), r["member_id"])
    return People(
        secretaries=holders[roles.SECRETARY],
        urging={d["goal_id"]: tuple(d["urging"]) for d in duties},
        supervision={d["goal_id"]: tuple(d["supervision"]) for d in duties},
        committee_members=holders[roles.COMMITTEE_MEMBER],
        group_leaders=leaders,
        officers=holders[roles.FULL_TIME_OFFICER],
        names={row["member_id"]: row["name"] for row in names},
        groups={row["group_id"]: row["name"] for row in groups},
    )


_ADMIN = """
SELECT EXISTS (SELECT 1 FROM notify.roles r JOIN notify.members m USING (branch_id, member_id)
               WHERE r.branch_id = b.branch_id AND r.member_id = %(actor)s AND m.active
               AND r.role = ANY(%(admin_roles)s))
    OR EXISTS (SELECT 1 FROM notify.committee c
               WHERE c.institution_id = b.institution_id AND c.person_id = %(actor)s) AS admin
FROM notify.branches b WHERE b.branch_id = %(branch)s
"""


def is_branch_admin(db: ReadDatabase, branch_id: str, actor_id: str) -> bool:
    """Secretary or committee member of the branch, the institution committee, or a service."""
    params = {"actor": actor_id, "branch": branch_id, "admin_roles": list(roles.BRANCH_ADMIN)}
    row = db.fetch_one(_ADMIN, params)
    if row is None:
        raise NotFound(f"branch {branch_id} is not known to notify")
    return row["admin"] or is_service(actor_id)


def routes(db: ReadDatabase, branch_id: str, member_ids: list[str]) -> dict[str, Route]:
    """How each member is reached: their chosen channels, with the addresses those need."""
    rows = db.fetch_all(
        "SELECT ids.member_id, p.channels, p.webhook_url,"
        " (SELECT m.email FROM notify.members m WHERE m.member_id = ids.member_id"
        "  ORDER BY m.branch_id <> %s, NOT m.active LIMIT 1) AS email"
        " FROM unnest(%s::text[]) AS ids (member_id)"
        " LEFT JOIN notify.preferences p USING (member_id)",
        (branch_id, member_ids),
    )
    return {
        row["member_id"]: route(
            tuple(row["channels"]) if row["channels"] else None, row["email"], row["webhook_url"]
        )
        for row in rows
    }


def thresholds(db: ReadDatabase, actor_id: str, branch_id: str) -> dict[str, Any]:
    """The thresholds the rules use for the branch (its own, or the defaults)."""
    if not is_branch_admin(db, branch_id, actor_id):
        raise Forbidden(ADMIN_NEEDS)
    found = branch(db, branch_id)
    return {"branch_id": branch_id, "timezone": found.timezone, **asdict(found.thresholds)}


def preferences(db: ReadDatabase, actor_id: str, member_id: str) -> dict[str, Any]:
    """A member's channels as the scan will use them (the defaults until they choose)."""
    if actor_id != member_id and not is_service(actor_id):
        raise Forbidden("this needs the role: the member themself")
    row = db.fetch_one(
        "SELECT channels, webhook_url FROM notify.preferences WHERE member_id = %s", (member_id,)
    )
    chosen = Preferences(tuple(row["channels"]), row["webhook_url"]) if row else Preferences()
    return {
        "member_id": member_id,
        "channels": list(chosen.channels),
        "webhook_url": chosen.webhook_url,
        "chosen": row is not None,
    }

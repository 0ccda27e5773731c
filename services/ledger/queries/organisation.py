"""Organisation queries: institutions, branches with their groups and members, a person's roles."""

from __future__ import annotations

from typing import Any

from services.common.queries import ReadDatabase

from ..exceptions import NotFound
from .common import reader


def institution(db: ReadDatabase, institution_id: str) -> dict[str, Any]:
    row = db.fetch_one(
        "SELECT institution_id, name, timezone FROM ledger.institutions WHERE institution_id = %s",
        (institution_id,),
    )
    if row is None:
        raise NotFound(f"institution {institution_id} does not exist")
    where = "WHERE institution_id = %s"
    return {
        **row,
        "committee": db.fetch_all(
            f"SELECT person_id, name FROM ledger.committee {where} ORDER BY person_id",
            (institution_id,),
        ),
        "branches": db.fetch_all(
            f"SELECT branch_id, name FROM ledger.branches {where} ORDER BY branch_id",
            (institution_id,),
        ),
        "goal_templates": db.fetch_all(
            f"SELECT year, goals FROM ledger.goal_templates {where} ORDER BY year",
            (institution_id,),
        ),
    }


def branch(db: ReadDatabase, actor_id: str, branch_id: str) -> dict[str, Any]:
    """The branch with its groups, current members and their current roles, and the names of
    those who left (a file of the branch's past names them: its items, its appraisals)."""
    found = reader(db, branch_id, actor_id)
    groups = db.fetch_all(
        "SELECT group_id, name FROM ledger.groups WHERE branch_id = %s ORDER BY group_id",
        (branch_id,),
    )
    members = db.fetch_all(
        "SELECT m.member_id, m.name, m.group_id, m.email, coalesce(json_agg(json_build_object("
        "'role', r.role, 'group_id', nullif(r.group_id, '')) ORDER BY r.role, r.group_id)"
        " FILTER (WHERE r.role IS NOT NULL), '[]') AS roles"
        " FROM ledger.members m LEFT JOIN ledger.roles r USING (branch_id, member_id)"
        " WHERE m.branch_id = %s AND m.active GROUP BY m.member_id, m.name, m.group_id, m.email"
        " ORDER BY m.member_id",
        (branch_id,),
    )
    former = db.fetch_all(
        "SELECT member_id, name FROM ledger.members WHERE branch_id = %s AND NOT active"
        " ORDER BY member_id",
        (branch_id,),
    )
    for group in groups:
        group["members"] = [m["member_id"] for m in members if m["group_id"] == group["group_id"]]
    return {
        "branch_id": found.branch_id,
        "institution_id": found.institution_id,
        "name": found.name,
        "timezone": found.timezone,
        "groups": groups,
        "members": members,
        "former_members": former,
    }


def member_roles(db: ReadDatabase, person_id: str) -> dict[str, Any]:
    """Where a person belongs and what they may do there: what the gateway authorises with."""
    committee = db.fetch_all(
        "SELECT institution_id FROM ledger.committee WHERE person_id = %s ORDER BY 1",
        (person_id,),
    )
    branches = db.fetch_all(
        "SELECT m.branch_id, b.institution_id, m.name, m.group_id, coalesce(json_agg("
        "json_build_object('role', r.role, 'group_id', nullif(r.group_id, ''))"
        " ORDER BY r.role, r.group_id) FILTER (WHERE r.role IS NOT NULL), '[]') AS roles"
        " FROM ledger.members m JOIN ledger.branches b USING (branch_id)"
        " LEFT JOIN ledger.roles r USING (branch_id, member_id)"
        " WHERE m.member_id = %s AND m.active"
        " GROUP BY m.branch_id, b.institution_id, m.name, m.group_id ORDER BY m.branch_id",
        (person_id,),
    )
    return {
        "person_id": person_id,
        "institution_committee": [row["institution_id"] for row in committee],
        "branches": branches,
    }

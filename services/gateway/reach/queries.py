"""The reach read model's two questions, one query each: who the caller is in the organisation,
and what a request's path names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.common.queries import ReadDatabase

from ..access import Access, access_of

# The person's committees, the branches those oversee, and their memberships with their roles,
# as the ledger's member_roles orders them (its answer and this one are compared in the tests).
_PERSON = """
SELECT
    (SELECT coalesce(json_agg(institution_id ORDER BY institution_id), '[]')
     FROM gateway.committee WHERE person_id = %(person)s) AS committee,
    (SELECT coalesce(json_object_agg(b.branch_id, b.institution_id), '{}')
     FROM gateway.committee c JOIN gateway.branches b USING (institution_id)
     WHERE c.person_id = %(person)s) AS overseen,
    (SELECT coalesce(json_agg(json_build_object(
         'branch_id', m.branch_id, 'institution_id', b.institution_id, 'name', m.name,
         'group_id', m.group_id, 'roles', (
             SELECT coalesce(json_agg(json_build_object('role', r.role, 'group_id',
                 nullif(r.group_id, '')) ORDER BY r.role, r.group_id), '[]')
             FROM gateway.roles r WHERE r.member_id = m.member_id AND r.branch_id = m.branch_id)
         ) ORDER BY m.branch_id), '[]')
     FROM gateway.members m JOIN gateway.branches b USING (branch_id)
     WHERE m.member_id = %(person)s AND m.active) AS branches
"""
# The item (its branch, level, group and owner), the cycle's branch, and whether the member is
# in the branch the path names (an item's, for an item's path).
_NAMED = """
SELECT i.branch_id, i.level, i.group_id, i.owner_id,
       (SELECT c.branch_id FROM gateway.appraisal_cycles c WHERE c.cycle_id = %(cycle)s)
           AS cycle_branch,
       EXISTS (SELECT FROM gateway.members m WHERE m.member_id = %(member)s AND m.active
               AND m.branch_id = coalesce(i.branch_id, %(branch)s)) AS member_in_branch
FROM (VALUES (1)) AS one (n) LEFT JOIN gateway.items i ON i.item_id = %(item)s
"""


def member_roles(db: ReadDatabase, person_id: str) -> tuple[dict[str, Any], dict[str, str]]:
    """(the person's roles in the shape of the ledger's member_roles answer, the branches their
    committees oversee → institution)."""
    row = db.fetch_all(_PERSON, {"person": person_id})[0]  # one row, whoever the person is
    roles = {
        "person_id": person_id,
        "institution_committee": row["committee"],
        "branches": row["branches"],
    }
    return roles, row["overseen"]


def access(db: ReadDatabase, person_id: str, admin_user: bool) -> Access:
    return access_of(*member_roles(db, person_id), admin_user)


@dataclass(frozen=True)
class Named:
    """What a path's ids name, as far as the read model knows."""

    item: dict[str, Any] | None = None  # branch_id, level, group_id, owner_id
    cycle_branch: str | None = None
    member_in_branch: bool = False


def named(db: ReadDatabase, path: dict[str, Any]) -> Named:
    """The item, cycle and member a path names (nothing to ask when it names none of them)."""
    if not {"item_id", "cycle_id", "member_id"} & path.keys():
        return Named()
    params = {key: path.get(f"{key}_id") for key in ("item", "cycle", "member", "branch")}
    row = db.fetch_all(_NAMED, params)[0]
    item = {key: row[key] for key in ("branch_id", "level", "group_id", "owner_id")}
    return Named(
        item=item if item["branch_id"] is not None else None,
        cycle_branch=row["cycle_branch"],
        member_in_branch=row["member_in_branch"],
    )

"""Who the caller is in the organisation, and the rules endpoints are guarded by. Pure.

The gateway's check is the first of two: it keeps each caller to their branches (anything
outside answers 404, so its existence is not revealed) and to the role an endpoint needs (403);
the service then checks the command again against its own log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from services.common.roles import (
    BRANCH_ADMIN,
    FULL_TIME_OFFICER,
    GROUP_LEADER,
    SECRETARY,
    runs_branch,
)


@dataclass(frozen=True)
class Membership:
    branch_id: str
    institution_id: str
    group_id: str | None
    roles: frozenset[tuple[str, str | None]]  # (role, group id of a group leader)


@dataclass(frozen=True)
class Access:
    """A caller's reach: the branches they belong to, and those their committee oversees."""

    person_id: str
    admin_user: bool = False
    committee: frozenset[str] = frozenset()  # institution ids
    overseen: Mapping[str, str] = field(default_factory=dict)  # branch id → institution id
    memberships: Mapping[str, Membership] = field(default_factory=dict)

    def institution_of(self, branch_id: str) -> str | None:
        member = self.memberships.get(branch_id)
        return member.institution_id if member else self.overseen.get(branch_id)

    def sees(self, branch_id: str) -> bool:
        return branch_id in self.memberships or branch_id in self.overseen

    def sees_institution(self, institution_id: str) -> bool:
        return institution_id in self.committee or any(
            m.institution_id == institution_id for m in self.memberships.values()
        )

    def on_committee(self, institution_id: str | None) -> bool:
        return institution_id in self.committee

    def administers(self, branch_id: str) -> bool:
        if branch_id in self.overseen:
            return True
        member = self.memberships.get(branch_id)
        return member is not None and runs_branch(role for role, _ in member.roles)

    def leads(self, branch_id: str, group_id: str | None = None) -> bool:
        """Leads `group_id` (any group when None), or administers the branch."""
        member = self.memberships.get(branch_id)
        led = {group for role, group in member.roles if role == GROUP_LEADER} if member else ()
        return self.administers(branch_id) or (group_id in led if group_id else bool(led))

    def holds(self, branch_id: str, *roles: str) -> bool:
        """Holds one of `roles` in the branch itself (the institution committee holds none)."""
        member = self.memberships.get(branch_id)
        return member is not None and any(role in roles for role, _ in member.roles)

    def manages(self, branch_id: str, level: str, group_id: str | None) -> bool:
        """May change an item's plan: branch items need an admin, others their group's leader."""
        if level == "branch":
            return self.administers(branch_id)
        return self.leads(branch_id, group_id)


def access_of(
    roles: Mapping[str, Any], overseen: Mapping[str, str], admin_user: bool = False
) -> Access:
    """From a person's roles, shaped as the ledger's `member_roles` answers them, and the
    branches their committees oversee (branch id → institution id)."""
    memberships = {
        row["branch_id"]: Membership(
            row["branch_id"],
            row["institution_id"],
            row["group_id"],
            frozenset((r["role"], r["group_id"]) for r in row["roles"]),
        )
        for row in roles["branches"]
    }
    return Access(
        person_id=roles["person_id"],
        admin_user=admin_user,
        committee=frozenset(roles["institution_committee"]),
        overseen=dict(overseen),
        memberships=memberships,
    )


@dataclass(frozen=True)
class Target:
    """What a request acts on, as far as the gateway resolved it."""

    branch_id: str | None = None
    institution_id: str | None = None
    member_id: str | None = None
    item: Mapping[str, Any] | None = None  # the item's plan: owner_id, level, group_id


# A rule: may this caller act on this target? Each endpoint names one.
Rule = Callable[[Access, Target], bool]


def anyone(who: Access, target: Target) -> bool:
    return True


def admin_user(who: Access, target: Target) -> bool:
    return who.admin_user


def committee(who: Access, target: Target) -> bool:
    return who.on_committee(target.institution_id)


def reader(who: Access, target: Target) -> bool:
    return True  # being in scope is enough to read


def branch_admin(who: Access, target: Target) -> bool:
    return who.administers(target.branch_id or "")


def group_leader(who: Access, target: Target) -> bool:
    return who.leads(target.branch_id or "")


def the_member(who: Access, target: Target) -> bool:
    return target.member_id == who.person_id


def branch_member(who: Access, target: Target) -> bool:
    return target.branch_id in who.memberships


def commentator(who: Access, target: Target) -> bool:
    """Who may write a leader's commentary (the appraisal checks it is theirs to write)."""
    return who.holds(target.branch_id or "", GROUP_LEADER, *BRANCH_ADMIN)


def supervisor(who: Access, target: Target) -> bool:
    """Who may record what was done about an overdue item: a full-time officer (the ledger
    checks they hold the item's supervision) or a branch admin."""
    branch = target.branch_id or ""
    return who.administers(branch) or who.holds(branch, FULL_TIME_OFFICER)


def member_or_admin(who: Access, target: Target) -> bool:
    return the_member(who, target) or branch_admin(who, target)


def member_or_secretary(who: Access, target: Target) -> bool:
    return the_member(who, target) or who.holds(target.branch_id or "", SECRETARY)


def item_manager(who: Access, target: Target) -> bool:
    plan = target.item or {}
    return who.manages(target.branch_id or "", plan.get("level", ""), plan.get("group_id"))


def item_owner(who: Access, target: Target) -> bool:
    plan = target.item or {}
    return plan.get("owner_id") == who.person_id or item_manager(who, target)


# What each rule is called in the OpenAPI description and in 403 answers.
RULE_NAMES: dict[Rule, str] = {
    anyone: "any signed-in user",
    admin_user: "the institution administrator",
    committee: "institution committee",
    reader: "anyone in the branch, or the institution committee",
    branch_admin: "secretary or committee member of the branch, or institution committee",
    group_leader: "a group leader of the branch, or its secretary or committee",
    the_member: "the member themself",
    branch_member: "a member of the branch",
    commentator: "a group leader, the secretary or a committee member of the branch",
    supervisor: "the item's supervision holder (a full-time officer), or secretary or committee"
    " member of the branch, or institution committee",
    member_or_admin: "the member themself, or secretary or committee member of the branch,"
    " or institution committee",
    member_or_secretary: "the member themself, or the secretary of the branch",
    item_manager: "the item's group leader (branch items: secretary or committee)",
    item_owner: "the item's owner, or who manages the item",
}

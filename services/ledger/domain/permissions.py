"""Who may do what, decided from the organisation as the log tells it. Pure.

The service checks these itself (rather than trusting the gateway) so that a bug in front of it
cannot let a command through; every refusal names the role that would have allowed it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..exceptions import Forbidden
from .organisation import Branch, Institution

BRANCH_ADMIN = ("secretary", "committee_member")
ADMIN_NEEDS = "secretary or committee_member of the branch, or institution_committee"


@dataclass(frozen=True)
class Authority:
    """What one actor may do in one branch."""

    actor_id: str
    committee: bool  # on the institution committee: anything in any of its branches
    member: bool
    roles: frozenset[tuple[str, str | None]]

    @property
    def admin(self) -> bool:
        return self.committee or any(role in BRANCH_ADMIN for role, _ in self.roles)

    def leads(self, group_id: str | None) -> bool:
        return self.admin or (group_id is not None and ("group_leader", group_id) in self.roles)


def authority(institution: Institution, branch: Branch, actor_id: str) -> Authority:
    return Authority(
        actor_id=actor_id,
        committee=actor_id in institution.committee,
        member=actor_id in branch.members,
        roles=frozenset(branch.roles_of(actor_id)),
    )


def require(allowed: bool, needs: str) -> None:
    if not allowed:
        raise Forbidden(f"this needs the role: {needs}")


def require_committee(institution: Institution, actor_id: str) -> None:
    require(actor_id in institution.committee, "institution_committee")


def require_admin(who: Authority) -> None:
    require(who.admin, ADMIN_NEEDS)


def require_group_leader(who: Authority, group_id: str | None) -> None:
    require(who.leads(group_id), f"group_leader of group {group_id}, or {ADMIN_NEEDS}")

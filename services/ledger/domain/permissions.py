"""Who may do what, decided from the organisation as the log tells it. Pure.

The service checks these itself (rather than trusting the gateway) so that a bug in front of it
cannot let a command through; every refusal names the role that would have allowed it.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.roles import ADMIN_NEEDS, GROUP_LEADER, INSTITUTION_COMMITTEE, runs_branch

from ..exceptions import Forbidden
from .branch import Branch
from .institution import Institution


@dataclass(frozen=True)
class Authority:
    """What one actor may do in one branch."""

    actor_id: str
    committee: bool  # on the institution committee: anything in any of its branches
    member: bool
    roles: frozenset[tuple[str, str | None]]

    @property
    def admin(self) -> bool:
        return runs_branch((role for role, _ in self.roles), self.committee)

    def leads(self, group_id: str | None) -> bool:
        return self.admin or (group_id is not None and (GROUP_LEADER, group_id) in self.roles)


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
    require(actor_id in institution.committee, INSTITUTION_COMMITTEE)


def require_admin(who: Authority) -> None:
    require(who.admin, ADMIN_NEEDS)


def require_group_leader(who: Authority, group_id: str | None) -> None:
    require(who.leads(group_id), f"group_leader of group {group_id}, or {ADMIN_NEEDS}")


def require_supervisor(who: Authority, supervisors: frozenset[str]) -> None:
    """Whether the actor may record what was done about an overdue item: its supervision
    holders (the handler says who they are), or a branch admin."""
    require(who.admin or who.actor_id in supervisors, f"the item's supervision, or {ADMIN_NEEDS}")


def require_planner(
    who: Authority, branch: Branch, level: str, group_id: str | None, owner_id: str | None
) -> None:
    """Whether the actor may plan an item of this level, asked before the item's owner or group
    is looked up, and answered without naming the owner's group: an actor who may not plan it
    then cannot tell from the refusal who is a member of the branch, or of which group.

    A member item belongs to its owner's group; an owner the branch does not have belongs to
    none, so only a branch admin goes on (to hear that the owner is unknown).
    """
    if level != "member":
        require_manager(who, level, group_id)
        return
    owner = branch.members.get(owner_id) if owner_id is not None else None
    allowed = who.leads(owner.group_id if owner else None)
    require(allowed, f"group_leader of the owner's group, or {ADMIN_NEEDS}")


def require_manager(who: Authority, level: str, group_id: str | None, owner_may=False) -> None:
    """Whether the actor may manage an item of this level and group: a branch admin, or the
    group's leader for a group or member item (`owner_may`: the refusal names the owner too)."""
    allowed = who.admin if level == "branch" else who.leads(group_id)
    manager = (
        ADMIN_NEEDS if level == "branch" else f"group_leader of group {group_id}, or {ADMIN_NEEDS}"
    )
    require(allowed, f"the item's owner, or {manager}" if owner_may else manager)

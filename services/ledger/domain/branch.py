"""A branch (`branch-<id>`): its groups, members and roles. Pure.

A role change is an event, so the history of who held a role when is the stream itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from eventlog import Event
from services.common.roles import GROUP_LEADER

from ..events import (
    EVENTS,
    BranchRegistered,
    GroupFormed,
    MemberJoined,
    MemberLeft,
    MemberMoved,
    RoleGranted,
    RoleRevoked,
)
from ..exceptions import BadInput, InvalidTransition, NotFound


@dataclass(frozen=True)
class Member:
    member_id: str
    name: str
    group_id: str | None
    email: str | None
    phone: str | None = None


@dataclass(frozen=True)
class Branch:
    branch_id: str = ""
    institution_id: str = ""
    name: str = ""
    groups: Mapping[str, str] = field(default_factory=dict)  # group id → name
    members: Mapping[str, Member] = field(default_factory=dict)  # current members only
    roles: frozenset[tuple[str, str, str | None]] = frozenset()  # (member, role, group)

    def roles_of(self, member_id: str) -> set[tuple[str, str | None]]:
        return {(role, group) for who, role, group in self.roles if who == member_id}

    def holds(self, member_id: str, role: str) -> bool:
        return any(r == role for r, _ in self.roles_of(member_id))


def evolve(state: Branch, event: object) -> Branch:
    match EVENTS.read(event):
        case BranchRegistered(branch_id=branch_id, institution_id=institution_id, name=name):
            return replace(state, branch_id=branch_id, institution_id=institution_id, name=name)
        case GroupFormed(group_id=group, name=name):
            return replace(state, groups={**state.groups, group: name})
        case MemberJoined() as joined:
            member = Member(
                joined.member_id, joined.name, joined.group_id, joined.email, joined.phone
            )
            return replace(state, members={**state.members, member.member_id: member})
        case MemberMoved(member_id=member_id, group_id=group):
            moved = replace(state.members[member_id], group_id=group)
            return replace(state, members={**state.members, member_id: moved})
        case MemberLeft(member_id=member_id):
            members = {k: v for k, v in state.members.items() if k != member_id}
            return replace(state, members=members)
        case RoleGranted(member_id=member_id, role=role, group_id=group):
            return replace(state, roles=state.roles | {(member_id, role, group)})
        case RoleRevoked(member_id=member_id, role=role, group_id=group):
            return replace(state, roles=state.roles - {(member_id, role, group)})
    return state


@dataclass(frozen=True)
class RegisterBranch:
    actor_id: str
    branch_id: str
    institution_id: str
    name: str


@dataclass(frozen=True)
class FormGroup:
    actor_id: str
    branch_id: str
    group_id: str
    name: str


@dataclass(frozen=True)
class AdmitMember:
    actor_id: str
    branch_id: str
    member_id: str
    name: str
    group_id: str | None = None
    email: str | None = None
    joined_on: date | None = None  # None: today; earlier for a member recorded after joining
    phone: str | None = None


@dataclass(frozen=True)
class MoveMember:
    actor_id: str
    branch_id: str
    member_id: str
    group_id: str


@dataclass(frozen=True)
class RemoveMember:
    actor_id: str
    branch_id: str
    member_id: str
    reason: str


@dataclass(frozen=True)
class GrantRole:
    actor_id: str
    branch_id: str
    member_id: str
    role: str
    group_id: str | None = None


@dataclass(frozen=True)
class RevokeRole:
    actor_id: str
    branch_id: str
    member_id: str
    role: str
    reason: str
    group_id: str | None = None


def decide_register(state: Branch, cmd: RegisterBranch) -> list[Event]:
    if state.branch_id:
        raise InvalidTransition(f"branch {cmd.branch_id} is already registered")
    return [BranchRegistered.taking(cmd)]


def decide_form_group(state: Branch, cmd: FormGroup) -> list[Event]:
    if cmd.group_id in state.groups:
        raise InvalidTransition(f"group {cmd.group_id} already exists")
    return [GroupFormed.taking(cmd)]


def decide_admit(state: Branch, cmd: AdmitMember, today: date) -> list[Event]:
    """`today`: the institution's. The day the member joined starts the months that are theirs
    (the study rule judges no month before it)."""
    if cmd.member_id in state.members:
        raise InvalidTransition(f"{cmd.member_id} is already a member of {state.branch_id}")
    _require_group(state, cmd.group_id)
    joined_on = cmd.joined_on or today
    if joined_on > today:
        raise BadInput({"joined_on": ["加入支部的日期不能晚于今天"]})
    return [MemberJoined.taking(cmd, joined_on=joined_on)]


def decide_move(state: Branch, cmd: MoveMember) -> list[Event]:
    member = _require_member(state, cmd.member_id)
    _require_group(state, cmd.group_id)
    if member.group_id == cmd.group_id:
        raise InvalidTransition(f"{cmd.member_id} is already in group {cmd.group_id}")
    # A group leader who moves no longer leads the group they left.
    events = _revocations(state, cmd.member_id, "moved to another group", member.group_id)
    return [*events, MemberMoved.taking(cmd)]


def decide_remove_member(state: Branch, cmd: RemoveMember) -> list[Event]:
    _require_member(state, cmd.member_id)
    events = _revocations(state, cmd.member_id, f"left the branch: {cmd.reason}")
    return [*events, MemberLeft.taking(cmd)]


def decide_grant(state: Branch, cmd: GrantRole) -> list[Event]:
    member = _require_member(state, cmd.member_id)
    group_id = _role_group(state, cmd.role, cmd.group_id)
    if group_id is not None and member.group_id != group_id:
        raise InvalidTransition(f"{cmd.member_id} must be in group {group_id} to lead it")
    if (cmd.role, group_id) in state.roles_of(cmd.member_id):
        raise InvalidTransition(f"{cmd.member_id} already holds {cmd.role}")
    return [RoleGranted.taking(cmd, group_id=group_id)]


def decide_revoke(state: Branch, cmd: RevokeRole) -> list[Event]:
    group_id = cmd.group_id if cmd.role == GROUP_LEADER else None
    if (cmd.role, group_id) not in state.roles_of(cmd.member_id):
        raise NotFound(f"{cmd.member_id} does not hold {cmd.role}")
    return [RoleRevoked.taking(cmd, group_id=group_id)]


def _revocations(
    state: Branch, member_id: str, reason: str, only_group: str | None = None
) -> list[Event]:
    held = sorted(state.roles_of(member_id), key=str)
    return [
        RoleRevoked(member_id=member_id, role=role, group_id=group, reason=reason)
        for role, group in held
        if only_group is None or (role == GROUP_LEADER and group == only_group)
    ]


def _role_group(state: Branch, role: str, group_id: str | None) -> str | None:
    """Only a group leader's role is tied to a group; for the others the group is dropped."""
    if role != GROUP_LEADER:
        return None
    if group_id is None:
        raise BadInput({"group_id": ["a group leader needs the group they lead"]})
    _require_group(state, group_id)
    return group_id


def _require_member(state: Branch, member_id: str) -> Member:
    if member_id not in state.members:
        raise NotFound(f"{member_id} is not a member of branch {state.branch_id}")
    return state.members[member_id]


def _require_group(state: Branch, group_id: str | None) -> None:
    if group_id is not None and group_id not in state.groups:
        raise NotFound(f"group {group_id} does not exist in branch {state.branch_id}")

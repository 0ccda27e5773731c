"""Commands on a branch (`branch-<id>`): groups, members and roles. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from eventlog.model import UPCASTERS, NewEvent

from ..exceptions import BadInput, InvalidTransition, NotFound
from .organisation import Branch


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


def decide_register_branch(state: Branch, cmd: RegisterBranch) -> list[NewEvent]:
    if state.branch_id:
        raise InvalidTransition(f"branch {cmd.branch_id} is already registered")
    data = {"branch_id": cmd.branch_id, "institution_id": cmd.institution_id, "name": cmd.name}
    return [NewEvent("BranchRegistered", data)]


def decide_form_group(state: Branch, cmd: FormGroup) -> list[NewEvent]:
    if cmd.group_id in state.groups:
        raise InvalidTransition(f"group {cmd.group_id} already exists")
    return [NewEvent("GroupFormed", {"group_id": cmd.group_id, "name": cmd.name})]


def decide_admit(state: Branch, cmd: AdmitMember, today: date) -> list[NewEvent]:
    """`today`: the institution's. The day the member joined starts the months that are theirs
    (the study rule judges no month before it)."""
    if cmd.member_id in state.members:
        raise InvalidTransition(f"{cmd.member_id} is already a member of {state.branch_id}")
    _require_group(state, cmd.group_id)
    joined_on = cmd.joined_on or today
    if joined_on > today:
        raise BadInput({"joined_on": ["加入支部的日期不能晚于今天"]})
    data = {
        "member_id": cmd.member_id,
        "name": cmd.name,
        "group_id": cmd.group_id,
        "email": cmd.email,
        "joined_on": joined_on.isoformat(),
        "phone": cmd.phone,
    }
    return [NewEvent("MemberJoined", data, schema_version=3)]


@UPCASTERS.register("MemberJoined", 1)
def _joined_when_recorded(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no joined_on: the member joined the day the event was recorded, which
    only a reader knowing the institution's time zone can tell (None)."""
    return {**data, "joined_on": None}


@UPCASTERS.register("MemberJoined", 2)
def _joined_without_phone(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 had no phone: none was recorded."""
    return {**data, "phone": None}


def decide_move(state: Branch, cmd: MoveMember) -> list[NewEvent]:
    member = _require_member(state, cmd.member_id)
    _require_group(state, cmd.group_id)
    if member.group_id == cmd.group_id:
        raise InvalidTransition(f"{cmd.member_id} is already in group {cmd.group_id}")
    # A group leader who moves no longer leads the group they left.
    events = _revocations(state, cmd.member_id, "moved to another group", member.group_id)
    return [
        *events,
        NewEvent("MemberMoved", {"member_id": cmd.member_id, "group_id": cmd.group_id}),
    ]


def decide_remove_member(state: Branch, cmd: RemoveMember) -> list[NewEvent]:
    _require_member(state, cmd.member_id)
    events = _revocations(state, cmd.member_id, f"left the branch: {cmd.reason}")
    return [*events, NewEvent("MemberLeft", {"member_id": cmd.member_id, "reason": cmd.reason})]


def decide_grant(state: Branch, cmd: GrantRole) -> list[NewEvent]:
    member = _require_member(state, cmd.member_id)
    group_id = _role_group(state, cmd.role, cmd.group_id)
    if group_id is not None and member.group_id != group_id:
        raise InvalidTransition(f"{cmd.member_id} must be in group {group_id} to lead it")
    if (cmd.role, group_id) in state.roles_of(cmd.member_id):
        raise InvalidTransition(f"{cmd.member_id} already holds {cmd.role}")
    data = {"member_id": cmd.member_id, "role": cmd.role, "group_id": group_id}
    return [NewEvent("RoleGranted", data)]


def decide_revoke(state: Branch, cmd: RevokeRole) -> list[NewEvent]:
    group_id = cmd.group_id if cmd.role == "group_leader" else None
    if (cmd.role, group_id) not in state.roles_of(cmd.member_id):
        raise NotFound(f"{cmd.member_id} does not hold {cmd.role}")
    data = {
        "member_id": cmd.member_id,
        "role": cmd.role,
        "group_id": group_id,
        "reason": cmd.reason,
    }
    return [NewEvent("RoleRevoked", data)]


def _revocations(state: Branch, member_id: str, reason: str, only_group: str | None = None):
    held = sorted(state.roles_of(member_id), key=str)
    return [
        NewEvent(
            "RoleRevoked",
            {"member_id": member_id, "role": role, "group_id": group, "reason": reason},
        )
        for role, group in held
        if only_group is None or (role == "group_leader" and group == only_group)
    ]


def _role_group(state: Branch, role: str, group_id: str | None) -> str | None:
    """Only a group leader's role is tied to a group; for the others the group is dropped."""
    if role != "group_leader":
        return None
    if group_id is None:
        raise BadInput({"group_id": ["a group leader needs the group they lead"]})
    _require_group(state, group_id)
    return group_id


def _require_member(state: Branch, member_id: str):
    if member_id not in state.members:
        raise NotFound(f"{member_id} is not a member of branch {state.branch_id}")
    return state.members[member_id]


def _require_group(state: Branch, group_id: str | None) -> None:
    if group_id is not None and group_id not in state.groups:
        raise NotFound(f"group {group_id} does not exist in branch {state.branch_id}")

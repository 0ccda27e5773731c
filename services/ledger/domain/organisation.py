"""Institutions and branches: who belongs where, and who holds which role. Pure.

Streams: `institution-<id>` (the institution committee and the 8-goal template) and
`branch-<id>` (groups, members, roles). A role change is an event, so the history of who held a
role when is the stream itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from eventlog.model import NewEvent
from services.common.periods import DEFAULT_TIMEZONE

from ..exceptions import BadInput, InvalidTransition, NotFound

BRANCH_ROLES = (
    "secretary",
    "full_time_officer",
    "leadership_member",
    "committee_member",
    "group_leader",
)
STANDARD_GOALS = 8


@dataclass(frozen=True)
class Institution:
    institution_id: str = ""
    name: str = ""
    timezone: str = DEFAULT_TIMEZONE
    committee: Mapping[str, str] = field(default_factory=dict)  # person id → name
    templates: Mapping[int, tuple] = field(default_factory=dict)  # year → goals


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


def evolve_institution(state: Institution, event: Any) -> Institution:
    data = event.data
    if event.type == "InstitutionRegistered":
        return replace(
            state,
            institution_id=data["institution_id"],
            name=data["name"],
            timezone=data["timezone"],
        )
    if event.type == "CommitteeMemberAppointed":
        return replace(state, committee={**state.committee, data["person_id"]: data["name"]})
    if event.type == "CommitteeMemberRemoved":
        committee = {k: v for k, v in state.committee.items() if k != data["person_id"]}
        return replace(state, committee=committee)
    if event.type == "GoalTemplateSet":
        return replace(state, templates={**state.templates, data["year"]: tuple(data["goals"])})
    return state


def evolve_branch(state: Branch, event: Any) -> Branch:
    data, kind = event.data, event.type
    if kind == "BranchRegistered":
        return replace(
            state,
            branch_id=data["branch_id"],
            institution_id=data["institution_id"],
            name=data["name"],
        )
    if kind == "GroupFormed":
        return replace(state, groups={**state.groups, data["group_id"]: data["name"]})
    if kind == "MemberJoined":
        member = Member(
            data["member_id"], data["name"], data["group_id"], data.get("email"), data.get("phone")
        )
        return replace(state, members={**state.members, member.member_id: member})
    if kind == "MemberMoved":
        moved = replace(state.members[data["member_id"]], group_id=data["group_id"])
        return replace(state, members={**state.members, moved.member_id: moved})
    if kind == "MemberLeft":
        members = {k: v for k, v in state.members.items() if k != data["member_id"]}
        return replace(state, members=members)
    role = (data.get("member_id"), data.get("role"), data.get("group_id"))
    if kind == "RoleGranted":
        return replace(state, roles=state.roles | {role})
    if kind == "RoleRevoked":
        return replace(state, roles=state.roles - {role})
    return state


# Institution commands -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterInstitution:
    """Founds an institution with its first committee, so someone can act for it from the start."""

    actor_id: str
    institution_id: str
    name: str
    founders: tuple[tuple[str, str], ...]  # (person id, name)
    timezone: str = DEFAULT_TIMEZONE


@dataclass(frozen=True)
class AppointCommitteeMember:
    actor_id: str
    institution_id: str
    person_id: str
    name: str


@dataclass(frozen=True)
class RemoveCommitteeMember:
    actor_id: str
    institution_id: str
    person_id: str
    reason: str


@dataclass(frozen=True)
class SetGoalTemplate:
    actor_id: str
    institution_id: str
    year: int
    goals: tuple[Mapping[str, str], ...]  # {code, title, description}


def decide_register_institution(state: Institution, cmd: RegisterInstitution) -> list[NewEvent]:
    if state.institution_id:
        raise InvalidTransition(f"institution {cmd.institution_id} is already registered")
    if cmd.actor_id not in {person for person, _ in cmd.founders}:
        raise BadInput({"founders": ["the registering person must be one of the founders"]})
    registered = {"institution_id": cmd.institution_id, "name": cmd.name, "timezone": cmd.timezone}
    return [NewEvent("InstitutionRegistered", registered)] + [
        NewEvent("CommitteeMemberAppointed", {"person_id": person, "name": name})
        for person, name in cmd.founders
    ]


def decide_appoint(state: Institution, cmd: AppointCommitteeMember) -> list[NewEvent]:
    if cmd.person_id in state.committee:
        raise InvalidTransition(f"{cmd.person_id} is already on the institution committee")
    return [NewEvent("CommitteeMemberAppointed", {"person_id": cmd.person_id, "name": cmd.name})]


def decide_remove(state: Institution, cmd: RemoveCommitteeMember) -> list[NewEvent]:
    if cmd.person_id not in state.committee:
        raise NotFound(f"{cmd.person_id} is not on the institution committee")
    if len(state.committee) == 1:
        raise InvalidTransition("the institution committee cannot be left empty")
    removed = {"person_id": cmd.person_id, "reason": cmd.reason}
    return [NewEvent("CommitteeMemberRemoved", removed)]


def decide_goal_template(state: Institution, cmd: SetGoalTemplate) -> list[NewEvent]:
    codes = {goal["code"] for goal in cmd.goals}
    if len(cmd.goals) != STANDARD_GOALS or len(codes) != STANDARD_GOALS:
        raise BadInput({"goals": [f"exactly {STANDARD_GOALS} goals with distinct codes"]})
    goals = [dict(goal) for goal in cmd.goals]
    return [NewEvent("GoalTemplateSet", {"year": cmd.year, "goals": goals})]

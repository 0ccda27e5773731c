"""An institution (`institution-<id>`): its committee and its yearly 8-goal template. Pure.

The committee acts in every branch of the institution; the template is copied into each
branch's goal set when the set opens (goals.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from eventlog import Event
from services.common.periods import DEFAULT_TIMEZONE

from ..events import (
    EVENTS,
    CommitteeMemberAppointed,
    CommitteeMemberRemoved,
    GoalTemplateSet,
    InstitutionRegistered,
)
from ..exceptions import BadInput, InvalidTransition, NotFound

STANDARD_GOALS = 8


@dataclass(frozen=True)
class Institution:
    institution_id: str = ""
    name: str = ""
    timezone: str = DEFAULT_TIMEZONE
    committee: Mapping[str, str] = field(default_factory=dict)  # person id → name
    templates: Mapping[int, tuple] = field(default_factory=dict)  # year → goals


def evolve(state: Institution, event: object) -> Institution:
    match EVENTS.read(event):
        case InstitutionRegistered(institution_id=institution_id, name=name, timezone=zone):
            return replace(state, institution_id=institution_id, name=name, timezone=zone)
        case CommitteeMemberAppointed(person_id=person, name=name):
            return replace(state, committee={**state.committee, person: name})
        case CommitteeMemberRemoved(person_id=person):
            committee = {k: v for k, v in state.committee.items() if k != person}
            return replace(state, committee=committee)
        case GoalTemplateSet(year=year, goals=goals):
            return replace(state, templates={**state.templates, year: tuple(goals)})
    return state


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


def decide_register(state: Institution, cmd: RegisterInstitution) -> list[Event]:
    if state.institution_id:
        raise InvalidTransition(f"institution {cmd.institution_id} is already registered")
    if cmd.actor_id not in {person for person, _ in cmd.founders}:
        raise BadInput({"founders": ["the registering person must be one of the founders"]})
    return [InstitutionRegistered.taking(cmd)] + [
        CommitteeMemberAppointed(person_id=person, name=name) for person, name in cmd.founders
    ]


def decide_appoint(state: Institution, cmd: AppointCommitteeMember) -> list[Event]:
    if cmd.person_id in state.committee:
        raise InvalidTransition(f"{cmd.person_id} is already on the institution committee")
    return [CommitteeMemberAppointed.taking(cmd)]


def decide_remove(state: Institution, cmd: RemoveCommitteeMember) -> list[Event]:
    if cmd.person_id not in state.committee:
        raise NotFound(f"{cmd.person_id} is not on the institution committee")
    if len(state.committee) == 1:
        raise InvalidTransition("the institution committee cannot be left empty")
    return [CommitteeMemberRemoved.taking(cmd)]


def decide_goal_template(state: Institution, cmd: SetGoalTemplate) -> list[Event]:
    codes = {goal["code"] for goal in cmd.goals}
    if len(cmd.goals) != STANDARD_GOALS or len(codes) != STANDARD_GOALS:
        raise BadInput({"goals": [f"exactly {STANDARD_GOALS} goals with distinct codes"]})
    return [GoalTemplateSet.taking(cmd)]

"""A branch's 8+X goal set for a year (`goals-<branch_id>.<year>`). Pure.

The 8 standard goals are copied from the institution's template when the set opens, so a later
change of the template does not rewrite a year already under way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from eventlog import Event
from services.common.roles import RESPONSIBILITY_ROLES

from ..events import EVENTS, GoalAdded, GoalSetOpened, ResponsibilityAssigned
from ..exceptions import BadInput, InvalidTransition, NotFound
from .branch import Branch


def stream_id(branch_id: str, year: int) -> str:
    return f"goals-{branch_id}.{year}"


@dataclass(frozen=True)
class GoalSet:
    branch_id: str = ""
    year: int = 0
    goals: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # goal id → goal


@dataclass(frozen=True)
class OpenGoalSet:
    actor_id: str
    branch_id: str
    year: int


@dataclass(frozen=True)
class AddGoal:
    actor_id: str
    branch_id: str
    year: int
    goal_id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class AssignResponsibility:
    """`urging` is a list: several committee members and group leaders may follow a goal up."""

    actor_id: str
    branch_id: str
    year: int
    goal_id: str
    primary: str
    supervision: str
    coordination: str
    urging: tuple[str, ...]


def evolve(state: GoalSet, event: object) -> GoalSet:
    match EVENTS.read(event):
        case GoalSetOpened(branch_id=branch_id, year=year, goals=opened):
            goals = {goal["goal_id"]: dict(goal) for goal in opened}
            return GoalSet(branch_id=branch_id, year=year, goals=goals)
        case GoalAdded() as added:
            return replace(state, goals={**state.goals, added.goal_id: added.data})
        case ResponsibilityAssigned() as assigned:
            goal = {**state.goals[assigned.goal_id], "responsibility": assigned.data}
            return replace(state, goals={**state.goals, assigned.goal_id: goal})
    return state


def decide_open(state: GoalSet, cmd: OpenGoalSet, template: tuple | None) -> list[Event]:
    if state.goals:
        raise InvalidTransition(f"the {cmd.year} goal set of {cmd.branch_id} is already open")
    if not template:
        raise NotFound(f"the institution has no goal template for {cmd.year}")
    goals = [
        {
            "goal_id": f"{cmd.branch_id}.{cmd.year}.{goal['code']}",
            "code": goal["code"],
            "title": goal["title"],
            "description": goal["description"],
            "standard": True,
        }
        for goal in template
    ]
    return [GoalSetOpened.taking(cmd, goals=goals)]


def decide_add(state: GoalSet, cmd: AddGoal) -> list[Event]:
    _require_open(state, cmd.year)
    if cmd.goal_id in state.goals:
        raise InvalidTransition(f"goal {cmd.goal_id} already exists")
    return [GoalAdded.taking(cmd, standard=False)]


def decide_assign(state: GoalSet, cmd: AssignResponsibility, branch: Branch) -> list[Event]:
    _require_open(state, cmd.year)
    require_goal(state, cmd.goal_id)
    holders = {
        "primary": [cmd.primary],
        "supervision": [cmd.supervision],
        "coordination": [cmd.coordination],
        "urging": list(cmd.urging),
    }
    errors = {
        duty: [f"{who} does not hold {' or '.join(RESPONSIBILITY_ROLES[duty])}"]
        for duty, people in holders.items()
        for who in people
        if not any(branch.holds(who, role) for role in RESPONSIBILITY_ROLES[duty])
    }
    if not cmd.urging:
        errors["urging"] = ["at least one committee member or group leader"]
    if errors:
        raise BadInput(errors)
    return [ResponsibilityAssigned.taking(cmd)]


def require_goal(state: GoalSet, goal_id: str) -> None:
    if goal_id not in state.goals:
        raise NotFound(f"goal {goal_id} is not in the {state.year or ''} goal set")


def _require_open(state: GoalSet, year: int) -> None:
    if not state.goals:
        raise NotFound(f"the {year} goal set is not open yet")

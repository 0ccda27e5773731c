"""Handlers for ledger items: planning, and the life of each occurrence."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from eventlog import Event
from services.common.handlers import EventStore, Outcome, load
from services.common.roles import FULL_TIME_OFFICER

from ..domain import goals
from ..domain import items as c
from ..domain.branch import Branch
from ..domain.items import Item, evolve, require_item
from ..domain.permissions import require_manager, require_planner, require_supervisor
from ..exceptions import BadInput, NotFound
from .common import Scope, commit_as, scope_of

Handler = Callable[[Any, EventStore, datetime], Outcome]


def stream_id(item_id: str) -> str:
    return f"item-{item_id}"


def plan_item(cmd: c.PlanItem, store: EventStore, now: datetime) -> Outcome:
    scope = scope_of(store, cmd.branch_id, cmd.actor_id)
    # Allowed before placed: placing looks the owner and group up, and says if they are unknown.
    require_planner(scope.who, scope.branch, cmd.level, cmd.group_id, cmd.owner_id)
    cmd = _placed(cmd, scope, now)
    _check_goal(store, cmd)
    state, version = load(store, stream_id(cmd.item_id), evolve, Item())
    return _commit(store, c.decide_plan(state, cmd), version, cmd, cmd.branch_id, now)


def _acting(decide: Callable[[Item, Any], list[Event]], owner_may: bool) -> Handler:
    """A command on an item: its owner works on it (`owner_may`); its managers may also change
    its plan."""

    def handle(cmd: Any, store: EventStore, now: datetime) -> Outcome:
        state, version, scope = _item_scope(store, cmd.item_id, cmd.actor_id)
        if not (owner_may and state.plan["owner_id"] == cmd.actor_id):
            require_manager(scope.who, state.plan["level"], state.plan["group_id"], owner_may)
        return _commit(store, decide(state, cmd), version, cmd, scope.branch.branch_id, now)

    return handle


start_item = _acting(c.decide_start, owner_may=True)
note_progress = _acting(c.decide_note, owner_may=True)
complete_occurrence = _acting(c.decide_complete, owner_may=True)
cancel_item = _acting(c.decide_cancel, owner_may=False)
reopen_item = _acting(c.decide_reopen, owner_may=False)
change_due_date = _acting(c.decide_change_due, owner_may=False)


def reassign_item(cmd: c.ReassignItem, store: EventStore, now: datetime) -> Outcome:
    state, version, scope = _item_scope(store, cmd.item_id, cmd.actor_id)
    require_manager(scope.who, state.plan["level"], state.plan["group_id"])
    owner = scope.branch.members.get(cmd.owner_id)
    if owner is None:
        raise NotFound(f"{cmd.owner_id} is not a member of branch {scope.branch.branch_id}")
    if state.plan["level"] == "member" and owner.group_id != state.plan["group_id"]:
        raise BadInput({"owner_id": [f"a member of group {state.plan['group_id']}"]})
    return _commit(store, c.decide_reassign(state, cmd), version, cmd, scope.branch.branch_id, now)


def record_accountability(cmd: c.RecordAccountability, store: EventStore, now: datetime) -> Outcome:
    state, version, scope = _item_scope(store, cmd.item_id, cmd.actor_id)
    require_supervisor(scope.who, _supervisors(store, state.plan, scope.branch))
    events = c.decide_accountability(state, cmd, scope.today(now), scope.institution.timezone)
    return _commit(store, events, version, cmd, scope.branch.branch_id, now)


def _supervisors(store: EventStore, plan: Mapping[str, Any], branch: Branch) -> frozenset[str]:
    """Whom an overdue item reaches last (as notify escalates it): its goal's supervision
    holder; for an item of no goal, or of one whose holders are not assigned yet, the branch's
    full-time officers."""
    if plan["goal_id"]:
        year = date.fromisoformat(plan["starts_on"] or plan["due_date"]).year
        stream = goals.stream_id(plan["branch_id"], year)
        goal_set, _ = load(store, stream, goals.evolve, goals.GoalSet())
        holders = goal_set.goals.get(plan["goal_id"], {}).get("responsibility")
        if holders:
            return frozenset((holders["supervision"],))
    return frozenset(who for who, role, _ in branch.roles if role == FULL_TIME_OFFICER)


def _item_scope(store: EventStore, item_id: str, actor_id: str) -> tuple[Item, int, Scope]:
    state, version = load(store, stream_id(item_id), evolve, Item())
    require_item(state, item_id)
    return state, version, scope_of(store, state.plan["branch_id"], actor_id)


def _placed(cmd: c.PlanItem, scope: Scope, now: datetime) -> c.PlanItem:
    """Fills what the branch implies: a member item's group, and this year for a recurring item."""
    branch = scope.branch
    if cmd.owner_id is not None and cmd.owner_id not in branch.members:
        raise NotFound(f"{cmd.owner_id} is not a member of branch {branch.branch_id}")
    if cmd.level == "member":
        cmd = replace(cmd, group_id=branch.members[cmd.owner_id].group_id if cmd.owner_id else None)
    elif cmd.level == "branch":
        cmd = replace(cmd, group_id=None)
    if cmd.group_id is not None and cmd.group_id not in branch.groups:
        raise NotFound(f"group {cmd.group_id} does not exist in branch {branch.branch_id}")
    if cmd.cadence != "once" and cmd.starts_on is None and cmd.ends_on is None:
        year = scope.today(now).year
        cmd = replace(cmd, starts_on=date(year, 1, 1), ends_on=date(year, 12, 31))
    return cmd


def _check_goal(store: EventStore, cmd: c.PlanItem) -> None:
    """An item serves a goal of the year it starts (or falls due) in."""
    if cmd.goal_id is None:
        return
    year = (cmd.starts_on or cmd.due_date or date.min).year
    goal_set, _ = load(store, goals.stream_id(cmd.branch_id, year), goals.evolve, goals.GoalSet())
    goals.require_goal(goal_set, cmd.goal_id)


def _commit(store, events, version, cmd, branch_id, now) -> Outcome:
    stream = stream_id(cmd.item_id)
    return commit_as(cmd, store, stream, events, version, now, id=cmd.item_id, branch_id=branch_id)

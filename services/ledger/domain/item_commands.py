"""Commands on ledger items and the decisions they lead to. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from eventlog.model import UPCASTERS, NewEvent
from services.common import periods

from ..exceptions import BadInput, InvalidTransition
from .items import PLAN_FIELDS, Item, exists, require_period, schedule, transition

# A monthly item over decades would flood its ledger; a plan that long is a mistake, not a plan.
MAX_OCCURRENCES = 400


@dataclass(frozen=True)
class PlanItem:
    actor_id: str
    item_id: str
    branch_id: str
    level: str
    kind: str
    cadence: str
    title: str
    description: str = ""
    review: str | None = None  # a routine item's review period (default: monthly)
    goal_id: str | None = None
    group_id: str | None = None
    owner_id: str | None = None
    due_date: date | None = None
    due_day: int | None = None
    due_month: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    source: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class StartItem:
    actor_id: str
    item_id: str
    period: str


@dataclass(frozen=True)
class NoteProgress:
    actor_id: str
    item_id: str
    period: str
    note: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompleteOccurrence:
    actor_id: str
    item_id: str
    period: str
    note: str = ""
    evidence: tuple[str, ...] = ()  # links to what shows it done (a report, minutes, photos)


@dataclass(frozen=True)
class CancelItem:
    actor_id: str
    item_id: str
    reason: str
    period: str | None = None  # None: the whole item


@dataclass(frozen=True)
class ReopenItem:
    actor_id: str
    item_id: str
    reason: str
    period: str | None = None  # None: a cancelled item as a whole


@dataclass(frozen=True)
class ReassignItem:
    actor_id: str
    item_id: str
    owner_id: str
    reason: str = ""  # why, when the manager says (the item's history shows it)


@dataclass(frozen=True)
class ChangeDueDate:
    actor_id: str
    item_id: str
    reason: str
    due_date: date | None = None  # one-off items
    due_day: int | None = None  # recurring items


def decide_plan(state: Item, cmd: PlanItem) -> list[NewEvent]:
    if exists(state):
        raise InvalidTransition(f"item {cmd.item_id} is already planned")
    plan = {name: _plain(value) for name, value in asdict(cmd).items() if name in PLAN_FIELDS}
    if plan["cadence"] == periods.ROUTINE and plan["review"] is None:
        plan["review"] = periods.DEFAULT_REVIEW
    _check_shape(plan)
    return [NewEvent("ItemPlanned", plan, schema_version=2)]


@UPCASTERS.register("ItemPlanned", 1)
def _planned_without_review(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no routine items, so no review period. Its daily items stay daily: their
    occurrences are days, and every event about one names its day; folding them into monthly
    reviews would change what was recorded (a day cancelled would cancel a month)."""
    return {**data, "review": None}


def decide_start(state: Item, cmd: StartItem) -> list[NewEvent]:
    return [transition(state, "ItemStarted", cmd.period)]


def decide_note(state: Item, cmd: NoteProgress) -> list[NewEvent]:
    """A note on a planned occurrence means the work has begun: it is started first."""
    require_period(state, cmd.period)
    started = _start_if_planned(state, cmd.period)
    if state.status(cmd.period) in ("done", "cancelled"):
        raise InvalidTransition(f"occurrence {cmd.period} is {state.status(cmd.period)}")
    noted = {"period": cmd.period, "note": cmd.note, "evidence": list(cmd.evidence)}
    return [*started, NewEvent("ProgressNoted", noted)]


def decide_complete(state: Item, cmd: CompleteOccurrence) -> list[NewEvent]:
    """Completing a planned occurrence records that it was started, then done."""
    require_period(state, cmd.period)
    started = _start_if_planned(state, cmd.period)
    allowed = ("planned", "in_progress")
    if state.status(cmd.period) not in allowed:
        raise InvalidTransition(f"occurrence {cmd.period} is {state.status(cmd.period)}")
    done = {"period": cmd.period, "note": cmd.note, "evidence": list(cmd.evidence)}
    return [*started, NewEvent("ItemCompleted", done, schema_version=2)]


@UPCASTERS.register("ItemCompleted", 1)
def _completed_without_evidence(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 carried no evidence (links came with progress notes only)."""
    return {**data, "evidence": []}


def decide_cancel(state: Item, cmd: CancelItem) -> list[NewEvent]:
    if cmd.period is not None:
        return [transition(state, "ItemCancelled", cmd.period, reason=cmd.reason)]
    if state.cancelled:
        raise InvalidTransition(f"item {cmd.item_id} is already cancelled")
    return [NewEvent("ItemCancelled", {"period": None, "reason": cmd.reason})]


def decide_reopen(state: Item, cmd: ReopenItem) -> list[NewEvent]:
    if cmd.period is not None:
        return [transition(state, "ItemReopened", cmd.period, reason=cmd.reason)]
    if not state.cancelled:
        raise InvalidTransition(f"item {cmd.item_id} is not cancelled")
    return [NewEvent("ItemReopened", {"period": None, "reason": cmd.reason})]


def decide_reassign(state: Item, cmd: ReassignItem) -> list[NewEvent]:
    if state.plan["owner_id"] == cmd.owner_id:
        raise InvalidTransition(f"{cmd.owner_id} already owns item {cmd.item_id}")
    data = {"owner_id": cmd.owner_id, "reason": cmd.reason}
    return [NewEvent("ItemReassigned", data, schema_version=2)]


@UPCASTERS.register("ItemReassigned", 1)
def _reassigned_without_reason(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no reason: none was given."""
    return {**data, "reason": ""}


def decide_change_due(state: Item, cmd: ChangeDueDate) -> list[NewEvent]:
    once = state.plan["cadence"] == periods.ONCE
    if once and cmd.due_date is None:
        raise BadInput({"due_date": ["a one-off item needs a new due_date"]})
    if not once and (cmd.due_day is None or cmd.due_date is not None):
        raise BadInput({"due_day": ["a recurring item changes its due_day, not a due_date"]})
    change = {"due_date": cmd.due_date.isoformat()} if once else {"due_day": cmd.due_day}
    return [NewEvent("DueDateChanged", {**change, "reason": cmd.reason})]


def _start_if_planned(state: Item, period: str) -> list[NewEvent]:
    if state.status(period) == "planned":
        return [transition(state, "ItemStarted", period)]
    return []


def _plain(value: Any) -> Any:
    """Event data is JSON: dates travel as ISO strings."""
    return value.isoformat() if isinstance(value, date) else value


def _cadence_errors(plan: Mapping[str, Any]) -> dict[str, list[str]]:
    """A cadence a plan may choose (daily was, before routine replaced it), and a review period
    for a routine item alone."""
    errors: dict[str, list[str]] = {}
    if plan["cadence"] not in periods.CADENCES:
        errors["cadence"] = [f"one of {', '.join(periods.CADENCES)} (routine, not daily)"]
    if (plan["cadence"] == periods.ROUTINE) != (plan["review"] is not None):
        errors["review"] = ["a routine item's review period, and only a routine item's"]
    elif plan["review"] not in (None, *periods.REVIEW_PERIODS):
        errors["review"] = [f"one of {', '.join(periods.REVIEW_PERIODS)}"]
    return errors


def _check_shape(plan: Mapping[str, Any]) -> None:
    errors = _cadence_errors(plan)
    once = plan["cadence"] == periods.ONCE
    if once and not plan["due_date"]:
        errors["due_date"] = ["a one-off item needs a due_date"]
    if not once and not (plan["starts_on"] and plan["ends_on"]):
        errors["starts_on"] = ["a recurring item needs starts_on and ends_on"]
    elif not once and plan["starts_on"] > plan["ends_on"]:
        errors["ends_on"] = ["ends_on is before starts_on"]
    if plan["level"] != "branch" and not plan["group_id"]:
        errors["group_id"] = [f"a {plan['level']}-level item belongs to a group"]
    if plan["level"] == "member" and not plan["owner_id"]:
        errors["owner_id"] = ["a member-level item needs its owner"]
    if errors:
        raise BadInput(errors)
    if len(schedule(plan)) > MAX_OCCURRENCES:
        raise BadInput({"ends_on": [f"more than {MAX_OCCURRENCES} occurrences"]})

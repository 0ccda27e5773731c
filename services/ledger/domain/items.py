"""Ledger items (`item-<id>`): a task with a cadence, tracked per occurrence. Pure.

Each occurrence lives as services/common/roles.py says: planned → in progress → done, cancelled
(with a reason) before it is done, reopened from done or cancelled. Cancelling with no period
cancels the whole item: its unfinished occurrences then read as cancelled until it is reopened.
"Overdue" is never stored; `is_overdue` computes it from the due date and a clock.

Accountability (追究有力): what was done about an occurrence that fell overdue. An overdue
occurrence is escalated to its goal's urging and then supervision holders (notify's reminders).
What the supervision holder (or who runs the branch) then did about it, with whom it lies, is a
fact of the item: the action taken (ACTIONS), on which day, with a note, recorded as
AccountabilityRecorded on the item's stream, in its history beside the work it concerns. It may
be recorded while the occurrence is overdue, and after it was completed late; never for one done
on time, cancelled, or not yet due.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from eventlog import Event
from services.common import periods
from services.common.periods import local_date
from services.common.roles import CANCELLED, DONE, FINISHED, OPEN, PLANNED, TRANSITIONS

from ..events import (
    EVENTS,
    AccountabilityRecorded,
    DueDateChanged,
    ItemCancelled,
    ItemCompleted,
    ItemPlanned,
    ItemReassigned,
    ItemReopened,
    ItemStarted,
    ProgressNoted,
)
from ..exceptions import BadInput, InvalidTransition, NotFound

LEVELS = ("branch", "group", "member")
KINDS = ("party_building", "reform", "special_project", "rectification")
# The usual measures, mildest first: a reminder to see it done, a talk, criticism, a written
# self-examination required, a notice of criticism to the branch.
ACTIONS = ("reminder", "talk", "criticism", "written_check", "notice")
# A monthly item over decades would flood its ledger; a plan that long is a mistake, not a plan.
MAX_OCCURRENCES = 400


@dataclass(frozen=True)
class Occurrence:
    period: str
    due_date: date
    status: str = PLANNED
    completed_at: datetime | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    plan: Mapping[str, Any] = field(default_factory=dict)  # the ItemPlanned payload, kept current
    cancelled: bool = False
    occurrences: Mapping[str, Occurrence] = field(default_factory=dict)

    def status(self, period: str) -> str:
        occurrence = self.occurrences[period]
        return CANCELLED if self.cancelled and occurrence.status != DONE else occurrence.status


def schedule(plan: Mapping[str, Any]) -> list[tuple[str, date]]:
    """(occurrence key, due date) of every occurrence an ItemPlanned's payload describes: a
    routine item has one per review period, due at its end (or on its due_day)."""
    cadence = plan["cadence"]
    if cadence == periods.ONCE:
        return [(periods.ONCE, date.fromisoformat(plan["due_date"]))]
    if cadence == periods.ROUTINE:
        cadence = plan["review"]
    keys = periods.periods(
        cadence, date.fromisoformat(plan["starts_on"]), date.fromisoformat(plan["ends_on"])
    )
    return [
        (key, periods.due_date(cadence, key, plan.get("due_day"), plan.get("due_month")))
        for key in keys
    ]


def rescheduled(plan: Mapping[str, Any], change: DueDateChanged) -> dict[str, Any]:
    """The plan with a new due date (one-off) or due day (recurring), whichever changed."""
    if change.due_date is not None:
        return {**plan, "due_date": change.due_date}
    return {**plan, "due_day": change.due_day}


def is_overdue(status: str, due: date, today: date) -> bool:
    return status not in FINISHED and due < today


def evolve(state: Item, event: Any) -> Item:
    """`event` as stored, or as decided (an ItemCompleted decided has no time yet)."""
    match EVENTS.read(event):
        case ItemPlanned() as planned:
            plan = planned.data
            occurrences = {key: Occurrence(key, due) for key, due in schedule(plan)}
            return Item(plan=plan, occurrences=occurrences)
        case ItemStarted() | ItemCompleted() | ItemCancelled() | ItemReopened() as change:
            if change.period is None:  # a whole-item cancel or reopen
                return replace(state, cancelled=isinstance(change, ItemCancelled))
            done_at = getattr(event, "occurred_at", None)
            changed = {
                "status": TRANSITIONS[change.type][1],
                "completed_at": done_at if isinstance(change, ItemCompleted) else None,
            }
            return _with_occurrence(state, change.period, **changed)
        case ProgressNoted(period=period, note=note):
            return _with_occurrence(state, period, notes=(*state.occurrences[period].notes, note))
        case ItemReassigned(owner_id=owner):
            return replace(state, plan={**state.plan, "owner_id": owner})
        case DueDateChanged() as change:
            return _moved(state, change)
    return state


def _with_occurrence(state: Item, period: str, **changes: Any) -> Item:
    occurrence = replace(state.occurrences[period], **changes)
    return replace(state, occurrences={**state.occurrences, period: occurrence})


def _moved(state: Item, change: DueDateChanged) -> Item:
    """A new due date applies to unfinished occurrences: a done one was judged by the old one."""
    plan = rescheduled(state.plan, change)
    due = dict(schedule(plan))
    occurrences = {
        key: occ if occ.status == DONE else replace(occ, due_date=due[key])
        for key, occ in state.occurrences.items()
    }
    return replace(state, plan=plan, occurrences=occurrences)


def exists(state: Item) -> bool:
    return bool(state.plan)


def require_item(state: Item, item_id: str) -> None:
    if not exists(state):
        raise NotFound(f"item {item_id} does not exist")


def require_period(state: Item, period: str) -> None:
    if period not in state.occurrences:
        raise NotFound(f"item {state.plan['item_id']} has no occurrence {period}")
    if state.cancelled:
        raise InvalidTransition(f"item {state.plan['item_id']} is cancelled; reopen it first")


def require_status(state: Item, change: type[Event], period: str) -> None:
    """Whether the status of the occurrence allows the status change `change`."""
    require_period(state, period)
    allowed, _ = TRANSITIONS[change.type]
    current = state.status(period)
    if current not in allowed:
        raise InvalidTransition(
            f"{change.type} needs the occurrence {period} to be {' or '.join(allowed)}, "
            f"it is {current}"
        )


# Commands --------------------------------------------------------------------------------


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


def decide_plan(state: Item, cmd: PlanItem) -> list[Event]:
    if exists(state):
        raise InvalidTransition(f"item {cmd.item_id} is already planned")
    review = cmd.review
    if cmd.cadence == periods.ROUTINE and review is None:
        review = periods.DEFAULT_REVIEW
    plan = ItemPlanned.taking(cmd, review=review)
    _check_shape(plan.data)
    return [plan]


def decide_start(state: Item, cmd: StartItem) -> list[Event]:
    require_status(state, ItemStarted, cmd.period)
    return [ItemStarted.taking(cmd)]


def decide_note(state: Item, cmd: NoteProgress) -> list[Event]:
    """A note on a planned occurrence means the work has begun: it is started first."""
    require_period(state, cmd.period)
    started = _start_if_planned(state, cmd.period)
    if state.status(cmd.period) in FINISHED:
        raise InvalidTransition(f"occurrence {cmd.period} is {state.status(cmd.period)}")
    return [*started, ProgressNoted.taking(cmd)]


def decide_complete(state: Item, cmd: CompleteOccurrence) -> list[Event]:
    """Completing a planned occurrence records that it was started, then done."""
    require_period(state, cmd.period)
    started = _start_if_planned(state, cmd.period)
    if state.status(cmd.period) not in OPEN:
        raise InvalidTransition(f"occurrence {cmd.period} is {state.status(cmd.period)}")
    return [*started, ItemCompleted.taking(cmd)]


def decide_cancel(state: Item, cmd: CancelItem) -> list[Event]:
    if cmd.period is not None:
        require_status(state, ItemCancelled, cmd.period)
    elif state.cancelled:
        raise InvalidTransition(f"item {cmd.item_id} is already cancelled")
    return [ItemCancelled.taking(cmd)]


def decide_reopen(state: Item, cmd: ReopenItem) -> list[Event]:
    if cmd.period is not None:
        require_status(state, ItemReopened, cmd.period)
    elif not state.cancelled:
        raise InvalidTransition(f"item {cmd.item_id} is not cancelled")
    return [ItemReopened.taking(cmd)]


def decide_reassign(state: Item, cmd: ReassignItem) -> list[Event]:
    if state.plan["owner_id"] == cmd.owner_id:
        raise InvalidTransition(f"{cmd.owner_id} already owns item {cmd.item_id}")
    return [ItemReassigned.taking(cmd)]


def decide_change_due(state: Item, cmd: ChangeDueDate) -> list[Event]:
    once = state.plan["cadence"] == periods.ONCE
    if once and cmd.due_date is None:
        raise BadInput({"due_date": ["a one-off item needs a new due_date"]})
    if not once and (cmd.due_day is None or cmd.due_date is not None):
        raise BadInput({"due_day": ["a recurring item changes its due_day, not a due_date"]})
    # The one that changes: the other is no part of the change.
    return [DueDateChanged.taking(cmd, **({"due_day": None} if once else {"due_date": None}))]


@dataclass(frozen=True)
class RecordAccountability:
    actor_id: str
    item_id: str
    period: str
    action: str
    note: str
    taken_on: date | None = None  # the day the action was taken (default: today)


def decide_accountability(
    state: Item, cmd: RecordAccountability, today: date, timezone: str
) -> list[Event]:
    """`today` and `timezone`: the institution's, by which due dates and completions are judged."""
    require_period(state, cmd.period)
    occurrence, status = state.occurrences[cmd.period], state.status(cmd.period)
    done_on = local_date(occurrence.completed_at, timezone) if occurrence.completed_at else None
    late = status == DONE and done_on is not None and done_on > occurrence.due_date
    if not (is_overdue(status, occurrence.due_date, today) or late):
        raise InvalidTransition(
            f"occurrence {cmd.period} is {status}, due {occurrence.due_date}: not overdue"
        )
    taken_on = cmd.taken_on or today
    if not occurrence.due_date < taken_on <= today:
        raise BadInput({"taken_on": ["after the due date, and not after today"]})
    return [AccountabilityRecorded.taking(cmd, taken_on=taken_on)]


def _start_if_planned(state: Item, period: str) -> list[Event]:
    if state.status(period) == PLANNED:
        require_status(state, ItemStarted, period)
        return [ItemStarted(period=period)]
    return []


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

"""Ledger items (`item-<id>`): a task with a cadence, tracked per occurrence. Pure.

Each occurrence moves planned → in_progress → done; it can be cancelled (with a reason) before it
is done, and reopened from done or cancelled back to in_progress. Cancelling with no period
cancels the whole item: its unfinished occurrences then read as cancelled until it is reopened.
"Overdue" is never stored; `is_overdue` computes it from the due date and a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from eventlog.model import NewEvent
from services.common import periods

from ..exceptions import InvalidTransition, NotFound

LEVELS = ("branch", "group", "member")
KINDS = ("party_building", "reform", "special_project", "rectification")
STATUSES = ("planned", "in_progress", "done", "cancelled")
FINISHED = ("done", "cancelled")
# The occurrence states each status change may start from, and where it leads.
TRANSITIONS = {
    "ItemStarted": (("planned",), "in_progress"),
    "ItemCompleted": (("in_progress",), "done"),
    "ItemCancelled": (("planned", "in_progress"), "cancelled"),
    "ItemReopened": (("done", "cancelled"), "in_progress"),
}
PLAN_FIELDS = (
    "item_id",
    "branch_id",
    "level",
    "kind",
    "cadence",
    "review",  # a routine item's review period (periods.REVIEW_PERIODS); None for the others
    "title",
    "description",
    "goal_id",
    "group_id",
    "owner_id",
    "due_date",
    "due_day",
    "due_month",
    "starts_on",
    "ends_on",
    "source",
)


@dataclass(frozen=True)
class Occurrence:
    period: str
    due_date: date
    status: str = "planned"
    completed_at: datetime | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Item:
    plan: Mapping[str, Any] = field(default_factory=dict)  # the ItemPlanned data, kept current
    cancelled: bool = False
    occurrences: Mapping[str, Occurrence] = field(default_factory=dict)

    def status(self, period: str) -> str:
        occurrence = self.occurrences[period]
        return "cancelled" if self.cancelled and occurrence.status != "done" else occurrence.status


def schedule(plan: Mapping[str, Any]) -> list[tuple[str, date]]:
    """(occurrence key, due date) of every occurrence an ItemPlanned's data describes: a
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


def is_overdue(status: str, due: date, today: date) -> bool:
    return status not in FINISHED and due < today


def evolve(state: Item, event: Any) -> Item:
    data, kind = event.data, event.type
    if kind == "ItemPlanned":
        occurrences = {key: Occurrence(key, due) for key, due in schedule(data)}
        return Item(plan=dict(data), occurrences=occurrences)
    if kind in TRANSITIONS and data["period"] is None:
        return replace(state, cancelled=kind == "ItemCancelled")
    if kind in TRANSITIONS:
        completed = event.occurred_at if kind == "ItemCompleted" else None
        changed = {"status": TRANSITIONS[kind][1], "completed_at": completed}
        return _with_occurrence(state, data["period"], **changed)
    if kind == "ProgressNoted":
        notes = (*state.occurrences[data["period"]].notes, data["note"])
        return _with_occurrence(state, data["period"], notes=notes)
    if kind == "ItemReassigned":
        return replace(state, plan={**state.plan, "owner_id": data["owner_id"]})
    if kind == "DueDateChanged":
        return _rescheduled(state, data)
    return state


def _with_occurrence(state: Item, period: str, **changes: Any) -> Item:
    occurrence = replace(state.occurrences[period], **changes)
    return replace(state, occurrences={**state.occurrences, period: occurrence})


def _rescheduled(state: Item, data: Mapping[str, Any]) -> Item:
    """A new due date applies to unfinished occurrences: a done one was judged by the old one."""
    plan = {**state.plan, **{k: v for k, v in data.items() if k in ("due_date", "due_day")}}
    due = dict(schedule(plan))
    occurrences = {
        key: occ if occ.status == "done" else replace(occ, due_date=due[key])
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


def transition(state: Item, event_type: str, period: str, **data: Any) -> NewEvent:
    """The status change `event_type` on one occurrence, if its current status allows it."""
    require_period(state, period)
    allowed, _ = TRANSITIONS[event_type]
    current = state.status(period)
    if current not in allowed:
        raise InvalidTransition(
            f"{event_type} needs the occurrence {period} to be {' or '.join(allowed)}, "
            f"it is {current}"
        )
    return NewEvent(event_type, {"period": period, **data})

"""A reminder (`reminder-<key>`): decided once, then delivered on each of its channels. Pure.

The key is a hash of rule, subject, period and recipient, and the stream is named by it: the
first decision creates the stream (expected version 0), and any later decision of the same
reminder — the clock firing again, an event redelivered, a second instance, a restart — finds
the stream there and is refused by the log. That is the whole of "no duplicates".
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from eventlog.model import NewEvent

CHANNELS = ("email", "webhook", "inbox")
DEFAULT_CHANNELS = ("inbox", "email")
# Channels a worker sends on; the inbox is delivered by the decision itself.
SENT = ("email", "webhook")


def reminder_key(rule: str, subject_id: str, period: str, recipient_id: str) -> str:
    return hashlib.sha1(f"{rule}|{subject_id}|{period}|{recipient_id}".encode()).hexdigest()


def stream_id(key: str) -> str:
    return f"reminder-{key}"


@dataclass(frozen=True)
class Reminder:
    """What a rule decided someone should be told, before channels are chosen."""

    rule: str
    subject_id: str
    period: str
    recipient_id: str
    branch_id: str
    title: str
    body: str

    @property
    def key(self) -> str:
        return reminder_key(self.rule, self.subject_id, self.period, self.recipient_id)


@dataclass(frozen=True)
class Route:
    """Where one recipient is reached: the channels kept, with the address each one needs."""

    channels: tuple[str, ...]
    email: str | None = None
    webhook_url: str | None = None


def route(chosen: tuple[str, ...] | None, email: str | None, webhook_url: str | None) -> Route:
    """The member's channels (default inbox + email), without those that have no address.

    A member left with no channel still gets the inbox: a reminder is never decided into the void.
    """
    wanted = chosen or DEFAULT_CHANNELS
    usable = {"inbox": True, "email": bool(email), "webhook": bool(webhook_url)}
    channels = tuple(c for c in CHANNELS if c in wanted and usable[c]) or ("inbox",)
    return Route(
        channels,
        email if "email" in channels else None,
        webhook_url if "webhook" in channels else None,
    )


@dataclass(frozen=True)
class Delivery:
    """One channel's progress: pending until delivered or failed after the last try.

    `due_at`: when the next attempt may start. A claimed attempt moves it forward too, so a
    worker that loads the stream while another is sending finds nothing due.
    """

    status: str = "pending"
    attempts: int = 0
    due_at: datetime | None = None


@dataclass(frozen=True)
class ReminderState:
    issued: Mapping[str, Any] = field(default_factory=dict)  # the ReminderIssued data
    deliveries: Mapping[str, Delivery] = field(default_factory=dict)
    read: bool = False

    @property
    def recipient_id(self) -> str | None:
        return self.issued.get("recipient_id")


def decide_issue(state: ReminderState, reminder: Reminder, to: Route) -> list[NewEvent]:
    if state.issued:  # the log refuses it anyway (expected version 0); say so early
        return []
    data = {
        "reminder_key": reminder.key,
        "rule": reminder.rule,
        "subject_id": reminder.subject_id,
        "period": reminder.period,
        "recipient_id": reminder.recipient_id,
        "branch_id": reminder.branch_id,
        "channels": list(to.channels),
        "email": to.email,
        "webhook_url": to.webhook_url,
        "title": reminder.title,
        "body": reminder.body,
    }
    return [NewEvent("ReminderIssued", data)]


def decide_read(state: ReminderState) -> list[NewEvent]:
    """Marking read twice is not an error: the second time changes nothing."""
    return [] if state.read else [NewEvent("InboxRead", {})]


def _with(state: ReminderState, channel: str, **changes: Any) -> ReminderState:
    delivery = replace(state.deliveries[channel], **changes)
    return replace(state, deliveries={**state.deliveries, channel: delivery})


def evolve(state: ReminderState, event: Any) -> ReminderState:
    data, kind = event.data, event.type
    if kind == "ReminderIssued":
        deliveries = {c: Delivery(due_at=event.occurred_at) for c in data["channels"] if c in SENT}
        if "inbox" in data["channels"]:
            deliveries["inbox"] = Delivery("delivered")
        return ReminderState(issued=dict(data), deliveries=deliveries)
    if kind == "InboxRead":
        return replace(state, read=True)
    if state.deliveries[data["channel"]].status != "pending":
        return state  # a late outcome of a superseded attempt changes nothing
    if kind == "DeliveryAttempted":
        return _with(state, data["channel"], attempts=data["attempt"], due_at=_at(data))
    if kind == "DeliveryAttemptFailed":  # counted by its claim; a newer claim's lease stands
        current = state.deliveries[data["channel"]].attempts == data["attempt"]
        return _with(state, data["channel"], due_at=_at(data)) if current else state
    if kind == "Delivered":
        return _with(state, data["channel"], status="delivered")
    if kind == "DeliveryFailed":
        return _with(state, data["channel"], status="failed", attempts=data["attempts"])
    return state


def _at(data: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(data["retry_at"])

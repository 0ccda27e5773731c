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

from eventlog import Event

from ..events import (
    EVENTS,
    Delivered,
    DeliveryAttempted,
    DeliveryAttemptFailed,
    DeliveryFailed,
    InboxRead,
    ReminderIssued,
)

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
    issued: Mapping[str, Any] = field(default_factory=dict)  # the ReminderIssued payload
    deliveries: Mapping[str, Delivery] = field(default_factory=dict)
    read: bool = False

    @property
    def recipient_id(self) -> str | None:
        return self.issued.get("recipient_id")


def decide_issue(state: ReminderState, reminder: Reminder, to: Route) -> list[Event]:
    if state.issued:  # the log refuses it anyway (expected version 0); say so early
        return []
    routed = {"channels": list(to.channels), "email": to.email, "webhook_url": to.webhook_url}
    return [ReminderIssued.taking(reminder, reminder_key=reminder.key, **routed)]


def decide_read(state: ReminderState) -> list[Event]:
    """Marking read twice is not an error: the second time changes nothing."""
    return [] if state.read else [InboxRead()]


def _with(state: ReminderState, channel: str, **changes: Any) -> ReminderState:
    delivery = replace(state.deliveries[channel], **changes)
    return replace(state, deliveries={**state.deliveries, channel: delivery})


def evolve(state: ReminderState, event: Any) -> ReminderState:
    """`event` as stored: an issued reminder's deliveries are due from when it was issued."""
    match EVENTS.read(event):
        case ReminderIssued() as issued:
            due = {c: Delivery(due_at=event.occurred_at) for c in issued.channels if c in SENT}
            if "inbox" in issued.channels:
                due["inbox"] = Delivery("delivered")
            return ReminderState(issued=issued.data, deliveries=due)
        case InboxRead():
            return replace(state, read=True)
        case DeliveryAttempted() | DeliveryAttemptFailed() | Delivered() | DeliveryFailed() as got:
            if state.deliveries[got.channel].status != "pending":
                return state  # a late outcome of a superseded attempt changes nothing
            return _delivering(state, got)
    return state


def _delivering(state: ReminderState, outcome: Event) -> ReminderState:
    match outcome:
        case DeliveryAttempted(channel=channel, attempt=attempt, retry_at=retry_at):
            return _with(state, channel, attempts=attempt, due_at=datetime.fromisoformat(retry_at))
        case DeliveryAttemptFailed(channel=channel, attempt=attempt, retry_at=retry_at):
            # Counted by its claim: a newer claim's lease stands.
            if state.deliveries[channel].attempts != attempt:
                return state
            return _with(state, channel, due_at=datetime.fromisoformat(retry_at))
        case Delivered(channel=channel):
            return _with(state, channel, status="delivered")
        case DeliveryFailed(channel=channel, attempts=attempts):
            return _with(state, channel, status="failed", attempts=attempts)
    return state

"""A reminder (`reminder-<key>`): decided once, then delivered on each of its channels. Pure.

The key is a hash of rule, subject, period and recipient, and the stream is named by it: the
first decision creates the stream (expected version 0), and any later decision of the same
reminder — the clock firing again, an event redelivered, a second instance, a restart — finds
the stream there and is refused by the log. That is the whole of "no duplicates".

Delivering it: an attempt is claimed (DeliveryAttempted, appended at the version the worker
loaded) BEFORE anything is sent, so of two workers only one can send; the claim carries a lease
(`retry_at`): if no outcome is recorded by then — the process stopped between sending and
recording — the next attempt may start. Delivery is therefore at-least-once: a crash in that gap
resends the message once; the receiver can tell by the reminder key that both carry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
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


DEFAULT_DELAYS = (60.0, 300.0, 1800.0, 7200.0)  # 1 min, 5 min, 30 min, 2 h


@dataclass(frozen=True)
class Backoff:
    """Waits between tries; one try more than waits (the first goes at once).

    Each wait is also the lease of the attempt before it, so it must outlast a send's timeout.
    """

    delays: tuple[float, ...] = DEFAULT_DELAYS

    def __post_init__(self) -> None:
        if not self.delays or min(self.delays) <= 0:
            raise ValueError("backoff needs at least one positive delay")

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1

    def retry_at(self, attempt: int, now: datetime) -> datetime:
        """When the try after `attempt` may start (and the lease of `attempt` ends)."""
        return now + timedelta(seconds=self.delays[min(attempt, len(self.delays)) - 1])


def decide_claim(
    state: ReminderState, channel: str, now: datetime, backoff: Backoff
) -> list[Event]:
    """The next attempt on `channel` if one is due; a failure if the last try never reported."""
    delivery = state.deliveries.get(channel)
    if delivery is None or delivery.status != "pending":
        return []
    if delivery.due_at is not None and delivery.due_at > now:
        return []
    if delivery.attempts >= backoff.max_attempts:
        error = "the last attempt recorded no outcome"
        return [_failed(channel, delivery.attempts, error)]
    attempt = delivery.attempts + 1
    retry_at = backoff.retry_at(attempt, now).isoformat()
    return [DeliveryAttempted(channel=channel, attempt=attempt, retry_at=retry_at)]


def decide_outcome(
    state: ReminderState,
    channel: str,
    attempt: int,
    error: str | None,
    now: datetime,
    backoff: Backoff,
) -> list[Event]:
    """Delivered; or failed for now (retry later); or failed for good after the last try."""
    delivery = state.deliveries[channel]
    if delivery.status != "pending":
        return []
    if error is None:  # even from a superseded attempt: the message did arrive
        return [_delivered(channel, attempt)]
    if delivery.attempts != attempt:
        return []  # a newer attempt has been claimed since: its outcome will speak
    if attempt >= backoff.max_attempts:
        return [_failed(channel, attempt, error)]
    retry_at = backoff.retry_at(attempt, now).isoformat()
    return [DeliveryAttemptFailed(channel=channel, attempt=attempt, error=error, retry_at=retry_at)]


def _delivered(channel: str, attempt: int) -> Event:
    return Delivered(channel=channel, attempt=attempt)


def _failed(channel: str, attempts: int, error: str) -> Event:
    return DeliveryFailed(channel=channel, attempts=attempts, error=error)

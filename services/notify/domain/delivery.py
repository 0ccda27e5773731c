"""Delivery decisions on a reminder's channels: claim an attempt, record its outcome. Pure.

An attempt is claimed (DeliveryAttempted, appended at the version the worker loaded) BEFORE
anything is sent, so of two workers only one can send; the claim carries a lease (`retry_at`):
if no outcome is recorded by then — the process stopped between sending and recording — the
next attempt may start. Delivery is therefore at-least-once: a crash in that gap resends the
message once; the receiver can tell by the reminder key that both carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from eventlog import Event

from ..events import Delivered, DeliveryAttempted, DeliveryAttemptFailed, DeliveryFailed
from .reminders import ReminderState

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

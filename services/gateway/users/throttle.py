"""Throttling sign-ins: growing waits by client address and by account at that address, never a
lock that one person's failures set on another's account. Pure.

Each limit is a leaky bucket kept in a stream of the log, so every gateway instance sees the same:
`signin-<address>` fills with every failure from an address, whatever the account (one password
tried over many accounts), and `signin-<address>.<account>` with those at one account from that
address (many passwords tried on one). A failure adds 1 to both, and each drains by itself. Past
a bucket's free failures, a try from there must wait 1, 2, 4 … seconds after the last failure,
up to MAX_WAIT; one before then is refused with the time left, recorded nowhere, its password
not looked at. A success empties its account's bucket at that address and leaves the address's
(one valid account would otherwise wash out a spray of guesses at the others).

A stranger failing at a secretary's account fills the buckets of the stranger's address only: the
secretary, signing in from hers, never waits for them. Every attempt, success or failure, is
appended to both streams at the versions it read, so concurrent attempts from one place are
decided one after another and a burst of guesses cannot slip in under one look at the buckets.
Stream names carry HMACs of the address and the username under the gateway's key: the log holds
neither.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from eventlog import Event

from ..events import EVENTS, SignInFailed, SignInSucceeded

MAX_WAIT = timedelta(minutes=15)


@dataclass(frozen=True)
class Limit:
    free: int  # failures before any wait
    drain: timedelta  # the time one failure takes to drain away


# Sustained without any wait: 20 failures an hour from an address (an office behind one address
# has many people mistyping), 5 an hour at one account from one address.
ADDRESS = Limit(free=20, drain=timedelta(minutes=3))
ACCOUNT = Limit(free=5, drain=timedelta(minutes=12))


@dataclass(frozen=True)
class Origin:
    """Where an attempt comes from: the streams of its two buckets."""

    address: str
    account: str


def origin(key: str, address: str, username: str) -> Origin:
    def tag(text: str) -> str:
        return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]

    at = f"signin-{tag('address ' + address)}"
    return Origin(at, f"{at}.{tag('account ' + username)}")


@dataclass(frozen=True)
class Bucket:
    level: float = 0.0
    at: datetime | None = None  # when the level was last raised
    until: datetime | None = None  # no try before then

    def wait(self, now: datetime) -> timedelta:
        return max(self.until - now, timedelta(0)) if self.until else timedelta(0)

    def drained(self, limit: Limit, now: datetime) -> float:
        if self.at is None:
            return 0.0
        return max(0.0, self.level - (now - self.at) / limit.drain)


def evolve(bucket: Bucket, event: Any) -> Bucket:
    """Every event holds its bucket whole: the last one is the state."""
    match EVENTS.read(event):
        case (
            SignInFailed(level=level, at=at, until=until)
            | SignInSucceeded(level=level, at=at, until=until)
        ):
            return Bucket(level, _time(at), _time(until))
    return bucket


def wait(address: Bucket, account: Bucket, now: datetime) -> timedelta:
    """How long an attempt from there must wait still (zero: it may go ahead)."""
    return max(address.wait(now), account.wait(now))


def attempted(
    address: Bucket, account: Bucket, succeeded: bool, now: datetime
) -> tuple[Event, Event]:
    """What one attempt does to the address's bucket and the account's there."""
    if succeeded:
        return _event(SignInSucceeded, address), _event(SignInSucceeded, Bucket())
    return _failed(address, ADDRESS, now), _failed(account, ACCOUNT, now)


def _failed(bucket: Bucket, limit: Limit, now: datetime) -> Event:
    level = bucket.drained(limit, now) + 1
    over = math.ceil(level - limit.free)  # failures past the free ones, this one included
    until = now + min(timedelta(seconds=2 ** min(over - 1, 20)), MAX_WAIT) if over > 0 else None
    return _event(SignInFailed, Bucket(level, now, until))


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _event(definition: type[SignInFailed | SignInSucceeded], bucket: Bucket) -> Event:
    at, until = bucket.at, bucket.until
    return definition(
        level=bucket.level,
        at=at.isoformat() if at else None,
        until=until.isoformat() if until else None,
    )

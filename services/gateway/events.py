"""The gateway's events: users (`user-<username>`), ended sessions (`session-<token id>`), the
sign-in throttle's buckets (`signin-<…>`) and Idempotency-Key records (`idem-<…>`), every type
with its payload's fields (see eventlog/definitions.py; docs/events.md lists who reads what).
Password hashes are in the log only, never in a read model."""

from __future__ import annotations

from typing import Any

from eventlog.definitions import Catalogue, Event, IsoTime, omittable


class UserRegistered(Event, category="user", schema_version=2):
    username: str
    person_id: str  # the ledger's member or committee person the user signs in as
    password_hash: str
    admin: bool
    one_time: bool  # the password must be changed before anything else


@UserRegistered.upcaster(1)
def _chosen_password(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 users were registered with a password of their own."""
    return {**data, "one_time": False}


class PasswordChanged(Event, category="user"):
    password_hash: str


class PasswordReset(Event, category="user"):
    """An administrator's reset: a one-time password."""

    password_hash: str
    reason: str = ""  # the first resets stated none


class LoginSucceeded(Event, category="user"):
    """A sign-in, with the session (token id) it began; none for a password checked again,
    which issues no token, and in the sign-ins before sessions were recorded."""

    at: IsoTime
    session: str | None = omittable()


class LoginFailed(Event, category="user", retired=True):
    """Before sign-ins were throttled where they come from (users/throttle.py)."""

    at: IsoTime


class UserLocked(Event, category="user", retired=True):
    """Likewise: a lock on the user, which locks no one now."""

    until: IsoTime


class SignedOut(Event, category="session"):
    username: str
    at: IsoTime


class SignInFailed(Event, category="signin"):
    """A bucket after a failure, whole: its level, when raised, and no try before `until`."""

    level: float
    at: IsoTime | None
    until: IsoTime | None


class SignInSucceeded(Event, category="signin"):
    """A bucket after a success, whole (an account's emptied; an address's as it was)."""

    level: float
    at: IsoTime | None
    until: IsoTime | None


class IdempotentRequestStarted(Event, category="idem"):
    """An attempt's claim on a key: the request it is for (its body only as an HMAC)."""

    method: str
    path: str
    body_hash: str


class IdempotentRequestCompleted(Event, category="idem"):
    status: int
    body: Any  # the answer, as JSON


class IdempotentRequestAbandoned(Event, category="idem"):
    """The attempt failed on the server's side (5xx) and released the key."""

    status: int


EVENTS = Catalogue.of_module("gateway", globals())

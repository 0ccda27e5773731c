"""Registering users, signing in (throttled where the attempt comes from), changing a password,
an administrator's reset to a one-time password.

A command commits through services/common/handlers.commit, so that under a command key (the
gateway's commands.py) its record is stored with its events."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from eventlog import ConcurrencyConflict, Metadata, new_event, utcnow
from eventlog.model import StoredEvent
from services.common import handlers as common
from services.common.errors import InvalidTransition
from services.common.handlers import Outcome

from ..errors import HttpError, unauthorised
from . import domain, throttle
from .credentials import hash_password, verify_password

WRONG = "wrong username or password"
# Concurrent attempts from one address conflict on its buckets; each retries from the log.
ATTEMPTS = 5
# (bucket, stream version) of the address, then of the account at that address
Buckets = tuple[tuple[throttle.Bucket, int], tuple[throttle.Bucket, int]]


def load(store: Any, username: str) -> tuple[domain.User, int]:
    return common.load(store, domain.stream_id(username), domain.evolve, domain.User())


def register(store: Any, cmd: domain.RegisterUser, actor_id: str) -> Outcome:
    state, version = load(store, cmd.username)
    events = domain.decide_register(state, cmd)
    return _commit(store, cmd.username, events, version, actor_id)


def register_all(store: Any, cmds: list[domain.RegisterUser], actor_id: str) -> list[StoredEvent]:
    """New users, all in one append, each stream expected new: all are registered, or none
    (ConcurrencyConflict when one of the names was taken meanwhile)."""
    appends = [
        (
            domain.stream_id(cmd.username),
            0,
            [new_event(e) for e in domain.decide_register(domain.User(), cmd)],
        )
        for cmd in cmds
    ]
    return store.append_batch(appends, metadata=Metadata(actor_id=actor_id))


def reset_password(
    store: Any, username: str, password_hash: str, reason: str, actor_id: str
) -> Outcome:
    state, version = load(store, username)
    events = domain.decide_reset(state, password_hash, reason)
    return _commit(store, username, events, version, actor_id)


def sign_in(
    store: Any,
    username: str,
    password: str,
    now: datetime,
    origin: throttle.Origin,
    session: str | None = None,
) -> domain.User:
    """The user, if the password is right and no wait is due where the attempt comes from;
    `session`: the id of the token to be issued, recorded with the sign-in (users/sessions.py).

    A known user's password and an unknown name are checked alike (against a dummy hash), and
    count alike, so that neither the time an answer takes nor the throttle tells which exists.
    """
    buckets = _buckets(store, origin)
    _refuse_while_waiting(buckets, now)
    state, _ = load(store, username)
    password_ok = verify_password(state.password_hash or None, password) and bool(state.username)
    for _ in range(ATTEMPTS):
        try:
            _record(store, origin, buckets, state, password_ok, now, session)
            break
        except ConcurrencyConflict:
            buckets = _buckets(store, origin)
            _refuse_while_waiting(buckets, now)
    else:
        # An attempt the log did not record would escape the throttle: refused, whatever the
        # password, so that a burst of guesses gains nothing.
        raise HttpError(503, "busy", "too many sign-ins from here at once: try again")
    if not password_ok:
        raise unauthorised(WRONG)
    return state


def change_password(
    store: Any,
    username: str,
    old: str,
    new: str,
    now: datetime,
    origin: throttle.Origin,
    one_time_only: bool = False,
    session: str | None = None,
) -> tuple[domain.User, Outcome]:
    """The user, signed in with the old password, and the change. `one_time_only`: the change
    of a one-time password, the one thing its holder may do; `session`: as for sign_in, when a
    token is issued after the change."""
    state = sign_in(store, username, old, now, origin, session)
    if one_time_only and not state.one_time:
        raise InvalidTransition("这不是一次性密码：登录后请用 POST /api/v1/auth/password 修改")
    _, version = load(store, username)
    events = domain.decide_change_password(state, hash_password(new))
    return state, _commit(store, username, events, version, state.person_id)


def _buckets(store: Any, origin: throttle.Origin) -> Buckets:
    """Each bucket, from the last event of its stream (which holds it whole), and its version."""
    found = []
    for stream in (origin.address, origin.account):
        version = store.stream_version(stream)
        last = store.read_stream(stream, from_version=version)[-1:] if version else []
        bucket = throttle.evolve(throttle.Bucket(), last[0]) if last else throttle.Bucket()
        found.append((bucket, last[0].version if last else 0))
    return found[0], found[1]


def _refuse_while_waiting(buckets: Buckets, now: datetime) -> None:
    wait = throttle.wait(buckets[0][0], buckets[1][0], now)
    if wait:
        seconds = str(math.ceil(wait.total_seconds()))
        detail = f"too many failed sign-ins from here: try again in {seconds} s"
        raise HttpError(429, "too_many_attempts", detail, headers={"Retry-After": seconds})


def _record(store: Any, origin, buckets: Buckets, user, password_ok: bool, now, session) -> None:
    """The attempt in both buckets, at the versions read; a success in the user's stream too."""
    (address, at_address), (account, at_account) = buckets
    events = [new_event(e) for e in throttle.attempted(address, account, password_ok, now)]
    appends = [(origin.address, at_address, [events[0]]), (origin.account, at_account, [events[1]])]
    if password_ok:
        signed_in = new_event(domain.signed_in(now, session))
        appends.append((domain.stream_id(user.username), None, [signed_in]))
    actor = user.person_id if password_ok else None
    store.append_batch(appends, metadata=Metadata(actor_id=actor))


def _commit(store: Any, username: str, events, version: int, actor_id: str) -> Outcome:
    stream = domain.stream_id(username)
    return common.commit(
        store, stream, events, version, actor_id=actor_id, branch_id=None, now=utcnow(), id=username
    )

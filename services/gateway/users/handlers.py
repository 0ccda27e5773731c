"""Registering users, signing in with the lockout, changing a password."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventlog import ConcurrencyConflict, Metadata
from eventlog.model import StoredEvent
from services.common import handlers as common

from ..errors import HttpError, unauthorised
from . import domain
from .credentials import hash_password, verify_password

WRONG = "wrong username or password"
ATTEMPTS = 3  # concurrent sign-ins of one user conflict on its stream; each retries from the log


def load(store: Any, username: str) -> tuple[domain.User, int]:
    return common.load(store, domain.stream_id(username), domain.evolve, domain.User())


def register(store: Any, cmd: domain.RegisterUser, actor_id: str) -> list[StoredEvent]:
    state, version = load(store, cmd.username)
    events = domain.decide_register(state, cmd)
    return _append(store, cmd.username, events, version, actor_id)


def sign_in(store: Any, username: str, password: str, now: datetime) -> domain.User:
    """The user, if the password is right and the user is not locked; every attempt is logged.

    The password is checked before anything else is looked at, for unknown users too, so that
    the time an answer takes does not tell whether the name exists.
    """
    state, version = load(store, username)
    password_ok = verify_password(state.password_hash or None, password)
    if not state.username:
        raise unauthorised(WRONG)
    for _ in range(ATTEMPTS):
        if state.locked(now):
            raise _locked(state)
        try:
            _append(
                store,
                username,
                domain.decide_login(state, password_ok, now),
                version,
                state.person_id,
            )
            break
        except ConcurrencyConflict:
            state, version = load(store, username)
    else:
        # An attempt the log did not record would escape the lockout: refused, whatever the
        # password, so that a burst of guesses gains nothing.
        raise HttpError(503, "busy", "too many sign-ins of this user at once: try again")
    if not password_ok:
        raise unauthorised(WRONG)
    return state


def change_password(store: Any, username: str, old: str, new: str, now: datetime) -> None:
    state = sign_in(store, username, old, now)
    _, version = load(store, username)
    events = domain.decide_change_password(state, hash_password(new))
    _append(store, username, events, version, state.person_id)


def _locked(state: domain.User) -> HttpError:
    until = state.locked_until.isoformat() if state.locked_until else ""
    return HttpError(429, "account_locked", f"too many failed sign-ins: locked until {until}")


def _append(store: Any, username: str, events, version: int, actor_id: str):
    meta = Metadata(actor_id=actor_id)
    return store.append(domain.stream_id(username), events, version, metadata=meta)

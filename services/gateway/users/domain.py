"""Users of the gateway (`user-<username>`): who may sign in, as which person. Pure.

A user is bound to a person of the ledger (a member or a committee person): the token's subject
is that person's id. Failed sign-ins are throttled where they come from (throttle.py), never on
the user: logs written before that hold LoginFailed and UserLocked events, which lock no one now.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from eventlog import Event
from services.common.errors import InvalidTransition, NotFound

from ..events import EVENTS, LoginSucceeded, PasswordChanged, PasswordReset, UserRegistered


def stream_id(username: str) -> str:
    return f"user-{username}"


@dataclass(frozen=True)
class User:
    username: str = ""
    person_id: str = ""
    password_hash: str = ""
    admin: bool = False
    one_time: bool = False  # the password is one the user must change before anything else


@dataclass(frozen=True)
class RegisterUser:
    username: str
    person_id: str
    password_hash: str
    admin: bool = False
    one_time: bool = False


def evolve(state: User, event: Any) -> User:
    match EVENTS.read(event):
        case UserRegistered() as registered:
            return User(**registered.data)
        case PasswordChanged(password_hash=password_hash):
            return replace(state, password_hash=password_hash, one_time=False)
        case PasswordReset(password_hash=password_hash):
            return replace(state, password_hash=password_hash, one_time=True)
    return state


def decide_register(state: User, cmd: RegisterUser) -> list[Event]:
    if state.username:
        raise InvalidTransition(f"user {cmd.username} already exists")
    return [UserRegistered.taking(cmd)]


def signed_in(now: datetime, session: str | None) -> Event:
    """A sign-in, with the id of the session (token) it begins; None: a password checked again,
    which issues no token (users/sessions.py)."""
    return LoginSucceeded(at=now.isoformat(), session=session)


def decide_change_password(state: User, password_hash: str) -> list[Event]:
    return [PasswordChanged(password_hash=password_hash)]


def decide_reset(state: User, password_hash: str, reason: str) -> list[Event]:
    """An administrator's reset: a one-time password, to be changed at the next sign-in."""
    if not state.username:
        raise NotFound("no such user")
    return [PasswordReset(password_hash=password_hash, reason=reason)]

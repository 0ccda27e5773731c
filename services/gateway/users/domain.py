"""Users of the gateway (`user-<username>`): who may sign in, as which person. Pure.

A user is bound to a person of the ledger (a member or a committee person): the token's subject
is that person's id. Failed sign-ins are throttled where they come from (throttle.py), never on
the user: logs written before that hold LoginFailed and UserLocked events, which lock no one now.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from eventlog.model import UPCASTERS, NewEvent
from services.common.errors import InvalidTransition, NotFound


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
    data = event.data
    if event.type == "UserRegistered":
        return User(
            data["username"],
            data["person_id"],
            data["password_hash"],
            data["admin"],
            data["one_time"],
        )
    if event.type == "PasswordChanged":
        return replace(state, password_hash=data["password_hash"], one_time=False)
    if event.type == "PasswordReset":
        return replace(state, password_hash=data["password_hash"], one_time=True)
    return state


@UPCASTERS.register("UserRegistered", 1)
def _chosen_password(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 users were registered with a password of their own."""
    return {**data, "one_time": False}


def decide_register(state: User, cmd: RegisterUser) -> list[NewEvent]:
    if state.username:
        raise InvalidTransition(f"user {cmd.username} already exists")
    data = {
        "username": cmd.username,
        "person_id": cmd.person_id,
        "password_hash": cmd.password_hash,
        "admin": cmd.admin,
        "one_time": cmd.one_time,
    }
    return [NewEvent("UserRegistered", data, schema_version=2)]


SIGNED_IN = "LoginSucceeded"


def signed_in(now: datetime, session: str | None) -> NewEvent:
    """A sign-in, with the id of the session (token) it begins; None: a password checked again,
    which issues no token (users/sessions.py)."""
    data = {"at": now.isoformat()} | ({"session": session} if session else {})
    return NewEvent(SIGNED_IN, data)


def decide_change_password(state: User, password_hash: str) -> list[NewEvent]:
    return [NewEvent("PasswordChanged", {"password_hash": password_hash})]


def decide_reset(state: User, password_hash: str, reason: str) -> list[NewEvent]:
    """An administrator's reset: a one-time password, to be changed at the next sign-in."""
    if not state.username:
        raise NotFound("no such user")
    return [NewEvent("PasswordReset", {"password_hash": password_hash, "reason": reason})]

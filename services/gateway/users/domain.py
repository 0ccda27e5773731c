"""Users of the gateway (`user-<username>`): who may sign in, as which person. Pure.

A user is bound to a person of the ledger (a member or a committee person): the token's subject
is that person's id. Failed sign-ins are throttled where they come from (throttle.py), never on
the user: logs written before that hold LoginFailed and UserLocked events, which lock no one now.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from eventlog.model import NewEvent
from services.common.errors import InvalidTransition


def stream_id(username: str) -> str:
    return f"user-{username}"


@dataclass(frozen=True)
class User:
    username: str = ""
    person_id: str = ""
    password_hash: str = ""
    admin: bool = False


@dataclass(frozen=True)
class RegisterUser:
    username: str
    person_id: str
    password_hash: str
    admin: bool = False


def evolve(state: User, event: Any) -> User:
    data = event.data
    if event.type == "UserRegistered":
        return User(data["username"], data["person_id"], data["password_hash"], data["admin"])
    if event.type == "PasswordChanged":
        return replace(state, password_hash=data["password_hash"])
    return state


def decide_register(state: User, cmd: RegisterUser) -> list[NewEvent]:
    if state.username:
        raise InvalidTransition(f"user {cmd.username} already exists")
    data = {
        "username": cmd.username,
        "person_id": cmd.person_id,
        "password_hash": cmd.password_hash,
        "admin": cmd.admin,
    }
    return [NewEvent("UserRegistered", data)]


def signed_in(now: datetime) -> NewEvent:
    return NewEvent("LoginSucceeded", {"at": now.isoformat()})


def decide_change_password(state: User, password_hash: str) -> list[NewEvent]:
    return [NewEvent("PasswordChanged", {"password_hash": password_hash})]

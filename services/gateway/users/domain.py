"""Users of the gateway (`user-<username>`): who may sign in, as which person. Pure.

A user is bound to a person of the ledger (a member or a committee person): the token's subject
is that person's id. Repeated failures lock the user for a while: LOCK_AFTER failures within
WINDOW lock it for LOCK_FOR. The failures and the lock are events, so the log says who was
locked out when.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from eventlog.model import NewEvent
from services.common.errors import InvalidTransition

LOCK_AFTER = 5
WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)


def stream_id(username: str) -> str:
    return f"user-{username}"


@dataclass(frozen=True)
class User:
    username: str = ""
    person_id: str = ""
    password_hash: str = ""
    admin: bool = False
    failures: tuple[datetime, ...] = ()  # since the last success or lock
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


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
    if event.type == "LoginFailed":
        return replace(state, failures=(*state.failures, datetime.fromisoformat(data["at"])))
    if event.type == "LoginSucceeded":
        return replace(state, failures=())
    if event.type == "UserLocked":
        return replace(state, failures=(), locked_until=datetime.fromisoformat(data["until"]))
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


def decide_login(state: User, password_ok: bool, now: datetime) -> list[NewEvent]:
    """The outcome of one sign-in attempt on an unlocked user, as events."""
    if password_ok:
        return [NewEvent("LoginSucceeded", {"at": now.isoformat()})]
    failed = NewEvent("LoginFailed", {"at": now.isoformat()})
    recent = [at for at in state.failures if now - at < WINDOW]
    if len(recent) + 1 >= LOCK_AFTER:
        return [failed, NewEvent("UserLocked", {"until": (now + LOCK_FOR).isoformat()})]
    return [failed]


def decide_change_password(state: User, password_hash: str) -> list[NewEvent]:
    return [NewEvent("PasswordChanged", {"password_hash": password_hash})]

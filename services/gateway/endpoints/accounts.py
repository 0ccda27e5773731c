"""One-time passwords: an administrator's reset, and the change its holder must make first."""

from __future__ import annotations

from typing import Any

from eventlog import utcnow
from services.common.handlers import Outcome

from .. import commands
from ..access import admin_user
from ..schemas import responses as r
from ..schemas import roster as s
from ..users import handlers as users
from ..users import throttle
from ..users.credentials import hash_one_time, new_token_id, one_time_password
from ..users.sessions import claims_of
from .base import Endpoint


def reset_password(ctx, username: str, reason: str, actor_id: str, **_: Any) -> dict[str, Any]:
    """The one-time password is drawn from the request's command key: a retry with the same
    Idempotency-Key is answered the same one, whose hash the first attempt stored (the gateway
    keeps no copy of an answer that holds a password)."""
    password = one_time_password(commands.drawn(ctx, "one-time password"))

    def reset(store: Any) -> Outcome:
        password_hash = hash_one_time([password])[0]
        return users.reset_password(store, username, password_hash, reason, actor_id)

    commands.run(ctx, "reset_password", {"username": username, "reason": reason}, reset)
    # Whoever knew the password reset is signed out everywhere (a retry completes it).
    ctx.service.tokens.end_all(username, utcnow(), actor_id)
    return {"username": username, "one_time_password": password}


def replace_one_time_password(ctx, username: str, password: str, new_password: str, **_: Any):
    """The new password, and a token: signed in as with it."""
    now, session = utcnow(), new_token_id()
    origin = throttle.origin(ctx.service.tokens.key, ctx.client, username)
    user, _ = users.change_password(
        ctx.service.log, username, password, new_password, now, origin, True, session
    )
    return ctx.service.tokens.issue(claims_of(user, session), now)


ENDPOINTS = [
    Endpoint(
        "reset_password",
        "POST",
        "/users/{username}/password-reset",
        admin_user,
        s.PasswordIssued(),
        s.PasswordReset,
        call=reset_password,
        tag="auth",
        secret=True,
        summary="Reset a user's password to a one-time one, which they must change at sign-in",
    ),
    Endpoint(
        "replace_one_time_password",
        "POST",
        "/auth/one-time-password",
        None,
        r.Token(),
        s.OneTimePasswordChange,
        call=replace_one_time_password,
        tag="auth",
        throttled=True,
        secret=True,
        summary="Replace a one-time password (sign-in answers 403 password_change_required"
        " until then): a token with the new one",
    ),
]

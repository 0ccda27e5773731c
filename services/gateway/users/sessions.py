"""Sessions that end when their holder signs out, not only when their token expires.

A token is a session: valid until it expires (TAIZHANG_TOKEN_MINUTES), unless it was ended.
Ending one appends SignedOut to the stream `session-<token id>` (the token's `jti`, at version 0:
a session ends once), and every request's token is looked up there. The log itself is asked, not
a read model: a token ended is refused by the very next request, at every gateway instance, and a
copied cookie is worth nothing once its owner has signed out.

A session is ended by its holder signing out, and every session of a user at once when their
password changes (all but the one that changed it) or an administrator resets it: whoever knew
the old password is signed out everywhere. Each sign-in records the id of the token it issues in
its LoginSucceeded event, which is how a user's sessions are found.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventlog import ConcurrencyConflict, Metadata, new_event

from ..events import LoginSucceeded, SignedOut
from . import domain
from .credentials import Claims, TokenIssuer


def stream_id(token_id: str) -> str:
    return f"session-{token_id}"


@dataclass(frozen=True)
class Sessions:
    """The token issuer, and the log that says which tokens' sessions have ended."""

    issuer: TokenIssuer
    store: Any

    @property
    def key(self) -> str:
        return self.issuer.key

    def issue(self, claims: Claims, now: datetime) -> dict[str, Any]:
        return self.issuer.issue(claims, now)

    def read(self, token: str) -> Claims | None:
        """The token's claims, or None when it is not valid or its session has ended."""
        claims = self.issuer.read(token)
        if claims is None or self.store.stream_version(stream_id(claims.token_id)):
            return None
        return claims

    def end(self, claims: Claims, now: datetime) -> None:
        """The session of `claims` ended: its token is refused from now on."""
        self._end(claims.token_id, claims.username, claims.subject, now)

    def end_all(self, username: str, now: datetime, actor_id: str, keep: str = "") -> int:
        """Every session of `username` that has not expired ended, but the one `keep` names;
        how many were. Run again, it ends none twice (a retry after a crash completes it)."""
        since = now - self.issuer.lifetime
        ended = 0
        for event in self.store.read_stream(domain.stream_id(username)):
            if event.type != LoginSucceeded.type:
                continue
            sign_in = LoginSucceeded.of(event)
            # A sign-in without a session issued no token (a password checked again).
            if sign_in.session not in (None, keep) and datetime.fromisoformat(sign_in.at) >= since:
                ended += self._end(sign_in.session, username, actor_id, now)
        return ended

    def _end(self, token_id: str, username: str, actor_id: str, now: datetime) -> bool:
        event = new_event(SignedOut(username=username, at=now.isoformat()))
        # A conflict: ended already (signed out in another tab at the same moment, or before).
        with suppress(ConcurrencyConflict):
            self.store.append(stream_id(token_id), [event], 0, metadata=Metadata(actor_id=actor_id))
            return True
        return False


def claims_of(user: domain.User, session: str) -> Claims:
    """The claims of the token a sign-in of `user` issues, for the session `session`."""
    return Claims(user.person_id, user.username, user.admin, session)

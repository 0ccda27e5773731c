"""Sessions that end when their holder signs out, not only when their token expires.

A token is a session: valid until it expires (TAIZHANG_TOKEN_MINUTES), unless its holder signed
out. Signing out appends SignedOut to the stream `session-<token id>` (the token's `jti`, at
version 0: a session ends once), and every request's token is looked up there. The log itself is
asked, not a read model: a token signed out is refused by the very next request, at every
gateway instance, and a copied cookie is worth nothing once its owner has signed out.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventlog import ConcurrencyConflict, Metadata, new_event

from ..events import SignedOut
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
        event = new_event(SignedOut(username=claims.username, at=now.isoformat()))
        # A conflict: ended already, signed out in another tab at the same moment.
        with suppress(ConcurrencyConflict):
            self.store.append(
                stream_id(claims.token_id), [event], 0, metadata=Metadata(actor_id=claims.subject)
            )

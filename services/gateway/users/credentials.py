"""Password hashes (argon2) and bearer tokens (JWT, HS256) for the gateway's users."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventlet import tpool

from services.common.secrets import required_secret

HASHER = PasswordHasher()
# Verified against when the user does not exist, so an unknown name costs as long as a wrong
# password and the timing does not tell which names exist.
_DUMMY_HASH = HASHER.hash("no user has this password")
ALGORITHM = "HS256"
ISSUER = "taizhang-gateway"


def hash_password(password: str) -> str:
    # argon2 spends ~0.1 s of CPU; in a real thread, so the other requests' green threads go on.
    return tpool.execute(HASHER.hash, password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        matched = tpool.execute(HASHER.verify, password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and bool(password_hash)


@dataclass(frozen=True)
class Claims:
    subject: str  # the person id
    username: str
    admin: bool


@dataclass(frozen=True)
class TokenIssuer:
    key: str
    lifetime: timedelta

    @classmethod
    def from_env(cls) -> TokenIssuer:
        key = required_secret("TAIZHANG_JWT_KEY", "signs the gateway's tokens")
        minutes = int(os.environ.get("TAIZHANG_TOKEN_MINUTES", "60"))
        return cls(key, timedelta(minutes=minutes))

    def issue(self, claims: Claims, now: datetime) -> dict[str, Any]:
        expires = now + self.lifetime
        payload = {
            "sub": claims.subject,
            "username": claims.username,
            "admin": claims.admin,
            "iss": ISSUER,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
        }
        return {
            "access_token": jwt.encode(payload, self.key, algorithm=ALGORITHM),
            "token_type": "bearer",
            "expires_in": int(self.lifetime.total_seconds()),
            "expires_at": expires.isoformat(),
        }

    def read(self, token: str) -> Claims | None:
        """The token's claims, or None when it is forged, expired or malformed."""
        try:
            payload = jwt.decode(
                token,
                self.key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["sub", "exp", "iat", "iss"]},
            )
        except jwt.PyJWTError:
            return None
        return Claims(
            str(payload["sub"]), str(payload.get("username", "")), payload.get("admin") is True
        )

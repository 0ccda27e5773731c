"""Password hashes (argon2) and bearer tokens (JWT, HS256) for the gateway's users."""

from __future__ import annotations

import os
import secrets
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


# A one-time password is 12 characters drawn at random from 56 (70 bits): no guessing comes near
# it, so argon2's cost, which is there against people's own guessable passwords, buys nothing;
# the cheapest setting lets a roster's hundreds be hashed at once. Each verifies like any argon2
# hash (the hash names its parameters), and is replaced by a full-cost one when changed.
ONE_TIME_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# Letters and digits no one mistakes for another (no 0/O, 1/l/I).
_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
ONE_TIME_LENGTH = 12


def one_time_password(seed: bytes | None = None) -> str:
    """At random; or drawn from `seed`, secret bytes (64: far more than the password holds),
    the same password for the same seed: an administrator's reset retried with its key is
    answered the password the first attempt stored the hash of, which nothing kept."""
    number = int.from_bytes(secrets.token_bytes(64) if seed is None else seed, "big")
    characters = []
    for _ in range(ONE_TIME_LENGTH):
        number, digit = divmod(number, len(_ALPHABET))
        characters.append(_ALPHABET[digit])
    return "".join(characters)


def hash_one_time(passwords: list[str]) -> list[str]:
    return [ONE_TIME_HASHER.hash(password) for password in passwords]


def hash_password(password: str) -> str:
    # argon2 spends ~0.1 s of CPU; in a real thread, so the other requests' green threads go on.
    return tpool.execute(HASHER.hash, password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        matched = tpool.execute(HASHER.verify, password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and bool(password_hash)


def new_token_id() -> str:
    """The id (`jti`) of a token about to be issued: its session's (sessions.py)."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Claims:
    subject: str  # the person id
    username: str
    admin: bool
    token_id: str = ""  # the token's own id (`jti`), by which signing out ends it (sessions.py)


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
            "jti": claims.token_id or new_token_id(),
        }
        return {
            "access_token": jwt.encode(payload, self.key, algorithm=ALGORITHM),
            "token_type": "bearer",
            "expires_in": int(self.lifetime.total_seconds()),
            "expires_at": expires.isoformat(),
        }

    def read(self, token: str) -> Claims | None:
        """The token's claims, or None when it is forged, expired or malformed (a token without
        an id, of a release before sessions could end, among them: it could not be signed out)."""
        try:
            payload = jwt.decode(
                token,
                self.key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["sub", "exp", "iat", "iss", "jti"]},
            )
        except jwt.PyJWTError:
            return None
        return Claims(
            str(payload["sub"]),
            str(payload.get("username", "")),
            payload.get("admin") is True,
            str(payload["jti"]),
        )

"""Secrets from the environment: each is required, none has a default.

A key written in the source is public: with the gateway's anyone could sign an administrator's
token, with the appraisal's recompute the peer reviewers' pseudonyms. A service that lacks one
refuses to start, saying which variable to set and how to make a value.
"""

from __future__ import annotations

import os

# Bytes. An HMAC-SHA256 key shorter than this can be searched for offline, from one token.
MIN_LENGTH = 32
MAKE_ONE = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


class MissingSecret(RuntimeError):
    """A secret is unset, or too short to be one."""


def required_secret(variable: str, purpose: str) -> str:
    """The value of `variable`; `purpose` says what it is for, in the refusal."""
    value = os.environ.get(variable, "")
    length = len(value.encode())
    if length >= MIN_LENGTH:
        return value
    problem = "is not set" if not value else f"is too short ({length} bytes, at least {MIN_LENGTH})"
    raise MissingSecret(
        f"{variable} {problem}: it {purpose}, and has no default. Make one with {MAKE_ONE},"
        " give every instance the same, and keep it out of git (`make run` keeps its own in"
        " run/secrets.env)"
    )

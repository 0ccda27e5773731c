"""The gateway's own commands (its users'), keyed as the services' are: once per command key,
their record stored with their events (services/common/keyed.py), so that a retry with the same
Idempotency-Key, after a 5xx or a crash between the commit and the answer, is answered the first
outcome and decides nothing again; and the key reused for other arguments is refused the same.

The record keeps a digest of the command's arguments. A password enters it sealed, an HMAC
under the gateway's key: a digest of the password itself would let whoever reads the log check
guesses at it as fast as they can hash.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Any

from services.common import keyed
from services.common.handlers import Outcome


def run(
    ctx: Any, command: str, arguments: Mapping[str, Any], handle: Callable[[Any], Outcome]
) -> Outcome:
    """`handle(store)` under the request's command key (dispatch.run), and its events, or the
    first attempt's, applied to the read model: the caller reads their own write."""
    outcome = keyed.run(ctx.service.log, ctx.command_key, command, arguments, handle)
    ctx.service.read_model.apply(outcome.events)
    return outcome


def sealed(ctx: Any, *parts: str) -> str:
    """What stands for secrets among a command's arguments (with the user they belong to, so
    that two users' equal passwords do not look equal)."""
    text = "\x00".join(("sealed", *parts)).encode()
    return hmac.new(ctx.service.tokens.key.encode(), text, hashlib.sha256).hexdigest()


def drawn(ctx: Any, purpose: str) -> bytes:
    """Secret bytes of the request's command, the same for every retry of it: an HMAC of the
    command key under the gateway's key."""
    text = f"{purpose}\x00{ctx.command_key}".encode()
    return hmac.new(ctx.service.tokens.key.encode(), text, hashlib.sha512).digest()

"""Webhook signatures: HMAC-SHA256 over the timestamp and the raw body. Pure.

The timestamp is signed with the body, so a captured request cannot be replayed later with a
fresh timestamp; a receiver rejects a timestamp outside its tolerance. Receivers verify with
`verify` (or the same three lines in their own language).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

SIGNATURE_HEADER = "X-Taizhang-Signature"
TIMESTAMP_HEADER = "X-Taizhang-Timestamp"
KEY_HEADER = "X-Taizhang-Reminder"  # the reminder key: lets a receiver drop a resent duplicate
PREFIX = "sha256="
TOLERANCE_SECONDS = 300


def signature(key: bytes, timestamp: str, body: bytes) -> str:
    digest = hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def headers(key: bytes, now: datetime, body: bytes) -> dict[str, str]:
    timestamp = str(int(now.timestamp()))
    return {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(key, timestamp, body),
    }


def verify(
    key: bytes,
    timestamp: str,
    body: bytes,
    signed: str,
    now: datetime,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """True if `signed` is the signature of this body at this timestamp, and it is recent."""
    try:
        age = abs(now.timestamp() - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(signature(key, timestamp, body), signed)

"""Pseudonyms that keep peer reviews anonymous while one review per reviewer is still enforced.

A reviewer appears in the log only as HMAC-SHA256(key, "<cycle>:<reviewer>"): the service, which
holds the key, can recompute a member's pseudonym to refuse a second review or to tell who still
owes reviews; nobody reading the log or the read model can reverse it. A pseudonym changes with
every cycle, so reviews cannot be linked across cycles either. Pure.
"""

from __future__ import annotations

import hashlib
import hmac

PSEUDONYM_HEX = 32  # 128 bits: unguessable, short enough to read in the log


def pseudonym(key: bytes, cycle_id: str, reviewer_id: str) -> str:
    digest = hmac.new(key, f"{cycle_id}:{reviewer_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:PSEUDONYM_HEX]


def review_id(reviewer_pseudonym: str, reviewee_id: str) -> str:
    """Names one peer review without linking it to the same reviewer's other reviews.

    The read model keeps this, not the pseudonym: a pseudonym shared by several rows would show
    which reviewees one reviewer covered, and in a small group the one left out is the reviewer.
    """
    return hashlib.sha256(f"{reviewer_pseudonym}:{reviewee_id}".encode()).hexdigest()[:24]

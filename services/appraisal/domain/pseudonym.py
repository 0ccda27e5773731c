"""Peer reviews that name no reviewer and link no two reviews of one reviewer, while one review
per reviewer and reviewee is still enforced. Pure.

A peer review is known by its id alone: HMAC-SHA256(key, [cycle, reviewer, reviewee]). The
service, which holds the key, recomputes a member's review ids to refuse a second review of the
same reviewee, to tell who still owes reviews and to show a member the reviews they wrote;
nobody reading the log or the read model can reverse an id, nor tell that two reviews share an
author: every review of a reviewer has an id of its own, in every cycle.

Version 1 of PeerReviewSubmitted carried a per-cycle pseudonym of the reviewer,
HMAC-SHA256(key, "<cycle>:<reviewer>"), the same on all of one reviewer's reviews in a cycle:
in a group, the one member missing from a pseudonym's reviewees was its author. Those events
stay in the log as they were stored; the upcaster (events.py) gives readers their review id
only, the one they have always been known by (`legacy_review_id`).
"""

from __future__ import annotations

import hashlib
import hmac
import json

from ..events import legacy_review_id

PSEUDONYM_HEX = 32  # 128 bits: unguessable, short enough to read in the log


def review_ids(key: bytes, cycle_id: str, reviewer_id: str, reviewee_id: str) -> tuple[str, str]:
    """The ids a review by `reviewer_id` of `reviewee_id` in the cycle may have: the one it
    gets now, then the one it got if it was written under version 1 (a cycle under way when the
    service was upgraded has both kinds)."""
    named = json.dumps(["peer_review", cycle_id, reviewer_id, reviewee_id])  # no ambiguity
    current = hmac.new(key, named.encode(), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]
    return current, legacy_review_id(pseudonym(key, cycle_id, reviewer_id), reviewee_id)


def pseudonym(key: bytes, cycle_id: str, reviewer_id: str) -> str:
    """Version 1's per-cycle pseudonym of a reviewer: only ever recomputed, never stored now."""
    digest = hmac.new(key, f"{cycle_id}:{reviewer_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:PSEUDONYM_HEX]

"""The commands of an appraisal cycle, as the schemas load them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from .cycle import Window


@dataclass(frozen=True)
class OpenCycle:
    actor_id: str
    cycle_id: str
    branch_id: str
    kind: str
    period: str
    peer_scope: str
    windows: Mapping[str, Window]
    weights: Mapping[str, float]
    bands: Mapping[str, float]
    peer_mode: str = "anonymous"  # cycle.PEER_MODES


@dataclass(frozen=True)
class SubmitSelfReview:
    actor_id: str
    cycle_id: str
    scores: Mapping[str, float]
    problems: str


@dataclass(frozen=True)
class SubmitPeerReview:
    actor_id: str
    cycle_id: str
    reviewee_id: str
    scores: Mapping[str, float]
    comments: str = ""


@dataclass(frozen=True)
class Rectification:
    title: str
    due_date: date


@dataclass(frozen=True)
class SubmitLeaderComment:
    actor_id: str
    cycle_id: str
    member_id: str
    score: float
    comment: str
    rectifications: tuple[Rectification, ...] = ()


@dataclass(frozen=True)
class ReopenReview:
    """Self review or commentary by `member_id`; a peer review by its `review_id` only, so that
    reopening one never needs (or reveals) who wrote it."""

    actor_id: str
    cycle_id: str
    step: str
    reason: str
    member_id: str | None = None
    review_id: str | None = None


@dataclass(frozen=True)
class FinaliseCycle:
    actor_id: str
    cycle_id: str
    missing_reviews_reason: str | None = None

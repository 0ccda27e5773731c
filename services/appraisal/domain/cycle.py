"""The appraisal cycle (`cycle-<id>`) as its events tell it. Pure.

One stream holds a whole cycle: its plan (windows, weights, grade bands), every review, the
leaders' commentary with the rectifications it raised, the measures frozen at finalisation and
the results. A submitted review is locked; a ReviewReopened unlocks it until it is submitted again.
Peer reviews are keyed by their review id, which names neither the reviewer nor any other review
of theirs (see pseudonym.py); the upcasters in events.py give events of version 1 that shape.

A cycle's peer review is anonymous (民主测评, a democratic rating: the default) or open (互评 as a
conversation between members, 互评互查、互帮互助): an open cycle's reviews name their reviewer,
and the reviewee sees who wrote each; an anonymous cycle's name nobody, in the log too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ..events import (
    EVENTS,
    CycleFinalised,
    CycleOpened,
    LeaderCommentSubmitted,
    MeasuresRecorded,
    PeerReviewSubmitted,
    RectificationRaised,
    ReviewReopened,
    SelfReviewSubmitted,
)
from ..exceptions import InvalidTransition, NotFound

KINDS = ("quarterly", "half_year", "year_end")
PEER_SCOPES = ("group", "branch")
PEER_MODES = ("anonymous", "open")
STEPS = ("self_review", "peer_review", "leader_review", "finalisation")
REVIEW_STEPS = STEPS[:3]
DIMENSIONS = (
    "ideological_education",
    "fulfilling_responsibility",
    "following_rules",
    "supervision",
)
INPUTS = ("self", "peer", "leader", "ledger", "study", "attendance")
GRADES = ("excellent", "competent", "basically_competent", "incompetent")
DEFAULT_WEIGHTS = {
    "self": 0.1,
    "peer": 0.2,
    "leader": 0.2,
    "ledger": 0.3,
    "study": 0.1,
    "attendance": 0.1,
}
DEFAULT_BANDS = {"excellent": 90.0, "competent": 75.0, "basically_competent": 60.0}
# Which of the cycle's maps holds each step's reviews, and the event that fills it.
REVIEWS = {
    "self_review": ("self_reviews", SelfReviewSubmitted),
    "peer_review": ("peer_reviews", PeerReviewSubmitted),
    "leader_review": ("leader_comments", LeaderCommentSubmitted),
}

Key = str  # a member id, or a peer review's id


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime

    def contains(self, at: datetime) -> bool:
        return self.opens_at <= at < self.closes_at

    @classmethod
    def from_dict(cls, times: Mapping[str, str]) -> Window:
        return cls(*(datetime.fromisoformat(times[k]) for k in ("opens_at", "closes_at")))

    def as_dict(self) -> dict[str, str]:
        return {"opens_at": self.opens_at.isoformat(), "closes_at": self.closes_at.isoformat()}


@dataclass(frozen=True)
class Submission:
    data: Mapping[str, Any]
    locked: bool = True  # False once reopened, until submitted again


@dataclass(frozen=True)
class Cycle:
    plan: Mapping[str, Any] = field(default_factory=dict)  # the CycleOpened data
    self_reviews: Mapping[str, Submission] = field(default_factory=dict)
    peer_reviews: Mapping[str, Submission] = field(default_factory=dict)  # by review id
    leader_comments: Mapping[str, Submission] = field(default_factory=dict)
    rectifications: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    measures: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    finalised: bool = False

    @property
    def cycle_id(self) -> str:
        return self.plan["cycle_id"]

    @property
    def branch_id(self) -> str:
        return self.plan["branch_id"]

    @property
    def open_peer_review(self) -> bool:
        """Whether the cycle's peer reviews name who wrote them."""
        return self.plan["peer_mode"] == "open"

    def window(self, step: str) -> Window:
        return Window.from_dict(self.plan["windows"][step])

    def submission(self, step: str, key: Key) -> Submission | None:
        return getattr(self, REVIEWS[step][0]).get(key)

    def locked(self, step: str) -> dict[Key, Mapping[str, Any]]:
        """The step's submitted reviews that stand (a reopened one does not, until resubmitted)."""
        reviews = getattr(self, REVIEWS[step][0])
        return {key: found.data for key, found in reviews.items() if found.locked}


def key_of(step: str, review: Mapping[str, Any]) -> Key:
    """A review's key in its step: a peer review's id, else its member (a review's payload)."""
    return review["review_id"] if step == "peer_review" else review["member_id"]


_SUBMITTED = {event: step for step, (_, event) in REVIEWS.items()}


def evolve(state: Cycle, event: object) -> Cycle:
    match EVENTS.read(event):
        case CycleOpened() as opened:
            return Cycle(plan=opened.data)
        case SelfReviewSubmitted() | PeerReviewSubmitted() | LeaderCommentSubmitted() as review:
            step = _SUBMITTED[type(review)]
            return _with_review(state, step, key_of(step, review.data), Submission(review.data))
        case ReviewReopened() as reopened:
            key = key_of(reopened.step, reopened.data)
            unlocked = replace(state.submission(reopened.step, key), locked=False)
            return _with_review(state, reopened.step, key, unlocked)
        case RectificationRaised() as raised:
            rectifications = {**state.rectifications, raised.rectification_id: raised.data}
            return replace(state, rectifications=rectifications)
        case MeasuresRecorded() as recorded:
            return replace(state, measures={**state.measures, recorded.member_id: recorded.data})
        case CycleFinalised():
            return replace(state, finalised=True)
    return state


def _with_review(state: Cycle, step: str, key: Key, submission: Submission) -> Cycle:
    name = REVIEWS[step][0]
    return replace(state, **{name: {**getattr(state, name), key: submission}})


def require_cycle(state: Cycle, cycle_id: str) -> None:
    if not state.plan:
        raise NotFound(f"appraisal cycle {cycle_id} does not exist")


def require_running(state: Cycle) -> None:
    if state.finalised:
        raise InvalidTransition(f"appraisal cycle {state.cycle_id} is finalised")

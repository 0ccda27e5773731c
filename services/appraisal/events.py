"""The appraisal's events: one stream a cycle (`cycle-<id>`), every type with its payload's
fields, version and upcasters (see eventlog/definitions.py; docs/events.md lists who reads what).

Peer reviews are known by their review id alone (domain/pseudonym.py): version 1 of
PeerReviewSubmitted and of a peer review's ReviewReopened named the reviewer's per-cycle
pseudonym instead, which the upcasters below turn into the review id those events have always
been known by, so that no reader ever sees a pseudonym.
"""

from __future__ import annotations

import hashlib
from typing import Any, TypedDict

from eventlog.definitions import Catalogue, Event, IsoDate, IsoTime, omittable


class Window(TypedDict):
    opens_at: IsoTime
    closes_at: IsoTime


class CycleOpened(Event, category="cycle", schema_version=2):
    """The cycle's plan, checked once when it opens: every later step trusts it."""

    cycle_id: str
    branch_id: str
    kind: str  # quarterly, half_year or year_end
    period: str  # YYYY-Qn, YYYY-Hn or YYYY
    starts_on: IsoDate
    ends_on: IsoDate
    peer_scope: str  # group or branch: whom a member peer-reviews
    peer_mode: str  # anonymous or open: whether a peer review names its reviewer
    windows: dict[str, Window]  # by step: self_review, peer_review, leader_review, finalisation
    weights: dict[str, float]  # by input: self, peer, leader, ledger, study, attendance
    bands: dict[str, float]  # by grade: the lowest score that earns it


class SelfReviewSubmitted(Event, category="cycle"):
    member_id: str
    scores: dict[str, float]  # by dimension
    problems: str


class PeerReviewSubmitted(Event, category="cycle", schema_version=3):
    review_id: str  # names neither the reviewer nor any other review of theirs
    reviewee_id: str
    reviewer_id: str | None  # an open cycle's reviewer; None in an anonymous cycle
    scores: dict[str, float]
    comments: str


class RaisedItem(TypedDict):
    rectification_id: str
    title: str
    due_date: IsoDate


class LeaderCommentSubmitted(Event, category="cycle"):
    member_id: str
    leader_id: str
    score: float
    comment: str
    rectifications: list[RaisedItem]  # each also a RectificationRaised


class RectificationRaised(Event, category="cycle"):
    """An item the ledger plans into the member's ledger (its id is the rectification's)."""

    rectification_id: str
    cycle_id: str
    branch_id: str
    member_id: str
    title: str
    due_date: IsoDate
    raised_by: str


class ReviewReopened(Event, category="cycle", schema_version=2):
    """A self review or commentary by its member; a peer review by its id, with its reviewee."""

    step: str
    member_id: str | None = omittable()
    review_id: str | None = omittable()
    reviewee_id: str | None = omittable()
    reason: str
    by: str


class MeasuresRecorded(Event, category="cycle"):
    """The ledger's measures of a member over the cycle, frozen at finalisation as evidence."""

    member_id: str
    start: IsoDate
    end: IsoDate
    ledger: dict[str, Any]  # overall (on-time rate), due, on_time, by_kind
    study: dict[str, Any]
    attendance: dict[str, Any]
    source: str  # where the measures came from: the ledger's query


class CycleFinalised(Event, category="cycle"):
    results: list[dict[str, Any]]  # per member: member_id, score, grade, breakdown
    missing_reviews: dict[str, int]  # by step
    missing_reviews_reason: str | None


def legacy_review_id(reviewer_pseudonym: str, reviewee_id: str) -> str:
    """The id of a review stored under version 1, from its pseudonym and reviewee."""
    return hashlib.sha256(f"{reviewer_pseudonym}:{reviewee_id}".encode()).hexdigest()[:24]


@PeerReviewSubmitted.upcaster(1)
@ReviewReopened.upcaster(1)
def _without_pseudonym(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 named a peer review by its reviewer's pseudonym and reviewee: readers see only
    the review id those give (the stored event keeps the pseudonym: see the README)."""
    if "reviewer_pseudonym" not in data:  # a reopened self review or commentary
        return data
    pseudonym = data.pop("reviewer_pseudonym")
    return {**data, "review_id": legacy_review_id(pseudonym, data["reviewee_id"])}


@CycleOpened.upcaster(1)
def _anonymous_peer_review(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no peer mode: every cycle's peer review was anonymous (whatever the
    default of a cycle opened now)."""
    return {**data, "peer_mode": "anonymous"}


@PeerReviewSubmitted.upcaster(2)
def _no_reviewer(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 was anonymous (every cycle's was): it names no reviewer."""
    return {**data, "reviewer_id": None}


EVENTS = Catalogue.of_module("appraisal", globals())

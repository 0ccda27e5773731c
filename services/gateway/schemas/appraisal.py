"""What the appraisal endpoints answer: the appraisal service's answers, field by field.

A peer review is known by its review id; only an open cycle's names who wrote it (`reviewer_id`,
null in an anonymous cycle).
"""

from __future__ import annotations

from marshmallow import Schema, fields

from .responses import Bool, Float, Int, Many, Maybe, Str

Scores = fields.Dict(keys=Str(), values=Float())


class Window(Schema):
    opens_at, closes_at = Str(), Str()


Windows = fields.Dict(keys=Str(), values=fields.Nested(Window))


class CycleSummary(Schema):
    """A cycle as the gateway lists it."""

    cycle_id, branch_id, kind, period, starts_on, ends_on, peer_scope = (Str() for _ in range(7))
    peer_mode = Str(metadata={"description": "anonymous (the default) or open"})
    windows = Windows
    opened_at, status = Str(), Str()
    finalised_at = Maybe()


class Cycles(Schema):
    branch_id = Str()
    cycles = Many(CycleSummary)


class CyclePlan(Schema):
    cycle_id, branch_id, kind, period, starts_on, ends_on, peer_scope = (Str() for _ in range(7))
    peer_mode = Str(metadata={"description": "anonymous (the default) or open"})
    windows = Windows
    weights, bands = (
        fields.Dict(keys=Str(), values=Float()),
        fields.Dict(keys=Str(), values=Float()),
    )
    opened_at = Str()
    opened_by, finalised_at, finalised_by, missing_reviews_reason = (Maybe() for _ in range(4))
    missing_reviews = Maybe(fields.Dict)


class Step(Schema):
    """A step's window and, for the review steps, how many reviews are expected and missing."""

    step, opens_at, closes_at = Str(), Str(), Str()
    open = Bool()
    expected, missing = Int(), Int()
    pending_member_ids = fields.List(Str(), metadata={"description": "for who runs the cycle"})


class Cycle(CyclePlan):
    status = Str()
    steps = Many(Step)


class OwnSelfReview(Schema):
    status = Str(required=True)
    scores = Scores
    problems, submitted_at = Str(), Str()


class OwnPeerReview(Schema):
    reviewee_id, status = Str(required=True), Str(required=True)
    scores = Scores
    comments = Str()


class OwnLeaderReview(Schema):
    member_id, status = Str(required=True), Str(required=True)
    leader_id, comment = Str(), Str()
    score = Float()


class MyReviews(Schema):
    cycle_id = Str()
    self_review = fields.Nested(OwnSelfReview)
    peer_reviews = Many(OwnPeerReview)
    leader_reviews = Many(OwnLeaderReview)


class Result(Schema):
    member_id = Str()
    score = Maybe(Float)
    grade = Maybe()
    breakdown = fields.Dict()
    measures = Maybe(fields.Dict)


class Results(Schema):
    cycle = fields.Nested(CyclePlan)
    finalised = Bool()
    results = Many(Result)


class ArchivedCycle(Result):
    cycle_id, branch_id, kind, period, starts_on, ends_on = (Str() for _ in range(6))
    finalised_at = Maybe()


class RectificationRecord(Schema):
    rectification_id, cycle_id, branch_id, title, status = (Str() for _ in range(5))
    raised_by, raised_at, due_date = Str(), Str(), Str()
    closed_at, note = Maybe(), Maybe()


class Archive(Schema):
    member_id = Str()
    cycles = Many(ArchivedCycle)
    rectifications = Many(RectificationRecord)


class PeerReview(Schema):
    review_id = Str(metadata={"description": "names the review, never its author"})
    reviewer_id = Maybe(metadata={"description": "who wrote it, in an open cycle; else null"})
    scores = Scores
    comments = Str()


class PeerReviewsAbout(Schema):
    cycle_id, member_id, peer_mode = Str(), Str(), Str()
    available = Bool(
        metadata={"description": "an anonymous cycle's: false until peer review has closed"}
    )
    reviews = Many(PeerReview)

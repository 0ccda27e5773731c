"""Schemas of the commands: each loads into the domain's command dataclass."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, post_load, validate

from services.common.schemas import (
    ID_RULE,
    Choice,
    Command,
    Date,
    Id,
    Strict,
    Text,
    command_table,
    new_id,
    storable,
)

from ..domain import commands as c
from ..domain.cycle import (
    DEFAULT_BANDS,
    DEFAULT_WEIGHTS,
    DIMENSIONS,
    GRADES,
    INPUTS,
    KINDS,
    PEER_MODES,
    PEER_SCOPES,
    REVIEW_STEPS,
    STEPS,
    Window,
)

PERCENT = validate.Range(0, 100)
# Rectification ids are `<cycle>.r<n>` and ledger item ids: at most 64 characters in all.
CYCLE_ID = [ID_RULE, validate.Length(max=56)]


def Fields(names: tuple[str, ...], **options: Any) -> dict[str, fields.Float]:
    return {name: fields.Float(required=True, **options) for name in names}


WindowTimes = Strict.from_dict(
    {
        "opens_at": fields.AwareDateTime(required=True),
        "closes_at": fields.AwareDateTime(required=True),
    }
)
Weights = Strict.from_dict(Fields(INPUTS, validate=validate.Range(min=0)), name="Weights")
Bands = Strict.from_dict(Fields(GRADES[:-1], validate=PERCENT), name="Bands")
Scores = Strict.from_dict(Fields(DIMENSIONS, validate=PERCENT), name="Scores")


class Windows(Strict):
    """One window per step, each loading into a Window."""

    self_review, peer_review, leader_review, finalisation = (
        fields.Nested(WindowTimes, required=True) for _ in STEPS
    )

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> dict[str, Window]:
        return {step: Window(**times) for step, times in data.items()}


class OpenCycle(Command):
    command = c.OpenCycle
    actor_id, branch_id = Id(required=True), Id(required=True)
    cycle_id = fields.Str(validate=CYCLE_ID, load_default=new_id)
    kind = Choice(KINDS, required=True)
    period = fields.Str(required=True, validate=validate.Length(4, 7))
    peer_scope = Choice(PEER_SCOPES, load_default="group")
    peer_mode = Choice(
        PEER_MODES,
        load_default="anonymous",
        metadata={"description": "open: each peer review names its author to the reviewee"},
    )
    windows = fields.Nested(Windows, required=True)
    weights = fields.Nested(Weights, load_default=lambda: dict(DEFAULT_WEIGHTS))
    bands = fields.Nested(Bands, load_default=lambda: dict(DEFAULT_BANDS))


class SubmitSelfReview(Command):
    command = c.SubmitSelfReview
    actor_id, cycle_id = Id(required=True), Id(required=True)
    scores = fields.Nested(Scores, required=True)
    problems = Text()


class SubmitPeerReview(Command):
    command = c.SubmitPeerReview
    actor_id, cycle_id, reviewee_id = Id(required=True), Id(required=True), Id(required=True)
    scores = fields.Nested(Scores, required=True)
    comments = Text(required=False)


class Rectification(Strict):
    title = Text()
    due_date = Date(required=True)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> c.Rectification:
        return c.Rectification(**data)


class SubmitLeaderComment(Command):
    command = c.SubmitLeaderComment
    actor_id, cycle_id, member_id = Id(required=True), Id(required=True), Id(required=True)
    score = fields.Float(required=True, validate=PERCENT)
    comment = Text()
    rectifications = fields.List(
        fields.Nested(Rectification), load_default=list, validate=validate.Length(max=20)
    )

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> c.SubmitLeaderComment:
        return c.SubmitLeaderComment(**{**data, "rectifications": tuple(data["rectifications"])})


class ReopenReview(Command):
    command = c.ReopenReview
    actor_id, cycle_id = Id(required=True), Id(required=True)
    step = Choice(REVIEW_STEPS, required=True)
    reason = Text()
    member_id = Id(load_default=None, allow_none=True)
    review_id = Id(load_default=None, allow_none=True)


class FinaliseCycle(Command):
    command = c.FinaliseCycle
    actor_id, cycle_id = Id(required=True), Id(required=True)
    missing_reviews_reason = fields.Str(
        load_default=None, allow_none=True, validate=[validate.Length(1, 2000), storable]
    )


# Every command of the appraisal, by its RPC name (services/common/rpc.py): the service's methods
# and the gateway's routes to it are made from this table.
COMMANDS = command_table(
    OpenCycle, SubmitSelfReview, SubmitPeerReview, SubmitLeaderComment, ReopenReview, FinaliseCycle
)

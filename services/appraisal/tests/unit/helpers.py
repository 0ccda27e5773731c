"""Short ways to drive a cycle through the handlers in unit tests."""

from __future__ import annotations

from datetime import date

from services.appraisal.domain.commands import (
    FinaliseCycle,
    Rectification,
    ReopenReview,
    SubmitLeaderComment,
    SubmitPeerReview,
    SubmitSelfReview,
)
from services.appraisal.domain.cycle import DIMENSIONS, Cycle, evolve
from services.appraisal.handlers import cycles, reviews
from services.appraisal.handlers.common import stream_id
from services.common.handlers import load

from .conftest import FINAL_AT, LEADER_AT, PEER_AT, SELF_AT


def scores(value: float) -> dict[str, float]:
    return dict.fromkeys(DIMENSIONS, value)


def self_review(ctx, member, value=80.0, at=SELF_AT, cycle="c1"):
    cmd = SubmitSelfReview(member, cycle, scores(value), f"problems of {member}")
    return reviews.submit_self_review(cmd, ctx, at)


def peer_review(ctx, reviewer, reviewee, value=70.0, at=PEER_AT, cycle="c1"):
    cmd = SubmitPeerReview(reviewer, cycle, reviewee, scores(value), "comments")
    return reviews.submit_peer_review(cmd, ctx, at)


def comment(ctx, leader, member, score=85.0, at=LEADER_AT, rectify=(), due=date(2026, 6, 30)):
    items = tuple(Rectification(title, due) for title in rectify)
    cmd = SubmitLeaderComment(leader, "c1", member, score, "commentary", items)
    return reviews.submit_leader_comment(cmd, ctx, at)


def reopen(ctx, step, actor="sec", at=PEER_AT, **target):
    cmd = ReopenReview(actor, "c1", step, "asked to revise", **target)
    return reviews.reopen_review(cmd, ctx, at)


def finalise(ctx, actor="sec", reason=None, at=FINAL_AT):
    return cycles.finalise_cycle(FinaliseCycle(actor, "c1", reason), ctx, at)


def cycle_state(ctx, cycle="c1") -> Cycle:
    return load(ctx.store, stream_id(cycle), evolve, Cycle())[0]

"""Submitting and reopening reviews."""

from __future__ import annotations

from datetime import datetime

from services.common.handlers import Outcome

from ..domain import reviews
from ..domain.commands import ReopenReview, SubmitLeaderComment, SubmitPeerReview, SubmitSelfReview
from ..domain.pseudonym import review_ids
from ..domain.roster import require_admin
from ..events import PeerReviewSubmitted
from .common import Context, cycle_of, save


def submit_self_review(cmd: SubmitSelfReview, ctx: Context, now: datetime) -> Outcome:
    state, version, roster = cycle_of(ctx, cmd.cycle_id)
    events = reviews.decide_self(state, cmd, roster, now)
    return save(ctx, cmd, events, version, now, state.branch_id)


def submit_peer_review(cmd: SubmitPeerReview, ctx: Context, now: datetime) -> Outcome:
    """In an anonymous cycle the log's metadata names the review, not its author, as the actor,
    and carries the review id as its correlation id too: the request's (which a client may give,
    and keep for all its requests) would link the reviews it carries. An open cycle's review is
    its author's, as every other command is."""
    state, version, roster = cycle_of(ctx, cmd.cycle_id)
    ids = review_ids(ctx.key, cmd.cycle_id, cmd.actor_id, cmd.reviewee_id)
    events = reviews.decide_peer(state, cmd, roster, ids, now)
    review = PeerReviewSubmitted.of(events[0]).review_id
    if state.open_peer_review:
        return save(ctx, cmd, events, version, now, state.branch_id, id=review)
    return save(
        ctx, cmd, events, version, now, state.branch_id,
        actor_id=review, id=review, correlation_id=review,
    )  # fmt: skip


def submit_leader_comment(cmd: SubmitLeaderComment, ctx: Context, now: datetime) -> Outcome:
    state, version, roster = cycle_of(ctx, cmd.cycle_id)
    events = reviews.decide_leader(state, cmd, roster, now)
    return save(ctx, cmd, events, version, now, state.branch_id)


def reopen_review(cmd: ReopenReview, ctx: Context, now: datetime) -> Outcome:
    state, version, roster = cycle_of(ctx, cmd.cycle_id)
    require_admin(roster, cmd.actor_id)
    return save(ctx, cmd, reviews.decide_reopen(state, cmd), version, now, state.branch_id)

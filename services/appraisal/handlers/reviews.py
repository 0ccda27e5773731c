"""Submitting and reopening reviews."""

from __future__ import annotations

from datetime import datetime

from services.common.handlers import Outcome

from ..domain import reviews
from ..domain.commands import ReopenReview, SubmitLeaderComment, SubmitPeerReview, SubmitSelfReview
from ..domain.pseudonym import pseudonym, review_id
from ..domain.roster import require_admin
from .common import Context, cycle_of, save


def submit_self_review(cmd: SubmitSelfReview, ctx: Context, now: datetime) -> Outcome:
    state, version, roster = cycle_of(ctx, cmd.cycle_id)
    events = reviews.decide_self(state, cmd, roster, now)
    return save(
        ctx,
        cmd.cycle_id,
        events,
        version,
        actor_id=cmd.actor_id,
        branch_id=state.branch_id,
        now=now,
    )


def submit_peer_review(cmd: SubmitPeerReview, ctx: Context, now: datetime) -> Outcome:
    """The log's metadata names the pseudonym as the actor: it is readable like the data."""
    state, version, roster = cycle_of(ctx, cmd.cycle_id)
    mine = pseudonym(ctx.key, cmd.cycle_id, cmd.actor_id)
    events = reviews.decide_peer(state, cmd, roster, mine, now)
    return save(
        ctx,
        cmd.cycle_id,
        events,
        version,
        actor_id=mine,
        branch_id=state.branch_id,
        now=now,
        id=review_id(mine, cmd.reviewee_id),
    )


def submit_leader_comment(cmd: SubmitLeaderComment, ctx: Context, now: datetime) -> Outcome:
    state, version, roster = cycle_of(ctx, cmd.cycle_id)
    events = reviews.decide_leader(state, cmd, roster, now)
    return save(
        ctx,
        cmd.cycle_id,
        events,
        version,
        actor_id=cmd.actor_id,
        branch_id=state.branch_id,
        now=now,
    )


def reopen_review(cmd: ReopenReview, ctx: Context, now: datetime) -> Outcome:
    state, version, roster = cycle_of(ctx, cmd.cycle_id)
    require_admin(roster, cmd.actor_id)
    events = reviews.decide_reopen(state, cmd)
    return save(
        ctx,
        cmd.cycle_id,
        events,
        version,
        actor_id=cmd.actor_id,
        branch_id=state.branch_id,
        now=now,
    )

"""Reviews in a cycle: submitted in their step's window, locked on submit, reopened by the
secretary with a reason. Pure.

A reopened review may be submitted again until the cycle is finalised, even after its window
closed: the reopening is the secretary's leave to do so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from eventlog import Event
from services.common.periods import local_date

from ..events import (
    LeaderCommentSubmitted,
    PeerReviewSubmitted,
    RectificationRaised,
    ReviewReopened,
    SelfReviewSubmitted,
)
from ..exceptions import AlreadySubmitted, BadInput, InvalidTransition, NotFound, WindowClosed
from .commands import ReopenReview, SubmitLeaderComment, SubmitPeerReview, SubmitSelfReview
from .cycle import Cycle, Key, require_running
from .roster import Roster, require, require_member


def decide_self(state: Cycle, cmd: SubmitSelfReview, roster: Roster, now: datetime) -> list[Event]:
    require_member(roster, cmd.actor_id)
    _require_slot(state, "self_review", cmd.actor_id, now)
    return [SelfReviewSubmitted.taking(cmd, member_id=cmd.actor_id)]


def decide_peer(
    state: Cycle, cmd: SubmitPeerReview, roster: Roster, ids: Sequence[str], now: datetime
) -> list[Event]:
    """`ids`: the ids this reviewer's review of this reviewee may have (pseudonym.review_ids),
    the current one first. In an anonymous cycle the event names the review by its id only: the
    reviewer's id goes nowhere, and nothing in it is shared with their other reviews; in an open
    one it names the reviewer too (`reviewer_id`). A review written again after its reopening
    keeps the id it had."""
    require_member(roster, cmd.actor_id)
    if cmd.reviewee_id == cmd.actor_id:
        raise BadInput({"reviewee_id": ["a member does not peer-review themself"]})
    scope = state.plan["peer_scope"]
    if cmd.reviewee_id not in roster.peers(cmd.actor_id, scope):
        raise BadInput({"reviewee_id": [f"not a peer in your {scope}"]})
    key = next((id for id in ids if state.submission("peer_review", id) is not None), ids[0])
    _require_slot(state, "peer_review", key, now)
    reviewer = cmd.actor_id if state.open_peer_review else None
    return [PeerReviewSubmitted.taking(cmd, review_id=key, reviewer_id=reviewer)]


def decide_leader(
    state: Cycle, cmd: SubmitLeaderComment, roster: Roster, now: datetime
) -> list[Event]:
    """The commentary, and one RectificationRaised per item it asks for."""
    if cmd.member_id not in roster.members:
        raise NotFound(f"{cmd.member_id} is not a member of branch {roster.branch_id}")
    allowed = roster.may_comment(cmd.actor_id, cmd.member_id)
    require(allowed, "secretary, or group_leader of the member's group (not oneself)")
    _require_slot(state, "leader_review", cmd.member_id, now)
    raised = _rectifications(state, cmd, local_date(now, roster.timezone))
    asked = [
        {"rectification_id": r.rectification_id, "title": r.title, "due_date": r.due_date}
        for r in raised
    ]
    comment = LeaderCommentSubmitted.taking(cmd, leader_id=cmd.actor_id, rectifications=asked)
    return [comment, *raised]


def _rectifications(
    state: Cycle, cmd: SubmitLeaderComment, today: date
) -> list[RectificationRaised]:
    """Numbered in the cycle, so that an id says where it came from and never repeats. A due
    date is judged by the institution's day, as the ledger judges it."""
    if any(item.due_date < today for item in cmd.rectifications):
        raise BadInput({"rectifications": ["a rectification is due today or later"]})
    return [
        RectificationRaised(
            rectification_id=f"{state.cycle_id}.r{len(state.rectifications) + n}",
            cycle_id=state.cycle_id,
            branch_id=state.branch_id,
            member_id=cmd.member_id,
            title=item.title,
            due_date=item.due_date.isoformat(),
            raised_by=cmd.actor_id,
        )
        for n, item in enumerate(cmd.rectifications, start=1)
    ]


def decide_reopen(state: Cycle, cmd: ReopenReview) -> list[Event]:
    require_running(state)
    key = _target(state, cmd)
    found = state.submission(cmd.step, key)
    if found is None:
        raise NotFound(f"no {cmd.step} to reopen for {cmd.member_id or cmd.review_id}")
    if not found.locked:
        raise InvalidTransition(f"that {cmd.step} is already reopened")
    if cmd.step == "peer_review":
        target = {"review_id": key, "reviewee_id": found.data["reviewee_id"]}
    else:
        target = {"member_id": key}
    return [ReviewReopened(step=cmd.step, **target, reason=cmd.reason, by=cmd.actor_id)]


def _target(state: Cycle, cmd: ReopenReview) -> Key:
    if cmd.step != "peer_review":
        if cmd.member_id is None:
            raise BadInput({"member_id": [f"reopening a {cmd.step} names its member"]})
        return cmd.member_id
    if cmd.review_id is None:
        raise BadInput({"review_id": ["a peer review is reopened by its review_id"]})
    if cmd.review_id not in state.peer_reviews:
        raise NotFound(f"no peer review {cmd.review_id} in cycle {state.cycle_id}")
    return cmd.review_id


def _require_slot(state: Cycle, step: str, key: Key, now: datetime) -> None:
    """A review may be written once in its window, or again after the secretary reopened it."""
    require_running(state)
    found = state.submission(step, key)
    if found is not None and found.locked:
        raise AlreadySubmitted(f"this {step} is submitted and locked; the secretary may reopen it")
    window = state.window(step)
    if found is None and not window.contains(now):
        raise WindowClosed(
            f"the {step} window is open from {window.opens_at.isoformat()}"
            f" until {window.closes_at.isoformat()}"
        )

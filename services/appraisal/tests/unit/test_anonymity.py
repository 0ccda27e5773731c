"""Peer reviews: one per reviewer and reviewee, never of oneself, and no trace of the reviewer."""

import json
from dataclasses import asdict

import pytest

from services.appraisal.domain.progress import progress_of
from services.appraisal.domain.pseudonym import pseudonym, review_id
from services.appraisal.exceptions import AlreadySubmitted, BadInput, Forbidden
from services.appraisal.handlers import cycles

from .conftest import KEY, OPENED, ROSTER, open_command
from .helpers import cycle_state, peer_review, reopen


def everything_stored(ctx) -> str:
    """Every field of every stored event, data and metadata alike, as one text."""
    return json.dumps([asdict(e) for e in ctx.store.read_all()], default=str)


def test_no_event_data_or_metadata_holds_the_reviewers_id(opened):
    outcome = peer_review(opened, "gl1", "m1")
    stored = outcome.events[0]
    assert "gl1" not in everything_stored(opened)
    assert stored.actor_id == pseudonym(KEY, "c1", "gl1") == stored.data["reviewer_pseudonym"]
    assert outcome.id == review_id(stored.actor_id, "m1")


def test_a_second_review_of_the_same_peer_is_refused(opened):
    peer_review(opened, "m1", "m2")
    with pytest.raises(AlreadySubmitted):
        peer_review(opened, "m1", "m2", value=10.0)
    peer_review(opened, "gl1", "m2")  # another reviewer of the same reviewee is welcome
    assert len(cycle_state(opened).peer_reviews) == 2


def test_nobody_reviews_themself_or_outside_their_pool(opened):
    with pytest.raises(BadInput) as refused:
        peer_review(opened, "m1", "m1")
    assert "reviewee_id" in refused.value.messages
    with pytest.raises(BadInput):
        peer_review(opened, "m1", "m3")  # m3 is in the other group
    with pytest.raises(BadInput):
        peer_review(opened, "m1", "nobody")
    with pytest.raises(Forbidden):
        peer_review(opened, "stranger", "m1")


def test_a_branch_wide_cycle_pools_the_whole_branch(ctx):
    cycles.open_cycle(open_command(peer_scope="branch"), ctx, OPENED)
    stored = peer_review(ctx, "m1", "m3").events[0]  # m3 is in the other group
    assert stored.data["reviewee_id"] == "m3"


def test_pseudonyms_differ_per_cycle_and_per_key():
    assert pseudonym(KEY, "c1", "m1") != pseudonym(KEY, "c2", "m1")
    assert pseudonym(KEY, "c1", "m1") != pseudonym(b"another key", "c1", "m1")
    assert len(pseudonym(KEY, "c1", "m1")) == 32


def test_a_reopened_peer_review_is_owed_again_by_its_unnamed_author(opened):
    for peer in ROSTER.peers("m1", "group"):
        peer_review(opened, "m1", peer)
    progress = progress_of(cycle_state(opened), ROSTER, KEY)
    assert "m1" not in progress.pending("peer_review")
    target = review_id(pseudonym(KEY, "c1", "m1"), "m2")
    reopened = reopen(opened, "peer_review", review_id=target).events[0]
    assert "m1" not in json.dumps(reopened.data)
    progress = progress_of(cycle_state(opened), ROSTER, KEY)
    assert progress.owed_reviews("m1") == ["m2"]
    peer_review(opened, "m1", "m2", value=75.0)
    with pytest.raises(BadInput):
        reopen(opened, "peer_review", member_id="m1")  # never by naming the reviewer

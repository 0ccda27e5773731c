"""Peer reviews: one per reviewer and reviewee, never of oneself, and no trace of the reviewer."""

import json
from dataclasses import asdict

import pytest

from eventlog import Metadata, NewEvent
from services.appraisal.domain.progress import progress_of
from services.appraisal.domain.pseudonym import legacy_review_id, pseudonym, review_ids
from services.appraisal.exceptions import AlreadySubmitted, BadInput, Forbidden
from services.appraisal.handlers import cycles

from .conftest import KEY, OPENED, ROSTER, open_command
from .helpers import cycle_state, peer_review, reopen, scores


def everything_stored(ctx) -> str:
    """Every field of every stored event, data and metadata alike, as one text."""
    return json.dumps([asdict(e) for e in ctx.store.read_all()], default=str)


def test_no_event_data_or_metadata_holds_the_reviewers_id(opened):
    outcome = peer_review(opened, "gl1", "m1")
    stored = outcome.events[0]
    assert "gl1" not in everything_stored(opened)
    assert pseudonym(KEY, "c1", "gl1") not in everything_stored(opened)
    assert stored.actor_id == stored.data["review_id"] == outcome.id
    assert outcome.id == review_ids(KEY, "c1", "gl1", "m1")[0]
    assert (stored.schema_version, stored.data["reviewer_id"]) == (3, None)


def identifiers(event) -> set[str]:
    """What could tie an event to others: its ids and metadata, and its data's values."""
    meta = {event.actor_id, event.correlation_id, event.causation_id, str(event.event_id)}
    return (meta | {json.dumps(v) for v in event.data.values()}) - {None}


def test_nothing_stored_links_two_reviews_by_one_reviewer(opened):
    """In a group of four, the one member missing from a pseudonym's reviewees was its author:
    now nothing but the cycle is common to one reviewer's reviews."""
    mine = [peer_review(opened, "m1", peer).events[0] for peer in ("sec", "gl1", "m2")]
    for one, other in ((mine[0], mine[1]), (mine[0], mine[2]), (mine[1], mine[2])):
        shared = identifiers(one) & identifiers(other)
        # reviewer_id is null on every anonymous review, whoever wrote it
        assert shared <= {json.dumps(scores(70.0)), json.dumps("comments"), json.dumps(None)}


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


def test_review_ids_differ_per_cycle_reviewer_reviewee_and_key():
    ids = {
        review_ids(key, cycle, reviewer, reviewee)[0]
        for key in (KEY, b"another key")
        for cycle in ("c1", "c2")
        for reviewer in ("m1", "m2")
        for reviewee in ("m2", "m3")
    }
    assert len(ids) == 16 and {len(id) for id in ids} == {32}
    # Ids may hold ':'; the parts are not just joined, so shifting one between two is no match.
    assert review_ids(KEY, "c:1", "m1", "m2")[0] != review_ids(KEY, "c", "1:m1", "m2")[0]


def test_a_reopened_peer_review_is_owed_again_by_its_unnamed_author(opened):
    for peer in ROSTER.peers("m1", "group"):
        peer_review(opened, "m1", peer)
    progress = progress_of(cycle_state(opened), ROSTER, KEY)
    assert "m1" not in progress.pending("peer_review")
    target = review_ids(KEY, "c1", "m1", "m2")[0]
    reopened = reopen(opened, "peer_review", review_id=target).events[0]
    assert "m1" not in json.dumps(reopened.data)
    progress = progress_of(cycle_state(opened), ROSTER, KEY)
    assert progress.owed_reviews("m1") == ["m2"]
    peer_review(opened, "m1", "m2", value=75.0)
    with pytest.raises(BadInput):
        reopen(opened, "peer_review", member_id="m1")  # never by naming the reviewer


def pseudonymous_review(ctx, reviewer: str, reviewee: str):
    """A peer review as version 1 stored it: under its reviewer's per-cycle pseudonym."""
    mine = pseudonym(KEY, "c1", reviewer)
    data = {
        "reviewer_pseudonym": mine,
        "reviewee_id": reviewee,
        "scores": scores(60.0),
        "comments": "v1",
    }
    version = ctx.store.stream_version("cycle-c1")
    event = NewEvent("PeerReviewSubmitted", data, occurred_at=OPENED)
    ctx.store.append("cycle-c1", [event], version, metadata=Metadata("b1", mine))
    return legacy_review_id(mine, reviewee)


def test_a_review_stored_under_a_pseudonym_still_counts_once(opened):
    """A cycle under way across the upgrade: its earlier reviews read as review ids alone, still
    refuse a second review by their (recomputed) author, and keep their id when written again."""
    legacy = pseudonymous_review(opened, "m1", "m2")
    stored = opened.store.read_stream("cycle-c1")[-1]
    assert (stored.schema_version, set(stored.data)) == (
        3,
        {"review_id", "reviewee_id", "reviewer_id", "scores", "comments"},
    )
    assert stored.data["reviewer_id"] is None
    assert stored.data["review_id"] == legacy
    with pytest.raises(AlreadySubmitted):
        peer_review(opened, "m1", "m2")
    assert progress_of(cycle_state(opened), ROSTER, KEY).owed_reviews("m1") == ["gl1", "sec"]
    reopen(opened, "peer_review", review_id=legacy)
    again = peer_review(opened, "m1", "m2", value=90.0)
    assert again.id == legacy and list(cycle_state(opened).peer_reviews) == [legacy]

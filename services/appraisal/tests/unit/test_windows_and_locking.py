"""Windows, locking on submit, reopening with a reason, and what finalising needs."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from services.appraisal.domain.cycle import Window
from services.appraisal.exceptions import (
    AlreadySubmitted,
    BadInput,
    Forbidden,
    InvalidTransition,
    MissingReviews,
    NotFound,
    WindowClosed,
)
from services.appraisal.handlers import cycles

from .conftest import FINAL_AT, MEMBERS, OPENED, ROSTER, SELF_AT, WINDOWS, open_command
from .helpers import comment, cycle_state, finalise, peer_review, reopen, self_review


def test_a_review_is_accepted_only_inside_its_window(opened):
    with pytest.raises(WindowClosed):
        self_review(opened, "m1", at=datetime(2026, 3, 31, 23, tzinfo=UTC))
    with pytest.raises(WindowClosed):
        self_review(opened, "m1", at=WINDOWS["self_review"].closes_at)  # the end is exclusive
    with pytest.raises(WindowClosed):
        peer_review(opened, "m1", "m2", at=SELF_AT)  # peer review opens later
    assert self_review(opened, "m1").events[0].type == "SelfReviewSubmitted"


def test_a_submitted_review_is_locked(opened):
    self_review(opened, "m1")
    with pytest.raises(AlreadySubmitted):
        self_review(opened, "m1", value=99.0)
    assert cycle_state(opened).self_reviews["m1"].data["scores"]["supervision"] == 80.0


def test_the_secretary_reopens_with_a_reason_and_it_may_be_resubmitted_late(opened):
    self_review(opened, "m1")
    with pytest.raises(Forbidden):
        reopen(opened, "self_review", actor="m1", member_id="m1")
    reopened = reopen(opened, "self_review", member_id="m1").events[0]
    assert reopened.data == {
        "step": "self_review",
        "member_id": "m1",
        "reason": "asked to revise",
        "by": "sec",
    }
    with pytest.raises(InvalidTransition):
        reopen(opened, "self_review", member_id="m1")  # already open for revision
    late = datetime(2026, 4, 12, tzinfo=UTC)  # the self-review window has closed
    self_review(opened, "m1", value=90.0, at=late)
    assert cycle_state(opened).self_reviews["m1"].locked
    with pytest.raises(AlreadySubmitted):
        self_review(opened, "m1", at=late)


def test_reopening_needs_a_submitted_review(opened):
    with pytest.raises(NotFound):
        reopen(opened, "self_review", member_id="m2")
    with pytest.raises(BadInput):
        reopen(opened, "leader_review")


def test_finalising_needs_its_window_and_a_reason_for_missing_reviews(opened):
    self_review(opened, "m1")
    with pytest.raises(WindowClosed):
        finalise(opened, at=SELF_AT)
    with pytest.raises(MissingReviews) as refused:
        finalise(opened)
    assert "6 self_review" in str(refused.value)
    assert opened.measures.asked == []  # refused before asking the ledger
    done = finalise(opened, reason="two members on secondment")
    assert [e.type for e in done.events][-1] == "CycleFinalised"
    assert done.events[-1].data["missing_reviews_reason"] == "two members on secondment"


def test_nothing_changes_after_finalisation(opened):
    finalise(opened, reason="test")
    with pytest.raises(InvalidTransition):
        self_review(opened, "m2", at=FINAL_AT)
    with pytest.raises(InvalidTransition):
        finalise(opened, reason="again")


def test_a_complete_cycle_finalises_without_a_reason(opened):
    for member in MEMBERS:
        self_review(opened, member)
        for peer in ROSTER.peers(member, "group"):
            peer_review(opened, member, peer)
        leader = ROSTER.commentators(member)[0]
        comment(opened, leader, member)
    finalised = finalise(opened).events[-1].data
    assert finalised["missing_reviews"] == {"self_review": 0, "peer_review": 0, "leader_review": 0}
    assert finalised["missing_reviews_reason"] is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period": "2026-H1"}, "period"),
        ({"kind": "year_end", "period": "2026-Q1"}, "period"),
        ({"weights": {**open_command().weights, "self": 0.3}}, "weights"),
        ({"bands": {"excellent": 70, "competent": 75, "basically_competent": 60}}, "bands"),
        (
            {"windows": {**WINDOWS, "peer_review": Window(FINAL_AT, SELF_AT)}},
            "windows",
        ),
        (
            {
                "windows": {
                    **WINDOWS,
                    "finalisation": replace(WINDOWS["finalisation"], opens_at=OPENED),
                }
            },
            "windows",
        ),
    ],
)
def test_a_cycle_plan_is_checked_when_it_opens(ctx, changes, field):
    with pytest.raises(BadInput) as refused:
        cycles.open_cycle(open_command(**changes), ctx, OPENED)
    assert field in refused.value.messages


def test_a_cycle_opens_once_and_covers_its_period(opened):
    plan = cycle_state(opened).plan
    assert (plan["starts_on"], plan["ends_on"]) == ("2026-01-01", "2026-03-31")
    with pytest.raises(InvalidTransition):
        cycles.open_cycle(open_command(), opened, OPENED)
    year_end = cycles.open_cycle(
        open_command(cycle_id="c2", kind="year_end", period="2025"), opened, OPENED
    )
    assert year_end.events[0].data["ends_on"] == "2025-12-31"

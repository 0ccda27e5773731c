"""Who may open, review, comment, reopen and finalise, from the branch's roster."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from services.appraisal.domain.progress import progress_of
from services.appraisal.exceptions import BadInput, Forbidden, NotFound
from services.appraisal.handlers import cycles

from .conftest import KEY, OPENED, ROSTER, open_command
from .helpers import comment, cycle_state, finalise, self_review


@pytest.mark.parametrize("actor", ["sec", "com", "boss"])
def test_the_secretary_committee_members_and_the_institution_committee_open_cycles(ctx, actor):
    assert cycles.open_cycle(open_command(actor_id=actor), ctx, OPENED).version == 1


@pytest.mark.parametrize("actor", ["m1", "gl1", "stranger"])
def test_others_may_not_open_a_cycle(ctx, actor):
    with pytest.raises(Forbidden):
        cycles.open_cycle(open_command(actor_id=actor), ctx, OPENED)


def test_a_cycle_needs_a_known_branch(ctx):
    with pytest.raises(NotFound):
        cycles.open_cycle(open_command(branch_id="b9"), ctx, OPENED)


def test_only_members_review_themselves(opened):
    with pytest.raises(Forbidden):
        self_review(opened, "boss")


def test_group_leaders_comment_on_their_group_and_the_secretary_on_everyone(opened):
    comment(opened, "gl1", "m1")
    comment(opened, "sec", "m3")
    with pytest.raises(Forbidden):
        comment(opened, "gl1", "m3")  # another group
    with pytest.raises(Forbidden):
        comment(opened, "gl1", "gl1")  # not oneself
    with pytest.raises(Forbidden):
        comment(opened, "m2", "m1")
    with pytest.raises(NotFound):
        comment(opened, "sec", "nobody")


def test_who_owes_commentary():
    assert ROSTER.commentators("m1") == ["gl1"]
    assert ROSTER.commentators("gl1") == ["sec"]  # a leader is not their own commentator
    assert ROSTER.commentators("gl2") == ["sec"]
    lone = type(ROSTER)(
        "b1",
        members={"sec": None, "com": None},
        roles=frozenset({("sec", "secretary", None), ("com", "committee_member", None)}),
    )
    assert lone.commentators("sec") == ["com"]
    assert lone.may_comment("com", "sec") and not lone.may_comment("sec", "sec")


def test_pending_commentary_names_the_leaders_who_owe_it(opened):
    comment(opened, "gl1", "m1")
    progress = progress_of(cycle_state(opened), ROSTER, KEY)
    assert progress.pending("leader_review") == ["gl1", "gl2", "sec"]
    assert progress.pending("finalisation") == ["sec"]


def test_members_may_not_finalise(opened):
    with pytest.raises(Forbidden):
        finalise(opened, actor="m1", reason="x")


def test_commentary_raises_numbered_rectifications(opened):
    outcome = comment(opened, "gl1", "m1", rectify=("学习不够", "台账不全"))
    types = [e.type for e in outcome.events]
    assert types == ["LeaderCommentSubmitted", "RectificationRaised", "RectificationRaised"]
    raised = outcome.events[1].data
    assert raised == {
        "rectification_id": "c1.r1",
        "cycle_id": "c1",
        "branch_id": "b1",
        "member_id": "m1",
        "title": "学习不够",
        "due_date": "2026-06-30",
        "raised_by": "gl1",
    }
    assert outcome.events[0].data["rectifications"][1]["rectification_id"] == "c1.r2"
    assert comment(opened, "sec", "m2", rectify=("x",)).events[1].data["rectification_id"] == (
        "c1.r3"
    )


def test_a_rectification_falls_due_no_earlier_than_the_institutions_today(opened):
    at = datetime(2026, 4, 11, 17, 0, tzinfo=UTC)  # already 12 April in Asia/Shanghai
    with pytest.raises(BadInput):
        comment(opened, "gl1", "m1", at=at, rectify=("x",), due=date(2026, 4, 11))
    raised = comment(opened, "gl1", "m1", at=at, rectify=("x",), due=date(2026, 4, 12))
    assert raised.events[1].data["due_date"] == "2026-04-12"


def test_the_institutions_own_time_zone_judges_the_due_date(opened):
    """The roster carries the institution's zone: at the same moment it is still 11 April in
    New York, so a rectification due that day is accepted there."""
    in_new_york = replace(ROSTER, timezone="America/New_York")
    elsewhere = replace(opened, roster=lambda branch_id: in_new_york)
    at = datetime(2026, 4, 11, 17, 0, tzinfo=UTC)  # 13:00 on 11 April in New York
    raised = comment(elsewhere, "gl1", "m1", at=at, rectify=("x",), due=date(2026, 4, 11))
    assert raised.events[1].data["due_date"] == "2026-04-11"

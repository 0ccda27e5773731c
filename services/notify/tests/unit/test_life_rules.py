"""Study shortfall before a month's end; meetings due before their period's end."""

from __future__ import annotations

from services.notify.domain import rules
from services.notify.domain.preferences import Thresholds

from .conftest import at, decided, inputs

STUDY = (
    {"member_id": "m1", "months": [{"month": "2026-03", "count": 0}]},
    {"member_id": "m2", "months": [{"month": "2026-03", "count": 2}]},
    {
        "member_id": "m3",
        "months": [{"month": "2026-02", "count": 1}, {"month": "2026-03", "count": 0}],
    },
)


def test_members_with_no_article_hear_of_it_in_the_months_last_days():
    found = decided(rules.due(inputs(study=STUDY), at("2026-03-26")))
    assert found == {("study_shortfall", "m1", "m1"), ("study_shortfall", "m3", "m3")}
    assert {r.period for r in rules.due(inputs(study=STUDY), at("2026-03-26"))} == {"2026-03"}


def test_a_month_that_is_not_the_members_is_no_shortfall():
    """The ledger lists a member's months only from the day they joined: one admitted in April
    has no March to fall short in."""
    april = ({"member_id": "m4", "months": [{"month": "2026-04", "count": 0}]},)
    assert rules.due(inputs(study=april), at("2026-03-26")) == []


def test_not_before_the_threshold():
    assert rules.due(inputs(study=STUDY), at("2026-03-25")) == []  # 6 days left


def test_the_months_end_is_the_institutions_not_utcs():
    now = at("2026-03-25", hour=17)  # 01:00 on 26 March in Shanghai: 5 days left there
    assert len(rules.due(inputs(study=STUDY), now)) == 2
    assert rules.due(inputs(timezone="UTC", study=STUDY), now) == []  # still 25 March in UTC


def test_month_end_crosses_into_the_next_month_in_shanghai_first():
    # 31 March 16:30 UTC is 1 April in Shanghai: March is over there, April has just begun
    assert rules.due(inputs(study=STUDY), at("2026-03-31", hour=16)) == []
    assert len(rules.due(inputs(timezone="UTC", study=STUDY), at("2026-03-31", hour=16))) == 2


def slot(kind, period, held=0, group=None):
    return {"meeting_type": kind, "period": period, "held": held, "group_id": group}


SLOTS = (
    slot("committee_meeting", "2026-03"),
    slot("branch_general_meeting", "2026-Q1", held=1),
    slot("party_lecture", "2026-Q1"),
    slot("group_meeting", "2026-03", group="grp1"),
    slot("group_meeting", "2026-02", group="grp1"),  # over: past periods are not "due"
    slot("activity_day", "2026-H1"),  # ends in June: not near
)


def test_meetings_not_held_before_the_period_ends_go_to_the_secretary():
    found = rules.due(inputs(slots=SLOTS), at("2026-03-24"))  # 7 days left in March
    assert decided(found) == {
        ("meeting_due", "committee_meeting", "sec"),
        ("meeting_due", "party_lecture", "sec"),
        ("meeting_due", "group_meeting@grp1", "sec"),
    }
    assert {r.period for r in found} == {"2026-03", "2026-Q1"}


def test_meetings_wait_for_the_threshold():
    assert rules.due(inputs(slots=SLOTS), at("2026-03-23")) == []
    three = Thresholds(meetings_days_before_period_end=3)
    assert rules.due(inputs(thresholds=three, slots=SLOTS), at("2026-03-27")) == []
    assert len(rules.due(inputs(thresholds=three, slots=SLOTS), at("2026-03-28"))) == 3


def test_a_study_reminder_says_the_month_and_its_last_day_in_chinese():
    [first, *_] = rules.due(inputs(study=STUDY), at("2026-03-26"))
    assert first.title == "学习提醒：2026年3月尚未提交学习文章"
    assert "请在2026年3月31日前至少提交1篇" in first.body


def test_a_meeting_reminder_names_the_meeting_the_period_the_branch_and_the_group():
    found = {r.subject_id: r for r in rules.due(inputs(slots=SLOTS), at("2026-03-24"))}
    group = found["group_meeting@grp1"]
    assert group.title == "组织生活提醒：第一党小组2026年3月的党小组会尚未召开"
    assert group.body == (
        "第一支部第一党小组的党小组会本期（2026年3月）应召开而尚未召开，本期至2026年3月31日结束。"
    )
    lecture = found["party_lecture"]
    assert lecture.title == "组织生活提醒：2026年第一季度的党课尚未召开"
    assert "grp1" not in group.title + group.body

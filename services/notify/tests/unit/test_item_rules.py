"""Items: due soon, overdue, escalation to the urging then the supervision holders."""

from __future__ import annotations

import pytest

from services.notify.domain import rules
from services.notify.domain.preferences import Thresholds

from .conftest import at, decided, entry, inputs


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-03-16", set()),  # 4 days before: not yet
        ("2026-03-17", {("due_soon", "it1", "m1")}),  # 3 days before
        ("2026-03-20", {("due_soon", "it1", "m1")}),  # due today
        ("2026-03-21", {("overdue", "it1", "m1")}),
        (
            "2026-03-23",  # 3 days late: the urging holder hears of it
            {("overdue", "it1", "m1"), ("overdue_urging", "it1", "com")},
        ),
        (
            "2026-03-30",  # 3 + 7 days late: then the supervision holder
            {
                ("overdue", "it1", "m1"),
                ("overdue_urging", "it1", "com"),
                ("overdue_supervision", "it1", "fto"),
            },
        ),
    ],
)
def test_an_item_moves_through_the_rules_as_the_clock_moves(day, expected):
    assert decided(rules.due(inputs(entries=(entry(),)), at(day))) == expected


def test_the_escalation_stages_come_in_order_of_the_thresholds():
    first = {r.rule for r in rules.due(inputs(entries=(entry(),)), at("2026-03-29"))}
    assert "overdue_urging" in first and "overdue_supervision" not in first


def test_finished_occurrences_are_left_alone():
    rows = (entry(status="done"), entry(item="it2", status="cancelled"))
    assert rules.due(inputs(entries=rows), at("2026-03-30")) == []


def test_the_reminder_is_the_same_however_often_the_rules_run():
    once = rules.due(inputs(entries=(entry(),)), at("2026-03-21"))
    later = rules.due(inputs(entries=(entry(),)), at("2026-03-21", hour=9))
    assert [r.key for r in once] == [r.key for r in later]


def test_without_goal_holders_escalation_follows_the_roles():
    row = entry(goal=None)
    found = decided(rules.due(inputs(entries=(row,)), at("2026-03-30")))
    assert {who for rule, _, who in found if rule == "overdue_urging"} == {"gl1", "com", "com2"}
    assert {who for rule, _, who in found if rule == "overdue_supervision"} == {"fto", "fto2"}


def test_an_escalation_names_the_owner_and_the_branch_by_name():
    found = rules.due(inputs(entries=(entry(),)), at("2026-03-23"))
    urging = next(r for r in found if r.rule == "overdue_urging")
    assert urging.title == "督促提醒：张三的「调研报告」已逾期3天"
    assert urging.body == (
        "第一支部 张三负责的「调研报告」（改革（业务）工作 · 一次性）应于2026年3月20日完成，"
        "已逾期3天。请履行督促责任。"
    )
    supervision = rules.due(inputs(entries=(entry(),)), at("2026-03-30"))
    assert any(
        r.body.endswith("请履行监督责任，并在台账事项中记录追究问责情况。") for r in supervision
    )
    unnamed = rules.due(inputs(entries=(entry(owner="m9"),)), at("2026-03-23"))
    assert "m9的" in next(r for r in unnamed if r.rule == "overdue_urging").title


def test_an_owner_reads_the_item_its_kind_cadence_and_period_in_words():
    monthly = entry(kind="party_building", cadence="monthly", period="2026-03")
    [soon] = rules.due(inputs(entries=(monthly,)), at("2026-03-18"))
    assert soon.title == "台账提醒：「调研报告」（2026年3月）将于2026年3月20日到期"
    assert soon.body == (
        "您负责的「调研报告」（党建工作 · 每月 · 2026年3月）应于2026年3月20日前完成，"
        "请及时推进并记录进展。"
    )
    [late] = rules.due(inputs(entries=(entry(),)), at("2026-03-21"))
    assert late.title == "台账逾期：「调研报告」已逾期1天"
    assert late.body.startswith("您负责的「调研报告」（改革（业务）工作 · 一次性）")


def test_a_routine_item_is_reminded_once_a_review_period_with_its_review_in_words():
    routine = entry(cadence="routine", review="quarterly", period="2026-Q1")
    [soon] = rules.due(inputs(entries=(routine,)), at("2026-03-18"))
    assert soon.title == "台账提醒：「调研报告」（2026年第一季度）将于2026年3月20日到期"
    assert "（改革（业务）工作 · 日常 · 每季度回顾 · 2026年第一季度）" in soon.body


def test_the_branchs_own_item_is_named_as_the_branchs():
    [soon] = rules.due(inputs(entries=(entry(owner=None),)), at("2026-03-18"))
    assert soon.body.startswith("第一支部的「调研报告」")
    found = rules.due(inputs(entries=(entry(owner=None),)), at("2026-03-23"))
    urging = next(r for r in found if r.rule == "overdue_urging")
    assert urging.title == "督促提醒：第一支部的「调研报告」已逾期3天"


def test_no_reminder_shows_an_id_or_an_english_code():
    rows = (entry(), entry(item="it2", owner=None, cadence="quarterly", period="2026-Q1"))
    texts = [r.title + r.body for r in rules.due(inputs(entries=rows), at("2026-03-30"))]
    for code in ("it1", "it2", "m1", "b1", "grp1", "g-S1", "reform", "once", "quarterly", "Q1"):
        assert not any(code in text for text in texts), code


def test_an_item_with_no_owner_is_the_secretarys():
    found = decided(rules.due(inputs(entries=(entry(owner=None),)), at("2026-03-18")))
    assert found == {("due_soon", "it1", "sec")}


def test_a_branch_sets_its_own_thresholds():
    mine = Thresholds(due_soon_days=7, escalate_after_days=1, escalate_again_after_days=1)
    early = decided(rules.due(inputs(thresholds=mine, entries=(entry(),)), at("2026-03-13")))
    assert early == {("due_soon", "it1", "m1")}
    late = {
        r.rule for r in rules.due(inputs(thresholds=mine, entries=(entry(),)), at("2026-03-22"))
    }
    assert late == {"overdue", "overdue_urging", "overdue_supervision"}


def test_days_are_counted_in_the_institutions_time_zone():
    # 2026-03-20 17:00 UTC is already 21 March in Shanghai: one day late there, due today in UTC
    now = at("2026-03-20", hour=17)
    assert {r.rule for r in rules.due(inputs(entries=(entry(),)), now)} == {"overdue"}
    utc = inputs(timezone="UTC", entries=(entry(),))
    assert {r.rule for r in rules.due(utc, now)} == {"due_soon"}

"""Appraisal step windows: opening, and closing soon for those who have not submitted."""

from __future__ import annotations

from services.notify.domain import rules

from .conftest import at, decided, inputs

STEP = {
    "cycle_id": "c1",
    "branch_id": "b1",
    "kind": "quarterly",
    "period": "2026-Q1",
    "step": "self_review",
    "opens_at": "2026-03-16T00:00:00+08:00",
    "closes_at": "2026-03-23T18:00:00+08:00",
    "pending_member_ids": ["m1", "m2"],
}


def test_the_window_opening_reaches_everyone_pending():
    found = decided(rules.due(inputs(steps=(STEP,)), at("2026-03-17")))
    assert found == {
        ("appraisal_open", "c1/self_review", "m1"),
        ("appraisal_open", "c1/self_review", "m2"),
    }


def test_closing_soon_reaches_those_who_have_not_submitted():
    step = {**STEP, "pending_member_ids": ["m2"]}
    found = decided(rules.due(inputs(steps=(step,)), at("2026-03-21")))
    assert ("appraisal_closing", "c1/self_review", "m2") in found
    assert {who for _, _, who in found} == {"m2"}


def test_nothing_before_the_window_opens_or_after_it_closes():
    assert rules.due(inputs(steps=(STEP,)), at("2026-03-15")) == []
    assert rules.due(inputs(steps=(STEP,)), at("2026-03-23", hour=11)) == []


def test_opening_and_closing_are_different_reminders():
    found = rules.due(inputs(steps=(STEP,)), at("2026-03-22"))
    assert len({r.key for r in found}) == 4


def test_a_reminder_names_the_step_the_cycle_and_the_branch_with_a_chinese_time():
    found = {r.rule: r for r in rules.due(inputs(steps=(STEP,)), at("2026-03-22"))}
    opened, closing = found["appraisal_open"], found["appraisal_closing"]
    assert opened.title == "评议提醒：自评已开始，2026年3月23日 18:00截止"
    assert opened.body == "第一支部2026年第一季度评议的自评已开放，请在2026年3月23日 18:00前提交。"
    assert closing.title == "评议提醒：自评即将截止（2026年3月23日 18:00）"
    assert "c1" not in opened.body + closing.body


def test_a_step_without_its_cycles_name_says_this_rounds():
    step = {key: value for key, value in STEP.items() if key not in ("kind", "period")}
    [first, *_] = rules.due(inputs(steps=(step,)), at("2026-03-17"))
    assert first.body.startswith("第一支部本轮评议的自评已开放")

"""Appraisal step windows, as the appraisal service reports them. Pure.

For each step open now (opens_at ≤ now < closes_at), to each member who has not submitted yet:
- appraisal_open: once per window;
- appraisal_closing: once, when closes_at is within due_soon_days.
A member who submits drops out of `pending_member_ids`, so is not reminded of the closing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .inputs import BranchInputs, Row
from .reminders import Reminder

STEP_NAMES = {
    "self_review": "自评",
    "peer_review": "互评",
    "leader_review": "点评",
    "finalisation": "定档",
}


def appraisal_reminders(inputs: BranchInputs, now: datetime) -> list[Reminder]:
    soon = timedelta(days=inputs.thresholds.due_soon_days)
    reminders = []
    for step in inputs.steps:
        opens, closes = _at(step["opens_at"]), _at(step["closes_at"])
        if not opens <= now < closes:
            continue
        rules = [("appraisal_open", step["opens_at"])]
        if closes - now <= soon:
            rules.append(("appraisal_closing", step["closes_at"]))
        reminders += [
            _reminder(inputs.branch_id, step, rule, period, who, inputs.timezone)
            for rule, period in rules
            for who in step["pending_member_ids"]
        ]
    return reminders


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _reminder(
    branch_id: str, step: Row, rule: str, period: str, who: str, timezone: str
) -> Reminder:
    name = STEP_NAMES.get(step["step"], step["step"])
    closes = _at(step["closes_at"]).astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
    if rule == "appraisal_open":
        title = f"评议提醒：{name}已开始，{closes} 截止"
        body = f"本轮评议（{step['cycle_id']}）的{name}已开放，请在 {closes} 前提交。"
    else:
        title = f"评议提醒：{name}即将截止（{closes}）"
        body = f"本轮评议（{step['cycle_id']}）的{name}将于 {closes} 截止，您尚未提交。"
    subject = f"{step['cycle_id']}/{step['step']}"
    return Reminder(rule, subject, period, who, branch_id, title, body)

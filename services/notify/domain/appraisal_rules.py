"""Appraisal step windows, as the appraisal service reports them. Pure.

For each step open now (opens_at ≤ now < closes_at), to each member who has not submitted yet:
- appraisal_open: once per window;
- appraisal_closing: once, when closes_at is within due_soon_days.
A member who submits drops out of `pending_member_ids`, so is not reminded of the closing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.common.labels import label
from services.common.written import cycle_name, moment

from .inputs import BranchInputs, Row
from .reminders import Reminder


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
            _reminder(inputs, step, rule, period, who)
            for rule, period in rules
            for who in step["pending_member_ids"]
        ]
    return reminders


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _reminder(inputs: BranchInputs, step: Row, rule: str, period: str, who: str) -> Reminder:
    subject = f"{step['cycle_id']}/{step['step']}"
    title, body = _text(inputs, step, rule)
    return Reminder(rule, subject, period, who, inputs.branch_id, title, body)


def _text(inputs: BranchInputs, step: Row, rule: str) -> tuple[str, str]:
    """The step and the cycle by name (2026年第一季度评议), the closing time the Chinese way
    in the institution's time zone."""
    name = label("step", step["step"])
    closes = moment(_at(step["closes_at"]).astimezone(ZoneInfo(inputs.timezone)))
    # An appraisal service of the release before answers without them (a rolling upgrade).
    known = step.get("kind") and step.get("period")
    cycle = cycle_name(step["kind"], step["period"]) if known else "本轮评议"
    if rule == "appraisal_open":
        return (
            f"评议提醒：{name}已开始，{closes}截止",
            f"{inputs.branch_name}{cycle}的{name}已开放，请在{closes}前提交。",
        )
    return (
        f"评议提醒：{name}即将截止（{closes}）",
        f"{inputs.branch_name}{cycle}的{name}将于{closes}截止，您尚未提交。",
    )

"""Study shortfall and meetings due, both counted back from the end of a period. Pure.

- study_shortfall: in the last study_days_before_month_end days of a month (local time), each
  active member with no article that month → the member, if the month is theirs (the ledger's
  study log lists only the months of a member's spells in the branch: not those before they
  joined);
- meeting_due: in the last meetings_days_before_period_end days of a required meeting's period,
  a meeting not held yet → the branch's secretaries (per group for per-group meetings).
Periods are the ledger's (`2026-03`, `2026-Q1`, `2026-H1`, `2026`), read with its own arithmetic.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from services.common.labels import label
from services.common.periods import period_bounds
from services.common.written import day, period

from .inputs import BranchInputs, Row
from .reminders import Reminder


def days_to_month_end(today: date) -> int:
    return monthrange(today.year, today.month)[1] - today.day


def study_due(inputs: BranchInputs, today: date) -> bool:
    """Whether it is late enough in the month to look at the study log at all."""
    return days_to_month_end(today) <= inputs.thresholds.study_days_before_month_end


def meetings_due(inputs: BranchInputs, today: date) -> bool:
    """Every meeting period ends with a month, so only a month's last days can be near one."""
    return days_to_month_end(today) <= inputs.thresholds.meetings_days_before_period_end


def study_reminders(inputs: BranchInputs, today: date) -> list[Reminder]:
    if not study_due(inputs, today):
        return []
    month = f"{today:%Y-%m}"
    end = today.replace(day=monthrange(today.year, today.month)[1])
    title = f"学习提醒：{period(month)}尚未提交学习文章"
    body = (
        f"本月（{period(month)}）您还没有提交学习文章，请在{day(end)}前至少提交1篇（每月1–5篇）。"
    )
    return [
        Reminder(
            "study_shortfall",
            member["member_id"],
            month,
            member["member_id"],
            inputs.branch_id,
            title,
            body,
        )
        for member in inputs.study
        if any(row["month"] == month and row["count"] == 0 for row in member["months"])
    ]


def meeting_reminders(inputs: BranchInputs, today: date) -> list[Reminder]:
    limit = inputs.thresholds.meetings_days_before_period_end
    reminders = []
    for slot in inputs.slots:
        starts, ends = period_bounds(slot["period"])
        if slot["held"] or not starts <= today <= ends or (ends - today).days > limit:
            continue
        subject = slot["meeting_type"] + (f"@{slot['group_id']}" if slot["group_id"] else "")
        title, body = _meeting_text(inputs, slot, ends)
        reminders += [
            Reminder("meeting_due", subject, slot["period"], who, inputs.branch_id, title, body)
            for who in inputs.people.secretaries
        ]
    return reminders


def _meeting_text(inputs: BranchInputs, slot: Row, ends: date) -> tuple[str, str]:
    """The meeting and its period in words, the branch and the group by name."""
    name, when = label("meeting_type", slot["meeting_type"]), period(slot["period"])
    group = inputs.people.group_name(slot["group_id"]) if slot["group_id"] else ""
    return (
        f"组织生活提醒：{group}{when}的{name}尚未召开",
        f"{inputs.branch_name}{group}的{name}本期（{when}）应召开而尚未召开，"
        f"本期至{day(ends)}结束。",
    )

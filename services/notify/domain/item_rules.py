"""Ledger items: due soon, overdue, and the escalation along the goal's responsibilities. Pure.

For an unfinished occurrence due on D, with today T in the institution's time zone:
- due_soon: 0 ≤ D − T ≤ due_soon_days → the owner;
- overdue: T − D ≥ 1 → the owner;
- overdue_urging: T − D ≥ escalate_after_days → the goal's urging holders;
- overdue_supervision: T − D ≥ escalate_after_days + escalate_again_after_days → the goal's
  supervision holder ("again after": counted from the first escalation, not the due date).
An item with no owner is the secretary's (primary responsibility for the branch's goals).
"""

from __future__ import annotations

from datetime import date

from services.common.labels import label
from services.common.roles import FINISHED
from services.common.written import cadence, day, period

from .inputs import BranchInputs, Row
from .reminders import Reminder


def item_reminders(inputs: BranchInputs, today: date) -> list[Reminder]:
    return [
        reminder
        for entry in inputs.entries
        if entry["status"] not in FINISHED
        for reminder in _for_entry(inputs, entry, today)
    ]


def _for_entry(inputs: BranchInputs, entry: Row, today: date) -> list[Reminder]:
    limits, people = inputs.thresholds, inputs.people
    due = date.fromisoformat(entry["due_date"])
    late = (today - due).days
    owners = (entry["owner_id"],) if entry.get("owner_id") else people.secretaries
    stages: list[tuple[str, tuple[str, ...]]] = []
    if -limits.due_soon_days <= late <= 0:
        stages.append(("due_soon", owners))
    if late >= 1:
        stages.append(("overdue", owners))
    if late >= limits.escalate_after_days:
        stages.append(("overdue_urging", people.urging_for(entry["goal_id"], entry["group_id"])))
    if late >= limits.escalate_after_days + limits.escalate_again_after_days:
        stages.append(("overdue_supervision", people.supervision_for(entry["goal_id"])))
    return [
        Reminder(
            rule,
            entry["item_id"],
            entry["period"],
            who,
            inputs.branch_id,
            *_text(rule, inputs, entry, due, late),
        )
        for rule, recipients in stages
        for who in recipients
    ]


def _named(entry: Row) -> tuple[str, str]:
    """The item by its title and period (for a title), and with its kind and cadence in words
    too (for a body): 「工作要点」（2026年3月）, 「工作要点」（党建工作 · 每月 · 2026年3月）."""
    when = period(entry["period"])
    how_often = cadence(entry.get("cadence"), entry.get("review"))
    words = (label("kind", entry.get("kind")), how_often, when)
    about = f"「{entry['title']}」（{' · '.join(w for w in words if w)}）"
    return f"「{entry['title']}」" + (f"（{when}）" if when else ""), about


def _text(rule: str, inputs: BranchInputs, entry: Row, due: date, late: int) -> tuple[str, str]:
    """Title and body, naming the owner and the branch (an item no one owns is the branch's:
    its secretaries hear of it)."""
    item, about = _named(entry)
    branch, owned = inputs.branch_name, bool(entry.get("owner_id"))
    yours = "您负责的" if owned else f"{branch}的"
    if rule == "due_soon":
        return (
            f"台账提醒：{item}将于{day(due)}到期",
            f"{yours}{about}应于{day(due)}前完成，请及时推进并记录进展。",
        )
    if rule == "overdue":
        return (
            f"台账逾期：{item}已逾期{late}天",
            f"{yours}{about}应于{day(due)}完成，现已逾期{late}天，请尽快完成。",
        )
    duty = "督促" if rule == "overdue_urging" else "监督"
    owner = inputs.people.name_of(entry["owner_id"]) if owned else branch
    whose = f"{branch} {owner}负责的" if owned else f"{branch}的"
    # The supervision holder is whom the ledger asks what was done about it (accountability).
    record = "，并在台账事项中记录追究问责情况" if rule == "overdue_supervision" else ""
    return (
        f"{duty}提醒：{owner}的{item}已逾期{late}天",
        f"{whose}{about}应于{day(due)}完成，已逾期{late}天。请履行{duty}责任{record}。",
    )

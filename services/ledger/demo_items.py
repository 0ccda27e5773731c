"""The demo's ledger items: ~10 per branch, group and member, with realistic outcomes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from .domain import items as c
from .domain.items import schedule
from .handlers import items as h

CADENCES = (
    ("annual", 20),
    ("half_year", 15),
    ("quarterly", 25),
    ("monthly", 15),
    ("once", 20),
    ("routine", 5),  # ongoing work, reviewed monthly (now and then quarterly)
)
KINDS = ("party_building", "reform", "special_project")
TITLES = {
    "party_building": ("“三会一课”落实", "主题党日活动", "党员学习教育", "党费收缴", "谈心谈话"),
    "reform": ("案件质效分析", "审判流程优化", "类案检索机制", "繁简分流改革", "调研报告"),
    "special_project": ("专项整治", "执行攻坚", "诉源治理试点", "信息化建设", "志愿服务"),
}


def item_actions(world, branch_id: str, groups: dict[str, list[str]]) -> Iterator[list[tuple]]:
    """Per item: its commands (handler, command, when) in the order they happened."""
    sec = world.holder(branch_id, "secretary")
    ledgers = [("branch", None, sec, None)]
    ledgers += [("group", group, members[-1], members[-1]) for group, members in groups.items()]
    ledgers += [
        ("member", group, members[-1], member)
        for group, members in groups.items()
        for member in members
    ]
    for level, group, manager, owner in ledgers:
        for n in range(world.items):
            plan = _plan(world, branch_id, level, group, manager, owner or sec, f"{n}")
            yield sorted(_actions(world, plan), key=lambda action: action[2])


def _plan(world, branch_id, level, group, manager, owner, n) -> c.PlanItem:
    rng, year = world.rng, world.year
    cadence = rng.choices([k for k, _ in CADENCES], [w for _, w in CADENCES])[0]
    kind = rng.choice(KINDS)
    timing: dict[str, Any] = {"starts_on": date(year, 1, 1), "ends_on": date(year, 12, 31)}
    if cadence == "once":
        timing = {"due_date": date(year, rng.randint(1, 12), rng.randint(1, 28))}
    elif cadence == "routine":
        timing["review"] = rng.choice(("monthly", "monthly", "quarterly"))
    elif cadence != "annual":
        timing["due_day"] = rng.choice((10, 20, 25, 31))
    item_id = f"{branch_id}.{level[0]}.{group or ''}.{owner}.{n}"
    return c.PlanItem(
        manager,
        item_id,
        branch_id,
        level,
        kind,
        cadence,
        rng.choice(TITLES[kind]),
        "按年度目标责任书推进",
        goal_id=rng.choice(world.goal_ids(branch_id)),
        group_id=group,
        owner_id=owner,
        **timing,
    )


def _actions(world, plan: c.PlanItem) -> list[tuple]:
    planned_on = date(world.year, 1, world.rng.randint(3, 12))
    actions = [(h.plan_item, plan, at(planned_on, 9))]
    occurrences = schedule({**asdict(plan), **_iso(plan)})
    for period, due in occurrences:
        actions += _outcome(world, plan, period, due, planned_on)
    return actions


def _outcome(world, plan: c.PlanItem, period: str, due: date, planned_on: date) -> list[tuple]:
    """Mostly done on time, some late, some left overdue, a few cancelled; future ones planned."""
    rng, today, owner = world.rng, world.today, plan.owner_id
    roll = rng.random()
    if due >= today:
        if roll < 0.25 and planned_on < today - timedelta(days=1):
            when = _between(world, planned_on, today)
            return [(h.start_item, c.StartItem(owner, plan.item_id, period), at(when))]
        return []
    if roll < 0.75:
        when = _between(world, max(planned_on, due - timedelta(days=12)), due)
    elif roll < 0.87:
        when = _between(world, due + timedelta(days=1), min(due + timedelta(days=20), today))
    elif roll < 0.95:  # overdue: still planned after its due date
        return _accounted(world, plan, period, due) if roll < 0.91 else []
    else:
        cancel = c.CancelItem(plan.actor_id, plan.item_id, "任务调整，不再单独开展", period)
        return [(h.cancel_item, cancel, at(_between(world, planned_on, due)))]
    note = c.NoteProgress(
        owner,
        plan.item_id,
        period,
        "已推进，形成阶段性材料",
        (f"https://files.example/{plan.item_id}/{period}",),
    )
    done = c.CompleteOccurrence(owner, plan.item_id, period, "已完成")
    return [(h.note_progress, note, at(when, 10)), (h.complete_occurrence, done, at(when))]


def _accounted(world, plan: c.PlanItem, period: str, due: date) -> list[tuple]:
    """Half of what is left overdue reached its supervision holder (the full-time officer holds
    every demo goal's supervision), who acted ten days after the due date: a reminder or a talk."""
    taken_on = due + timedelta(days=10)
    if taken_on >= world.today:
        return []
    officer = world.holder(plan.branch_id, "full_time")
    action, note = ("talk", "已约谈责任人，限期两周内完成") if due.month % 2 else ("reminder", "")
    cmd = c.RecordAccountability(officer, plan.item_id, period, action, note, taken_on)
    return [(h.record_accountability, cmd, at(taken_on, 16))]


def _between(world, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=world.rng.randint(0, (last - first).days))


def at(day: date, hour: int = 18) -> datetime:
    """A moment on a local (Asia/Shanghai, UTC+8) day, in UTC."""
    return datetime.combine(day, time(hour), UTC) - timedelta(hours=8)


def _iso(plan: c.PlanItem) -> dict[str, Any]:
    return {k: v.isoformat() for k, v in asdict(plan).items() if isinstance(v, date)}

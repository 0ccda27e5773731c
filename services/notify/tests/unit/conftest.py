"""A branch's inputs as the scan would gather them, built small for each rule's test."""

from __future__ import annotations

from datetime import UTC, datetime

from services.notify.domain.inputs import BranchInputs, People
from services.notify.domain.preferences import Thresholds

# 10:00 in Asia/Shanghai on Tuesday 17 March 2026
NOW = datetime(2026, 3, 17, 2, 0, tzinfo=UTC)
PEOPLE = People(
    secretaries=("sec",),
    urging={"g-S1": ("com",)},
    supervision={"g-S1": ("fto",)},
    committee_members=("com", "com2"),
    group_leaders={"grp1": ("gl1",)},
    officers=("fto", "fto2"),
    names={"m1": "张三", "com": "李四"},
    groups={"grp1": "第一党小组"},
)


def entry(item="it1", due="2026-03-20", status="planned", owner="m1", goal="g-S1", **more):
    return {
        "item_id": item,
        "kind": "reform",
        "cadence": "once",
        "period": "once",
        "title": "调研报告",
        "due_date": due,
        "status": status,
        "owner_id": owner,
        "goal_id": goal,
        "group_id": more.pop("group", "grp1"),
        **more,
    }


DEFAULTS = Thresholds()


def inputs(timezone="Asia/Shanghai", thresholds=DEFAULTS, **rows) -> BranchInputs:
    return BranchInputs("b1", timezone, thresholds, PEOPLE, name="第一支部", **rows)


def at(day: str, hour: int = 2) -> datetime:
    """A moved clock: `day` at `hour` UTC (10:00 in Shanghai at the default hour)."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def decided(reminders) -> set[tuple[str, str, str]]:
    return {(r.rule, r.subject_id, r.recipient_id) for r in reminders}

"""A small branch written through the ledger's own commands, with ids unique to each run.

`call(method, **payload)` runs one ledger command: through RPC in the service tests, through
the ledger's handlers into the real log in the handler tests — the same events either way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

# Times on the moved clock: 10:00 in Asia/Shanghai on the day named.
DAYS = {
    "due_soon": "2026-03-17",  # it1 due in 3 days, it2 in 2: both "due soon"
    "overdue": "2026-03-21",  # it1 one day late; it2 two days late
    "urging": "2026-03-23",  # it1 3 days late → urging; it2 4 days late
    "month_end": "2026-03-26",  # 5 days to the end of March: study, meetings
    "supervision": "2026-03-30",  # it1 10 days late → supervision
}


Call = Callable[..., dict]


def at(name: str) -> datetime:
    return datetime.fromisoformat(DAYS[name]).replace(hour=2, tzinfo=UTC)


def seed(call: Call, run: str | None = None) -> dict[str, str]:
    """An institution, a branch of six, goal S1's holders, two items, March's meetings."""
    run = run or uuid.uuid4().hex[:8]
    ids = {
        name: f"{name}{run}"
        for name in ("boss", "inst", "branch", "grp", "sec", "fto", "lead", "com", "m1", "m2")
    }
    _organisation(call, ids)
    _goals_and_items(call, ids, run)
    _life(call, ids)
    return ids


def _organisation(call: Call, ids: dict[str, str]) -> None:
    boss, branch = ids["boss"], ids["branch"]
    founders = [{"person_id": boss, "name": "机关党委书记"}]
    call(
        "register_institution",
        actor_id=boss,
        institution_id=ids["inst"],
        name="机关",
        founders=founders,
    )
    template = [{"code": f"S{n}", "title": f"目标 {n}"} for n in range(1, 9)]
    call("set_goal_template", actor_id=boss, institution_id=ids["inst"], year=2026, goals=template)
    call(
        "register_branch",
        actor_id=boss,
        institution_id=ids["inst"],
        branch_id=branch,
        name="一支部",
    )
    call("form_group", actor_id=boss, branch_id=branch, group_id=ids["grp"], name="一组")
    for person in ("sec", "fto", "lead", "com", "m1", "m2"):
        call(
            "admit_member",
            actor_id=boss,
            branch_id=branch,
            member_id=ids[person],
            name=person,
            group_id=ids["grp"],
            email=f"{ids[person]}@example.cn",
            joined_on="2026-01-01",  # members all of 2026, whenever the test records them
        )
    roles = {"sec": "secretary", "fto": "full_time_officer", "lead": "leadership_member"}
    for person, role in {**roles, "com": "committee_member"}.items():
        call("grant_role", actor_id=boss, branch_id=branch, member_id=ids[person], role=role)


def _goals_and_items(call: Call, ids: dict[str, str], run: str) -> None:
    """Goal S1: supervised by fto, urged by com; it1 (m1) and it2 (m2) belong to it."""
    branch, sec = ids["branch"], ids["sec"]
    call("open_goal_set", actor_id=sec, branch_id=branch, year=2026)
    ids["goal"] = f"{branch}.2026.S1"
    call(
        "assign_responsibility",
        actor_id=sec,
        branch_id=branch,
        year=2026,
        goal_id=ids["goal"],
        primary=sec,
        supervision=ids["fto"],
        coordination=ids["lead"],
        urging=[ids["com"]],
    )
    for item, owner, due in (("it1", "m1", "2026-03-20"), ("it2", "m2", "2026-03-19")):
        ids[item] = call(
            "plan_item",
            actor_id=sec,
            branch_id=branch,
            item_id=f"{item}{run}",
            level="member",
            kind="reform",
            cadence="once",
            title=f"调研 {item}",
            goal_id=ids["goal"],
            owner_id=ids[owner],
            due_date=due,
        )["id"]


def _life(call: Call, ids: dict[str, str]) -> None:
    """Every March meeting held but the party lecture; m2 has studied in March, m1 has not."""
    branch, sec = ids["branch"], ids["sec"]
    for kind in ("committee_meeting", "branch_general_meeting", "activity_day", "group_meeting"):
        group = ids["grp"] if kind == "group_meeting" else None
        call(
            "record_meeting",
            actor_id=sec,
            branch_id=branch,
            meeting_type=kind,
            held_on="2026-03-05",
            title=kind,
            group_id=group,
        )
    call(
        "post_article",
        actor_id=ids["m2"],
        branch_id=branch,
        member_id=ids["m2"],
        title="学习心得",
        posted_on="2026-03-03",
    )

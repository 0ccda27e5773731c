"""A small branch written through the handlers into the in-memory store (the fake of the log)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from eventlog.memory import InMemoryEventStore
from services.ledger.domain import branch as b
from services.ledger.domain import institution as o
from services.ledger.handlers import organisation as org

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai
TEMPLATE = tuple(
    {"code": f"S{n}", "title": f"standard goal {n}", "description": ""} for n in range(1, 9)
)
# member id → (group, roles); group leaders lead their own group.
PEOPLE = {
    "sec": ("g1", ["secretary"]),
    "fto": ("g1", ["full_time_officer"]),
    "lead": ("g2", ["leadership_member"]),
    "com": ("g2", ["committee_member"]),
    "gl1": ("g1", ["group_leader"]),
    "gl2": ("g2", ["group_leader"]),
    "m1": ("g1", []),
    "m2": ("g2", []),
}


@pytest.fixture
def store() -> InMemoryEventStore:
    store = InMemoryEventStore(source="ledger")
    founders = (("boss", "机关党委 书记"),)
    org.register_institution(
        o.RegisterInstitution("boss", "i1", "最高院机关", founders), store, NOW
    )
    org.set_goal_template(o.SetGoalTemplate("boss", "i1", 2026, TEMPLATE), store, NOW)
    org.register_branch(b.RegisterBranch("boss", "b1", "i1", "第一支部"), store, NOW)
    for group in ("g1", "g2"):
        org.form_group(b.FormGroup("boss", "b1", group, f"小组 {group}"), store, NOW)
    for member, (group, roles) in PEOPLE.items():
        org.admit_member(b.AdmitMember("boss", "b1", member, member.upper(), group), store, NOW)
        for role in roles:
            grant = b.GrantRole(
                "boss", "b1", member, role, group if role == "group_leader" else None
            )
            org.grant_role(grant, store, NOW)
    return store

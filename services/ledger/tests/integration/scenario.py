"""A small branch written through the handlers, with ids unique to each test run."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from services.ledger.domain import branch as b
from services.ledger.domain import institution as o
from services.ledger.domain import items as c
from services.ledger.handlers import items as h
from services.ledger.handlers import organisation as org

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
FOUNDED = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)  # the branch and its members, before 2026
EVIDENCE = "https://example.org/minutes-2026-01"  # what m1's January completion shows


def build(store) -> dict[str, str]:
    """An institution, a branch with a secretary and a member (both there since 2025), and a
    monthly item for the member: January done on time, February late (which the secretary
    then talked to the member about)."""
    run = uuid.uuid4().hex[:8]
    ids = {
        "inst": f"i{run}",
        "branch": f"b{run}",
        "boss": f"boss{run}",
        "sec": f"sec{run}",
        "m1": f"m{run}",
        "item": f"it{run}",
        "group": f"g{run}",
    }
    outcomes = [
        org.register_institution(
            o.RegisterInstitution(ids["boss"], ids["inst"], "机关", ((ids["boss"], "书记"),)),
            store,
            FOUNDED,
        ),
        org.register_branch(
            b.RegisterBranch(ids["boss"], ids["branch"], ids["inst"], "一支部"), store, FOUNDED
        ),
        org.form_group(
            b.FormGroup(ids["boss"], ids["branch"], ids["group"], "一组"), store, FOUNDED
        ),
    ]
    for person in ("sec", "m1"):
        admit = b.AdmitMember(ids["boss"], ids["branch"], ids[person], person, ids["group"])
        outcomes.append(org.admit_member(admit, store, FOUNDED))
    grant = b.GrantRole(ids["boss"], ids["branch"], ids["sec"], "secretary")
    outcomes.append(org.grant_role(grant, store, FOUNDED))
    plan = c.PlanItem(
        ids["sec"],
        ids["item"],
        ids["branch"],
        "member",
        "reform",
        "monthly",
        "调研",
        owner_id=ids["m1"],
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 4, 30),
        due_day=20,
    )
    outcomes.append(h.plan_item(plan, store, datetime(2026, 1, 2, tzinfo=UTC)))
    done = c.CompleteOccurrence(ids["m1"], ids["item"], "2026-01", "ok", (EVIDENCE,))
    outcomes.append(h.complete_occurrence(done, store, datetime(2026, 1, 15, tzinfo=UTC)))
    late = c.CompleteOccurrence(ids["m1"], ids["item"], "2026-02", "late")
    outcomes.append(h.complete_occurrence(late, store, datetime(2026, 2, 25, tzinfo=UTC)))
    talk = c.RecordAccountability(ids["sec"], ids["item"], "2026-02", "talk", "已约谈")
    outcomes.append(h.record_accountability(talk, store, datetime(2026, 2, 26, tzinfo=UTC)))
    ids["events"] = [e for outcome in outcomes for e in outcome.events]
    return ids

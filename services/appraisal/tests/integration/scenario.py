"""A branch seeded in the ledger's log through its handlers, dated in 2026-Q3 so that its
measures are settled: one group of four (secretary, group leader, two members), a monthly item
for m1 done on time twice and late once, a general meeting, and m1's study articles."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from services.ledger.domain import branch as b
from services.ledger.domain import institution as o
from services.ledger.domain import items as c
from services.ledger.domain import orglife, study
from services.ledger.handlers import items, life
from services.ledger.handlers import organisation as org

JULY = datetime(2026, 7, 1, 2, 0, tzinfo=UTC)
PEOPLE = ("sec", "gl", "m1", "m2")


def seed(store) -> dict[str, str]:
    run = uuid.uuid4().hex[:8]
    ids = {name: f"{name}{run}" for name in ("boss", "inst", "branch", "group", "item", *PEOPLE)}
    boss, branch = ids["boss"], ids["branch"]
    founders = ((boss, "书记"),)
    org.register_institution(
        o.RegisterInstitution(boss, ids["inst"], "机关", founders), store, JULY
    )
    org.register_branch(b.RegisterBranch(boss, branch, ids["inst"], "一支部"), store, JULY)
    org.form_group(b.FormGroup(boss, branch, ids["group"], "一组"), store, JULY)
    for person in PEOPLE:
        admit = b.AdmitMember(boss, branch, ids[person], person, ids["group"])
        org.admit_member(admit, store, JULY)
    org.grant_role(b.GrantRole(boss, branch, ids["sec"], "secretary"), store, JULY)
    grant = b.GrantRole(boss, branch, ids["gl"], "group_leader", ids["group"])
    org.grant_role(grant, store, JULY)
    _work(store, ids)
    return ids


def _work(store, ids: dict[str, str]) -> None:
    sec, m1, item = ids["sec"], ids["m1"], ids["item"]
    plan = c.PlanItem(
        sec, item, ids["branch"], "member", "reform", "monthly", "调研", owner_id=m1,
        starts_on=date(2026, 7, 1), ends_on=date(2026, 9, 30), due_day=20,
    )  # fmt: skip
    items.plan_item(plan, store, JULY)
    for period, day in (("2026-07", (7, 15)), ("2026-08", (8, 10)), ("2026-09", (9, 25))):
        done = c.CompleteOccurrence(m1, item, period, "done")
        items.complete_occurrence(done, store, datetime(2026, *day, 2, tzinfo=UTC))
    attendance = {ids[p]: "present" for p in PEOPLE} | {ids["m2"]: "absent"}
    meeting = orglife.RecordMeeting(
        sec, ids["branch"], f"mt{ids['item']}", "branch_general_meeting", date(2026, 8, 5),
        "党员大会", attendance=attendance,
    )  # fmt: skip
    life.record_meeting(meeting, store, datetime(2026, 8, 5, 9, tzinfo=UTC))
    for month in (7, 8, 9):
        posted = date(2026, month, 3)
        article = study.PostArticle(m1, ids["branch"], m1, f"a{month}{item}", "学习", posted)
        life.post_article(article, store, datetime(2026, month, 3, 9, tzinfo=UTC))

"""The branch's practices over HTTP, as the seed describes them: routine (日常) items reviewed
each period and no daily ones; a sixth study article recorded; a party lecture's lecturer and a
joint activity day's partner and place; what was done about an overdue item; an open cycle's
peer reviews, which name who wrote them."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from .world_services import cycle_plan

pytestmark = pytest.mark.servers


def _branch(cluster) -> str:
    return f"/api/v1/branches/{cluster.world.branches['own']}"


def test_a_routine_item_is_reviewed_each_month_and_no_plan_is_daily(cluster):
    w = cluster.world
    plan = {"item_id": f"rt{w.run}", "level": "branch", "kind": "party_building",
            "cadence": "routine", "title": "党费收缴"}  # fmt: skip
    planned = cluster.post(_branch(cluster) + "/items", "secretary", json=plan)
    assert planned.status_code == 200, planned.text
    item = cluster.get(f"/api/v1/items/{plan['item_id']}", "member").json()
    assert (item["cadence"], item["review"], len(item["occurrences"])) == ("routine", "monthly", 12)
    assert item["occurrences"][0]["due_date"] == f"{w.year}-01-31"
    quarterly = {**plan, "item_id": f"rq{w.run}", "review": "quarterly"}
    assert cluster.post(_branch(cluster) + "/items", "secretary", json=quarterly).ok
    listed = cluster.get(_branch(cluster) + "/entries", "member", params={"cadence": "routine"})
    assert listed.json()["total"] == 16 and {e["review"] for e in listed.json()["entries"]} == {
        "monthly",
        "quarterly",
    }
    for changed, field in (
        ({"cadence": "daily"}, "cadence"),  # routine replaced it
        ({"cadence": "monthly", "review": "monthly"}, "review"),  # a routine item's alone
    ):
        refused = cluster.post(_branch(cluster) + "/items", "secretary", json={**plan, **changed})
        assert refused.status_code == 422 and set(refused.json()["fields"]) == {field}
    board = cluster.get(_branch(cluster) + "/dashboard", "secretary").json()
    assert "routine" in {c["cadence"] for c in board["completion"]["by_level_kind_cadence"]}


def test_a_sixth_article_in_a_month_is_recorded_and_the_month_still_meets_the_rule(cluster):
    w = cluster.world
    member = f"{_branch(cluster)}/members/{w.people['member']}"
    posted_on = date.today().replace(day=1).isoformat()
    for n in range(6):
        article = {
            "article_id": f"s{n}{w.run}",
            "title": f"学习心得{n + 1}",
            "posted_on": posted_on,
        }
        answer = cluster.post(member + "/articles", "member", json=article)
        assert answer.status_code == 200, answer.text
    month = posted_on[:7]
    shown = cluster.get(member + "/articles", "secretary", params={"month": month}).json()
    assert len(shown["articles"]) == 6
    asked = {"member_id": w.people["member"]}
    log = cluster.get(f"{_branch(cluster)}/study/{w.year}", "secretary", params=asked)
    this = next(m for m in log.json()["members"][0]["months"] if m["month"] == month)
    assert (this["count"], this["meets_rule"], this["beyond_norm"]) == (6, True, True)


def test_a_lecture_names_its_lecturer_and_a_joint_day_its_partner_and_place(cluster):
    w = cluster.world
    meetings, held_on = _branch(cluster) + "/meetings", date.today().isoformat()
    lecture = {"meeting_id": f"lec{w.run}", "meeting_type": "party_lecture", "held_on": held_on,
               "title": "专题党课"}  # fmt: skip
    unnamed = cluster.post(meetings, "secretary", json=lecture)
    assert unnamed.status_code == 422 and set(unnamed.json()["fields"]) == {"lecturer"}
    named = {**lecture, "lecturer": {"member_id": w.people["secretary"]}}
    assert cluster.post(meetings, "secretary", json=named).status_code == 200
    joint = {"meeting_id": f"day{w.run}", "meeting_type": "activity_day", "held_on": held_on,
             "title": "联建主题党日", "partner": "中国航天五院机关党支部",
             "place": "中国航天博物馆"}  # fmt: skip
    assert cluster.post(meetings, "secretary", json=joint).status_code == 200
    record = cluster.get(f"{meetings}/lec{w.run}", "member").json()
    assert record["lecturer"] == {"member_id": w.people["secretary"], "name": None}
    year = cluster.get(f"{_branch(cluster)}/org-life/{w.year}", "member").json()
    day = next(m for m in year["meetings"] if m["meeting_id"] == f"day{w.run}")
    assert (day["partner"], day["place"]) == ("中国航天五院机关党支部", "中国航天博物馆")
    xlsx = cluster.get(f"{_branch(cluster)}/exports/meetings.xlsx", "member")
    assert xlsx.status_code == 200, xlsx.text
    rows = list(load_workbook(io.BytesIO(xlsx.content))["会议记录"].iter_rows(values_only=True))
    by_id = {row[rows[0].index("会议编号")]: dict(zip(rows[0], row, strict=True)) for row in rows}
    assert by_id[f"lec{w.run}"]["授课人"] == "secretary"  # the world names people by role
    assert by_id[f"day{w.run}"]["联建单位"] == "中国航天五院机关党支部"


def test_what_was_done_about_an_overdue_item_is_on_the_item_and_the_dashboard(cluster):
    w = cluster.world
    item = f"late{w.run}"
    # Due before everything else overdue: the first of the dashboard's list, by due date.
    overdue = min(date(w.year, 1, 2), date.today() - timedelta(days=20)).isoformat()
    plan = {"item_id": item, "level": "member", "kind": "reform", "cadence": "once",
            "title": "专题调研", "owner_id": w.people["member"], "due_date": overdue}  # fmt: skip
    assert cluster.post(_branch(cluster) + "/items", "secretary", json=plan).status_code == 200
    talk = {"period": "once", "action": "talk", "note": "已约谈，限期一周完成"}
    path = f"/api/v1/items/{item}/accountability"
    for role in ("member", "leader"):  # neither supervises nor runs the branch
        assert cluster.post(path, role, json=talk).status_code == 403
    recorded = cluster.post(path, "secretary", json=talk)
    assert recorded.status_code == 200 and recorded.json()["events"] == ["AccountabilityRecorded"]
    history = cluster.get(f"/api/v1/items/{item}/history", "member").json()["events"]
    assert (history[-1]["type"], history[-1]["actor_id"]) == (
        "AccountabilityRecorded",
        w.people["secretary"],
    )
    board = cluster.get(_branch(cluster) + "/dashboard", "secretary").json()
    shown = next(e for e in board["overdue_list"]["entries"] if e["item_id"] == item)
    taken = {k: v for k, v in shown["last_action"].items() if k != "taken_on"}
    assert (shown["actions"], taken) == (
        1,
        {"action": "talk", "note": talk["note"], "by": w.people["secretary"]},
    )
    not_late = cluster.post(path.replace(item, w.items["branch"]), "secretary", json=talk)
    assert not_late.status_code == 409 and not_late.json()["code"] == "invalid_transition"


def test_an_open_cycles_peer_reviews_name_who_wrote_them_to_the_reviewee(cluster):
    w = cluster.world
    cycles = _branch(cluster) + "/appraisal/cycles"
    plan = {**cycle_plan(f"open{w.run}"), "peer_mode": "open"}
    assert cluster.post(cycles, "secretary", json=plan).status_code == 200
    listed = {c["cycle_id"]: c["peer_mode"] for c in cluster.get(cycles, "member").json()["cycles"]}
    assert listed[f"open{w.run}"] == "open" and listed[w.cycles["own"]] == "anonymous"
    scores = dict.fromkeys(
        ("ideological_education", "fulfilling_responsibility", "following_rules", "supervision"),
        85,
    )
    review = {"reviewee_id": w.people["leader"], "scores": scores, "comments": "乐于助人"}
    written = cluster.post(f"{cycles}/open{w.run}/peer-reviews", "member", json=review)
    assert written.status_code == 200, written.text
    about = cluster.get(f"{cycles}/open{w.run}/members/{w.people['leader']}/peer-reviews", "leader")
    found = about.json()
    assert (found["available"], found["peer_mode"]) == (True, "open")  # at once, by name
    assert [(r["reviewer_id"], r["comments"]) for r in found["reviews"]] == [
        (w.people["member"], "乐于助人")
    ]

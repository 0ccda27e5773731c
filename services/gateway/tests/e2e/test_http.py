"""End to end over HTTP: sign in, commands, queries, views, exports, errors."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from services.gateway.views import exports
from services.gateway.views.sheets import XLSX

pytestmark = pytest.mark.servers


def test_health_and_description(cluster):
    assert cluster.get("/healthz").json()["status"] == "alive"
    ready = cluster.get("/readyz")
    assert ready.status_code == 200, ready.text
    services = {"ledger": "ok", "appraisal": "ok", "notify": "ok"}
    assert ready.json()["checks"] == {"postgresql": "ok", "rabbitmq": "ok", **services}
    spec = cluster.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/branches/{branch_id}/dashboard" in spec["paths"]
    metrics = cluster.get("/metrics").text
    assert 'gateway_http_requests_total{endpoint="healthz",method="GET",status="200"}' in metrics
    # Request time has one source, the entrypoint histogram every service exports.
    timed = 'taizhang_entrypoint_seconds_count{entrypoint="healthz",kind="http",service="gateway"}'
    assert timed in metrics
    assert "gateway_http_request_seconds" not in metrics


def test_sign_in_and_who_am_i(cluster):
    me = cluster.get("/api/v1/me", "secretary").json()
    assert me["person_id"] == cluster.world.people["secretary"]
    assert me["branches"][0]["roles"] == [{"role": "secretary", "group_id": None}]
    wrong = cluster.post("/api/v1/auth/token", json={"username": "nobody", "password": "x" * 9})
    assert wrong.status_code == 401 and wrong.json()["code"] == "unauthorised"
    assert cluster.get("/api/v1/me").status_code == 401
    forged = {"Authorization": "Bearer not.a.token"}
    assert cluster.get("/api/v1/me", headers=forged).json()["code"] == "unauthorised"


def test_commands_through_the_gateway(cluster):
    w = cluster.world
    branch, item = w.branches["own"], w.items["own"]
    done = cluster.post(
        f"/api/v1/items/{item}/complete", "member", json={"period": "once", "note": "交了"}
    )
    assert done.status_code == 200, done.text
    assert done.json()["events"] == ["ItemStarted", "ItemCompleted"]
    again = cluster.post(f"/api/v1/items/{item}/complete", "member", json={"period": "once"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    group = cluster.post(f"/api/v1/branches/{branch}/groups", "secretary", json={"name": "三组"})
    assert group.status_code == 200 and group.json()["events"] == ["GroupFormed"]
    history = cluster.get(f"/api/v1/items/{item}/history", "leader").json()
    assert [e["type"] for e in history["events"]][-1] == "ItemCompleted"


def test_errors_have_one_body(cluster):
    branch = cluster.world.branches["own"]
    bad = cluster.post(f"/api/v1/branches/{branch}/items", "secretary", json={"level": "x"})
    assert bad.status_code == 422
    body = bad.json()
    assert set(body) == {"code", "message", "fields"} and "kind" in body["fields"]
    actor = cluster.post(
        f"/api/v1/branches/{branch}/groups", "secretary", json={"name": "x", "actor_id": "boss"}
    )
    assert actor.status_code == 422 and "actor_id" in actor.json()["fields"]
    nul = cluster.post(f"/api/v1/branches/{branch}/groups", "secretary", json={"name": "a\x00"})
    assert nul.status_code == 422 and "name" in nul.json()["fields"]
    broken = cluster.post(f"/api/v1/branches/{branch}/groups", "secretary", data=b"{nope")
    assert broken.status_code == 400 and broken.json()["code"] == "bad_json"
    assert cluster.get("/api/v1/nowhere", "member").json()["code"] == "not_found"
    refused = cluster.post(f"/api/v1/branches/{branch}/groups", "member", json={"name": "x"})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_a_taken_username_is_a_conflict(cluster):
    w = cluster.world
    again = {"username": w.username("member"), "person_id": w.people["member"], "password": "x" * 9}
    taken = cluster.post("/api/v1/users", "committee", json=again)
    assert taken.status_code == 409, taken.text
    assert taken.json() == {
        "code": "invalid_transition",
        "message": "当前状态下不能这样操作（可能已完成或已取消）。",
        "fields": {},
    }


def test_another_branch_is_not_revealed(cluster):
    w = cluster.world
    foreign, item = w.branches["foreign"], w.items["foreign"]
    for path in (f"/api/v1/branches/{foreign}", f"/api/v1/items/{item}", "/api/v1/items/nosuch"):
        answer = cluster.get(path, "secretary")
        assert answer.status_code == 404 and answer.json()["code"] == "not_found", path
    assert cluster.get(f"/api/v1/branches/{foreign}", "committee").status_code == 200


def test_idempotency_key(cluster):
    branch = cluster.world.branches["own"]
    path, key = f"/api/v1/branches/{branch}/reports", {"Idempotency-Key": "report-1"}
    report = {"title": "季度报告", "kind": "work_report", "filed_on": "2026-03-01"}
    before = sum(year["count"] for year in cluster.get(path, "secretary").json()["years"])
    first = cluster.post(path, "secretary", headers=key, json=report)
    retry = cluster.post(path, "secretary", headers=key, json=report)
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json() and retry.headers["Idempotent-Replayed"] == "true"
    counted = cluster.get(path, "secretary").json()["years"]
    assert sum(year["count"] for year in counted) == before + 1
    other = cluster.post(path, "secretary", headers=key, json={**report, "title": "别的"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_lists_views_and_exports(cluster):
    w = cluster.world
    branch = w.branches["own"]
    page = cluster.get(f"/api/v1/branches/{branch}/entries", "member", params={"limit": 2})
    assert page.status_code == 200 and page.json()["limit"] == 2
    assert page.json()["total"] >= 3
    owned = cluster.get(
        f"/api/v1/branches/{branch}/entries", "member", params={"owner_id": w.people["member"]}
    ).json()
    assert [e["item_id"] for e in owned["entries"]] == [w.items["own"]]
    as_of = cluster.get(
        f"/api/v1/branches/{branch}/entries", "member", params={"as_of": f"{w.year}-01-01"}
    )
    assert as_of.status_code == 200 and as_of.json()["as_of"] == f"{w.year}-01-01"
    board = cluster.get(f"/api/v1/branches/{branch}/dashboard", "secretary").json()
    assert board["completion"]["by_level_kind_cadence"] and board["goals"]["goals"] == 8
    # Every member joined this month: none of their months has ended, none fell short.
    assert (board["study"]["member_months"], board["study"]["shortfalls"]) == (0, 0)
    group = cluster.get(f"/api/v1/branches/{branch}/groups/{w.groups['own']}/view", "leader")
    assert {m["member_id"] for m in group.json()["members"]} >= {w.people["member"]}
    mine = cluster.get(f"/api/v1/branches/{branch}/members/{w.people['member']}/view", "member")
    assert mine.status_code == 200 and mine.json()["items"]
    # What the view shows and what the appraisal scores with are the ledger's one count.
    counts = ("occurrences", "due", "done", "on_time", "late", "overdue", "rate", "on_time_rate")
    shown, scored = mine.json()["completion"], mine.json()["measures"]["ledger"]
    assert {k: shown[k] for k in counts} == {k: scored[k] for k in counts} and shown["due"]
    overview = cluster.get(f"/api/v1/institutions/{w.institution}/overview", "committee").json()
    assert [b["ranks"]["score"] for b in overview["branches"]] == [1, 2]
    csv = cluster.get(f"/api/v1/branches/{branch}/exports/ledger.csv", "member")
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").splitlines()[0] == ",".join(exports.COLUMNS)


def test_the_ledgers_workbook_is_in_chinese_with_names_labels_and_date_cells(cluster):
    w = cluster.world
    branch = w.branches["own"]
    xlsx = cluster.get(f"/api/v1/branches/{branch}/exports/ledger.xlsx", "secretary")
    assert xlsx.headers["Content-Type"] == XLSX
    assert quote("own支部台账.xlsx") in xlsx.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["台账"]
    sheet = book["台账"]
    header = [cell.value for cell in sheet[1]]
    assert header == [
        *("序号", "工作任务", "类别", "责任人", "完成时限", "完成情况", "备注"),
        *("事项编号", "期次", "责任人编号"),
    ]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    own = rows["own 调研"]
    # The member's name (the world names each person after their role), their id at the end.
    assert own[3].value == "member" and w.people["member"] not in str(own[3].value)
    assert [cell.value for cell in own[7:]] == [w.items["own"], "once", w.people["member"]]
    assert own[2].value == "改革（业务）工作（一次性）"  # labels, not reform / once
    assert own[4].is_date and own[4].value.date() < date.today()
    # Due a month ago: overdue, or done late once another test has completed it.
    assert own[5].value == "未开始，已逾期" or own[5].value.startswith("逾期完成（")
    january = rows[f"每月学习（{w.year}年1月）"]
    assert january[3].value == "own支部" and "完成（" in january[5].value
    assert (january[8].value, january[9].value) == (f"{w.year}-01", None)  # the branch's item

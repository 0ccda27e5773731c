"""A small appraisal cycle over HTTP, from opening to the archive and its exports.

The own branch's group has the secretary, the leader and the member (member2 is alone in the
other group). Every window is open now, so each step can be taken at once; the cycle is then
finalised with the reason for the reviews nobody wrote. Throughout: nothing the gateway keeps,
logs or answers names who wrote a peer review.
"""

from __future__ import annotations

import io
import logging
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from eventlog import PostgresEventStore
from services.appraisal.config import appraisal_key
from services.appraisal.domain.pseudonym import pseudonym
from services.common import labels
from services.gateway import idempotency
from tests.support import NOT_YET, wait_for

from .world_services import SERVICE, cycle_plan

pytestmark = pytest.mark.servers

SCORES = {
    "ideological_education": 90,
    "fulfilling_responsibility": 85,
    "following_rules": 88,
    "supervision": 80,
}


def _branch(cluster, side: str = "own") -> str:
    return f"/api/v1/branches/{cluster.world.branches[side]}"


def _cycles(cluster, side: str = "own") -> str:
    return _branch(cluster, side) + "/appraisal/cycles"


def _at(cluster, cycle: str, rest: str = "") -> str:
    return f"{_cycles(cluster)}/{cycle}{rest}"


def _member(cluster, role: str = "member") -> str:
    return f"{_branch(cluster)}/members/{cluster.world.people[role]}"


@pytest.fixture(scope="module")
def cycle(cluster):
    """The walk-through's cycle, opened by the secretary over HTTP."""
    plan = cycle_plan(f"wk{cluster.world.run}")
    opened = cluster.post(_cycles(cluster), "secretary", json=plan)
    assert opened.status_code == 200, opened.text
    assert opened.json()["events"] == ["CycleOpened"]
    return plan["cycle_id"]


def test_an_opened_cycle_is_listed_at_once_and_reminded(cluster, cycle):
    listed = cluster.get(_cycles(cluster), "member", params={"status": "open"})
    assert listed.status_code == 200, listed.text
    assert cycle in [c["cycle_id"] for c in listed.json()["cycles"]]
    other = cluster.get(f"{_cycles(cluster, 'foreign')}/{cycle}", "committee")
    assert other.status_code == 404  # the cycle is the own branch's, not the foreign one's
    cluster.call("notify", "scan_now", actor_id=SERVICE)
    inbox = cluster.get("/api/v1/me/inbox", "member", params={"limit": 500}).json()
    assert f"{cycle}/self_review" in {item["subject_id"] for item in inbox["items"]}


def test_reviews_are_written_once(cluster, cycle):
    w = cluster.world
    mine = {"scores": SCORES, "problems": "学习不够深入"}
    first = cluster.post(_at(cluster, cycle, "/self-review"), "member", json=mine)
    assert first.status_code == 200 and first.json()["events"] == ["SelfReviewSubmitted"]
    again = cluster.post(_at(cluster, cycle, "/self-review"), "member", json=mine)
    assert again.status_code == 409 and again.json()["code"] == "already_submitted"
    comment = {
        "score": 88,
        "comment": "认真负责",
        "rectifications": [
            {"title": "加强理论学习", "due_date": str(date.today() + timedelta(days=30))}
        ],
    }
    path = _at(cluster, cycle, f"/members/{w.people['member']}/leader-comment")
    commented = cluster.post(path, "leader", json=comment)
    assert commented.status_code == 200, commented.text
    assert commented.json()["events"] == ["LeaderCommentSubmitted", "RectificationRaised"]
    assert cluster.post(path, "member", json=comment).status_code == 403


def test_a_peer_review_is_tied_to_its_author_nowhere(cluster, cycle, db, caplog):
    w = cluster.world
    caplog.set_level(logging.INFO, logger="nameko.web.server")
    review = {"reviewee_id": w.people["leader"], "scores": SCORES, "comments": "作风扎实"}
    key = {"Idempotency-Key": f"peer-{w.run}"}
    written = cluster.post(_at(cluster, cycle, "/peer-reviews"), "member", headers=key, json=review)
    assert written.status_code == 200 and written.json()["events"] == ["PeerReviewSubmitted"]
    # No Idempotency-Key record ties the member to the review (nor is it replayed).
    kept = PostgresEventStore(db, source="test")
    assert (
        kept.stream_version(idempotency.stream_id(w.people["member"], key["Idempotency-Key"])) == 0
    )
    again = cluster.post(_at(cluster, cycle, "/peer-reviews"), "member", headers=key, json=review)
    assert again.status_code == 409 and again.json()["code"] == "already_submitted"
    # Its access-log lines carry no client address; other requests' lines do.
    assert cluster.get(_at(cluster, cycle), "member").status_code == 200

    def logged():
        lines = [r.getMessage() for r in caplog.records if r.name == "nameko.web.server"]
        peer = [line for line in lines if "/peer-reviews " in line]
        read = [line for line in lines if f"/{cycle} " in line]
        return (peer, read) if len(peer) == 2 and read else None

    peer, read = wait_for(
        logged, 20, "both reviews and the read in the access log", retrying=NOT_YET
    )
    assert all(line.startswith("- ") for line in peer) and read[0].startswith(cluster.address + " ")


def test_progress_is_counted_never_attributed(cluster, cycle):
    w = cluster.world
    board = cluster.get(_branch(cluster) + "/dashboard", "secretary")
    assert board.status_code == 200, board.text
    shown = {c["cycle_id"]: c for c in board.json()["appraisal"]["open_cycles"]}
    steps = {s["step"]: s for s in shown[cycle]["steps"]}
    assert steps["self_review"]["submitted"] == 1 and steps["peer_review"]["submitted"] == 1
    assert steps["leader_review"]["submitted"] == 1 and steps["self_review"]["open"]
    assert "pending_member_ids" not in board.text
    view = cluster.get(_member(cluster) + "/view", "member")
    owed = {c["cycle_id"]: c for c in view.json()["reviews_owed"]}[cycle]
    assert (owed["self_review"], owed["peer_reviews"]) == (False, [w.people["secretary"]])
    assert view.json()["inbox"]["unread"] >= 1
    seen = cluster.get(_member(cluster) + "/view", "secretary")
    assert seen.json()["reviews_owed"] is None and seen.json()["inbox"] is None


def test_finalising_needs_the_reason_for_missing_reviews(cluster, cycle):
    refused = cluster.post(_at(cluster, cycle, "/finalise"), "secretary", json={})
    assert refused.status_code == 409 and refused.json()["code"] == "missing_reviews"
    reason = {"missing_reviews_reason": "部分同志出差"}
    done = cluster.post(_at(cluster, cycle, "/finalise"), "secretary", json=reason)
    assert done.status_code == 200, done.text
    assert done.json()["events"][-1] == "CycleFinalised"
    listed = cluster.get(_cycles(cluster), "member", params={"status": "finalised"})
    assert cycle in [c["cycle_id"] for c in listed.json()["cycles"]]


def test_results_archive_and_exports(cluster, cycle):
    w = cluster.world
    members = {w.people[p] for p in ("secretary", "leader", "member", "member2")}
    everyone = cluster.get(_at(cluster, cycle, "/results"), "secretary").json()["results"]
    assert {r["member_id"] for r in everyone} == members
    own = cluster.get(_at(cluster, cycle, "/results"), "member").json()["results"]
    assert [r["member_id"] for r in own] == [w.people["member"]]
    assert own[0]["breakdown"]["inputs"]["leader"]["value"] == 88
    # Everyone joined this month: no month of the quarter is both theirs and over.
    assert "study" in own[0]["breakdown"]["missing"]
    csv = cluster.get(_at(cluster, cycle, "/exports/results.csv"), "secretary")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("序号,姓名,成员编号,党小组,自评得分,互评得分") and len(lines) == 5
    xlsx = cluster.get(_at(cluster, cycle, "/exports/results.xlsx"), "secretary")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["评议结果", "计分明细"] and book["评议结果"].max_row == 5
    table = list(book["评议结果"].iter_rows(values_only=True))
    header = table[0]
    by_name = {row[header.index("姓名")]: dict(zip(header, row, strict=True)) for row in table[1:]}
    # Names (the world names each person after their role), each with its id; grades in Chinese.
    assert set(by_name) == {"secretary", "leader", "member", "member2"}
    assert {name: row["成员编号"] for name, row in by_name.items()} == {
        role: w.people[role] for role in by_name
    }
    assert header.index("成员编号") == header.index("姓名") + 1
    details = list(book["计分明细"].iter_rows(values_only=True))
    assert details[0][:3] == ("姓名", "成员编号", "项目")
    assert {row[:2] for row in details[1:]} <= {(role, w.people[role]) for role in by_name}
    assert by_name["member"]["点评得分"] == 88 and by_name["member"]["党小组"] == "一组"
    assert {row["等次"] for row in by_name.values()} - {None} <= set(labels.GRADE.values())
    archive = _member(cluster)

    def planned():
        found = cluster.get(archive + "/archive", "member").json()
        return found if found["rectifications"][0]["status"] == "planned" else None

    found = wait_for(
        planned, 20, "the rectification planned in the member's ledger", retrying=NOT_YET
    )
    assert [c["cycle_id"] for c in found["cycles"]] == [cycle]
    owned = {"owner_id": w.people["member"], "kind": "rectification"}
    ledger = cluster.get(_branch(cluster) + "/entries", "member", params=owned).json()
    assert [entry["title"] for entry in ledger["entries"]] == ["加强理论学习"]
    assert cluster.get(archive + "/archive", "leader").status_code == 403
    book = load_workbook(
        io.BytesIO(cluster.get(archive + "/exports/archive.xlsx", "secretary").content)
    )
    assert book.sheetnames == ["历次评议", "整改事项"] and book["整改事项"].max_row == 2
    rectification = dict(zip(*book["整改事项"].iter_rows(values_only=True), strict=True))
    # Raised by the leader: by name, and by id beside it; its id is its ledger item's.
    assert (rectification["整改事项"], rectification["事项编号"]) == (
        "加强理论学习",
        ledger["entries"][0]["item_id"],
    )
    assert (rectification["提出人"], rectification["提出人编号"]) == ("leader", w.people["leader"])
    assert (rectification["评议编号"], book["历次评议"]["C2"].value) == (cycle, cycle)
    assert book["历次评议"]["D2"].is_date  # 开始日期
    rows = cluster.get(archive + "/exports/archive.csv", "member").content.decode("utf-8-sig")
    assert "加强理论学习（未开始）" in rows


def test_peer_reviews_about_a_member_name_no_author(cluster, cycle):
    w = cluster.world
    path = _at(cluster, cycle, f"/members/{w.people['leader']}/peer-reviews")
    about = cluster.get(path, "leader")
    assert about.status_code == 200 and about.json()["available"]
    assert [r["comments"] for r in about.json()["reviews"]] == ["作风扎实"]
    author = w.people["member"]
    assert author not in about.text and pseudonym(appraisal_key(), cycle, author) not in about.text
    assert cluster.get(path, "member").status_code == 403  # neither the reviewee nor secretary

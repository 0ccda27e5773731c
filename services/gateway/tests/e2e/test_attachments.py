"""Files attached to an item, a meeting and a report, over HTTP: uploaded as multipart/form-data,
listed on the record's answer, downloaded by who may read the record (another branch's: 404),
and refused, naming the field, when too large, of a type not allowed, or empty."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from eventlog.blobs import PostgresBlobStore, sha256_of
from services.common import attachments as a
from services.common.errors import BadInput
from services.common.labels import label
from tests.attachments.samples import ALLOWED, REFUSED

pytestmark = pytest.mark.servers


def _item(cluster) -> str:
    return f"/api/v1/items/{cluster.world.items['own']}"


def _branch(cluster) -> str:
    return f"/api/v1/branches/{cluster.world.branches['own']}"


def _upload(cluster, path: str, role: str, name: str, content: bytes, key=None, **fields):
    headers = {"Idempotency-Key": key} if key else {}
    files = {"file": (name, content, "application/octet-stream")}
    return cluster.post(path, role, headers=headers, files=files, data=fields)


def test_a_member_attaches_evidence_and_another_member_of_the_branch_downloads_it(cluster):
    name, (content, media_type) = "现场.png", ALLOWED["现场.png"]
    sent = _upload(
        cluster, _item(cluster) + "/attachments", "member", name, content,
        period="once", note="整改现场照片",
    )  # fmt: skip
    assert sent.status_code == 200, sent.text
    assert sent.json()["events"] == ["ItemFileAttached"]
    item = cluster.get(_item(cluster), "leader").json()
    (listed,) = [f for f in item["attachments"] if f["attachment_id"] == sent.json()["id"]]
    assert listed["attachment_id"] == sent.json()["id"]
    assert (listed["name"], listed["media_type"], listed["size"]) == (
        name,
        media_type,
        len(content),
    )
    assert (listed["period"], listed["note"]) == ("once", "整改现场照片")
    assert listed["attached_by"] == cluster.world.people["member"]
    got = cluster.get(f"{_item(cluster)}/attachments/{listed['attachment_id']}", "leader")
    assert got.status_code == 200 and got.content == content
    assert got.headers["Content-Type"] == media_type
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("inline;")  # an image is shown
    assert f"filename*=UTF-8''{quote(name, safe='')}" in got.headers["Content-Disposition"]
    history = cluster.get(_item(cluster) + "/history", "member").json()["events"]
    assert history[-1]["type"] == "ItemFileAttached" and history[-1]["data"]["name"] == name


def test_another_branchs_file_is_not_found_nor_may_anyone_outside_attach(cluster, db):
    w, content = cluster.world, ALLOWED["会议纪要.pdf"][0]
    sent = _upload(cluster, _item(cluster) + "/attachments", "secretary", "纪要.pdf", content)
    assert sent.status_code == 200, sent.text
    file = f"{_item(cluster)}/attachments/{sent.json()['id']}"
    assert cluster.get(file, "member").status_code == 200
    assert cluster.get(file, "outsider").status_code == 404  # in no branch of it
    refused = _upload(cluster, _item(cluster) + "/attachments", "outsider", "x.pdf", content)
    assert refused.status_code == 404
    # The other branch's secretary attaches a file to their item; a member here asks for it.
    foreign = f"/api/v1/items/{w.items['foreign']}/attachments"
    described = {"sha256": PostgresBlobStore(db).put(content), "size": len(content)}
    theirs = cluster.call(
        "ledger", "attach_item_file", actor_id=w.people["foreign"], item_id=w.items["foreign"],
        name="他们的.pdf", media_type=a.PDF, **described,
    )  # fmt: skip
    assert cluster.get(f"{foreign}/{theirs['id']}", "member").status_code == 404
    assert cluster.get(f"{foreign}/{theirs['id']}", "committee").status_code == 200
    assert _upload(cluster, foreign, "member", "x.pdf", content).status_code == 404
    # Not the item's owner nor a manager of it: in the branch, but not allowed.
    branch_item = f"/api/v1/items/{cluster.world.items['branch']}/attachments"
    assert _upload(cluster, branch_item, "member", "x.pdf", content).status_code == 403


def test_a_file_too_large_of_a_type_not_allowed_or_empty_is_refused_naming_the_field(
    cluster, monkeypatch
):
    path = _item(cluster) + "/attachments"
    before = len(cluster.get(_item(cluster), "member").json()["attachments"])
    monkeypatch.setenv("TAIZHANG_ATTACHMENT_MAX_BYTES", str(64 * 1024))
    large = ALLOWED["会议纪要.pdf"][0] + b" " * (64 * 1024)
    for content, status, code in (
        (large, 413, "file_too_large"),
        (large + bytes(200 * 1024), 413, "file_too_large"),  # refused before it is read
        (REFUSED["程序.exe"], 415, "file_type_not_allowed"),
        (REFUSED["压缩包.zip"], 415, "file_type_not_allowed"),
        (b"", 422, "file_empty"),
    ):
        answer = _upload(cluster, path, "member", "材料.pdf", content)
        assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
        assert set(answer.json()["fields"]) == {"file"}
        assert answer.json()["message"] == label("error", code)
    missing = cluster.post(path, "member", data={"note": "没有文件"}, files={"x": ("a", b"a")})
    assert missing.status_code == 422 and set(missing.json()["fields"]) == {"file"}
    as_json = cluster.post(path, "member", json={"note": "不是表单"})
    assert as_json.status_code == 422 and set(as_json.json()["fields"]) == {"file"}
    assert len(cluster.get(_item(cluster), "member").json()["attachments"]) == before


def test_the_same_bytes_are_stored_once_and_a_retried_upload_attaches_once(cluster, db):
    content = ALLOWED["报告.docx"][0] + cluster.world.run.encode()  # this run's own bytes
    path = _item(cluster) + "/attachments"
    first = _upload(cluster, path, "member", "报告.docx", content, key=f"att-{cluster.world.run}")
    again = _upload(cluster, path, "member", "报告.docx", content, key=f"att-{cluster.world.run}")
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    other = _upload(cluster, path, "leader", "同一份.docx", content)  # another key: attached again
    assert other.status_code == 200 and other.json()["id"] != first.json()["id"]
    files = cluster.get(_item(cluster), "member").json()["attachments"]
    mine = [f for f in files if f["sha256"] == sha256_of(content)]
    assert [f["name"] for f in mine] == ["报告.docx", "同一份.docx"]
    assert {f["media_type"] for f in mine} == {a.DOCX}
    stored = db.fetch_one(
        "SELECT count(*) AS n FROM eventlog.blobs WHERE sha256 = %s", (sha256_of(content),)
    )
    assert stored["n"] == 1


def test_a_meetings_minutes_and_a_reports_document_are_attached_and_downloaded(cluster):
    w = cluster.world
    meeting = f"{_branch(cluster)}/meetings/mt{w.run}"
    page = ALLOWED["页面.html"][0]
    sent = _upload(cluster, meeting + "/attachments", "leader", "纪要.html", page, note="纪要")
    assert sent.status_code == 200, sent.text
    assert _upload(cluster, meeting + "/attachments", "member", "x.txt", page).status_code == 403
    files = cluster.get(meeting, "member").json()["attachments"]
    (listed,) = [f for f in files if f["attachment_id"] == sent.json()["id"]]
    assert (listed["name"], listed["media_type"]) == ("纪要.html", a.TEXT)
    got = cluster.get(f"{meeting}/attachments/{listed['attachment_id']}", "leader")
    assert got.status_code == 200 and got.content == page
    assert got.headers["Content-Type"] == a.TEXT  # HTML kept as text, and downloaded
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in got.headers["Content-Security-Policy"]
    report = {"report_id": f"rq{w.run}", "title": "上半年工作总结", "kind": "summary",
              "filed_on": f"{w.year}-07-01"}  # fmt: skip
    assert cluster.post(_branch(cluster) + "/reports", "secretary", json=report).ok
    document = ALLOWED["统计.xlsx"][0]
    path = f"{_branch(cluster)}/reports/rq{w.run}/attachments"
    assert _upload(cluster, path, "secretary", "统计表.xlsx", document).status_code == 200
    life = cluster.get(f"{_branch(cluster)}/org-life/{w.year}", "member").json()
    (filed,) = [r for r in life["reports"] if r["report_id"] == f"rq{w.run}"]
    (file,) = filed["attachments"]
    got = cluster.get(f"{path}/{file['attachment_id']}", "member")
    assert got.content == document and got.headers["Content-Type"] == a.XLSX
    foreign = f"/api/v1/branches/{w.branches['foreign']}/reports/rq{w.run}/attachments"
    assert cluster.get(f"{foreign}/{file['attachment_id']}", "member").status_code == 404
    # The same report's file asked for under another meeting or report of the branch: not there.
    wrong = f"{_branch(cluster)}/meetings/mt{w.run}/attachments/{file['attachment_id']}"
    assert cluster.get(wrong, "member").status_code == 404


def test_the_ledger_refuses_a_file_the_blob_store_does_not_hold(cluster):
    w = cluster.world
    with pytest.raises(BadInput, match="no file is stored"):
        cluster.call(
            "ledger",
            "attach_item_file",
            actor_id=w.people["member"],
            item_id=w.items["own"],
            sha256="0" * 64,
            name="不存在.pdf",
            media_type=a.PDF,
            size=10,
        )

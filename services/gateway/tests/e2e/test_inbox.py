"""The inbox and the reminder settings over HTTP: the world's scan (notify's scan_now, as a
service) reminded the member of their overdue item; they read it, choose their channels, and
the branch's officers set its thresholds and read its delivery log."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.servers

INBOX = "/api/v1/me/inbox"


def test_the_member_reads_their_reminder(cluster):
    key = cluster.world.reminder()
    unread = cluster.get(INBOX, "member", params={"unread_only": "true", "limit": 500})
    assert unread.status_code == 200, unread.text
    mine = {item["reminder_key"]: item for item in unread.json()["items"]}
    assert mine[key]["rule"] == "overdue" and mine[key]["read_at"] is None
    before = unread.json()["unread"]
    assert cluster.post(f"{INBOX}/{key}/read", "leader").status_code == 404  # not theirs
    read = cluster.post(f"{INBOX}/{key}/read", "member")
    assert read.status_code == 200 and read.json()["events"] == ["InboxRead"]
    again = cluster.post(f"{INBOX}/{key}/read", "member")
    assert again.status_code == 200 and again.json()["events"] == []
    after = cluster.get(INBOX, "member", params={"unread_only": "true", "limit": 500}).json()
    assert key not in {item["reminder_key"] for item in after["items"]}
    assert after["unread"] == before - 1
    bad = cluster.post(f"{INBOX}/not-a-key/read", "member")
    assert bad.status_code == 422 and "reminder_key" in bad.json()["fields"]


def test_the_member_view_shows_the_inbox_to_the_member_only(cluster):
    w = cluster.world
    view = f"/api/v1/branches/{w.branches['own']}/members/{w.people['member']}/view"
    inbox = cluster.get(view, "member").json()["inbox"]
    assert inbox["unread"] >= 0 and len(inbox["latest"]) <= 5
    assert cluster.get(view, "leader").json()["inbox"] is None


def test_each_chooses_their_own_channels(cluster):
    path = "/api/v1/me/preferences"
    assert cluster.get(path, "member").json()["chosen"] is False
    chosen = cluster.post(path, "member", json={"channels": ["inbox"]})
    assert chosen.status_code == 200, chosen.text
    mine = cluster.get(path, "member").json()
    assert (mine["member_id"], mine["channels"]) == (cluster.world.people["member"], ["inbox"])
    hook = cluster.post(path, "member", json={"channels": ["webhook"]})
    assert hook.status_code == 422 and "webhook_url" in hook.json()["fields"]
    inside = {"channels": ["webhook"], "webhook_url": "http://127.0.0.1:8000/api/v1/users"}
    refused = cluster.post(path, "member", json=inside)
    assert refused.status_code == 422, refused.text
    assert refused.json()["fields"]["webhook_url"] == ["不能发往127.0.0.1：本机回环地址"]
    other = cluster.post(path, "leader", json={"channels": ["inbox"], "member_id": "x"})
    assert other.status_code == 422 and "member_id" in other.json()["fields"]


def test_officers_set_thresholds_and_read_the_delivery_log(cluster):
    branch = f"/api/v1/branches/{cluster.world.branches['own']}/notifications"
    assert cluster.get(branch + "/thresholds", "secretary").json()["due_soon_days"] == 3
    changed = cluster.post(branch + "/thresholds", "secretary", json={"due_soon_days": 5})
    assert changed.status_code == 200 and changed.json()["events"] == ["ThresholdsSet"]
    shown = cluster.get(branch + "/thresholds", "committee").json()
    assert (shown["due_soon_days"], shown["escalate_after_days"]) == (5, 3)
    assert cluster.get(branch + "/thresholds", "member").status_code == 403
    log = cluster.get(branch + "/deliveries", "secretary", params={"limit": 500})
    assert log.status_code == 200, log.text
    assert cluster.world.reminder() in {row["reminder_key"] for row in log.json()["items"]}
    assert cluster.get(branch + "/deliveries", "leader").status_code == 403

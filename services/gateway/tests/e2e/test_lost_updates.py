"""Lost updates over HTTP: an item's read carries its version as an ETag, a command sent with
If-Match takes effect only at that version, and a stale one is answered 412 and changes nothing."""

from __future__ import annotations

import pytest

from .test_hostile_input import refused

pytestmark = pytest.mark.servers


def _plan(cluster) -> str:
    w = cluster.world
    body = {"level": "member", "kind": "reform", "cadence": "once", "title": "走访群众"}
    body |= {"owner_id": w.people["member"], "due_date": "2026-12-30"}
    planned = cluster.post(f"/api/v1/branches/{w.branches['own']}/items", "leader", json=body)
    assert planned.status_code == 200, planned.text
    assert planned.headers["ETag"] == f'"{planned.json()["version"]}"'
    return planned.json()["id"]


def _item(cluster, item: str):
    read = cluster.get(f"/api/v1/items/{item}", "leader")
    assert read.status_code == 200, read.text
    assert read.headers["ETag"] == f'"{read.json()["version"]}"'
    return read


def test_of_two_edits_from_one_page_the_second_is_refused_and_changes_nothing(cluster):
    item = _plan(cluster)
    seen = _item(cluster, item).headers["ETag"]
    move = f"/api/v1/items/{item}/due-date"
    first = cluster.post(
        move,
        "leader",
        json={"due_date": "2026-12-28", "reason": "改期"},
        headers={"If-Match": seen},
    )
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] == _item(cluster, item).headers["ETag"] != seen

    second = cluster.post(
        move,
        "leader",
        json={"due_date": "2026-12-31", "reason": "改期"},
        headers={"If-Match": seen},
    )
    assert refused(second, 412, "precondition_failed") == {}
    assert _item(cluster, item).json()["due_date"] == "2026-12-28"

    # Read again, the same change goes through; and `*`, or no header, asks for nothing.
    again = {"If-Match": _item(cluster, item).headers["ETag"]}
    assert cluster.post(
        move, "leader", json={"due_date": "2026-12-31", "reason": "改期"}, headers=again
    ).ok
    anyway = cluster.post(
        move, "leader", json={"due_date": "2026-12-29", "reason": "改期"}, headers={"If-Match": "*"}
    )
    assert anyway.status_code == 200, anyway.text


def test_the_owner_chains_commands_on_the_etag_each_answer_gives(cluster):
    path = f"/api/v1/items/{_plan(cluster)}"

    def send(action: str, tag: str, **fields):
        body = {"period": "once", **fields}
        return cluster.post(f"{path}/{action}", "member", json=body, headers={"If-Match": tag})

    started = send("start", _item(cluster, path.rsplit("/", 1)[1]).headers["ETag"])
    assert started.status_code == 200, started.text
    noted = send("progress", started.headers["ETag"], note="走访了三户")
    assert noted.status_code == 200, noted.text
    # A second page, still at the start, notes too: refused; the note it did not see is kept.
    stale = send("progress", started.headers["ETag"], note="走访了两户")
    assert refused(stale, 412, "precondition_failed") == {}
    done = send("complete", noted.headers["ETag"], note="已走访")
    assert done.status_code == 200, done.text
    events = cluster.get(f"{path}/history", "leader").json()["events"]
    assert [e["type"] for e in events] == [
        "ItemPlanned",
        "ItemStarted",
        "ProgressNoted",
        "ItemCompleted",
    ]
    # Whatever the tag, a command the item's state refuses is answered that refusal.
    assert refused(send("start", started.headers["ETag"]), 409, "invalid_transition") == {}


@pytest.mark.parametrize("header", ['W/"1"', "1", '"1", "2"', '"x"', '"1234567890"'])
def test_an_if_match_this_api_never_gave_is_refused_naming_the_header(cluster, header):
    item = _plan(cluster)
    answer = cluster.post(
        f"/api/v1/items/{item}/start",
        "member",
        json={"period": "once"},
        headers={"If-Match": header},
    )
    assert "If-Match" in refused(answer, 422, "bad_input")
    assert _item(cluster, item).json()["version"] == 1


def test_an_endpoint_that_cannot_honour_if_match_refuses_it(cluster):
    answer = cluster.post(
        "/api/v1/auth/password",
        "member",
        json={"old_password": "x" * 12, "new_password": "y" * 12},
        headers={"If-Match": '"1"'},
    )
    assert refused(answer, 422, "bad_input") == {"If-Match": ["not taken by this endpoint"]}

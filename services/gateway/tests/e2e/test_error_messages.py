"""Every error code the gateway answers, provoked over HTTP from a real client: the stable
English code, its Chinese message (the ERROR table of services/common/labels.py), the fields or
headers named as the request named them. Also what the HTTP server refuses before any route
(a header or a request line too long, a malformed request): the same body, never plain text,
never a 500."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from eventlog import new_event
from services.common.labels import ERROR
from services.gateway import idempotency
from services.gateway.events import IdempotentRequestStarted
from services.gateway.tests.error_codes import CJK, answered_codes
from services.gateway.users.throttle import ACCOUNT

from .addresses import client, loopback
from .world import PASSWORD

pytestmark = pytest.mark.servers

JSON = {"Content-Type": "application/json"}
# Codes this module does not provoke, and where they are.
ELSEWHERE = {
    "service_unavailable": "e2e test_unavailable: a service stopped",
    "not_ready": "e2e test_unavailable: /readyz while a service is stopped",
    "already_submitted": "e2e test_appraisal: a review submitted twice",
    "missing_reviews": "e2e test_appraisal: finalised without a reason",
    "window_closed": "unit test_error_messages: the services' errors by name",
    "concurrency_conflict": "unit test_error_messages: two writes at once",
    "busy": "unit test_users: a sign-in the log cannot record",
    "internal_error": "unit test_error_messages: a bug",
}


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    content: bytes


def answer(response) -> Answer:
    return Answer(response.status_code, dict(response.headers), response.content)


def raw(cluster, request: bytes) -> Answer:
    """`request` as it is written, on a connection of its own, and the answer as it came."""
    address = urlsplit(cluster.url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        connection.sendall(request)
        response = http.client.HTTPResponse(connection)
        response.begin()
        return Answer(response.status, dict(response.getheaders()), response.read())


def body_of(given: Answer, status: int, code: str) -> dict[str, Any]:
    """The error body, checked: status, JSON, the code unchanged, its Chinese message."""
    assert given.status == status, given
    assert given.headers["Content-Type"] == "application/json", given
    body = json.loads(given.content)
    assert body == {"code": code, "message": ERROR[code], "fields": body["fields"]}, body
    assert CJK.search(body["message"]), body
    return body


def _group_path(w) -> str:
    return f"/api/v1/branches/{w.branches['own']}/groups"


def _bad_json(cluster) -> Answer:
    w = cluster.world
    return answer(cluster.post(_group_path(w), "secretary", data=b"{nope", headers=JSON))


def _malformed(cluster) -> Answer:
    return raw(cluster, b"NOT AN HTTP REQUEST\r\n\r\n")


def _no_token(cluster) -> Answer:
    return answer(cluster.get("/api/v1/me"))


def _not_allowed_here(cluster) -> Answer:
    return answer(cluster.post(_group_path(cluster.world), "member", json={"name": "组"}))


def _one_time_password(cluster) -> Answer:
    w = cluster.world
    username = f"otp{w.run}"
    user = {"username": username, "person_id": w.people["member2"], "password": PASSWORD}
    assert cluster.post("/api/v1/users", "committee", json=user).status_code == 200
    reset = cluster.post(
        f"/api/v1/users/{username}/password-reset", "committee", json={"reason": "忘记密码"}
    )
    assert reset.status_code == 200, reset.text
    one_time = reset.json()["one_time_password"]
    return answer(
        cluster.post("/api/v1/auth/token", json={"username": username, "password": one_time})
    )


def _no_route(cluster) -> Answer:
    return answer(cluster.get("/api/v1/nowhere", "member"))


def _another_branch(cluster) -> Answer:
    return answer(cluster.get(f"/api/v1/branches/{cluster.world.branches['foreign']}", "member"))


def _method(cluster) -> Answer:
    given = answer(cluster.session.delete(cluster.url + "/api/v1/me", timeout=30))
    assert "GET" in given.headers["Allow"]
    return given


def _done_twice(cluster) -> Answer:
    path = f"/api/v1/items/{cluster.world.items['own']}/complete"
    cluster.post(path, "member", json={"period": "once"})
    return answer(cluster.post(path, "member", json={"period": "once"}))


def _report(cluster, key: str, title: str = "报告"):
    path = f"/api/v1/branches/{cluster.world.branches['own']}/reports"
    report = {"title": title, "kind": "work_report", "filed_on": f"{cluster.world.year}-03-01"}
    return cluster.post(path, "secretary", headers={"Idempotency-Key": key}, json=report)


def _in_progress(cluster) -> Answer:
    """A claim like that of an attempt still running (its gateway died a moment ago)."""
    first = uuid.uuid4().hex
    assert _report(cluster, first).status_code == 200
    store = cluster.gateway_log
    person = cluster.world.people["secretary"]
    started = store.read_stream(idempotency.stream_id(person, first))[0]
    running = idempotency.stream_id(person, second := uuid.uuid4().hex)
    store.append(running, [new_event(IdempotentRequestStarted.of(started))], 0)
    return answer(_report(cluster, second))


def _key_reused(cluster) -> Answer:
    key = uuid.uuid4().hex
    assert _report(cluster, key).status_code == 200
    return answer(_report(cluster, key, title="另一份报告"))


def _stale_version(cluster) -> Answer:
    path = f"/api/v1/items/{cluster.world.items['branch']}/progress"
    note = {"period": "once", "note": "进展"}
    return answer(cluster.post(path, "secretary", json=note, headers={"If-Match": '"999"'}))


def _too_large(cluster) -> Answer:
    big = b'{"name": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    return answer(cluster.post(_group_path(cluster.world), "secretary", data=big, headers=JSON))


def _long_url(cluster) -> Answer:
    return answer(cluster.get("/api/v1/me?q=" + "x" * 9000, "member"))


def _bad_fields(cluster) -> Answer:
    path = f"/api/v1/branches/{cluster.world.branches['own']}/items"
    return answer(cluster.post(path, "secretary", json={"level": "x"}))


def _bad_roster(cluster) -> Answer:
    header = "支部,党小组,姓名,登录名,电子邮箱,手机号,职务\n"
    table = header + "无此支部,一组,某人,r1,a@example.cn,13800000000,\n"
    body = {"content": base64.b64encode(table.encode()).decode(), "dry_run": False}
    path = f"/api/v1/institutions/{cluster.world.institution}/roster"
    return answer(cluster.post(path, "committee", json=body))


def _guessing(cluster) -> Answer:
    guesser, body = client(loopback()), {"username": cluster.world.username("outsider")}
    url = cluster.url + "/api/v1/auth/token"
    for n in range(ACCOUNT.free + 2):  # the free ones, one more, and one during its wait
        tried = guesser.post(url, json={**body, "password": f"guess {n}"}, timeout=30)
        if tried.status_code == 429:
            assert int(tried.headers["Retry-After"]) >= 1
            return answer(tried)
        body_of(answer(tried), 401, "unauthorised")
    raise AssertionError("never throttled")


def _long_header(cluster) -> Answer:
    given = answer(cluster.get("/api/v1/me", headers={"Authorization": "Bearer " + "x" * 9000}))
    assert list(json.loads(given.content)["fields"]) == ["Authorization"]
    return given


# (status, code, how): one request, or a few, that the gateway answers with that error.
CASES: dict[str, tuple[int, str, Callable[..., Answer]]] = {
    "bad json": (400, "bad_json", _bad_json),
    "malformed request": (400, "bad_request", _malformed),
    "no token": (401, "unauthorised", _no_token),
    "without the role": (403, "forbidden", _not_allowed_here),
    "a one-time password": (403, "password_change_required", _one_time_password),
    "no such route": (404, "not_found", _no_route),
    "another branch": (404, "not_found", _another_branch),
    "a method the path lacks": (405, "method_not_allowed", _method),
    "completed twice": (409, "invalid_transition", _done_twice),
    "a key in use": (409, "request_in_progress", _in_progress),
    "If-Match stale": (412, "precondition_failed", _stale_version),
    "a body of 5 MB": (413, "payload_too_large", _too_large),
    "a URL of 9 KB": (414, "uri_too_long", _long_url),
    "invalid fields": (422, "bad_input", _bad_fields),
    "a key reused": (422, "idempotency_key_reused", _key_reused),
    "a roster with a bad row": (422, "roster_invalid", _bad_roster),
    "failed sign-ins": (429, "too_many_attempts", _guessing),
    "an Authorization header of 9 KB": (431, "header_too_large", _long_header),
}


@pytest.mark.parametrize("case", CASES)
def test_every_error_is_answered_in_chinese_beside_its_code(cluster, case):
    status, code, provoke = CASES[case]
    body_of(provoke(cluster), status, code)


def test_every_code_the_gateway_answers_is_provoked_here_or_elsewhere():
    provoked = {code for _, code, _ in CASES.values()}
    assert provoked | set(ELSEWHERE) == answered_codes()


@pytest.mark.parametrize(
    ("request_bytes", "status", "fields"),
    [
        (
            b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Long: " + b"y" * 9000 + b"\r\n\r\n",
            431,
            {"X-Long"},
        ),
        (
            b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-%d: %s\r\n" % (n, b"y" * 7000) for n in range(10))
            + b"\r\n",
            431,
            {"X-9"},
        ),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, {"url"}),
        (
            b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            400,
            {"Content-Length"},
        ),
        (
            b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n",
            400,
            {"Transfer-Encoding"},
        ),
        (b"GET /api/v1/me HTTP/2.7\r\nHost: x\r\n\r\n", 505, set()),
        (b"GET /api/v1/me HTTP/1.1\r\n" + b"X-A: b\r\n" * 101 + b"\r\n", 431, set()),
    ],
    ids=[
        "header line",
        "headers together",
        "request line",
        "length",
        "length and chunks",
        "version",
        "101 headers",
    ],
)
def test_what_the_http_server_refuses_before_any_route_is_in_the_error_body(
    cluster, request_bytes, status, fields
):
    given = raw(cluster, request_bytes)
    code = {431: "header_too_large", 414: "uri_too_long"}.get(status, "bad_request")
    assert set(body_of(given, status, code)["fields"]) == fields
    assert given.headers["Connection"] == "close"
    assert cluster.get("/api/v1/me", "member").status_code == 200  # the server serves on

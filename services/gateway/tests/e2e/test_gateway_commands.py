"""The gateway's own commands (registering a user, changing a password, an administrator's reset)
under an Idempotency-Key, over HTTP on the real servers: a retry after the first attempt's answer
was lost (a 5xx freed the key, or the gateway died and its claim went stale) is answered the
first outcome and changes nothing more, as the services' commands are; the key reused for
another body is refused as they refuse it."""

from __future__ import annotations

import uuid

import pytest
from eventlet.greenpool import GreenPool

from eventlog import new_event
from services.common.events import CommandRecorded
from services.common.keyed import record_stream
from services.gateway import idempotency
from services.gateway.events import IdempotentRequestAbandoned

from .world import PASSWORD

pytestmark = pytest.mark.servers


def answer_lost(cluster, role: str, key: str) -> None:
    """The key freed as a 5xx after the commit frees it (idempotency.complete): the gateway
    keeps no answer, and a retry runs the request again."""
    log = cluster.gateway_log
    stream = idempotency.stream_id(cluster.world.people[role], key)
    abandoned = new_event(IdempotentRequestAbandoned(status=503))
    log.append(stream, [abandoned], len(log.read_stream(stream)))


def user_events(cluster, username: str) -> list[str]:
    return [event.type for event in cluster.gateway_log.read_stream(f"user-{username}")]


def records(cluster, role: str, key: str) -> list[str]:
    """The command records the gateway keeps under the key (one per command it committed)."""
    command_key = idempotency.command_key(cluster.world.people[role], key)
    stream = record_stream("gateway", command_key)
    return [event.type for event in cluster.gateway_log.read_stream(stream)]


def register(cluster, username: str, key: str | None = None, password: str = PASSWORD):
    person = cluster.world.people["member2"]  # a member of the branch without a user of the matrix
    body = {"username": username, "person_id": person, "password": password}
    headers = {"Idempotency-Key": key} if key else {}
    return cluster.post("/api/v1/users", "committee", json=body, headers=headers)


def sign_in(cluster, username: str, password: str):
    body = {"username": username, "password": password}
    return cluster.post("/api/v1/auth/token", json=body)


def test_a_registration_retried_after_its_answer_was_lost_is_answered_its_first_outcome(cluster):
    username, key = f"reg{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    first = register(cluster, username, key)
    assert first.status_code == 200, first.text
    answer_lost(cluster, "committee", key)

    retried = register(cluster, username, key)
    assert retried.status_code == 200, retried.text  # not 409: the user exists
    assert retried.json() == first.json() and "Idempotent-Replayed" not in retried.headers
    assert user_events(cluster, username) == ["UserRegistered"]
    assert records(cluster, "committee", key) == [CommandRecorded.type]
    assert sign_in(cluster, username, PASSWORD).status_code == 200

    other = register(cluster, username, key, password="another password")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_a_password_change_retried_after_its_answer_was_lost_is_answered_changed(cluster):
    username = f"pwd{uuid.uuid4().hex[:8]}"
    assert register(cluster, username).status_code == 200
    token = sign_in(cluster, username, PASSWORD).json()["access_token"]
    mine = {"Authorization": f"Bearer {token}"}
    change = {"old_password": PASSWORD, "new_password": "a new one 2026"}
    key = uuid.uuid4().hex

    def changed():
        url = cluster.url + "/api/v1/auth/password"
        return cluster.session.post(url, json=change, headers={**mine, "Idempotency-Key": key})

    first = changed()
    assert first.status_code == 200, first.text
    answer_lost(cluster, "member2", key)

    retried = changed()  # the old password no longer signs in: answered from the record
    assert (retried.status_code, retried.json()) == (200, first.json()), retried.text
    assert user_events(cluster, username).count("PasswordChanged") == 1
    assert sign_in(cluster, username, "a new one 2026").status_code == 200


def reset(cluster, username: str, key: str, reason: str = "忘记密码"):
    path = f"/api/v1/users/{username}/password-reset"
    return cluster.post(
        path, "committee", json={"reason": reason}, headers={"Idempotency-Key": key}
    )


def test_a_reset_retried_is_answered_the_same_one_time_password_and_resets_once(cluster):
    """The gateway keeps no copy of an answer with a password: the retry is answered from the
    command's record, with the password drawn again from the key."""
    username, key = f"rst{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    assert register(cluster, username).status_code == 200
    first = reset(cluster, username, key)
    assert first.status_code == 200, first.text
    retried = reset(cluster, username, key)
    assert (retried.status_code, retried.json()) == (200, first.json()), retried.text
    assert user_events(cluster, username).count("PasswordReset") == 1
    assert records(cluster, "committee", key) == [CommandRecorded.type]
    one_time = first.json()["one_time_password"]
    held = sign_in(cluster, username, one_time)  # the password answered is the one stored
    assert held.status_code == 403 and held.json()["code"] == "password_change_required"

    other = reset(cluster, username, key, reason="另一个原因")
    assert other.status_code == 422 and set(other.json()["fields"]) == {"command_key"}
    fresh = reset(cluster, username, uuid.uuid4().hex)
    assert fresh.status_code == 200 and fresh.json()["one_time_password"] != one_time
    assert user_events(cluster, username).count("PasswordReset") == 2


def test_two_attempts_at_a_reset_at_once_reset_once(cluster):
    username, key = f"two{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    assert register(cluster, username).status_code == 200
    pool = GreenPool(2)
    answers = list(pool.imap(lambda _: reset(cluster, username, key), range(2)))
    assert [answer.status_code for answer in answers] == [200, 200], [a.text for a in answers]
    assert answers[0].json() == answers[1].json()
    assert user_events(cluster, username).count("PasswordReset") == 1


def test_sessions_end_by_signing_out_and_when_the_password_changes_or_is_reset(cluster):
    username = f"ses{uuid.uuid4().hex[:8]}"
    assert register(cluster, username).status_code == 200
    phone, desk, laptop = (
        {"Authorization": f"Bearer {sign_in(cluster, username, PASSWORD).json()['access_token']}"}
        for _ in range(3)
    )

    def me(headers) -> int:
        return cluster.session.get(cluster.url + "/api/v1/me", headers=headers).status_code

    def post(path: str, headers, body=None):
        return cluster.session.post(cluster.url + path, json=body or {}, headers=headers)

    assert post("/api/v1/auth/sign-out", phone).status_code == 200
    assert (me(phone), me(desk), me(laptop)) == (401, 200, 200)

    change = {"old_password": PASSWORD, "new_password": "a new one 2026"}
    changed = post("/api/v1/auth/password", desk, change)
    assert changed.status_code == 200, changed.text
    assert changed.json()["checks"] == {"sessions_ended": "1"}  # the laptop's; the phone's was
    assert (me(desk), me(laptop)) == (200, 401)

    assert reset(cluster, username, uuid.uuid4().hex).status_code == 200
    assert me(desk) == 401

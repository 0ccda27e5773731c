"""Signing in over HTTP from several client addresses (all of 127.0.0.0/8 is this machine's):
failures make the address they come from wait, never the account's owner elsewhere."""

from __future__ import annotations

import time

import pytest
import requests

from services.common.labels import ERROR
from services.gateway.users.throttle import ACCOUNT

from .addresses import client, loopback
from .world import PASSWORD

pytestmark = pytest.mark.servers


def sign_in(cluster, session: requests.Session, username: str, password: str):
    body = {"username": username, "password": password}
    return session.post(f"{cluster.url}/api/v1/auth/token", json=body, timeout=30)


def test_a_strangers_failures_do_not_keep_the_owner_out(cluster):
    owner, stranger = cluster.world.username("secretary"), client(loopback())
    answers = [sign_in(cluster, stranger, owner, f"guess {n}") for n in range(3 * ACCOUNT.free)]
    assert {answer.status_code for answer in answers} == {401, 429}
    assert sign_in(cluster, stranger, owner, PASSWORD).status_code == 429
    signed_in = sign_in(cluster, client(loopback()), owner, PASSWORD)
    assert signed_in.status_code == 200, signed_in.text
    assert (
        cluster.get(
            "/api/v1/me", headers={"Authorization": "Bearer " + signed_in.json()["access_token"]}
        ).status_code
        == 200
    )


def test_repeated_failures_from_one_address_wait_longer_each_time(cluster):
    user, guesser = cluster.world.username("leader"), client(loopback())
    for n in range(ACCOUNT.free):
        assert sign_in(cluster, guesser, user, f"guess {n}").status_code == 401
    waits = []
    for n in range(3):
        assert sign_in(cluster, guesser, user, f"again {n}").status_code == 401
        early = sign_in(cluster, guesser, user, PASSWORD)
        assert early.status_code == 429, early.text
        assert early.json() == {
            "code": "too_many_attempts",
            "message": ERROR["too_many_attempts"],
            "fields": {},
        }
        waits.append(int(early.headers["Retry-After"]))
        time.sleep(waits[-1])
    assert waits[0] >= 1 and waits == sorted(set(waits)), waits
    assert sign_in(cluster, guesser, user, PASSWORD).status_code == 200

"""Users: registering, and the lockout after repeated failures (pure domain and the handlers
over the in-memory store)."""

from datetime import UTC, datetime, timedelta

import pytest

from eventlog import ConcurrencyConflict, InMemoryEventStore
from services.common.errors import InvalidTransition
from services.gateway.errors import HttpError, to_http
from services.gateway.users import domain, handlers
from services.gateway.users.credentials import Claims, TokenIssuer, hash_password

NOW = datetime(2026, 5, 1, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def password_hash():
    return hash_password("right password")


@pytest.fixture
def store(password_hash):
    store = InMemoryEventStore(source="gateway")
    handlers.register(store, domain.RegisterUser("ann", "p1", password_hash), actor_id="admin")
    return store


def test_signing_in_returns_the_person(store):
    assert handlers.sign_in(store, "ann", "right password", NOW).person_id == "p1"
    assert store.read_stream("user-ann")[-1].type == "LoginSucceeded"


def test_five_failures_lock_the_user(store):
    for n in range(domain.LOCK_AFTER):
        with pytest.raises(HttpError) as failed:
            handlers.sign_in(store, "ann", "wrong", NOW + timedelta(minutes=n))
        assert failed.value.status == 401
    with pytest.raises(HttpError) as locked:
        handlers.sign_in(store, "ann", "right password", NOW + timedelta(minutes=6))
    assert locked.value.status == 429 and locked.value.code == "account_locked"
    later = NOW + timedelta(minutes=5) + domain.LOCK_FOR
    assert handlers.sign_in(store, "ann", "right password", later).username == "ann"


def test_old_failures_do_not_count():
    user = domain.User("ann", "p1", "h", failures=(NOW - domain.WINDOW,) * 4)
    assert [e.type for e in domain.decide_login(user, False, NOW)] == ["LoginFailed"]


def test_an_unknown_user_is_refused_like_a_wrong_password(store):
    with pytest.raises(HttpError) as unknown:
        handlers.sign_in(store, "nobody", "whatever", NOW)
    assert unknown.value.status == 401 and unknown.value.message == handlers.WRONG


def test_a_sign_in_the_log_cannot_record_is_refused_whatever_the_password(store, monkeypatch):
    def conflict(stream_id, events, expected_version, **_):
        raise ConcurrencyConflict(stream_id, expected_version, expected_version + 1)

    monkeypatch.setattr(store, "append", conflict)
    for password in ("right password", "wrong"):
        with pytest.raises(HttpError) as busy:
            handlers.sign_in(store, "ann", password, NOW)
        assert (busy.value.status, busy.value.code) == (503, "busy")
    assert [e.type for e in store.read_stream("user-ann")] == ["UserRegistered"]


def test_a_username_is_registered_once(store, password_hash):
    with pytest.raises(InvalidTransition, match="already exists") as again:
        handlers.register(store, domain.RegisterUser("ann", "p2", password_hash), "admin")
    answer = to_http(again.value)
    assert answer.status == 409
    assert answer.body() == {
        "code": "invalid_transition",
        "message": "user ann already exists",
        "fields": {},
    }


def test_tokens_carry_the_person_and_expire():
    issuer = TokenIssuer("k" * 32, timedelta(minutes=5))
    now = datetime.now(UTC)
    token = issuer.issue(Claims("p1", "ann", False), now)["access_token"]
    assert issuer.read(token) == Claims("p1", "ann", False)
    assert TokenIssuer("other" * 8, timedelta(minutes=5)).read(token) is None
    stale = issuer.issue(Claims("p1", "ann", False), now - timedelta(hours=1))["access_token"]
    assert issuer.read(stale) is None

"""Users: registering, signing in, and the throttle on failed sign-ins (pure domain and the
handlers over the in-memory store)."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from eventlet.greenpool import GreenPool

from eventlog import ConcurrencyConflict, InMemoryEventStore, Metadata, NewEvent
from eventlog.model import UPCASTERS
from services.common.errors import InvalidTransition, NotFound
from services.gateway.errors import HttpError, to_http
from services.gateway.users import credentials, domain, handlers, throttle
from services.gateway.users.credentials import (
    ALGORITHM,
    ISSUER,
    Claims,
    TokenIssuer,
    hash_password,
    one_time_password,
)
from services.gateway.users.sessions import Sessions, claims_of

NOW = datetime(2026, 5, 1, 8, tzinfo=UTC)
KEY = "k" * 32
HOME, ELSEWHERE = "192.0.2.1", "198.51.100.7"


@pytest.fixture(scope="module")
def password_hash():
    return hash_password("right password")


@pytest.fixture
def store(password_hash):
    store = InMemoryEventStore(source="gateway")
    handlers.register(store, domain.RegisterUser("ann", "p1", password_hash), actor_id="admin")
    return store


@pytest.fixture
def cheap_checks(monkeypatch):
    """Password checks without argon2's cost, for the tests that make many attempts."""

    def check(password_hash, password):
        return bool(password_hash) and password == "right password"

    monkeypatch.setattr(handlers, "verify_password", check)


def sign_in(store, password, at=NOW, address=HOME, username="ann"):
    origin = throttle.origin(KEY, address, username)
    return handlers.sign_in(store, username, password, at, origin)


def refused(store, password, at=NOW, address=HOME, username="ann") -> HttpError:
    with pytest.raises(HttpError) as answer:
        sign_in(store, password, at, address, username)
    return answer.value


def test_signing_in_returns_the_person(store):
    assert sign_in(store, "right password").person_id == "p1"
    assert store.read_stream("user-ann")[-1].type == "LoginSucceeded"


def test_failures_from_one_place_wait_longer_each_time(store, cheap_checks):
    for _ in range(throttle.ACCOUNT.free):
        assert refused(store, "wrong").status == 401
    waits, at = [], NOW
    for _ in range(4):
        assert refused(store, "wrong", at).status == 401  # counted, and sets the wait
        early = refused(store, "right password", at)
        assert (early.status, early.code) == (429, "too_many_attempts")
        waits.append(int(early.headers["Retry-After"]))
        at += timedelta(seconds=waits[-1])
    assert waits == [1, 2, 4, 8]
    assert sign_in(store, "right password", at).username == "ann"


def test_a_try_during_a_wait_is_neither_checked_nor_recorded(store, monkeypatch):
    for _ in range(throttle.ACCOUNT.free + 1):
        refused(store, "wrong")
    stored = len(store.read_all())

    def never(*_):
        raise AssertionError("a password was checked during a wait")

    monkeypatch.setattr(handlers, "verify_password", never)
    assert refused(store, "right password").status == 429
    assert len(store.read_all()) == stored


def test_a_strangers_failures_do_not_keep_the_owner_out(store, cheap_checks):
    for _ in range(3 * throttle.ACCOUNT.free):
        assert refused(store, "wrong", address=ELSEWHERE).status in (401, 429)
    assert refused(store, "right password", address=ELSEWHERE).status == 429
    assert sign_in(store, "right password").person_id == "p1"


def test_a_burst_of_guesses_at_once_is_decided_one_after_another(store):
    """The password checks run side by side (argon2 in threads), the outcomes one by one."""
    burst = 3 * throttle.ACCOUNT.free
    answers = list(GreenPool(burst).imap(lambda n: refused(store, f"guess {n}"), range(burst)))
    assert {answer.status for answer in answers} <= {401, 429, 503}
    failed = [answer for answer in answers if answer.status == 401]
    assert len(failed) <= throttle.ACCOUNT.free + 1
    account = store.read_stream(throttle.origin(KEY, HOME, "ann").account)
    assert len(account) == len(failed)


def test_a_spray_over_many_accounts_makes_its_address_wait(store, cheap_checks):
    for n in range(throttle.ADDRESS.free + 1):
        assert refused(store, "123456", username=f"u{n}").status == 401
    assert refused(store, "right password").status == 429  # a fresh account, from there
    assert sign_in(store, "right password", address=ELSEWHERE).username == "ann"


def test_unknown_names_are_throttled_like_known_ones(store, cheap_checks):
    answers = [refused(store, "x", username="nobody").status for _ in range(7)]
    assert answers == [401] * (throttle.ACCOUNT.free + 1) + [429]


def test_failures_drain_and_a_success_empties_the_accounts_bucket_only():
    address, account = throttle.Bucket(), throttle.Bucket()
    for _ in range(throttle.ACCOUNT.free + 1):
        events = throttle.attempted(address, account, False, NOW)
        address, account = (throttle.evolve(throttle.Bucket(), e) for e in events)
    assert throttle.wait(address, account, NOW) == timedelta(seconds=1)
    later = NOW + throttle.ACCOUNT.drain * 2
    assert account.drained(throttle.ACCOUNT, later) == pytest.approx(throttle.ACCOUNT.free - 1)
    events = throttle.attempted(address, account, True, NOW + timedelta(seconds=1))
    address, account = (throttle.evolve(throttle.Bucket(), e) for e in events)
    assert account == throttle.Bucket()
    assert address.level == throttle.ACCOUNT.free + 1


def test_locks_a_log_holds_from_before_the_throttle_lock_no_one(store):
    old = [NewEvent("LoginFailed", {"at": NOW.isoformat()}) for _ in range(5)]
    old.append(NewEvent("UserLocked", {"until": (NOW + timedelta(hours=1)).isoformat()}))
    store.append("user-ann", old, 1, metadata=Metadata(actor_id="p1"))
    assert sign_in(store, "right password").username == "ann"


def test_the_streams_name_neither_the_address_nor_the_user():
    origin = throttle.origin(KEY, HOME, "ann")
    assert origin.account.startswith(origin.address + ".")
    assert HOME not in origin.account and "ann" not in origin.account
    assert throttle.origin("other" * 8, HOME, "ann") != origin


def test_an_unknown_user_is_refused_like_a_wrong_password(store):
    unknown = refused(store, "whatever", username="nobody")
    assert (unknown.status, unknown.detail) == (401, handlers.WRONG)
    assert unknown.message == "用户名或密码不正确。"


def test_a_sign_in_the_log_cannot_record_is_refused_whatever_the_password(store, monkeypatch):
    def conflict(appends, **_):
        raise ConcurrencyConflict(appends[0][0], appends[0][1], appends[0][1] + 1)

    monkeypatch.setattr(store, "append_batch", conflict)
    for password in ("right password", "wrong"):
        busy = refused(store, password)
        assert (busy.status, busy.code) == (503, "busy")
    assert [e.type for e in store.read_stream("user-ann")] == ["UserRegistered"]


def test_a_username_is_registered_once(store, password_hash):
    with pytest.raises(InvalidTransition, match="already exists") as again:
        handlers.register(store, domain.RegisterUser("ann", "p2", password_hash), "admin")
    answer = to_http(again.value)
    assert (answer.status, answer.detail) == (409, "user ann already exists")
    assert answer.body() == {
        "code": "invalid_transition",
        "message": "当前状态下不能这样操作（可能已完成或已取消）。",
        "fields": {},
    }


def test_tokens_carry_the_person_and_expire():
    issuer = TokenIssuer("k" * 32, timedelta(minutes=5))
    now = datetime.now(UTC)
    token = issuer.issue(Claims("p1", "ann", False), now)["access_token"]
    read = issuer.read(token)
    assert (read.subject, read.username, read.admin) == ("p1", "ann", False)
    assert len(read.token_id) == 32
    assert TokenIssuer("other" * 8, timedelta(minutes=5)).read(token) is None
    stale = issuer.issue(Claims("p1", "ann", False), now - timedelta(hours=1))["access_token"]
    assert issuer.read(stale) is None


def test_a_signed_out_session_is_refused_and_no_other():
    sessions = Sessions(TokenIssuer(KEY, timedelta(minutes=5)), InMemoryEventStore("gateway"))
    now = datetime.now(UTC)
    phone, desk = (sessions.issue(Claims("p1", "ann", False), now)["access_token"] for _ in "ab")
    claims = sessions.read(phone)
    sessions.end(claims, now)
    sessions.end(claims, now)  # a second sign-out (another tab) changes nothing
    assert sessions.read(phone) is None
    assert sessions.read(desk).token_id != claims.token_id
    ended = sessions.store.read_stream(f"session-{claims.token_id}")
    assert [(e.type, e.actor_id) for e in ended] == [("SignedOut", "p1")]


def test_a_changed_password_ends_every_other_session_and_a_reset_every_one(store, cheap_checks):
    """Each sign-in records the session its token begins; ending a user's sessions finds them
    there, and those of sign-ins older than a token lives are long over already."""
    sessions = Sessions(TokenIssuer(KEY, timedelta(minutes=60)), store)
    now = datetime.now(UTC)

    def signed_in(at):
        session = credentials.new_token_id()
        user = handlers.sign_in(
            store, "ann", "right password", at, throttle.origin(KEY, HOME, "ann"), session
        )
        return sessions.issue(claims_of(user, session), at)["access_token"]

    old, phone, desk = signed_in(now - timedelta(hours=2)), signed_in(now), signed_in(now)
    sign_in(store, "right password", now)  # a password checked again: no session, no token
    kept = sessions.read(desk)
    assert sessions.end_all("ann", now, "p1", keep=kept.token_id) == 1
    assert sessions.read(phone) is None and sessions.read(desk) == kept
    assert sessions.end_all("ann", now, "p1", keep=kept.token_id) == 0  # a retry ends none twice
    assert sessions.end_all("ann", now, "admin") == 1 and sessions.read(desk) is None
    assert not store.stream_version(
        f"session-{jwt.decode(old, options={'verify_signature': False})['jti']}"
    )


def test_a_token_without_an_id_is_refused():
    issuer = TokenIssuer(KEY, timedelta(minutes=5))
    now = int(datetime.now(UTC).timestamp())
    payload = {"sub": "p1", "iss": ISSUER, "iat": now, "exp": now + 60}
    assert issuer.read(jwt.encode(payload, KEY, algorithm=ALGORITHM)) is None
    assert issuer.read(jwt.encode({**payload, "jti": "t1"}, KEY, algorithm=ALGORITHM))


def test_a_reset_password_is_one_time_until_its_holder_changes_it(store):
    handlers.reset_password(store, "ann", hash_password("one time pw"), "忘记密码", "admin")
    assert sign_in(store, "one time pw").one_time
    origin = throttle.origin(KEY, HOME, "ann")
    changed, outcome = handlers.change_password(
        store, "ann", "one time pw", "mine now 2026", NOW, origin, one_time_only=True
    )
    assert changed.person_id == "p1" and outcome.as_dict()["events"] == ["PasswordChanged"]
    assert not sign_in(store, "mine now 2026").one_time
    types = [e.type for e in store.read_stream("user-ann")]
    assert types[1:] == [
        "PasswordReset",
        "LoginSucceeded",  # with the one-time password: no token (the gateway refuses one)
        "LoginSucceeded",  # the change checks it again
        "PasswordChanged",
        "LoginSucceeded",
    ]


def test_only_a_one_time_password_is_replaced_without_a_token(store):
    origin = throttle.origin(KEY, HOME, "ann")
    with pytest.raises(InvalidTransition):
        handlers.change_password(
            store, "ann", "right password", "another 2026", NOW, origin, one_time_only=True
        )


def test_a_one_time_password_drawn_from_the_same_seed_is_the_same():
    seed, other = bytes(range(64)), bytes(range(1, 65))
    password = one_time_password(seed)
    assert password == one_time_password(seed) != one_time_password(other)
    assert len(password) == 12 and set(password) <= set(credentials._ALPHABET)
    assert one_time_password() != one_time_password()  # at random without one


def test_no_one_is_reset_who_is_not_a_user(store):
    with pytest.raises(NotFound):
        handlers.reset_password(store, "nobody", "hash", "忘记密码", "admin")


def test_users_registered_before_one_time_passwords_chose_their_own():
    data = {"username": "u", "person_id": "p", "password_hash": "h", "admin": False}
    assert UPCASTERS.upcast("UserRegistered", 1, data) == (2, {**data, "one_time": False})

"""The producers of notify's own streams (members' channels, branch thresholds, reminders and
their deliveries) and of the gateway's users, each by its pure domain's decide function, as
their handlers call it. Members and branch come from the ledger world."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from hypothesis import strategies as st

from services.common.handlers import load
from services.gateway.users import domain as users
from services.notify.domain import preferences as p
from services.notify.domain import reminders as r
from services.notify.domain.reminders import Backoff, decide_claim, decide_outcome
from services.notify.schemas import commands as cs

from .ledger_world import Ledger
from .world import STORABLE, World

RULES = ("due_soon", "overdue", "escalation", "study_shortfall", "meeting_due", "review_window")
HOOK = st.just("https://hooks.example.org/taizhang")
BACKOFF = Backoff((60.0, 300.0))
SERVICE = "service:notify"
DAYS = st.none() | st.integers(0, 90)
CHANNELS = st.lists(st.sampled_from(r.CHANNELS), min_size=1, unique=True)


def play(ledger: Ledger) -> None:
    world = ledger.world
    for _ in world.times(3):
        _channels(world, ledger.member())
    if world.draw(st.booleans()):
        _thresholds(world, ledger)
    for n in range(world.draw(st.integers(1, 3))):
        if key := _issue(world, ledger, n):
            _deliver(world, key)
    _users(world, ledger)


def _channels(world: World, member: str) -> None:
    payload = {
        "actor_id": member,
        "member_id": member,
        "webhook_url": world.maybe(HOOK),
        "channels": world.draw(CHANNELS),
    }
    if (cmd := world.load(cs.SetPreferences, payload)) is None:
        return
    world.decide(
        p.prefs_stream(member),
        p.evolve_preferences,
        None,
        lambda state: p.decide_preferences(state, cmd),
        actor_id=member,
    )


def _thresholds(world: World, ledger: Ledger) -> None:
    names = (
        "due_soon_days",
        "escalate_again_after_days",
        "study_days_before_month_end",
        "meetings_days_before_period_end",
    )
    payload: dict[str, Any] = {name: world.draw(DAYS) for name in names}
    payload |= {
        "actor_id": ledger.founder,
        "branch_id": ledger.branch,
        "escalate_after_days": world.maybe(st.integers(1, 90)),
    }
    if (cmd := world.load(cs.SetThresholds, payload)) is None:
        return
    world.decide(
        p.config_stream(ledger.branch),
        p.evolve_thresholds,
        p.Thresholds(),
        lambda state: p.decide_thresholds(state, cmd),
        actor_id=ledger.founder,
        branch_id=ledger.branch,
    )


def _issue(world: World, ledger: Ledger, n: int) -> str | None:
    member = ledger.member()
    reminder = r.Reminder(
        world.pick(RULES),
        world.id(f"s{n}"),
        "2026-06",
        member,
        ledger.branch,
        world.draw(STORABLE),
        world.draw(STORABLE),
    )
    chosen = world.maybe(CHANNELS.map(tuple))
    email = world.pick([f"{member}@court.example", None, f"{member}@court.example"])
    to = r.route(chosen, email, world.maybe(HOOK))
    decided = world.decide(
        r.stream_id(reminder.key),
        r.evolve,
        r.ReminderState(),
        lambda state: r.decide_issue(state, reminder, to),
        actor_id=SERVICE,
        branch_id=ledger.branch,
    )
    return reminder.key if decided else None


def _deliver(world: World, key: str) -> None:
    """Attempts on one of the reminder's channels, each claimed, then reported (or never, as
    after a crash); and the reminder read in the inbox."""
    stream = r.stream_id(key)

    def claim(state: r.ReminderState) -> list:
        return decide_claim(state, channel, world.now, BACKOFF)

    def report(state: r.ReminderState) -> list:
        attempt = state.deliveries[channel].attempts
        return decide_outcome(state, channel, attempt, error, world.now, BACKOFF)

    state, _ = load(world.store, stream, r.evolve, r.ReminderState())
    sent = sorted(set(state.deliveries) & set(r.SENT))
    channel = world.pick(sent) if sent else None
    for _ in range(world.draw(st.integers(2, 6))) if channel else ():
        world.now += timedelta(minutes=world.draw(st.integers(0, 200)))
        error = world.pick(["OSError: refused", None, "Refused: HTTP 500", "unreported"])
        if world.decide(stream, r.evolve, r.ReminderState(), claim, actor_id=SERVICE) and (
            error != "unreported"
        ):
            world.decide(stream, r.evolve, r.ReminderState(), report, actor_id=SERVICE)
    if "inbox" in state.issued["channels"] and world.draw(st.booleans()):
        world.decide(stream, r.evolve, r.ReminderState(), r.decide_read, actor_id=SERVICE)


def _users(world: World, ledger: Ledger) -> None:
    """Users registered, signing in, a password reset to a one-time one, and one changed."""
    names = [world.id(f"u{n}") for n in range(world.draw(st.integers(1, 2)))]
    for name in names:
        cmd = users.RegisterUser(
            name,
            world.pick([ledger.founder, *ledger.members]),
            "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
            world.draw(st.booleans()),
            one_time=world.draw(st.booleans()),
        )
        _user(world, name, lambda state, cmd=cmd: users.decide_register(state, cmd))
    # Sign-ins: a success is on the user's stream (failures are the throttle's, users/throttle.py).
    for _ in world.times(5):
        world.now += timedelta(minutes=world.draw(st.integers(0, 3)))
        session = world.maybe(st.sampled_from(["t1", "t2"]))  # None: a password checked again
        _user(world, world.pick(names), partial(_sign_in, world.now, session))
    if world.draw(st.booleans()):
        _user(world, names[-1], lambda state: users.decide_reset(state, "$argon2id$y", "忘记密码"))
    if world.draw(st.booleans()):
        _user(world, names[0], lambda state: users.decide_change_password(state, "$argon2id$x"))


def _sign_in(now: datetime, session: str | None, state: users.User) -> list:
    return [users.signed_in(now, session)]


def _user(world: World, name: str, decide) -> None:
    world.decide(users.stream_id(name), users.evolve, users.User(), decide, actor_id=name)

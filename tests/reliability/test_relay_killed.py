"""The relay as an OS process, killed with SIGKILL mid-batch: every event still reaches the bus,
each stream in version order once duplicates are dropped, and every event is sealed once."""

import random
import time
from collections import Counter

from eventlog.seal import verify
from tests.support import wait_for

from .checks import assert_published_in_order, assert_sealed_once
from .harness import (
    append_at_once,
    append_rounds,
    checkpoints_held,
    last_position,
    relay_checkpoint,
    relay_lock_holder,
    terminate,
    wait_relayed,
    waits_for_a_lock,
)

KILLS = 3
BATCH = 200  # the relay's --batch


def kill_while_relaying(db, children, name: str, stored: list) -> bool:
    """Starts a relay and kills it once it has passed a random event of the first half of what
    is left, wherever in its next batch it then is (reading, publishing, awaiting confirms,
    sealing); True if events were left. A place in the log, not a time: on any hardware the
    other half is still to relay when the kill comes."""
    start = relay_checkpoint(db)
    left = [event.position for event in stored if event.position > start]
    if not left:
        return False
    target = random.choice(left[: max(1, len(left) // 2)])
    children.relay(name)
    wait_for(lambda: relay_checkpoint(db) >= target, 30, f"{name} to pass {target}", pause=0.005)
    children.kill(name)
    return relay_checkpoint(db) < left[-1]


def test_a_relay_killed_at_random_moments_again_and_again_loses_nothing(
    settings, db, store, category, bus, children
):
    baseline = set(verify(db).problems)
    streams = [f"{category}-{n}" for n in range(15)]
    # 12,000 events: each kill leaves at least half of what was left, 1,500 after the third
    stored = [e for batch in append_rounds(store, streams, rounds=80, per_append=10) for e in batch]
    stored.sort(key=lambda event: event.position)
    end = last_position(db, category)

    mid_log = [kill_while_relaying(db, children, f"relay{kill}", stored) for kill in range(KILLS)]
    assert all(mid_log), f"a relay finished before it was killed: {mid_log}"

    children.relay("relay-last")
    wait_relayed(db, end, "relay-last")
    assert relay_checkpoint(db) == store.head()
    assert_published_in_order(settings.amqp_uri, bus, stored)
    assert_sealed_once(db, category, baseline)


def test_a_relay_killed_after_publishing_a_batch_before_its_checkpoint_publishes_it_again(
    settings, db, store, category, bus, children
):
    baseline = set(verify(db).problems)
    stored = append_at_once(store, [f"{category}-{n}" for n in range(10)], per_stream=200)
    first, end = last_position(db, category, first=True), last_position(db, category)
    children.relay("relay-held")
    wait_relayed(db, first, "relay-held")  # it is inside this test's events, with more to go
    with checkpoints_held(db):
        wait_for(lambda: waits_for_a_lock(db, "relay-held"), 30, "a published, unsealed batch")
        held = relay_checkpoint(db)
        children.kill("relay-held")
        # The relay's seal-and-checkpoint is one statement: once sent, the server would finish
        # it when the lock frees (rightly: the broker had confirmed the batch). Its session dies
        # too here, as when the relay's host goes: the checkpoint write is lost with it.
        terminate(db, ["relay-held"])
    published_then_killed = store.read_all(held, limit=BATCH)  # what the relay had just read
    assert held < end and published_then_killed[0].category == category

    children.relay("relay-next")
    wait_relayed(db, end, "relay-next")
    bodies = assert_published_in_order(settings.amqp_uri, bus, stored)
    deliveries = Counter(body["event_id"] for body in bodies)
    assert all(deliveries[str(e.event_id)] >= 2 for e in published_then_killed)
    assert_sealed_once(db, category, baseline)


def relay_while_both_run(db, store, streams: list[str], active: str, seconds: float) -> list:
    """Appends in rounds for longer than the standby's 1 s poll; the active relay keeps up."""
    stored, started = [], time.monotonic()
    while time.monotonic() - started < seconds and len(stored) < 3000:
        stored += [e for b in append_rounds(store, streams, rounds=1, per_append=10) for e in b]
        wait_relayed(db, stored[-1].position, active)
        assert relay_lock_holder(db) == active
    return stored


def test_a_standby_relay_publishes_nothing_then_takes_over_when_the_active_one_is_killed(
    settings, db, store, category, bus, children
):
    baseline = set(verify(db).problems)
    streams = [f"{category}-{n}" for n in range(10)]
    children.relay("relay-a")
    children.relay("relay-b")
    active = wait_for(lambda: relay_lock_holder(db), 30, "a relay to take the lock")
    standby = {"relay-a": "relay-b", "relay-b": "relay-a"}[active]

    stored = relay_while_both_run(db, store, streams, active, seconds=3.0)
    children.assert_alive()
    bodies = assert_published_in_order(settings.amqp_uri, bus, stored)
    assert len(bodies) == len(stored), "an event was published twice: two relays were active"

    start = relay_checkpoint(db)
    more = append_at_once(store, streams, per_stream=1500)  # one commit: 75 batches to relay
    end = last_position(db, category)
    wait_for(lambda: relay_checkpoint(db) > start, 30, f"{active} to start on the new events")
    children.kill(active)
    assert relay_checkpoint(db) < end, "the active relay was killed too late: nothing was tested"
    wait_for(lambda: relay_lock_holder(db) == standby, 30, f"{standby} to take the lock")
    wait_relayed(db, end, standby)
    assert relay_checkpoint(db) == store.head()
    assert_published_in_order(settings.amqp_uri, bus, more)
    assert_sealed_once(db, category, baseline)

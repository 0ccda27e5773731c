"""Each service killed with SIGKILL (and started again) while clients send it keyed commands
through the gateway, each with an Idempotency-Key of its own, retrying until answered: the
ledger, the gateway and the relay while items are planned (no item_id), the appraisal while
cycles are opened (no cycle_id), notify while a branch's thresholds are set. Each key takes
effect exactly once and is answered with its outcome, whatever the kill cut between a commit and
its answer; no answer is a 500; every read model of the services is what a rebuild from the log
makes of it. (The relay alone, killed mid-batch: test_relay_killed.)"""

import pytest

from eventlog import Database, PostgresEventStore
from tests.support import wait_for

from .clients import Clients, Keyed, cycles_to_open, items_to_plan, thresholds_to_set
from .harness import relay_checkpoint, relay_lock_holder
from .scale import scaled
from .stack import (
    START_SECONDS,
    Stack,
    assert_each_key_planned_once,
    assert_read_models_rebuild_alike,
)

COMMANDS = scaled(150, 1000)
KILLS = scaled(1, 3)


@pytest.fixture
def stack(settings, children):
    stack = Stack(children, settings.amqp_uri, settings.database_url)
    stack.start("ledger")
    stack.start("gateway")
    stack.await_ledger()
    return stack


def kill_while_planning(stack: Stack, name: str) -> tuple[list, Clients]:
    token, branch = stack.seed(), stack.branch
    commands = items_to_plan(branch.branch_id, branch.run, COMMANDS)
    return commands, kill_while_sending(stack, name, token, commands)


def kill_while_sending(stack: Stack, name: str, token: str, commands: list[Keyed]) -> Clients:
    """Kills `name` each time another share of the commands has been answered: a place in the
    run, not a time, so every kill lands while clients are sending."""
    clients = Clients(stack.url, token, commands)
    for kill in range(1, KILLS + 1):
        share = kill * COMMANDS // (KILLS + 1)
        try:
            wait_for(lambda s=share: clients.settled >= s, 120, f"{share} answers", pause=0.01)
        except AssertionError as late:
            raise AssertionError(f"{late} before kill {kill}: {clients.summary()}") from None
        stack.restart(name)
    clients.wait()
    stack.children.assert_alive()
    return clients


def test_the_ledger_killed_during_keyed_commands_applies_each_key_once(db, stack):
    commands, clients = kill_while_planning(stack, "ledger")
    assert_each_key_planned_once(db, stack.branch.branch_id, commands, clients)
    # While the ledger was away the gateway said so: 503 with the error body, never a 500.
    clients.assert_only_outages()
    assert_read_models_rebuild_alike(db, stack)


def test_the_gateway_killed_during_keyed_commands_applies_each_key_once(db, stack):
    commands, clients = kill_while_planning(stack, "gateway")
    assert_each_key_planned_once(db, stack.branch.branch_id, commands, clients)
    # A retry meets no gateway, or its own attempt's claim until that is stale.
    clients.assert_only_outages(("unreachable", ""), (409, "request_in_progress"))
    assert_read_models_rebuild_alike(db, stack)


def test_the_relay_killed_during_keyed_commands_applies_each_key_once_and_loses_no_event(
    settings, db, children
):
    """The relay as deployed beside the services (`taizhang relay`), holding the relay lock: it
    starts first and takes it, and the services' own relays stand by. Once it is killed, one of
    those takes over from its checkpoint (and a relay killed later is a standby: nothing is
    lost either way). The appraisal follows the ledger's events over the bus meanwhile. (The
    seals' chain across such a handover: test_relay_killed.)"""
    stack = Stack(children, settings.amqp_uri, settings.database_url)
    stack.start("relay")
    wait_for(lambda: relay_lock_holder(db) == "relay", START_SECONDS, "the relay to take the lock")
    for name in ("ledger", "appraisal", "gateway"):
        stack.start(name)
    stack.await_ledger()
    commands, clients = kill_while_planning(stack, "relay")
    assert_each_key_planned_once(db, stack.branch.branch_id, commands, clients)
    clients.assert_only_outages()  # commands never wait for the relay: only a slow machine's 503
    # A relay's checkpoint moves past a batch once the broker confirmed it, with its seals.
    store = PostgresEventStore(db, source="test")
    wait_for(lambda: relay_checkpoint(db) >= store.head(), 60, "a relay to publish the rest")
    assert_read_models_rebuild_alike(db, stack)


def warmed(stack: Stack, commands: list[Keyed]) -> tuple[str, list[Keyed]]:
    """The secretary's token, once the service under test knows the branch (its read model
    follows the ledger's events) and a first command of the kind has gone through, so that every
    refusal the clients meet is the kill's. The commands' path, read, is the service's own view
    of the branch."""
    token = stack.seed()
    first, *rest = commands
    stack.await_known(token, first.path)
    warm_up = Clients(stack.url, token, [first])
    warm_up.wait()
    assert first.key in warm_up.answers, warm_up.refused
    return token, rest


def logged(db: Database, branch_id: str, event_type: str) -> list[dict]:
    return db.fetch_all(
        "SELECT stream_id, version, data FROM eventlog.events"
        " WHERE branch_id = %s AND event_type = %s"
        " ORDER BY transaction_id, position",
        (branch_id, event_type),
    )


def test_the_appraisal_killed_during_keyed_commands_applies_each_key_once(db, stack):
    stack.start("appraisal")
    branch = stack.branch.branch_id
    token, commands = warmed(stack, cycles_to_open(branch, stack.branch.run, COMMANDS + 1))
    clients = kill_while_sending(stack, "appraisal", token, commands)
    clients.assert_only_outages()
    opened = [row["stream_id"].removeprefix("cycle-") for row in logged(db, branch, "CycleOpened")]
    # Each key opened one cycle, the one it was answered with (and the warm-up's, first).
    assert len(opened) == len(commands) + 1
    assert set(opened[1:]) == {answer["id"] for answer in clients.answers.values()}

    def cycles() -> int:
        row = db.fetch_one(
            "SELECT count(*) AS n FROM appraisal.cycles WHERE branch_id = %s", (branch,)
        )
        return row["n"] if row else 0

    wait_for(lambda: cycles() == len(opened), 60, "the appraisal's read model")
    assert_read_models_rebuild_alike(db, stack)


def test_notify_killed_during_keyed_commands_applies_each_key_once(db, stack):
    stack.start("notify")
    branch = stack.branch.branch_id
    token, commands = warmed(stack, thresholds_to_set(branch, stack.branch.run, COMMANDS + 1))
    clients = kill_while_sending(stack, "notify", token, commands)
    # The clients change one stream at once: a command that loaded it before another's change
    # was stored is refused, and its key keeps the refusal (it applied nothing).
    clients.assert_only_outages((409, "concurrency_conflict"))
    # No two settings alike: a key applied twice, after another key's, would log one more.
    # Each key answered set the thresholds once, at the version it was answered with (the
    # warm-up's first); a key refused set nothing.
    changes = logged(db, branch, "ThresholdsSet")
    assert len(changes) == len(clients.answers) + 1
    versions = sorted(answer["version"] for answer in clients.answers.values())
    assert [row["version"] for row in changes[1:]] == versions

    def thresholds() -> dict | None:
        return db.fetch_one(
            "SELECT due_soon_days, escalate_after_days, escalate_again_after_days,"
            " study_days_before_month_end, meetings_days_before_period_end"
            " FROM notify.thresholds WHERE branch_id = %s",
            (branch,),
        )

    wait_for(lambda: thresholds() == changes[-1]["data"], 60, "notify's read model")
    assert_read_models_rebuild_alike(db, stack)

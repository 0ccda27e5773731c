"""The ledger, then the gateway, killed with SIGKILL (and started again) while clients plan
items through the gateway, each with an Idempotency-Key of its own and no item_id, retrying
until answered: each key plans exactly one item and is answered with its id, whatever the kill
cut between a commit and its answer; no answer is a 500; the read model holds every item."""

import pytest

from tests.support import wait_for

from .clients import Clients, items_to_plan
from .scale import scaled
from .stack import Stack, assert_each_key_planned_once

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
    """Kills `name` each time another share of the commands has been answered: a place in the
    run, not a time, so every kill lands while clients are sending."""
    token, branch = stack.seed(), stack.branch
    commands = items_to_plan(branch.branch_id, branch.run, COMMANDS)
    clients = Clients(stack.url, token, commands)
    for kill in range(1, KILLS + 1):
        share = kill * COMMANDS // (KILLS + 1)
        wait_for(lambda s=share: len(clients.answers) >= s, 120, f"{share} answers", pause=0.01)
        stack.restart(name)
    clients.wait()
    stack.children.assert_alive()
    return commands, clients


def test_the_ledger_killed_during_keyed_commands_applies_each_key_once(db, stack):
    commands, clients = kill_while_planning(stack, "ledger")
    assert_each_key_planned_once(db, stack.branch.branch_id, commands, clients.answers)
    # While the ledger was away the gateway said so: 503 with the error body, never a 500.
    assert set(clients.refusals) <= {(503, "service_unavailable")}, clients.refusals
    assert not clients.unlike


def test_the_gateway_killed_during_keyed_commands_applies_each_key_once(db, stack):
    commands, clients = kill_while_planning(stack, "gateway")
    assert_each_key_planned_once(db, stack.branch.branch_id, commands, clients.answers)
    # A retry meets no gateway, or its own attempt's claim until that is stale.
    allowed = {("unreachable", ""), (409, "request_in_progress"), (503, "service_unavailable")}
    assert set(clients.refusals) <= allowed, clients.refusals
    assert not clients.unlike

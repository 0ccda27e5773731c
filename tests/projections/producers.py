"""Every producer at once: the ledger's world, then its branch's appraisal cycle, reminders and
users. The events, in the order the log stored them."""

from __future__ import annotations

from eventlog import StoredEvent

from . import appraisal_world, ledger_work, ledger_world, notify_world
from .world import World


def play(world: World) -> list[StoredEvent]:
    ledger = ledger_world.Ledger(world)
    for part in (
        ledger_world.found,
        ledger_world.people,
        ledger_world.goals,
        ledger_work.items,
        ledger_work.life,
        ledger_work.study,
    ):
        part(ledger)
    appraisal_world.play(ledger)
    notify_world.play(ledger)
    return world.events

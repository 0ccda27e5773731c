"""What every appraisal command uses: its ports (the log, the roster, the review ids' key, the
ledger's measures), the cycle loaded from its stream, and the commit at the loaded version.

The log's helpers (`load`, `commit`, `Outcome`) live in services/common/handlers.py, shared by
every service: one way to write events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from eventlog import Event
from services.common.handlers import EventStore, Outcome, commit, load

from ..domain.cycle import Cycle, evolve, require_cycle
from ..domain.roster import Roster

# (branch id, member ids, start, end) → member id → the ledger's member_measures answer
Measures = Callable[[str, Sequence[str], date, date], Mapping[str, Mapping[str, Any]]]


@dataclass(frozen=True)
class Context:
    store: EventStore
    roster: Callable[[str], Roster]  # branch id → its current roster (NotFound if unknown)
    key: bytes
    measures: Measures


def stream_id(cycle_id: str) -> str:
    return f"cycle-{cycle_id}"


def cycle_of(ctx: Context, cycle_id: str) -> tuple[Cycle, int, Roster]:
    state, version = load(ctx.store, stream_id(cycle_id), evolve, Cycle())
    require_cycle(state, cycle_id)
    return state, version, ctx.roster(state.branch_id)


def save(
    ctx: Context,
    cmd: Any,
    events: Sequence[Event],
    version: int,
    now: datetime,
    branch_id: str,
    **metadata: Any,
) -> Outcome:
    """Appends the command's events to its cycle's stream at the loaded version (a concurrent
    change makes this fail, not interleave), as its actor unless `metadata` says otherwise (and
    the id answered: the cycle's, unless it says which)."""
    return commit(
        ctx.store,
        stream_id(cmd.cycle_id),
        events,
        version,
        **{"actor_id": cmd.actor_id, "id": cmd.cycle_id, **metadata},
        branch_id=branch_id,
        now=now,
    )

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

from eventlog.model import NewEvent
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
    cycle_id: str,
    events: list[NewEvent],
    version: int,
    *,
    actor_id: str,
    branch_id: str,
    now: datetime,
    id: str | None = None,
    correlation_id: str | None = None,
) -> Outcome:
    """Appends at the loaded version: a concurrent change makes this fail, not interleave."""
    return commit(
        ctx.store,
        stream_id(cycle_id),
        events,
        version,
        actor_id=actor_id,
        branch_id=branch_id,
        now=now,
        id=id or cycle_id,
        correlation_id=correlation_id,
    )

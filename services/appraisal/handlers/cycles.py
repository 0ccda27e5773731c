"""Opening and finalising cycles."""

from __future__ import annotations

from datetime import date, datetime

from services.common.handlers import Outcome, load

from ..domain import finalising, opening
from ..domain.commands import FinaliseCycle, OpenCycle
from ..domain.cycle import Cycle, evolve
from ..domain.progress import progress_of
from ..domain.roster import require_admin
from .common import Context, cycle_of, save, stream_id


def open_cycle(cmd: OpenCycle, ctx: Context, now: datetime) -> Outcome:
    require_admin(ctx.roster(cmd.branch_id), cmd.actor_id)
    state, version = load(ctx.store, stream_id(cmd.cycle_id), evolve, Cycle())
    return save(ctx, cmd, opening.decide_open(state, cmd), version, now, cmd.branch_id)


def finalise_cycle(cmd: FinaliseCycle, ctx: Context, now: datetime) -> Outcome:
    """Asks the ledger for every member's measures between loading and appending: no database
    transaction is open meanwhile, and a change to the cycle in between fails the append."""
    state, version, roster = cycle_of(ctx, cmd.cycle_id)
    require_admin(roster, cmd.actor_id)
    progress = progress_of(state, roster, ctx.key)
    finalising.require_finalisable(state, cmd, progress, now)
    start, end = (date.fromisoformat(state.plan[k]) for k in ("starts_on", "ends_on"))
    measures = ctx.measures(state.branch_id, sorted(roster.members), start, end)
    events = finalising.decide_finalise(state, cmd, progress, measures, now)
    return save(ctx, cmd, events, version, now, state.branch_id)

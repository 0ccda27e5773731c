"""Demo appraisal cycles for the demo institution: `python -m services.appraisal.demo`, after
`python -m services.ledger.demo`.

Branches b1 and b2 get two quarterly cycles each (demo_cycles.py says which): one finalised, so
the results and the members' archives show scores, grades and evidence, and one open, with part
of its reviews in. Written like the ledger's demo: through the appraisal's command handlers (so
roles, windows, locks and the peer reviews' ids apply), into a staging log in memory,
dated in the past, then copied into the log (services/common/demo.py). The roster is the
appraisal's read model of the ledger's branches, rebuilt first (the service's own sweep of a
fresh demo takes longer); the measures are the ledger's `members_measures`, asked in process.

Loaded once: it loads nothing when the branches have cycles already (this demo's, perhaps of an
earlier quarter, or anyone's), unless they are this demo's own from a load cut short today,
which it completes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from eventlog import (
    Database,
    InMemoryEventStore,
    PostgresEventStore,
    ProjectionRunner,
    Settings,
    utcnow,
)
from services.common.actors import service_actor
from services.common.demo import copy
from services.ledger.demo_world import INSTITUTION
from services.ledger.queries.measures import members_measures

from .config import appraisal_key
from .demo_cycles import ZONE, cycle_ids, write_branch
from .exceptions import NotFound
from .handlers.common import Context, Measures, stream_id
from .projection import PROJECTION
from .queries.common import load_roster

BRANCHES = ("b1", "b2")
SEED = 2026
ACTOR = service_actor("appraisal")


def load(
    db: Database, runner: ProjectionRunner, branches: Sequence[str], now: datetime
) -> int | None:
    """Loads the branches' demo cycles; returns how many events, or None if they had cycles.

    The read model must be current: it tells which cycles exist, and the rosters.
    """
    today = now.astimezone(ZONE).date()
    planned = [cycle for branch in branches for cycle in cycle_ids(branch, today)]
    found = db.fetch_all(
        "SELECT cycle_id FROM appraisal.cycles WHERE branch_id = ANY(%s)", (list(branches),)
    )
    existing = {row["cycle_id"] for row in found}
    # The last planned cycle is copied last: once it exists, the whole demo does.
    if planned[-1] in existing or not existing <= set(planned):
        return None
    rosters = {branch: load_roster(db, branch) for branch in branches}
    staging = InMemoryEventStore(source="appraisal")
    ctx = Context(staging, rosters.__getitem__, appraisal_key(), ledger_measures(db))
    for branch in branches:
        write_branch(ctx, branch, today, SEED)
    count = copy(list(staging.iterate()), runner.store, last=stream_id(planned[-1]))
    runner.catch_up()
    return count


def ledger_measures(db: Database) -> Measures:
    """The ledger's answer to `members_measures`, from its read model: what the service's RPC
    to the ledger returns, without a ledger service running."""

    def measures(
        branch_id: str, members: Sequence[str], start: date, end: date
    ) -> Mapping[str, Mapping[str, Any]]:
        answer = members_measures(db, utcnow(), ACTOR, branch_id, list(members), start, end)
        return {record["member_id"]: record for record in answer["members"]}

    return measures


def main() -> None:
    started = time.monotonic()
    db = Database(Settings.from_env().database_url)
    runner = ProjectionRunner(db, PostgresEventStore(db, source="appraisal"), PROJECTION)
    runner.setup()
    runner.catch_up()  # the ledger demo's rosters and items, and any cycle already loaded
    try:
        count = load(db, runner, BRANCHES, utcnow())
    except NotFound:
        sys.exit(f"load the ledger demo first: python -m services.ledger.demo ({INSTITUTION})")
    if count is None:
        print(f"the demo appraisal cycles of {', '.join(BRANCHES)} are loaded", file=sys.stderr)
    else:
        elapsed = time.monotonic() - started
        print(f"loaded {count} appraisal events in {elapsed:.1f}s", file=sys.stderr)
    db.close()


if __name__ == "__main__":
    main()

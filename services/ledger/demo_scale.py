"""Grows the demo to a benchmark's size: `python -m services.ledger.demo_scale --branches 100`.

One branch (by default 4 groups of 10 members, 20 items in each ledger, a year of outcomes,
meetings and study: ~10,000 events) is written through the handlers, as the demo is
(demo_world.py), into the in-memory log; it is then copied into the log under new ids (`g001`,
`g002` …) until the institution has as many branches as asked, and the read model is rebuilt.
Every copy has the same history: what a benchmark needs is the size, not variety. The bench
(`make bench`) builds its logs the same way.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import replace

from eventlog import (
    Database,
    InMemoryEventStore,
    PostgresEventStore,
    ProjectionRunner,
    Settings,
    StoredEvent,
)
from services.common.demo import copy

from .demo_world import INSTITUTION, World
from .projection import PROJECTION

TEMPLATE = "tpl1"  # the template branch's id: no other text of the demo contains it


class Template:
    """The events of one branch, and of the institution it was written in."""

    def __init__(self, seed: int = 2026, groups: int = 4, members: int = 10, items: int = 20):
        staging = InMemoryEventStore(source="ledger")
        world = World(seed, branches=1, groups=groups, members=members, items=items, prefix="tpl")
        world.build(staging)
        self.year = world.year
        events = list(staging.iterate())
        self.institution = [e for e in events if e.stream_id == f"institution-{INSTITUTION}"]
        self.branch = [e for e in events if e.stream_id != f"institution-{INSTITUTION}"]

    def copy_of(self, branch_id: str, institution_id: str = INSTITUTION) -> Iterator[StoredEvent]:
        """The branch's events as branch `branch_id` of institution `institution_id`."""
        return (_renamed(e, branch_id, institution_id) for e in self.branch)

    def institution_as(self, institution_id: str) -> list[StoredEvent]:
        return [_renamed(e, TEMPLATE, institution_id) for e in self.institution]


def _renamed(event: StoredEvent, branch_id: str, institution_id: str) -> StoredEvent:
    def rename(text: str | None) -> str | None:
        return text.replace(TEMPLATE, branch_id) if text else text

    data = json.dumps(event.data, ensure_ascii=False).replace(TEMPLATE, branch_id)
    if institution_id != INSTITUTION:  # the id as a value, not the e-mail domains
        data = data.replace(f'"{INSTITUTION}"', f'"{institution_id}"')
    stream_id = event.stream_id.replace(TEMPLATE, branch_id)
    return replace(
        event,
        stream_id=stream_id.replace(f"institution-{INSTITUTION}", f"institution-{institution_id}"),
        data=json.loads(data),
        branch_id=rename(event.branch_id),
        actor_id=rename(event.actor_id),
    )


def grow(
    store: PostgresEventStore,
    template: Template,
    branch_ids: list[str],
    institution_id: str = INSTITUTION,
) -> int:
    """Appends a copy of the template branch for each of `branch_ids` (one after the other, so
    memory holds one branch), then the institution's stream if the log has none yet."""
    count = 0
    for branch_id in branch_ids:
        count += copy(list(template.copy_of(branch_id, institution_id)), store, last="")
    if not store.stream_version(f"institution-{institution_id}"):
        count += copy(template.institution_as(institution_id), store, last="")
    return count


def branch_ids(first: int, last: int, prefix: str = "g") -> list[str]:
    return [f"{prefix}{n:03d}" for n in range(first, last + 1)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m services.ledger.demo_scale", description=__doc__
    )
    parser.add_argument("--branches", type=int, default=100, help="branches in all (default 100)")
    parser.add_argument("--members", type=int, default=40, help="per branch, in 4 groups")
    args = parser.parse_args(argv)
    started, settings = time.monotonic(), Settings.from_env()
    db = Database(settings.database_url)
    store = PostgresEventStore(db, source="ledger")
    runner = ProjectionRunner(db, store, PROJECTION)
    runner.setup()
    have = db.fetch_one(
        "SELECT count(*) AS n FROM ledger.branches WHERE institution_id = %s", (INSTITUTION,)
    )
    present = have["n"] if have else 0
    wanted = args.branches - present
    if wanted <= 0:
        print(f"{INSTITUTION} has {args.branches} branches or more already", file=sys.stderr)
        return
    template = Template(members=max(1, args.members // 4))
    grown = grow(store, template, branch_ids(present + 1, args.branches))
    applied = runner.rebuild()
    print(f"added {wanted} branches ({grown} events), rebuilt the ledger from {applied} events"
          f" in {time.monotonic() - started:.0f}s", file=sys.stderr)  # fmt: skip
    db.close()


if __name__ == "__main__":
    main()

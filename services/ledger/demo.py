"""Loads a realistic demo institution into the database: `python -m services.ledger.demo`.

Every command goes through the handlers (so permissions and rules apply), first into a staging
log in memory (the store the unit tests use), dated in the past (the files it attaches go into
the blob store at once: stored before the log names them); the staged events are then
copied into PostgreSQL (services/common/demo.py) — keeping their versions, dates and actors — and
the read model is rebuilt. The institution's stream goes last: once it exists, the whole demo is in
the log. The log's schema must exist already: `make run` migrates before it runs this.
"""

from __future__ import annotations

import sys
import time

from eventlog import Database, InMemoryEventStore, PostgresEventStore, ProjectionRunner, Settings
from eventlog.blobs import PostgresBlobStore
from services.common.demo import copy

from .demo_world import INSTITUTION, World
from .projection import PROJECTION


def main() -> None:
    started = time.monotonic()
    settings = Settings.from_env()
    db = Database(settings.database_url)
    store = PostgresEventStore(db, source="ledger")
    world = World(seed=2026)
    if store.stream_version(f"institution-{INSTITUTION}"):
        print(f"the demo institution {INSTITUTION} is already loaded", file=sys.stderr)
    else:
        staging = InMemoryEventStore(source="ledger")
        world.build(staging, PostgresBlobStore(db))  # the files first: the log names them
        count = copy(list(staging.iterate()), store, last=f"institution-{INSTITUTION}")
        ProjectionRunner(db, store, PROJECTION).rebuild()
        print(f"loaded {count} events in {time.monotonic() - started:.1f}s", file=sys.stderr)
    for person_id, description in world.users():
        print(f"{person_id}\t{description}")
    db.close()


if __name__ == "__main__":
    main()

"""The appraisal cycles of each branch, as the gateway needs them to find and list them.

The appraisal answers about one cycle at a time; which cycles a branch has (for its list and its
dashboard) the gateway keeps in a read model of its own (`gateway.cycles`), fed from the
appraisal's `cycle-<id>` streams like any read model: by the bus, the sweep, and at once after
a cycle is opened or finalised through the gateway. Only the openings and finalisations are
read; no review reaches this table. Rebuild: `taizhang rebuild services.gateway.cycles:PROJECTION`.
"""

from __future__ import annotations

import json
from typing import Any

from psycopg2.extensions import cursor as Cursor

from eventlog import Projection, StoredEvent, owner_of
from services.common.queries import iso

SOURCE = "appraisal"
SCHEMA_SQL = """
CREATE SCHEMA IF NOT EXISTS gateway;
CREATE TABLE IF NOT EXISTS gateway.cycles (
    cycle_id     text PRIMARY KEY,
    branch_id    text NOT NULL,
    kind         text NOT NULL,
    period       text NOT NULL,
    starts_on    date NOT NULL,
    ends_on      date NOT NULL,
    peer_scope   text NOT NULL,
    windows      jsonb NOT NULL,
    opened_at    timestamptz NOT NULL,
    finalised_at timestamptz
);
CREATE INDEX IF NOT EXISTS cycles_branch ON gateway.cycles (branch_id, opened_at);
"""
_COLUMNS = ("cycle_id", "branch_id", "kind", "period", "starts_on", "ends_on", "peer_scope")


def stream_id(cycle_id: str) -> str:
    return f"cycle-{cycle_id}"


def _opened(cur: Cursor, event: StoredEvent) -> None:
    cur.execute(
        "INSERT INTO gateway.cycles VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (
            *(event.data[name] for name in _COLUMNS),
            json.dumps(event.data["windows"]),
            event.occurred_at,
        ),
    )


def _finalised(cur: Cursor, event: StoredEvent) -> None:
    cur.execute(
        "UPDATE gateway.cycles SET finalised_at = %s WHERE cycle_id = %s",
        (event.occurred_at, owner_of(event)),
    )


PROJECTION = Projection(
    name="gateway_cycles",
    categories=("cycle",),
    schema_sql=SCHEMA_SQL,
    tables=("gateway.cycles",),
    handlers={"CycleOpened": _opened, "CycleFinalised": _finalised},
)


def branch_of(store: Any, cycle_id: str) -> str | None:
    """The branch of a cycle, from its opening in the log: never behind, unlike a read model."""
    first = store.read_stream(stream_id(cycle_id), to_version=1)
    if not first or first[0].source != SOURCE or first[0].type != "CycleOpened":
        return None
    return first[0].data["branch_id"]


def follow(ctx: Any, answer: dict[str, Any]) -> None:
    """After a command on a cycle through the gateway: its list shows the change at once."""
    ctx.service.cycles.apply(ctx.service.log.read_stream(stream_id(answer["id"])))


def of_branch(db: Any, branch_id: str, status: str | None = None) -> list[dict[str, Any]]:
    """The branch's cycles, newest first; status: open (not finalised) or finalised."""
    rows = db.fetch_all(
        "SELECT *, CASE WHEN finalised_at IS NULL THEN 'open' ELSE 'finalised' END AS status"
        " FROM gateway.cycles WHERE branch_id = %(branch)s"
        " AND (%(status)s::text IS NULL OR (finalised_at IS NULL) = (%(status)s = 'open'))"
        " ORDER BY opened_at DESC, cycle_id",
        {"branch": branch_id, "status": status},
    )
    return [iso(row) for row in rows]

"""Rectification items raised by appraisal commentary, planned into the member's ledger.

The appraisal records each item as RectificationRaised in its cycle stream; this projection,
fed by the bus and the sweep like any read model, plans it through the ledger's own plan_item:
a one-off member item of kind rectification whose id is the rectification's id, planned by the
leader who raised it. The item stream existing means it was planned already, so a redelivered
or replayed event plans nothing twice. A refusal (the raiser no longer leads the member, the
member left) is recorded with its reason rather than blocking the subscription for ever.
"""

from __future__ import annotations

import logging
from datetime import date

from psycopg2.extensions import cursor as Cursor

from eventlog import ConcurrencyConflict, PostgresEventStore, Projection, StoredEvent
from services.appraisal import events as ae

from .domain.items import PlanItem
from .exceptions import BadInput, ServiceError
from .handlers.items import plan_item, stream_id

log = logging.getLogger(__name__)

SCHEMA_SQL = """
CREATE SCHEMA IF NOT EXISTS ledger;
CREATE TABLE IF NOT EXISTS ledger.rectifications (
    rectification_id text PRIMARY KEY,
    cycle_id         text NOT NULL,
    member_id        text NOT NULL,
    planned          boolean NOT NULL,
    refusal          text
);
"""


def plan_rectification(store, raised: ae.RectificationRaised, now) -> str | None:
    """Plans the item unless it exists; returns why the ledger refused it, if it did."""
    if store.stream_version(stream_id(raised.rectification_id)):
        return None
    cmd = PlanItem(
        actor_id=raised.raised_by,
        item_id=raised.rectification_id,
        branch_id=raised.branch_id,
        level="member",
        kind="rectification",
        cadence="once",
        title=raised.title,
        owner_id=raised.member_id,
        due_date=date.fromisoformat(raised.due_date),
        source={"cycle_id": raised.cycle_id, "raised_by": raised.raised_by},
    )
    try:
        plan_item(cmd, store, now)
    except ConcurrencyConflict:  # another worker planned it meanwhile
        return None
    except (ServiceError, BadInput) as refused:
        log.warning("rectification %s not planned: %s", cmd.item_id, refused)
        return f"{type(refused).__name__}: {refused}"
    return None


def _raised(cur: Cursor, event: StoredEvent, store: PostgresEventStore) -> None:
    raised = ae.RectificationRaised.of(event)
    refusal = plan_rectification(store, raised, event.occurred_at)
    cur.execute(
        "INSERT INTO ledger.rectifications VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (raised.rectification_id, raised.cycle_id, raised.member_id, refusal is None, refusal),
    )


RECTIFICATIONS = Projection(
    name="ledger-rectifications",
    categories=("cycle",),
    schema_sql=SCHEMA_SQL,
    tables=("ledger.rectifications",),
    reactions={ae.RectificationRaised: _raised},
    # The rest of a cycle is the appraisal's own: the ledger plans what a commentary raises.
    ignored=(
        ae.CycleOpened,
        ae.SelfReviewSubmitted,
        ae.PeerReviewSubmitted,
        ae.LeaderCommentSubmitted,
        ae.ReviewReopened,
        ae.MeasuresRecorded,
        ae.CycleFinalised,
    ),
)

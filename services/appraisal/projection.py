"""The appraisal's read model (schema `appraisal`), fed from the log by SQL handlers.

It reads its own cycles and, from the ledger, the roster and the rectification items. Handlers
use only their event, never the clock or the key, so a rebuild equals the live model. A peer
review is stored under its review id, which names no reviewer (see domain/pseudonym.py); an
open cycle's names its reviewer beside it, as its event does.
"""

from __future__ import annotations

import json
from pathlib import Path

from psycopg2.extensions import cursor as Cursor
from psycopg2.extras import execute_values

from eventlog import Projection, StoredEvent, owner_of
from eventlog.projection import Handler

from .domain.cycle import REVIEWS
from .projection_roster import ITEM_HANDLERS, ROSTER_HANDLERS

SCHEMA_SQL = (Path(__file__).parent / "schema.sql").read_text()
TABLES = (
    "appraisal.institutions",
    "appraisal.branches",
    "appraisal.committee",
    "appraisal.members",
    "appraisal.roles",
    "appraisal.cycles",
    "appraisal.self_reviews",
    "appraisal.peer_reviews",
    "appraisal.leader_comments",
    "appraisal.rectifications",
    "appraisal.rectification_items",
    "appraisal.measures",
    "appraisal.results",
)


def _opened(cur: Cursor, event: StoredEvent) -> None:
    data = event.data
    cur.execute(
        "INSERT INTO appraisal.cycles (cycle_id, branch_id, kind, period, starts_on, ends_on,"
        " peer_scope, peer_mode, windows, weights, bands, opened_by, opened_at) VALUES (%s, %s,"
        " %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (
            *(data[k] for k in ("cycle_id", "branch_id", "kind", "period", "starts_on")),
            *(data[k] for k in ("ends_on", "peer_scope", "peer_mode")),
            *(json.dumps(data[k]) for k in ("windows", "weights", "bands")),
            event.actor_id,
            event.occurred_at,
        ),
    )


def _self_review(cur: Cursor, event: StoredEvent) -> None:
    data = event.data
    cur.execute(
        "INSERT INTO appraisal.self_reviews VALUES (%s, %s, %s, %s, 'submitted', %s)"
        " ON CONFLICT (cycle_id, member_id) DO UPDATE SET scores = EXCLUDED.scores,"
        " problems = EXCLUDED.problems, status = 'submitted', submitted_at = EXCLUDED.submitted_at",
        (
            owner_of(event),
            data["member_id"],
            json.dumps(data["scores"]),
            data["problems"],
            event.occurred_at,
        ),
    )


def _peer_review(cur: Cursor, event: StoredEvent) -> None:
    data = event.data
    cur.execute(
        "INSERT INTO appraisal.peer_reviews (cycle_id, review_id, reviewee_id, scores, comments,"
        " status, reviewer_id) VALUES (%s, %s, %s, %s, %s, 'submitted', %s)"
        " ON CONFLICT (cycle_id, review_id) DO UPDATE SET scores = EXCLUDED.scores,"
        " comments = EXCLUDED.comments, status = 'submitted'",
        (
            owner_of(event),
            data["review_id"],
            data["reviewee_id"],
            json.dumps(data["scores"]),
            data["comments"],
            data["reviewer_id"],
        ),
    )


def _leader_comment(cur: Cursor, event: StoredEvent) -> None:
    data = event.data
    cur.execute(
        "INSERT INTO appraisal.leader_comments VALUES (%s, %s, %s, %s, %s, 'submitted', %s)"
        " ON CONFLICT (cycle_id, member_id) DO UPDATE SET leader_id = EXCLUDED.leader_id,"
        " score = EXCLUDED.score, comment = EXCLUDED.comment, status = 'submitted',"
        " submitted_at = EXCLUDED.submitted_at",
        (
            owner_of(event),
            data["member_id"],
            data["leader_id"],
            data["score"],
            data["comment"],
            event.occurred_at,
        ),
    )


def _reopened(cur: Cursor, event: StoredEvent) -> None:
    data, cycle = event.data, owner_of(event)
    table = REVIEWS[data["step"]][0]
    if data["step"] == "peer_review":
        where, key = "review_id", data["review_id"]
    else:
        where, key = "member_id", data["member_id"]
    cur.execute(
        f"UPDATE appraisal.{table} SET status = 'reopened' WHERE cycle_id = %s AND {where} = %s",
        (cycle, key),
    )


def _rectification(cur: Cursor, event: StoredEvent) -> None:
    data = event.data
    cur.execute(
        "INSERT INTO appraisal.rectifications VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (
            *(data[k] for k in ("rectification_id", "cycle_id", "branch_id", "member_id")),
            *(data[k] for k in ("title", "due_date", "raised_by")),
            event.occurred_at,
        ),
    )


def _measures(cur: Cursor, event: StoredEvent) -> None:
    cur.execute(
        "INSERT INTO appraisal.measures VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
        (owner_of(event), event.data["member_id"], json.dumps(dict(event.data))),
    )


def _finalised(cur: Cursor, event: StoredEvent) -> None:
    data, cycle = event.data, owner_of(event)
    cur.execute(
        "UPDATE appraisal.cycles SET finalised_at = %s, finalised_by = %s, missing_reviews = %s,"
        " missing_reviews_reason = %s WHERE cycle_id = %s",
        (
            event.occurred_at,
            event.actor_id,
            json.dumps(data["missing_reviews"]),
            data["missing_reviews_reason"],
            cycle,
        ),
    )
    rows = [
        (cycle, r["member_id"], r["score"], r["grade"], json.dumps(r["breakdown"]))
        for r in data["results"]
    ]
    if rows:
        execute_values(cur, "INSERT INTO appraisal.results VALUES %s ON CONFLICT DO NOTHING", rows)


CYCLE_HANDLERS: dict[str, Handler] = {
    "CycleOpened": _opened,
    "SelfReviewSubmitted": _self_review,
    "PeerReviewSubmitted": _peer_review,
    "LeaderCommentSubmitted": _leader_comment,
    "ReviewReopened": _reopened,
    "RectificationRaised": _rectification,
    "MeasuresRecorded": _measures,
    "CycleFinalised": _finalised,
}

PROJECTION = Projection(
    name="appraisal",
    categories=("cycle", "branch", "institution", "item"),
    schema_sql=SCHEMA_SQL,
    tables=TABLES,
    handlers={**CYCLE_HANDLERS, **ROSTER_HANDLERS, **ITEM_HANDLERS},
    version=2,  # 2: the institutions' time zones, which earlier registrations must fill
)

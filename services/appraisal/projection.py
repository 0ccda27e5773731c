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

from eventlog import Event, Projection, StoredEvent, owner_of, statement
from eventlog.projection import Handler

from . import events as e
from .domain.cycle import REVIEWS
from .projection_roster import ITEM_HANDLERS, ROSTER_HANDLERS, ROSTER_IGNORED

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


def _reopened(cur: Cursor, event: StoredEvent) -> None:
    reopened = e.ReviewReopened.of(event)
    table = REVIEWS[reopened.step][0]
    if reopened.step == "peer_review":
        where, key = "review_id", reopened.review_id
    else:
        where, key = "member_id", reopened.member_id
    cur.execute(
        f"UPDATE appraisal.{table} SET status = 'reopened' WHERE cycle_id = %s AND {where} = %s",
        (owner_of(event), key),
    )


def _measures(cur: Cursor, event: StoredEvent) -> None:
    recorded = e.MeasuresRecorded.of(event)
    cur.execute(
        "INSERT INTO appraisal.measures VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
        (owner_of(event), recorded.member_id, json.dumps(recorded.data)),
    )


def _finalised(cur: Cursor, event: StoredEvent) -> None:
    finalised, cycle = e.CycleFinalised.of(event), owner_of(event)
    cur.execute(
        "UPDATE appraisal.cycles SET finalised_at = %s, finalised_by = %s, missing_reviews = %s,"
        " missing_reviews_reason = %s WHERE cycle_id = %s",
        (
            event.occurred_at,
            event.actor_id,
            json.dumps(finalised.missing_reviews),
            finalised.missing_reviews_reason,
            cycle,
        ),
    )
    rows = [
        (cycle, r["member_id"], r["score"], r["grade"], json.dumps(r["breakdown"]))
        for r in finalised.results
    ]
    if rows:
        execute_values(cur, "INSERT INTO appraisal.results VALUES %s ON CONFLICT DO NOTHING", rows)


CYCLE_HANDLERS: dict[type[Event], Handler] = {
    e.CycleOpened: statement(
        e.CycleOpened,
        "INSERT INTO appraisal.cycles (cycle_id, branch_id, kind, period, starts_on, ends_on,"
        " peer_scope, peer_mode, windows, weights, bands, opened_by, opened_at) VALUES"
        " (%(cycle_id)s, %(branch_id)s, %(kind)s, %(period)s, %(starts_on)s, %(ends_on)s,"
        " %(peer_scope)s, %(peer_mode)s, %(windows)s, %(weights)s, %(bands)s, %(actor)s, %(at)s)"
        " ON CONFLICT DO NOTHING",
    ),
    e.SelfReviewSubmitted: statement(
        e.SelfReviewSubmitted,
        "INSERT INTO appraisal.self_reviews VALUES (%(owner)s, %(member_id)s, %(scores)s,"
        " %(problems)s, 'submitted', %(at)s) ON CONFLICT (cycle_id, member_id) DO UPDATE SET"
        " scores = EXCLUDED.scores, problems = EXCLUDED.problems, status = 'submitted',"
        " submitted_at = EXCLUDED.submitted_at",
    ),
    e.PeerReviewSubmitted: statement(
        e.PeerReviewSubmitted,
        "INSERT INTO appraisal.peer_reviews (cycle_id, review_id, reviewee_id, scores, comments,"
        " status, reviewer_id) VALUES (%(owner)s, %(review_id)s, %(reviewee_id)s, %(scores)s,"
        " %(comments)s, 'submitted', %(reviewer_id)s) ON CONFLICT (cycle_id, review_id) DO"
        " UPDATE SET scores = EXCLUDED.scores, comments = EXCLUDED.comments, status = 'submitted'",
    ),
    e.LeaderCommentSubmitted: statement(
        e.LeaderCommentSubmitted,
        "INSERT INTO appraisal.leader_comments VALUES (%(owner)s, %(member_id)s, %(leader_id)s,"
        " %(score)s, %(comment)s, 'submitted', %(at)s) ON CONFLICT (cycle_id, member_id) DO"
        " UPDATE SET leader_id = EXCLUDED.leader_id, score = EXCLUDED.score,"
        " comment = EXCLUDED.comment, status = 'submitted', submitted_at = EXCLUDED.submitted_at",
    ),
    e.ReviewReopened: _reopened,
    e.RectificationRaised: statement(
        e.RectificationRaised,
        "INSERT INTO appraisal.rectifications VALUES (%(rectification_id)s, %(cycle_id)s,"
        " %(branch_id)s, %(member_id)s, %(title)s, %(due_date)s, %(raised_by)s, %(at)s)"
        " ON CONFLICT DO NOTHING",
    ),
    e.MeasuresRecorded: _measures,
    e.CycleFinalised: _finalised,
}

PROJECTION = Projection(
    name="appraisal",
    categories=("cycle", "branch", "institution", "item"),
    schema_sql=SCHEMA_SQL,
    tables=TABLES,
    handlers={**CYCLE_HANDLERS, **ROSTER_HANDLERS, **ITEM_HANDLERS},
    ignored=ROSTER_IGNORED,
    version=2,  # 2: the institutions' time zones, which earlier registrations must fill
)

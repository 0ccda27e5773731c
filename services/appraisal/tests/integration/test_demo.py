"""The demo's appraisal cycles, loaded into the real PostgreSQL for a seeded branch (the demo
institution's branches are too big for a test): once, through the handlers, with the ledger's
measures, and not again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from eventlog import ProjectionRunner
from services.appraisal import demo
from services.appraisal.config import appraisal_key
from services.appraisal.demo_cycles import ON_LEAVE
from services.appraisal.handlers.common import stream_id
from services.appraisal.queries import cycles, results
from services.ledger.projection import PROJECTION as LEDGER

from .scenario import PEOPLE, seed

pytestmark = pytest.mark.servers

# 10:00 on 15 January 2027 in Shanghai: 2026-Q3 (the seeded quarter) was appraised in October and
# is finalised; 2026-Q4 is being appraised now.
NOW = datetime(2027, 1, 15, 2, 0, tzinfo=UTC)


def test_the_demo_finalises_one_cycle_opens_another_and_loads_once(db, ledger_store, runner):
    ids = seed(ledger_store)
    ledger = ProjectionRunner(db, ledger_store, LEDGER)
    ledger.setup()
    ledger.catch_up()  # the ledger's read model answers the measures
    runner.catch_up()  # the roster
    branch, sec, m1 = ids["branch"], ids["sec"], ids["m1"]

    assert demo.load(db, runner, [branch], NOW)
    earlier, current = f"{branch}.2026-Q3", f"{branch}.2026-Q4"
    listed = cycles.list_cycles(db, sec, branch)["cycles"]
    assert {(c["cycle_id"], c["status"]) for c in listed} == {
        (earlier, "finalised"),
        (current, "open"),
    }

    scored = results.results(db, sec, earlier)["results"]
    assert sorted(r["member_id"] for r in scored) == sorted(ids[p] for p in PEOPLE)
    assert all(r["grade"] for r in scored)
    mine = next(r for r in scored if r["member_id"] == m1)
    assert mine["measures"]["ledger"]["overall"] == pytest.approx(0.6667)  # the seeded item
    assert [c["cycle_id"] for c in results.archive(db, m1, m1)["cycles"]] == [earlier]

    status = cycles.cycle(db, appraisal_key(), NOW, sec, current)
    reviews = [s for s in status["steps"] if s["step"] != "finalisation"]
    assert all(s["open"] for s in reviews)
    assert all(0 < s["missing"] < s["expected"] for s in reviews), reviews

    streams = [stream_id(earlier), stream_id(current)]
    events = [event for stream in streams for event in runner.store.read_stream(stream)]
    assert max(e.occurred_at for e in events) < NOW  # what the demo shows has happened
    finalised = next(e for e in events if e.type == "CycleFinalised")
    assert finalised.data["missing_reviews_reason"] == ON_LEAVE
    peer_reviews = [e for e in events if e.type == "PeerReviewSubmitted"]
    anonymous = {e.actor_id for e in peer_reviews if e.stream_id == stream_id(earlier)}
    assert anonymous and not anonymous & set(ids.values())  # review ids only
    named = [e for e in peer_reviews if e.stream_id == stream_id(current)]
    assert named and all(e.actor_id == e.data["reviewer_id"] in ids.values() for e in named)

    versions = [runner.store.stream_version(stream) for stream in streams]
    assert demo.load(db, runner, [branch], NOW) is None  # loaded: nothing is written again
    assert [runner.store.stream_version(stream) for stream in streams] == versions

"""The read model in PostgreSQL: the queries over it, anonymity in it, and a rebuild that equals
the live model. Commands run through the handlers with the clock passed in."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from functools import partial

import pytest

from eventlog import Metadata, NewEvent
from services.appraisal.config import appraisal_key
from services.appraisal.domain import commands as c
from services.appraisal.domain.cycle import DEFAULT_BANDS, DEFAULT_WEIGHTS, DIMENSIONS, Window
from services.appraisal.domain.pseudonym import legacy_review_id, pseudonym, review_ids
from services.appraisal.exceptions import Forbidden
from services.appraisal.handlers import cycles as ch
from services.appraisal.handlers import reviews as rh
from services.appraisal.handlers.common import Context
from services.appraisal.projection import TABLES
from services.appraisal.queries import cycles, results
from services.appraisal.queries.common import load_roster
from services.ledger.domain import branch as b
from services.ledger.domain import institution as o
from services.ledger.domain import items as ic
from services.ledger.handlers import items
from services.ledger.handlers import organisation as org

from .scenario import PEOPLE, seed

pytestmark = pytest.mark.servers

OCT = [datetime(2026, 10, day, tzinfo=UTC) for day in range(1, 32)]
WINDOWS = {
    "self_review": Window(OCT[0], OCT[10]),
    "peer_review": Window(OCT[0], OCT[10]),
    "leader_review": Window(OCT[0], OCT[20]),
    "finalisation": Window(OCT[10], OCT[30]),
}
SETTLED = {
    "start": "2026-07-01",
    "end": "2026-09-30",
    "ledger": {"due": 0, "on_time": 0, "on_time_rate": None, "by_kind": {}},
    "study": {"months": 3, "meeting_rule": 2, "rate": 0.6667, "articles": 2},
    "attendance": {"present": 1, "on_leave": 0, "absent": 0, "rate": 1.0},
}


def measures(branch_id, members, start, end):
    return dict.fromkeys(members, SETTLED)


def run_cycle(db, appraisal_store, runner, ids, peer_mode="anonymous") -> str:
    """Opens a cycle and writes every kind of event into it, applying each to the read model."""
    ctx = Context(appraisal_store, partial(load_roster, db), appraisal_key(), measures)
    sec, gl, m1, m2 = (ids[p] for p in PEOPLE)
    cycle = f"c{peer_mode[0]}{ids['item']}"
    scores = dict.fromkeys(DIMENSIONS, 80.0)
    steps = [
        (ch.open_cycle, c.OpenCycle(sec, cycle, ids["branch"], "quarterly", "2026-Q3", "group",
                                    WINDOWS, DEFAULT_WEIGHTS, DEFAULT_BANDS, peer_mode)),
        (rh.submit_self_review, c.SubmitSelfReview(m1, cycle, scores, "problems")),
        (rh.submit_peer_review, c.SubmitPeerReview(m1, cycle, m2, scores, "m2 is diligent")),
        (rh.submit_peer_review, c.SubmitPeerReview(gl, cycle, m2, scores, "m2 helps others")),
        (rh.reopen_review, c.ReopenReview(sec, cycle, "self_review", "incomplete", m1)),
        (rh.submit_leader_comment, c.SubmitLeaderComment(
            gl, cycle, m1, 88.0, "good", (c.Rectification("学习", date(2026, 12, 1)),))),
    ]  # fmt: skip
    for handle, cmd in steps:
        runner.apply(handle(cmd, ctx, OCT[5]).events)
    return cycle


def snapshot(db) -> dict[str, list]:
    """Every row of every table, in an order of its own (rows may agree on their first columns)."""
    return {table: sorted(map(repr, db.fetch_all(f"SELECT * FROM {table}"))) for table in TABLES}


def test_queries_show_status_and_debts_but_never_authorship(db, ledger_store, appraisal_store,
                                                           runner):  # fmt: skip
    ids = seed(ledger_store)
    runner.catch_up()
    cycle = run_cycle(db, appraisal_store, runner, ids)
    key, sec, gl, m1, m2 = appraisal_key(), *(ids[p] for p in PEOPLE)

    status = cycles.cycle(db, key, OCT[5], sec, cycle)
    self_step = status["steps"][0]
    assert (self_step["missing"], self_step["open"]) == (4, True)  # m1's was reopened
    assert status["steps"][2]["pending_member_ids"] == sorted([gl, sec])
    assert "pending_member_ids" not in status["steps"][1]  # who owes a peer review: notify only
    assert "pending_member_ids" not in cycles.cycle(db, key, OCT[5], m2, cycle)["steps"][0]

    owed = cycles.my_reviews(db, key, m1, cycle)
    assert owed["self_review"]["status"] == "reopened"
    written = {r["reviewee_id"]: r["status"] for r in owed["peer_reviews"]}
    assert written == {sec: "owed", gl: "owed", m2: "submitted"}
    assert [r["member_id"] for r in cycles.my_reviews(db, key, gl, cycle)["leader_reviews"]] == [
        m1, m2, sec]  # fmt: skip

    steps = cycles.open_steps(db, key, "service:notify", OCT[5])
    mine = [s for s in steps if s["cycle_id"] == cycle]
    assert [s["step"] for s in mine] == ["self_review", "peer_review", "leader_review"]
    assert {(s["kind"], s["period"]) for s in mine} == {("quarterly", "2026-Q3")}
    assert mine[2]["pending_member_ids"] == sorted([gl, sec])  # gl owes m2's and sec's
    with pytest.raises(Forbidden):
        cycles.open_steps(db, key, m1, OCT[5])

    assert not results.peer_reviews_about(db, OCT[5], m2, cycle, m2)["available"]
    about = results.peer_reviews_about(db, OCT[12], sec, cycle, m2)["reviews"]
    assert [r["comments"] for r in about] == ["m2 helps others", "m2 is diligent"]
    assert [r["reviewer_id"] for r in about] == [None, None]
    with pytest.raises(Forbidden):
        results.peer_reviews_about(db, OCT[12], m1, cycle, m2)

    stored = json.dumps(snapshot(db), default=str)
    for author in (m1, gl):
        assert pseudonym(key, cycle, author) not in stored
    assert review_ids(key, cycle, m1, m2)[0] in stored


def test_an_open_cycle_shows_the_reviewee_who_wrote_each_review_as_it_comes(
    db, ledger_store, appraisal_store, runner
):
    ids = seed(ledger_store)
    runner.catch_up()
    cycle = run_cycle(db, appraisal_store, runner, ids, peer_mode="open")
    gl, m1, m2 = ids["gl"], ids["m1"], ids["m2"]
    listed = cycles.list_cycles(db, m2, ids["branch"])["cycles"]
    assert {r["cycle_id"]: r["peer_mode"] for r in listed}[cycle] == "open"
    about = results.peer_reviews_about(db, OCT[5], m2, cycle, m2)  # the window still open
    assert (about["available"], about["peer_mode"]) == (True, "open")
    authors = {r["comments"]: r["reviewer_id"] for r in about["reviews"]}
    assert authors == {"m2 helps others": gl, "m2 is diligent": m1}


class RosterCounting:
    """The real read database, counting the times a branch's roster is read (its first query)."""

    def __init__(self, db):
        self.db, self.rosters = db, 0

    def fetch_one(self, sql, params=None):
        self.rosters += "FROM appraisal.branches" in sql
        return self.db.fetch_one(sql, params)

    def fetch_all(self, sql, params=None):
        return self.db.fetch_all(sql, params)


def test_open_steps_reads_each_roster_once(db, ledger_store, appraisal_store, runner):
    ids = seed(ledger_store)
    runner.catch_up()
    ctx = Context(appraisal_store, partial(load_roster, db), appraisal_key(), measures)
    opened = [
        (f"q{ids['item']}", "quarterly", "2026-Q3"),
        (f"h{ids['item']}", "half_year", "2026-H2"),
    ]
    for cycle, kind, period in opened:
        cmd = c.OpenCycle(ids["sec"], cycle, ids["branch"], kind, period, "group", WINDOWS,
                          DEFAULT_WEIGHTS, DEFAULT_BANDS)  # fmt: skip
        runner.apply(ch.open_cycle(cmd, ctx, OCT[5]).events)
    counted = RosterCounting(db)
    steps = cycles.open_steps(counted, appraisal_key(), "service:notify", OCT[5])
    ours = {s["cycle_id"] for s in steps if s["branch_id"] == ids["branch"]}
    assert ours == {cycle for cycle, _, _ in opened}
    # One roster per branch with a step open (earlier tests' branches included), not per cycle.
    assert counted.rosters == len({s["branch_id"] for s in steps})


def test_the_roster_carries_the_institutions_time_zone(db, ledger_store, runner):
    """From InstitutionRegistered; and a read model built before the zones were kept (version
    1, without the table) is rebuilt from the log at setup, the zones with it."""
    run = uuid.uuid4().hex[:8]
    boss, inst, branch = f"boss{run}", f"inst{run}", f"branch{run}"
    founded = o.RegisterInstitution(boss, inst, "纽约", ((boss, "书记"),), "America/New_York")
    org.register_institution(founded, ledger_store, OCT[0])
    org.register_branch(b.RegisterBranch(boss, branch, inst, "一支部"), ledger_store, OCT[0])
    runner.catch_up()
    assert load_roster(db, branch).timezone == "America/New_York"
    db.execute("DROP TABLE appraisal.institutions")
    db.execute("UPDATE eventlog.subscriptions SET version = 1 WHERE name = 'appraisal'")
    runner.setup()
    assert load_roster(db, branch).timezone == "America/New_York"


def test_a_branch_lists_its_cycles_newest_first(db, ledger_store, appraisal_store, runner):
    ids = seed(ledger_store)
    runner.catch_up()
    ctx = Context(appraisal_store, partial(load_roster, db), appraisal_key(), measures)
    sec, m1, branch = ids["sec"], ids["m1"], ids["branch"]
    older, newer = f"q{ids['item']}", f"h{ids['item']}"
    for cycle, kind, period, at in (
        (older, "quarterly", "2026-Q3", OCT[1]),
        (newer, "half_year", "2026-H2", OCT[2]),
    ):
        cmd = c.OpenCycle(
            sec, cycle, branch, kind, period, "group", WINDOWS, DEFAULT_WEIGHTS, DEFAULT_BANDS
        )
        runner.apply(ch.open_cycle(cmd, ctx, at).events)  # fmt: skip
    finalise = c.FinaliseCycle(sec, older, "members on leave")
    runner.apply(ch.finalise_cycle(finalise, ctx, OCT[15]).events)

    listed = cycles.list_cycles(db, m1, branch)
    assert [(row["cycle_id"], row["status"]) for row in listed["cycles"]] == [
        (newer, "open"),
        (older, "finalised"),
    ]
    first = listed["cycles"][0]
    assert (first["kind"], first["period"], first["starts_on"]) == (
        "half_year",
        "2026-H2",
        "2026-07-01",
    )
    assert first["windows"]["self_review"] == WINDOWS["self_review"].as_dict()
    assert "weights" not in first  # the plan's list, not its scoring
    assert [r["cycle_id"] for r in cycles.list_cycles(db, sec, branch, "open")["cycles"]] == [newer]
    assert [r["cycle_id"] for r in cycles.list_cycles(db, sec, branch, "finalised")["cycles"]] == [
        older
    ]
    with pytest.raises(Forbidden):
        cycles.list_cycles(db, "stranger", branch)


def test_a_rebuild_from_the_log_equals_the_live_read_model(db, ledger_store, appraisal_store,
                                                           runner):  # fmt: skip
    ids = seed(ledger_store)
    runner.catch_up()
    run_cycle(db, appraisal_store, runner, ids, peer_mode="open")
    cycle = run_cycle(db, appraisal_store, runner, ids)
    ctx = Context(appraisal_store, partial(load_roster, db), appraisal_key(), measures)
    finalise = c.FinaliseCycle(ids["sec"], cycle, "members on leave")
    runner.apply(ch.finalise_cycle(finalise, ctx, OCT[15]).events)
    runner.catch_up()
    live = snapshot(db)
    assert results.results(db, ids["sec"], cycle)["finalised"]
    runner.rebuild()
    assert snapshot(db) == live


def test_reviews_stored_under_a_pseudonym_read_as_review_ids(
    db, ledger_store, appraisal_store, runner
):
    """Version 1 of a peer review and of its reopening, as stored before the upgrade: the read
    model keeps them under the id they always had, and no pseudonym, live or rebuilt."""
    ids = seed(ledger_store)
    runner.catch_up()
    cycle = run_cycle(db, appraisal_store, runner, ids)
    key, m1, gl = appraisal_key(), ids["m1"], ids["gl"]
    mine = pseudonym(key, cycle, m1)
    old = {"reviewer_pseudonym": mine, "reviewee_id": gl}
    scores = dict.fromkeys(DIMENSIONS, 60.0)
    written = [
        NewEvent("PeerReviewSubmitted", {**old, "scores": scores, "comments": "v1"}),
        NewEvent("ReviewReopened", {**old, "step": "peer_review", "reason": "x", "by": gl}),
    ]
    stream, meta = f"cycle-{cycle}", Metadata(ids["branch"], mine)
    runner.apply(appraisal_store.append(stream, written, None, metadata=meta))
    legacy = legacy_review_id(mine, gl)
    row = db.fetch_one("SELECT * FROM appraisal.peer_reviews WHERE review_id = %s", (legacy,))
    assert (row["reviewee_id"], row["status"], row["comments"]) == (gl, "reopened", "v1")
    owed = cycles.my_reviews(db, key, m1, cycle)["peer_reviews"]
    assert {r["reviewee_id"]: r["status"] for r in owed}[gl] == "reopened"
    runner.rebuild()
    assert mine not in json.dumps(snapshot(db), default=str)


def test_recurring_items_are_applied_and_rebuilt(db, ledger_store, runner):
    """A recurring item changes its due_day, not a due_date: the DueDateChanged it records has
    no due_date, which the read model once required (a KeyError, retried for ever). And a
    recurring item of kind rectification, planned by hand, has no due_date at all: it is no
    cycle's rectification, and the read model once refused it (a NOT NULL violation)."""
    ids = seed(ledger_store)
    runner.catch_up()
    change = ic.ChangeDueDate(ids["sec"], ids["item"], "x", due_day=30)
    runner.apply(items.change_due_date(change, ledger_store, OCT[0]).events)
    by_hand = ic.PlanItem(ids["sec"], f"r{ids['item']}", ids["branch"], "member", "rectification",
                          "monthly", "整改", owner_id=ids["m1"], due_day=5)  # fmt: skip
    runner.apply(items.plan_item(by_hand, ledger_store, OCT[0]).events)
    assert runner.catch_up() == 0
    runner.rebuild()
    assert not db.fetch_all(
        "SELECT * FROM appraisal.rectification_items WHERE item_id = %s", (by_hand.item_id,)
    )

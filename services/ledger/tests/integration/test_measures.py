"""The measure counters in PostgreSQL: they follow every change an item goes through, and the
views (branch_measures) and the appraisal's input (member_measures) count alike."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.ledger.domain import branch as b
from services.ledger.domain import items as c
from services.ledger.handlers import items as h
from services.ledger.handlers import organisation as org
from services.ledger.queries import completion, measures, summaries

from .scenario import NOW, build

pytestmark = pytest.mark.servers

# The counters as a recount of the ledger's entries would give them.
_RECOUNT = """
SELECT level, kind, cadence, coalesce(group_id, '') AS group_id,
       coalesce(owner_id, '') AS owner_id, coalesce(goal_id, '') AS goal_id, due_date,
       count(*) FILTER (WHERE status <> 'cancelled') AS occurrences,
       count(*) FILTER (WHERE status = 'done') AS done,
       count(*) FILTER (WHERE status = 'done' AND completed_on <= due_date) AS on_time
FROM ledger.entries WHERE branch_id = %s GROUP BY 1, 2, 3, 4, 5, 6, 7
"""
_CELLS = """
SELECT level, kind, cadence, group_id, owner_id, goal_id, due_date, occurrences, done, on_time
FROM ledger.measure_cells WHERE branch_id = %s
"""


def counted(db, branch_id: str, sql: str) -> list[tuple]:
    rows = db.fetch_all(sql, (branch_id,))
    return sorted(tuple(row.values()) for row in rows if row["occurrences"] or row["done"])


def test_the_counters_follow_every_change_and_a_rebuild(ledger_store, db, runner):
    ids = build(ledger_store)
    runner.apply(ids["events"])
    sec, item = ids["sec"], ids["item"]
    steps = [
        (h.cancel_item, c.CancelItem(sec, item, "不需要", "2026-04")),
        (h.reassign_item, c.ReassignItem(sec, item, sec)),
        (h.change_due_date, c.ChangeDueDate(sec, item, "推迟", due_day=25)),
        (h.cancel_item, c.CancelItem(sec, item, "取消")),
        (h.reopen_item, c.ReopenItem(sec, item, "恢复")),
        (h.reopen_item, c.ReopenItem(sec, item, "重做", "2026-01")),
        (h.start_item, c.StartItem(sec, item, "2026-03")),
        (h.complete_occurrence, c.CompleteOccurrence(sec, item, "2026-03", "好")),
    ]
    for handle, cmd in steps:
        runner.apply(handle(cmd, ledger_store, NOW).events)
        assert counted(db, ids["branch"], _CELLS) == counted(db, ids["branch"], _RECOUNT), cmd
    live = counted(db, ids["branch"], _CELLS)
    assert sum(row[-3] for row in live) == 3  # January reopened, April cancelled
    runner.rebuild()
    assert counted(db, ids["branch"], _CELLS) == live


def _once(ids, name: str, due: date) -> c.PlanItem:
    return c.PlanItem(
        ids["sec"], f"{name}{ids['item']}", ids["branch"], "member", "party_building", "once",
        name, owner_id=ids["m1"], due_date=due,
    )  # fmt: skip


def test_the_dashboard_and_the_appraisal_count_alike(ledger_store, db, runner):
    """One item due today (due, not overdue) and one done early (due and done, on time), with
    the scenario's monthly item (January on time, February late, March and April to come)."""
    ids = build(ledger_store)
    today = _once(ids, "today", date(2026, 3, 10))
    early = _once(ids, "early", date(2026, 3, 20))
    planned = datetime(2026, 3, 1, tzinfo=UTC)
    events = [e for p in (today, early) for e in h.plan_item(p, ledger_store, planned).events]
    done = c.CompleteOccurrence(ids["m1"], early.item_id, "once", "提前")
    events += h.complete_occurrence(done, ledger_store, datetime(2026, 3, 5, tzinfo=UTC)).events
    runner.apply(ids["events"] + events)

    shown = completion.branch_measures(db, NOW, ids["sec"], ids["branch"], 2026, owner_id=ids["m1"])
    year = (date(2026, 1, 1), date(2026, 12, 31))
    scored = measures.member_measures(db, NOW, ids["sec"], ids["branch"], ids["m1"], *year)
    counts = ("occurrences", "due", "done", "on_time", "late", "overdue", "rate", "on_time_rate")
    board = {name: shown["completion"][name] for name in counts}
    assert board == {name: scored["ledger"][name] for name in counts}
    assert board == {
        "occurrences": 6, "due": 4, "done": 3, "on_time": 2, "late": 1, "overdue": 0,
        "rate": 0.75, "on_time_rate": 0.5,
    }  # fmt: skip
    branch = completion.branch_measures(db, NOW, ids["sec"], ids["branch"], 2026)
    assert [(m["member_id"], m["due"], m["done"]) for m in branch["members"]] == [(ids["m1"], 4, 3)]
    overview = summaries.institution_summaries(db, NOW, ids["sec"], ids["inst"], 2026)
    brief = {k: v for k, v in branch["completion"].items() if k != "by_level_kind_cadence"}
    assert [b["completion"] for b in overview["branches"]] == [brief]


def test_the_overview_reads_the_same_briefs_as_it_sums(ledger_store, db, runner):
    """Summed afresh (measures.brief) or read from what was kept (PostgreSQL takes the detail
    out), a branch in the overview reads the same."""
    ids = build(ledger_store)
    runner.apply(ids["events"])

    def overview() -> dict:
        return summaries.institution_summaries(db, NOW, ids["sec"], ids["inst"], 2026)

    summed = overview()
    assert "items" not in summed["branches"][0]["goals"]
    assert overview() == summed


def test_a_kept_summary_is_never_shown_after_its_branch_changed(ledger_store, db, runner):
    """Each change of the branch moves its stamp: the summary and the overview shown after it
    are those summed afresh (the kept ones forgotten), and before the next change they are read
    from what was kept."""
    ids = build(ledger_store)
    runner.apply(ids["events"])
    sec, item, branch, boss = ids["sec"], ids["item"], ids["branch"], ids["boss"]

    def shown() -> tuple[dict, dict]:
        """The branch's summary and its institution's overview."""
        return (
            summaries.branch_summary(db, NOW, sec, branch, 2026),
            summaries.institution_summaries(db, NOW, boss, ids["inst"], 2026),
        )

    def afresh() -> tuple[dict, dict]:
        db.execute("DELETE FROM ledger.branch_summaries")
        db.execute("DELETE FROM ledger.institution_overviews")
        return shown()

    steps = [
        (h.complete_occurrence, c.CompleteOccurrence(sec, item, "2026-03", "提前")),
        (h.reopen_item, c.ReopenItem(sec, item, "重做", "2026-03")),
        (h.cancel_item, c.CancelItem(sec, item, "不需要", "2026-04")),
        # A new branch changes no other branch's stamp, and moves the overview.
        (org.register_branch, b.RegisterBranch(boss, f"{branch}x", ids["inst"], "二支部")),
    ]
    before = shown()
    for handle, cmd in steps:
        runner.apply(handle(cmd, ledger_store, NOW).events)
        after = shown()
        assert after != before, cmd
        assert after == afresh(), cmd
        assert shown() == after
        before = after

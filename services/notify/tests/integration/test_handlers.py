"""The scan, issuing, delivery and the inbox on the real PostgreSQL, time moved by hand."""

from __future__ import annotations

import sys
from datetime import timedelta

import pytest

from services.common.errors import Forbidden, NotFound
from services.notify.adapters.sources import AppraisalSource, LedgerSource
from services.notify.adapters.targets import WebhookTargets
from services.notify.domain.preferences import SetPreferences, SetThresholds
from services.notify.domain.reminders import Backoff, Reminder
from services.notify.domain.targets import TargetPolicy
from services.notify.handlers import commands
from services.notify.handlers.delivery import deliver_due
from services.notify.handlers.issue import issue_one
from services.notify.handlers.scan import scan
from services.notify.queries import reminders
from services.notify.queries.organisation import routes

from .conftest import AppraisalProxy, LedgerInProcess, MovedClock
from .seed import at

pytestmark = pytest.mark.servers


def expected(w: dict[str, str]) -> dict[str, set[tuple[str, str, str]]]:
    """What each day of the seeded branch calls for: (rule, subject, recipient)."""
    it1, it2 = w["it1"], w["it2"]
    studying = ("sec", "fto", "lead", "com", "m1")  # m2 posted an article in March
    return {
        "due_soon": {("due_soon", it1, w["m1"]), ("due_soon", it2, w["m2"])},
        "overdue": {("overdue", it1, w["m1"]), ("overdue", it2, w["m2"])},
        "urging": {("overdue_urging", it1, w["com"]), ("overdue_urging", it2, w["com"])},
        "month_end": {("study_shortfall", w[p], w[p]) for p in studying}
        | {("meeting_due", "party_lecture", w["sec"])},
        "supervision": {
            ("overdue_supervision", it1, w["fto"]),
            ("overdue_supervision", it2, w["fto"]),
        },
    }


def issued(log, branch_id) -> set[tuple[str, str, str]]:
    rows = log.db.fetch_all(
        "SELECT rule, subject_id, recipient_id FROM notify.reminders WHERE branch_id = %s",
        (branch_id,),
    )
    return {(r["rule"], r["subject_id"], r["recipient_id"]) for r in rows}


def run_scan(log, ledger_runner, day, steps=()):
    appraisal = AppraisalSource(AppraisalProxy(list(steps)), timeout=1)
    return scan(log, LedgerSource(LedgerInProcess(ledger_runner), 5), appraisal, at(day))


def test_every_rule_issues_once_as_the_clock_moves(log, ledger_runner, world):
    want, so_far = expected(world), set()
    for day in ("due_soon", "overdue", "urging", "month_end", "supervision"):
        run_scan(log, ledger_runner, day)
        so_far |= want[day]
        assert issued(log, world["branch"]) == so_far, day
        assert run_scan(log, ledger_runner, day)["issued"] == 0  # the clock fires again


def test_an_escalation_names_the_owner_by_name(log, ledger_runner, world):
    run_scan(log, ledger_runner, "urging")
    rows = log.db.fetch_all(
        "SELECT title, body FROM notify.reminders WHERE branch_id = %s"
        " AND rule = 'overdue_urging' AND subject_id = %s",
        (world["branch"], world["it1"]),
    )
    assert len(rows) == 1 and rows[0]["title"].startswith("督促提醒：m1的")  # m1's name: "m1"
    assert rows[0]["body"].startswith("一支部 m1负责的")  # and the branch's: "一支部"
    assert world["m1"] not in rows[0]["title"] + rows[0]["body"]


def test_a_meeting_reminder_names_the_branch_from_the_read_model(log, ledger_runner, world):
    run_scan(log, ledger_runner, "month_end")
    [row] = log.db.fetch_all(
        "SELECT title, body FROM notify.reminders WHERE branch_id = %s AND rule = 'meeting_due'",
        (world["branch"],),
    )
    assert row["body"].startswith("一支部的党课本期（") and world["branch"] not in row["body"]
    groups = log.db.fetch_all(
        "SELECT name FROM notify.groups WHERE branch_id = %s", (world["branch"],)
    )
    assert [g["name"] for g in groups] == ["一组"]


def test_a_second_decision_is_refused_by_the_log(log, world):
    reminder = Reminder("overdue", "itX", "once", world["m1"], world["branch"], "t", "b")
    reach = routes(log.db, world["branch"], [world["m1"]])[world["m1"]]
    assert reach.channels == ("email", "inbox")
    assert len(issue_one(log, reminder, reach, at("overdue"))) == 1
    assert issue_one(log, reminder, reach, at("overdue")) == []  # another instance, a restart
    assert log.store.stream_version(f"reminder-{reminder.key}") == 1


def test_the_appraisal_rules_skip_while_the_service_is_away(log, ledger_runner, world):
    step = {
        "cycle_id": f"c-{world['branch']}",
        "branch_id": world["branch"],
        "step": "self_review",
        "opens_at": "2026-03-16T00:00:00+08:00",
        "closes_at": "2026-03-19T18:00:00+08:00",
        "pending_member_ids": [world["m1"]],
    }
    away = AppraisalSource(AppraisalProxy([step], away=True), timeout=1)
    ledger = LedgerSource(LedgerInProcess(ledger_runner), 5)
    scan(log, ledger, away, at("due_soon"))
    assert {rule for rule, _, _ in issued(log, world["branch"])} == {"due_soon"}  # items still
    run_scan(log, ledger_runner, "due_soon", [step])
    rules = {rule for rule, _, who in issued(log, world["branch"]) if who == world["m1"]}
    assert rules == {"due_soon", "appraisal_open", "appraisal_closing"}


class FlakySender:
    """A receiver that fails the first `failures` sends."""

    def __init__(self, failures: int):
        self.failures, self.sent = failures, []

    def send(self, channel, reminder, attempt):
        self.sent.append((channel, reminder["reminder_key"], attempt))
        return "HTTP 503" if len(self.sent) <= self.failures else None


def test_delivery_backs_off_then_succeeds_or_gives_up(log, ledger_runner, world):
    commands.set_preferences(
        log,
        SetPreferences(world["m2"], world["m2"], ["webhook"], "http://127.0.0.1:9/h"),
        at("due_soon"),
        WebhookTargets(TargetPolicy.parse("127.0.0.0/8")),  # the test's own host, allowed
    )
    run_scan(log, ledger_runner, "due_soon")
    backoff, clock = Backoff((60, 300)), MovedClock(at("due_soon"))
    failing = FlakySender(failures=sys.maxsize)
    for _ in range(3):
        # deliver_due tries whatever is due in the database, earlier tests' deliveries too, a
        # batch at a time: until nothing is (ours then once, as nothing more is due before the
        # backoff), else a backlog that sorts first would keep ours from its turn
        while deliver_due(log, failing, clock, backoff):
            pass
        clock.at += timedelta(seconds=301)
    rows = log.db.fetch_all(
        "SELECT reminder_key FROM notify.reminders WHERE branch_id = %s", (world["branch"],)
    )
    keys = {row["reminder_key"] for row in rows}
    ours = [(c, a) for c, key, a in failing.sent if c == "webhook" and key in keys]
    assert ours == [("webhook", 1), ("webhook", 2), ("webhook", 3)]
    page = reminders.deliveries(log.db, world["sec"], world["branch"], "failed", 50, 0)
    webhook = [row for row in page["items"] if row["channel"] == "webhook"]
    assert [(r["recipient_id"], r["attempts"], r["last_error"]) for r in webhook] == [
        (world["m2"], 3, "HTTP 503")
    ]


def test_the_inbox_lists_and_marks_read(log, ledger_runner, world):
    run_scan(log, ledger_runner, "due_soon")
    box = reminders.inbox(log.db, world["m1"], True, 10, 0)
    assert box["unread"] == 1 and box["items"][0]["rule"] == "due_soon"
    key = box["items"][0]["reminder_key"]
    with pytest.raises(NotFound):
        commands.mark_read(log, commands.MarkRead(world["m2"], key), at("due_soon"))
    assert commands.mark_read(log, commands.MarkRead(world["m1"], key), at("due_soon")).events
    assert not commands.mark_read(log, commands.MarkRead(world["m1"], key), at("due_soon")).events
    assert reminders.inbox(log.db, world["m1"], True, 10, 0)["unread"] == 0


def test_thresholds_belong_to_the_branchs_admins(log, ledger_runner, world):
    with pytest.raises(Forbidden):
        commands.set_thresholds(
            log, SetThresholds(world["m1"], world["branch"], due_soon_days=9), at("due_soon")
        )
    with pytest.raises(Forbidden):
        reminders.deliveries(log.db, world["m1"], world["branch"], None, 10, 0)
    nine_days = SetThresholds(world["sec"], world["branch"], due_soon_days=9)
    set_once = commands.set_thresholds(log, nine_days, at("due_soon"))
    set_again = commands.set_thresholds(log, nine_days, at("due_soon"))
    assert (set_again.version, set_again.events) == (set_once.version, [])
    scan_day = at("due_soon") - timedelta(days=5)  # 12 March: 8 and 7 days before the due dates
    ledger = LedgerSource(LedgerInProcess(ledger_runner), 5)
    scan(log, ledger, AppraisalSource(AppraisalProxy(), 1), scan_day)
    assert {rule for rule, _, _ in issued(log, world["branch"])} == {"due_soon"}


def test_a_rebuild_of_the_read_model_equals_the_live_one(db, log, ledger_runner, world):
    run_scan(log, ledger_runner, "overdue")
    deliver_due(log, FlakySender(failures=1), MovedClock(at("overdue")), Backoff((60,)))

    def snapshot():  # every row, in an order of its own: rows alike in two columns are common
        return {
            table: sorted(map(repr, db.fetch_all(f"SELECT * FROM {table}")))
            for table in log.read_model.projection.tables
        }

    log.read_model.catch_up()
    live = snapshot()
    log.read_model.rebuild()
    assert snapshot() == live

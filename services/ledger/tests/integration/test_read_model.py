"""The projection in PostgreSQL: queries over it; a rebuild from the log equals the live model."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from eventlog import Metadata, NewEvent
from services.common.actors import service_actor
from services.common.schemas import load
from services.ledger.domain import branch as b
from services.ledger.domain import items as c
from services.ledger.domain import orglife, study
from services.ledger.events import ItemPlanned
from services.ledger.handlers import items as h
from services.ledger.handlers import life
from services.ledger.handlers import organisation as org
from services.ledger.projection import PROJECTION, TABLES
from services.ledger.queries import calendar, completion, history, ledger, measures, organisation
from services.ledger.queries import life as life_queries
from services.ledger.schemas.queries import ScanInputsQuery

from .scenario import EVIDENCE, NOW, build

pytestmark = pytest.mark.servers


def test_queries_read_what_the_handlers_wrote(ledger_store, db, runner):
    ids = build(ledger_store)
    runner.apply(ids["events"])
    page = ledger.list_entries(db, NOW, ids["m1"], ids["branch"], 10, 0, owner_id=ids["m1"])
    assert page["total"] == 4
    statuses = [(e["period"], e["status"], e["overdue"], e["on_time"]) for e in page["entries"]]
    assert statuses == [
        ("2026-01", "done", False, True),
        ("2026-02", "done", False, False),
        ("2026-03", "planned", False, False),
        ("2026-04", "planned", False, False),
    ]
    assert [e["evidence"] for e in page["entries"]][:2] == [[EVIDENCE], []]
    taken = [(e["actions"], e["last_action"]) for e in page["entries"]][:2]
    talk = {"action": "talk", "note": "已约谈", "taken_on": "2026-02-26", "by": ids["sec"]}
    assert taken == [(0, None), (1, talk)]
    found = ledger.item(db, NOW, ids["sec"], ids["item"])
    assert found["version"] == 6 and found["occurrences"][1]["last_action"] == talk
    overdue = ledger.list_entries(
        db, NOW.replace(month=3, day=25), ids["sec"], ids["branch"], 10, 0, overdue=True
    )
    assert [e["period"] for e in overdue["entries"]] == ["2026-03"]
    record = measures.member_measures(
        db, NOW, ids["sec"], ids["branch"], ids["m1"], date(2026, 1, 1), date(2026, 3, 31)
    )
    ledger_part = record["ledger"]
    assert (ledger_part["due"], ledger_part["rate"], ledger_part["on_time_rate"]) == (2, 1.0, 0.5)


class CountingDatabase:
    """The real read database, counting the SQL queries sent to it."""

    def __init__(self, db):
        self.db, self.queries = db, 0

    def fetch_all(self, sql, params=None):
        self.queries += 1
        return self.db.fetch_all(sql, params)

    def fetch_one(self, sql, params=None):
        self.queries += 1
        return self.db.fetch_one(sql, params)


def meeting_and_articles(store, ids) -> list:
    """A meeting the secretary attended and the member missed; two articles of the member's."""
    meeting = orglife.RecordMeeting(
        ids["sec"],
        ids["branch"],
        f"mt{ids['branch']}",
        "party_lecture",
        date(2026, 2, 10),
        "党课",
        attendance={ids["sec"]: "present", ids["m1"]: "absent"},
        lecturer=orglife.Lecturer(ids["sec"]),
    )
    outcomes = [life.record_meeting(meeting, store, NOW)]
    for n, day in enumerate((date(2026, 1, 5), date(2026, 2, 6))):
        post = study.PostArticle(ids["m1"], ids["branch"], ids["m1"], f"a{n}", "学习", day)
        outcomes.append(life.post_article(post, store, NOW))
    return [e for outcome in outcomes for e in outcome.events]


def test_a_roster_is_measured_by_a_few_queries_as_each_member_would_be(ledger_store, db, runner):
    ids = build(ledger_store)
    runner.apply(ids["events"] + meeting_and_articles(ledger_store, ids))
    window = (date(2026, 1, 1), date(2026, 3, 31))
    asked = [ids["m1"], ids["sec"], ids["m1"], "nobody"]
    counted = CountingDatabase(db)
    roster = measures.members_measures(counted, NOW, ids["sec"], ids["branch"], asked, *window)
    # reader, ledger items, attendance, articles, spells: the same five for any roster's size
    assert counted.queries == 5
    assert [r["member_id"] for r in roster["members"]] == [ids["m1"], ids["sec"], "nobody"]
    assert (roster["branch_id"], roster["start"], roster["today"]) == (
        ids["branch"],
        "2026-01-01",
        "2026-03-10",
    )
    for record in roster["members"]:
        alone = measures.member_measures(
            db, NOW, ids["sec"], ids["branch"], record["member_id"], *window
        )
        assert record == alone
    m1, sec = roster["members"][:2]
    assert (m1["ledger"]["due"], m1["attendance"]["rate"], m1["study"]["articles"]) == (2, 0.0, 2)
    assert (sec["ledger"]["due"], sec["attendance"]["rate"], sec["study"]["rate"]) == (0, 1.0, 0.0)


def test_meetings_show_their_lecturer_partner_and_place(ledger_store, db, runner):
    ids = build(ledger_store)
    joint = orglife.RecordMeeting(
        ids["sec"],
        ids["branch"],
        f"day{ids['branch']}",
        "activity_day",
        date(2026, 3, 6),
        "联建主题党日",
        partner="中国航天五院机关党支部",
        place="中国航天博物馆",
    )
    held = life.record_meeting(joint, ledger_store, NOW).events
    runner.apply(ids["events"] + meeting_and_articles(ledger_store, ids) + held)
    year = life_queries.org_life(db, NOW, ids["m1"], ids["branch"], 2026)
    shown = {m["meeting_type"]: m for m in year["meetings"]}
    assert shown["party_lecture"]["lecturer"] == {"member_id": ids["sec"], "name": None}
    day = shown["activity_day"]
    assert (day["partner"], day["place"], day["lecturer"]) == (
        "中国航天五院机关党支部",
        "中国航天博物馆",
        None,
    )
    one = life_queries.meeting(db, ids["m1"], ids["branch"], f"day{ids['branch']}")
    assert (one["partner"], one["place"]) == ("中国航天五院机关党支部", "中国航天博物馆")


def test_a_sixth_article_is_recorded_shown_and_its_month_still_meets_the_rule(
    ledger_store, db, runner
):
    ids = build(ledger_store)
    posted = [
        e
        for n in range(6)
        for e in life.post_article(
            study.PostArticle(
                ids["m1"], ids["branch"], ids["m1"], f"s{n}", "学习", date(2026, 2, n + 1)
            ),
            ledger_store,
            NOW,
        ).events
    ]
    runner.apply(ids["events"] + posted)
    shown = life_queries.articles(db, ids["sec"], ids["branch"], ids["m1"], "2026-02")
    assert len(shown["articles"]) == 6
    log = life_queries.study_log(db, NOW, ids["sec"], ids["branch"], 2026, ids["m1"])
    february = next(m for m in log["members"][0]["months"] if m["month"] == "2026-02")
    assert (february["count"], february["meets_rule"], february["beyond_norm"]) == (6, True, True)
    record = measures.member_measures(
        db, NOW, ids["sec"], ids["branch"], ids["m1"], date(2026, 2, 1), date(2026, 2, 28)
    )
    assert (record["study"]["meeting_rule"], record["study"]["articles"]) == (1, 6)


def test_the_months_before_joining_or_after_leaving_are_not_the_members(ledger_store, db, runner):
    """Admitted on 1 December (the institution's day: 30 November in UTC), a member owes no
    article for January to November; one who left in April and came back in September owes
    none for May to August; one recorded in December as having joined in March, none before
    March."""
    ids = build(ledger_store)
    branch, boss, dec, back = ids["branch"], ids["boss"], f"dec{ids['m1']}", f"back{ids['m1']}"
    march = f"mar{ids['m1']}"

    def at(month: int, day: int, hour: int = 2) -> datetime:
        return datetime(2026, month, day, hour, tzinfo=UTC)

    steps = [
        (
            org.admit_member,
            b.AdmitMember(boss, branch, dec, "十二月", ids["group"]),
            at(11, 30, 20),
        ),
        (org.admit_member, b.AdmitMember(boss, branch, back, "回来", ids["group"]), at(1, 1)),
        (org.remove_member, b.RemoveMember(boss, branch, back, "借调"), at(4, 15)),
        (org.admit_member, b.AdmitMember(boss, branch, back, "回来", ids["group"]), at(9, 1)),
        (
            org.admit_member,
            b.AdmitMember(boss, branch, march, "三月", ids["group"], joined_on=date(2026, 3, 31)),
            at(12, 2),
        ),
    ]
    events = [e for handle, cmd, when in steps for e in handle(cmd, ledger_store, when).events]
    runner.apply(ids["events"] + events)
    december = at(12, 20)

    logged = life_queries.study_log(db, december, ids["sec"], branch, 2026, dec)["members"]
    assert [(m["months"], m["shortfalls"]) for m in logged] == [
        ([{"month": "2026-12", "count": 0, "finished": False, "meets_rule": False,
           "beyond_norm": False, "shortfall": False}], 0)
    ]  # fmt: skip
    year = (date(2026, 1, 1), date(2026, 12, 31))
    asked = [dec, back, march]
    roster = measures.members_measures(db, december, ids["sec"], branch, asked, *year)
    judged = {r["member_id"]: (r["study"]["months"], r["study"]["rate"]) for r in roster["members"]}
    # back: January–April, September–November; march: March–November
    assert judged == {dec: (0, None), back: (7, 0.0), march: (9, 0.0)}
    every = life_queries.study_log(db, december, ids["sec"], branch, 2026)["members"]
    assert [m["shortfalls"] for m in every if m["member_id"] == back] == [7]


def test_the_branch_names_those_who_left_apart_from_its_members(ledger_store, db, runner):
    ids = build(ledger_store)
    gone = f"gone{ids['m1']}"
    steps = [
        (org.admit_member, b.AdmitMember(ids["boss"], ids["branch"], gone, "调走", ids["group"])),
        (org.remove_member, b.RemoveMember(ids["boss"], ids["branch"], gone, "调动")),
    ]
    events = [e for handle, cmd in steps for e in handle(cmd, ledger_store, NOW).events]
    runner.apply(ids["events"] + events)
    found = organisation.branch(db, ids["sec"], ids["branch"])
    assert gone not in {m["member_id"] for m in found["members"]}
    assert found["former_members"] == [{"member_id": gone, "name": "调走"}]


def test_the_ledger_as_of_a_past_date_folds_the_streams(ledger_store, db, runner):
    ids = build(ledger_store)
    runner.apply(ids["events"])
    then = history.ledger_as_of(
        ledger_store, db, ids["sec"], ids["branch"], date(2026, 2, 1), owner_id=ids["m1"]
    )
    assert [(e["period"], e["status"]) for e in then["entries"]][:2] == [
        ("2026-01", "done"),
        ("2026-02", "planned"),
    ]
    events = history.item_history(ledger_store, db, ids["m1"], ids["item"])["events"]
    assert [e["type"] for e in events][-3:] == [
        "ItemStarted",
        "ItemCompleted",
        "AccountabilityRecorded",
    ]
    assert (events[-1]["actor_id"], events[-1]["data"]["action"]) == (ids["sec"], "talk")


def snapshot(db) -> dict[str, list]:
    """Every row a rebuild remakes of every table, in an order of its own (rows may agree on their
    first columns)."""
    return {
        table: sorted(
            map(
                repr,
                db.fetch_all(f"SELECT * FROM {table} WHERE {PROJECTION.remade.get(table, 'true')}"),
            )
        )
        for table in TABLES
    }


def routine_and_daily(store, ids) -> list:
    """A routine item of the member's, reviewed monthly, January's review done; and a daily
    item planned before routine replaced daily (ItemPlanned version 1), one day of it done."""
    routine = c.PlanItem(ids["sec"], f"rt{ids['item']}", ids["branch"], "member",
                         "party_building", "routine", "党费收缴", owner_id=ids["m1"],
                         starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))  # fmt: skip
    outcomes = [h.plan_item(routine, store, NOW)]
    legacy = {name: None for name, _ in ItemPlanned.fields if name != "review"}
    legacy |= {"item_id": f"dl{ids['item']}", "branch_id": ids["branch"], "level": "member",
               "kind": "reform", "cadence": "daily", "title": "值班", "description": "",
               "group_id": ids["group"], "owner_id": ids["m1"], "starts_on": "2026-03-01",
               "ends_on": "2026-03-03"}  # fmt: skip
    planned = NewEvent("ItemPlanned", legacy, schema_version=1)
    meta = Metadata(branch_id=ids["branch"], actor_id=ids["sec"])
    events = store.append(f"item-dl{ids['item']}", [planned], 0, metadata=meta)
    done = [
        c.CompleteOccurrence(ids["m1"], f"rt{ids['item']}", "2026-01", "一月已收缴"),
        c.CompleteOccurrence(ids["m1"], f"dl{ids['item']}", "2026-03-02", "已值班"),
    ]
    outcomes += [h.complete_occurrence(cmd, store, NOW) for cmd in done]
    return events + [e for outcome in outcomes for e in outcome.events]


def test_routine_items_and_daily_ones_planned_before_are_listed_and_counted(
    ledger_store, db, runner
):
    ids = build(ledger_store)
    runner.apply(ids["events"] + routine_and_daily(ledger_store, ids))
    routine = ledger.list_entries(db, NOW, ids["sec"], ids["branch"], 50, 0, cadence="routine")
    assert routine["total"] == 12
    first = routine["entries"][0]
    assert (first["period"], first["due_date"], first["review"], first["status"]) == (
        "2026-01",
        "2026-01-31",
        "monthly",
        "done",
    )
    daily = ledger.list_entries(db, NOW, ids["sec"], ids["branch"], 50, 0, cadence="daily")
    assert [(e["period"], e["status"], e["review"]) for e in daily["entries"]] == [
        ("2026-03-01", "planned", None),
        ("2026-03-02", "done", None),
        ("2026-03-03", "planned", None),
    ]
    counted = completion.branch_measures(db, NOW, ids["sec"], ids["branch"], 2026)
    cells = {row["cadence"]: row for row in counted["completion"]["by_level_kind_cadence"]}
    assert (cells["routine"]["due"], cells["routine"]["done"]) == (2, 1)  # January, February
    assert (cells["daily"]["due"], cells["daily"]["done"], cells["daily"]["overdue"]) == (3, 1, 2)
    # The appraisal scores with the same count: the monthly item's two, routine's, daily's.
    scored = measures.member_measures(
        db, NOW, ids["sec"], ids["branch"], ids["m1"], date(2026, 1, 1), date(2026, 3, 31)
    )
    assert (scored["ledger"]["due"], scored["ledger"]["done"]) == (2 + 2 + 3, 2 + 1 + 1)


def test_a_rebuild_from_the_log_equals_the_live_read_model(ledger_store, db, runner):
    ids = build(ledger_store)
    runner.apply(ids["events"] + routine_and_daily(ledger_store, ids))
    runner.catch_up()
    live = snapshot(db)
    runner.rebuild()
    assert snapshot(db) == live


def test_notify_reads_every_branch_in_one_call_and_an_unknown_one_holds_back_none(
    ledger_store, runner, db
):
    ids = build(ledger_store)
    runner.apply(ids["events"])
    asked = [
        {"branch_id": "no-such-branch", "due_to": date(2026, 3, 31)},
        {"branch_id": ids["branch"], "due_to": date(2026, 3, 31), "study_year": 2026},
    ]
    query = load(ScanInputsQuery(), {"actor_id": service_actor("notify"), "branches": asked})
    unknown, known = calendar.scan_inputs(db, NOW, **query)["branches"]
    assert unknown["branch_id"] == "no-such-branch" and unknown["refused"].startswith("NotFound")
    assert [e["period"] for e in known["entries"]] == ["2026-03"]  # planned, due by the 31st
    assert {m["member_id"] for m in known["study"]} >= {ids["m1"]} and known["slots"] == []

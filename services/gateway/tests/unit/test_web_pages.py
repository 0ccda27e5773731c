"""The new pages' pure parts: an item's history as people read it, the calendar of required
meetings, the cycles a secretary may open by name, times in the branch's zone."""

from __future__ import annotations

from datetime import date

from eventlog import Event
from services.common import labels
from services.gateway.web import page, render
from services.gateway.web.pages import appraisal, items, life
from services.ledger import events as le
from services.ledger.domain import orglife

NAMES = {"sec": "张书记", "m1": "赵党员", "gone": "周离任"}
GROUPS = {"g1": "一组"}


def event(version: int, change: Event, actor: str | None) -> dict:
    """The event as the ledger's item_history answers it."""
    at = f"2026-03-0{version}T01:30:00+00:00"
    return {"version": version, "type": change.type, "data": change.data, "actor_id": actor,
            "occurred_at": at}  # fmt: skip


def test_every_change_of_an_item_has_its_chinese_name():
    assert set(labels.ITEM_EVENT) == set(le.EVENTS.in_categories(["item"]))
    assert all(not text.isascii() for text in labels.ITEM_EVENT.values())


def test_what_was_done_about_an_overdue_occurrence_shows_in_its_history():
    events = [
        event(1, le.AccountabilityRecorded(period="2026-03", action="talk", note="已约谈，限期一周",
                                           taken_on="2026-04-03"), "sec"),
        event(2, le.AccountabilityRecorded(period="once", action="reminder", note="",
                                           taken_on="2026-04-05"), "sec"),
    ]  # fmt: skip
    rows = items.history(events, NAMES, GROUPS)
    assert [(r["what"], r["who"]) for r in rows] == [("追究问责", "张书记")] * 2
    assert rows[1]["details"] == [
        "期次：2026年3月",
        "措施：约谈（2026年4月3日）",
        "说明：已约谈，限期一周",
    ]
    assert rows[0]["details"] == ["措施：督办提醒（2026年4月5日）"]  # a one-off item's


def test_an_items_history_says_who_did_what_by_name_newest_first():
    given = {"title": "走访", "level": "member", "kind": "reform", "cadence": "monthly"}
    given |= {"due_day": 25, "owner_id": "gone", "group_id": "g1", "description": ""}
    plan = le.ItemPlanned(**{**dict.fromkeys(name for name, _ in le.ItemPlanned.fields), **given})
    events = [
        event(1, plan, "sec"),
        event(2, le.ProgressNoted(period="2026-03", note="已走访", evidence=["https://a"]), "gone"),
        event(3, le.ItemReassigned(owner_id="m1", reason="周离任调离"), "sec"),
        event(4, le.DueDateChanged(due_day=28, reason="月底集中"), "sec"),
        event(5, le.ItemCancelled(period=None, reason="暂缓"), "stranger"),
        event(6, le.ItemReopened(period="2026-04", reason=""), None),
    ]
    rows = items.history(events, NAMES, GROUPS)
    assert [(r["what"], r["who"]) for r in rows] == [
        ("重新打开", "系统"),
        ("取消", "（已离开）"),  # someone no longer of the branch nor on its committee
        ("调整完成时限", "张书记"),
        ("改派责任人", "张书记"),
        ("记录进展", "周离任"),
        ("安排事项", "张书记"),
    ]
    details = [r["details"] for r in rows]
    assert details[0] == ["期次：2026年4月"]
    assert details[1] == ["整项事项", "原因：暂缓"]
    assert details[2] == ["每期截止日改为28日", "原因：月底集中"]
    assert details[3] == ["改由赵党员负责", "原因：周离任调离"]
    assert (details[4], rows[4]["evidence"]) == (["期次：2026年3月", "说明：已走访"], ["https://a"])
    assert details[5] == [
        "走访",
        "党员 · 改革（业务）工作 · 每月",
        "每期截止日：25日",
        "责任人：周离任",
        "党小组：一组",
    ]


def test_a_one_off_items_due_date_is_a_day_in_chinese():
    change = le.DueDateChanged(due_date="2026-12-31", reason="")
    moved = items.history([event(1, change, "sec")], NAMES, {})
    assert moved[0]["details"] == ["完成时限改为2026年12月31日"]


def slot(kind: str, key: str, status: str, group: str | None = None) -> dict:
    return {
        "meeting_type": kind,
        "period": key,
        "group_id": group,
        "held": int(status == "held"),
        "status": status,
        "due_but_not_held": status == "not_held",
    }


def test_every_state_of_a_required_meeting_has_its_chinese_name():
    needed = {"committee_meeting": orglife.Requirement("monthly", False)}
    held = [("committee_meeting", date(2026, 1, 20), None)]
    slots = orglife.calendar(needed, held, [], 2026, date(2026, 3, 10))
    assert {s["status"] for s in slots} == set(labels.SLOT_STATUS)


def test_the_calendar_has_a_row_per_meeting_type_and_group_with_its_periods_named_short():
    slots = [
        slot("group_meeting", "2026-01", "held", "g1"),
        slot("group_meeting", "2026-01", "not_held", "g2"),
        slot("group_meeting", "2026-02", "open", "g1"),
        slot("party_lecture", "2026-Q1", "not_held"),
        slot("activity_day", "2026", "upcoming"),
    ]
    rows = life.calendar(slots, 2026)
    shown = [
        (r["meeting_type"], r["group_id"], [(p["name"], p["status"]) for p in r["periods"]])
        for r in rows
    ]
    assert shown == [
        ("activity_day", None, [("全年", "upcoming")]),
        ("group_meeting", "g1", [("1月", "held"), ("2月", "open")]),
        ("group_meeting", "g2", [("1月", "not_held")]),
        ("party_lecture", None, [("第一季度", "not_held")]),
    ]


def test_a_secretary_opens_a_cycle_by_its_name():
    choices = appraisal.cycle_choices(2026)
    names = [render.cycle(c) for c in choices]
    assert names[:7] == [
        "2026年第一季度评议",
        "2026年第二季度评议",
        "2026年第三季度评议",
        "2026年第四季度评议",
        "2026年上半年评议",
        "2026年下半年评议",
        "2026年年终评议",
    ]
    assert names[7] == "2027年第一季度评议" and len(names) == 14


def test_times_are_shown_in_the_branchs_zone():
    template = render.ENV.from_string("{{ at|moment }}")
    at = "2026-03-09T16:30:00+00:00"
    assert template.render(at=at, zone="Asia/Shanghai") == "2026年3月10日 00:30"
    assert template.render(at=at, zone="UTC") == "2026年3月9日 16:30"
    assert template.render(at=None, zone="UTC") == ""


def test_a_form_returns_to_a_page_of_the_app_only():
    assert page.LOCAL.match("/app/items/b1.m.g1.b1m103.3")
    assert page.LOCAL.match("/app/b/b1/appraisal/b1.2026-Q4/peer/b1m104")
    for elsewhere in ("https://example.org/app/", "//example.org/app/", "/app/\nLocation: x"):
        assert not page.LOCAL.match(elsewhere)

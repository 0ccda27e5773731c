"""Organisational life and the study log: handlers, and the rules computed at read time."""

from datetime import date

import pytest

from eventlog.model import UPCASTERS
from services.common.handlers import load
from services.ledger.domain import orglife as ol
from services.ledger.domain import study as st
from services.ledger.exceptions import BadInput, Forbidden, InvalidTransition
from services.ledger.handlers import life

from .conftest import NOW


def meeting(actor, meeting_id="mt1", kind="group_meeting", group="g1", **more):
    return ol.RecordMeeting(
        actor, "b1", meeting_id, kind, date(2026, 3, 5), "三月", group_id=group, **more
    )


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [("gl1", True), ("sec", True), ("com", True), ("boss", True), ("gl2", False), ("m1", False)],
)
def test_group_leaders_record_their_own_groups_meetings(store, actor, allowed):
    if allowed:
        life.record_meeting(meeting(actor), store, NOW)
    else:
        with pytest.raises(Forbidden, match="group_leader of group g1"):
            life.record_meeting(meeting(actor), store, NOW)


def lecture(actor="sec", meeting_id="mt1", **more):
    return meeting(actor, meeting_id, "party_lecture", None, lecturer=ol.Lecturer("sec"), **more)


def test_branch_meetings_need_an_admin_and_no_group(store):
    with pytest.raises(Forbidden):
        life.record_meeting(lecture("gl1"), store, NOW)
    with pytest.raises(BadInput):
        life.record_meeting(meeting("sec", kind="party_lecture"), store, NOW)
    life.record_meeting(lecture(), store, NOW)
    with pytest.raises(InvalidTransition):
        life.record_meeting(lecture(), store, NOW)


def held(store, cmd) -> dict:
    return dict(life.record_meeting(cmd, store, NOW).events[0].data)


def test_a_party_lecture_names_its_lecturer_a_member_or_someone_from_outside(store):
    guest = ol.Lecturer(name="周明（分管院领导）")
    assert held(store, lecture())["lecturer"] == {"member_id": "sec", "name": None}
    by_guest = meeting("sec", "mt2", "party_lecture", None, lecturer=guest)
    assert held(store, by_guest)["lecturer"] == {"member_id": None, "name": "周明（分管院领导）"}
    refused = {
        "lecturer": [
            meeting("sec", "mt3", "party_lecture", None),  # none named
            meeting("sec", "mt4", "party_lecture", None, lecturer=ol.Lecturer("stranger")),
            meeting("gl1", "mt5", lecturer=guest),  # a group meeting has no lecturer
        ],
    }
    for field, commands in refused.items():
        for cmd in commands:
            with pytest.raises(BadInput) as error:
                life.record_meeting(cmd, store, NOW)
            assert set(error.value.messages) == {field}


def test_a_joint_activity_day_names_its_partner_and_place(store):
    def day(meeting_id, **more):
        return meeting("sec", meeting_id, "activity_day", None, **more)

    joint = held(store, day("d1", partner="联系点法院党支部", place="联系点法院"))
    assert (joint["partner"], joint["place"], joint["lecturer"]) == (
        "联系点法院党支部",
        "联系点法院",
        None,
    )
    assert held(store, day("d2", place="院史馆"))["partner"] is None
    assert held(store, day("d3"))["place"] is None
    for cmd, field in [
        (day("d4", partner="联系点法院党支部"), "place"),
        (meeting("sec", "d5", "committee_meeting", None, place="会议室"), "place"),
        (meeting("sec", "d6", "committee_meeting", None, partner="x", place="y"), "partner"),
    ]:
        with pytest.raises(BadInput) as error:
            life.record_meeting(cmd, store, NOW)
        assert field in error.value.messages


def test_a_meeting_recorded_before_lecturers_and_partners_reads_as_naming_none():
    version, data = UPCASTERS.upcast("MeetingHeld", 1, {"meeting_id": "mt1", "title": "党课"})
    assert version == 2
    assert (data["lecturer"], data["partner"], data["place"]) == (None, None, None)


def test_attendance_lists_only_members_of_the_branch(store):
    with pytest.raises(BadInput):
        life.record_meeting(meeting("gl1", attendance={"m1": "present", "x": "absent"}), store, NOW)


def test_requirements_and_reports_need_an_admin(store):
    req = ol.SetMeetingRequirement("gl1", "b1", "party_lecture", "monthly")
    with pytest.raises(Forbidden):
        life.set_meeting_requirement(req, store, NOW)
    life.file_report(
        ol.FileReport("sec", "b1", "r1", "季度总结", "summary", date(2026, 3, 1)), store, NOW
    )


def test_due_but_not_held_is_flagged_per_period_and_group():
    required = {"group_meeting": ol.Requirement("monthly", True)}
    held = [("group_meeting", date(2026, 1, 20), "g1"), ("group_meeting", date(2026, 2, 3), "g2")]
    slots = ol.calendar(required, held, ["g1", "g2"], 2026, today=date(2026, 2, 15))
    by_key = {(s["period"], s["group_id"]): s["status"] for s in slots}
    assert by_key[("2026-01", "g1")] == "held"
    assert by_key[("2026-01", "g2")] == "not_held"
    assert by_key[("2026-02", "g1")] == "open"
    assert by_key[("2026-02", "g2")] == "held"
    assert by_key[("2026-03", "g1")] == "upcoming"
    assert len(slots) == 24


def test_default_requirements_cover_every_meeting_type():
    assert set(ol.DEFAULT_REQUIREMENTS) == set(ol.MEETING_TYPES)


def post(store, n, day=date(2026, 3, 3), actor="m1"):
    cmd = st.PostArticle(actor, "b1", "m1", f"a{n}", f"文章 {n}", day)
    return life.post_article(cmd, store, NOW)


def test_a_sixth_article_in_a_month_is_recorded(store):
    for n in range(6):
        post(store, n)
    log, _ = load(store, st.stream_id("m1"), st.evolve, st.StudyLog())
    assert log.count("2026-03") == 6


def test_the_rule_is_met_by_one_article_or_more_and_five_is_the_norm():
    counts = {"2026-01": 0, "2026-02": 1, "2026-03": 5, "2026-04": 6}
    rows = st.compliance(counts, sorted(counts), today=date(2026, 6, 1))
    assert [r["meets_rule"] for r in rows] == [False, True, True, True]
    assert [r["beyond_norm"] for r in rows] == [False, False, False, True]
    assert [r["shortfall"] for r in rows] == [True, False, False, False]


def test_members_post_only_their_own_articles(store):
    with pytest.raises(Forbidden):
        post(store, 1, actor="sec")


def test_recommendations_come_from_an_admin_once(store):
    post(store, 1)
    with pytest.raises(Forbidden):
        life.recommend_article(st.RecommendArticle("gl1", "m1", "a1"), store, NOW)
    life.recommend_article(st.RecommendArticle("sec", "m1", "a1", "推荐"), store, NOW)
    with pytest.raises(InvalidTransition):
        life.recommend_article(st.RecommendArticle("com", "m1", "a1"), store, NOW)


def test_study_compliance_flags_only_finished_months_below_one():
    rows = st.compliance(
        {"2026-01": 2, "2026-02": 0, "2026-03": 0},
        ["2026-01", "2026-02", "2026-03"],
        today=date(2026, 3, 10),
    )
    assert [(r["meets_rule"], r["shortfall"]) for r in rows] == [
        (True, False),
        (False, True),
        (False, False),
    ]

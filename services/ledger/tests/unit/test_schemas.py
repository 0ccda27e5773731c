"""The schemas refuse, naming the field, what the handlers, log or read model cannot take."""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import Schema

from services.common.rpc import bound
from services.common.schemas import ID_RULE, load
from services.ledger.exceptions import BadInput
from services.ledger.handlers import attachments, items, life, organisation
from services.ledger.schemas import commands as cs
from services.ledger.schemas import queries as qs
from services.ledger.service import COMMANDS

ONE_OFF = {
    "actor_id": "sec",
    "branch_id": "b1",
    "level": "member",
    "kind": "reform",
    "cadence": "once",
    "title": "调研报告",
    "owner_id": "m1",
    "due_date": "2026-06-30",
}
RECURRING = {**ONE_OFF, "cadence": "monthly", "due_date": None, "starts_on": "2026-01-01"}


def refused(schema: Schema, payload: dict[str, Any]) -> Any:
    with pytest.raises(BadInput) as error:
        load(schema, payload)
    return error.value.messages


def test_a_planner_cannot_set_the_source_only_rectifications_give():
    source = {"cycle_id": "c1", "raised_by": "someone else"}
    assert refused(cs.PlanItem(), {**ONE_OFF, "source": source}) == {"source": ["Unknown field."]}


@pytest.mark.parametrize("code", ["G\x001", "G 1", "G/1", ""])
def test_a_template_goal_code_is_an_id(code):
    goals = [{"code": f"G{n}", "title": f"目标{n}"} for n in range(1, 8)]
    payload = {
        "actor_id": "boss",
        "institution_id": "i1",
        "year": 2026,
        "goals": [*goals, {"code": code, "title": "目标8"}],
    }
    assert refused(cs.SetGoalTemplate(), payload) == {"goals": {7: {"code": [ID_RULE.error]}}}


@pytest.mark.parametrize(
    ("schema", "payload", "field"),
    [
        (cs.PlanItem(), {**ONE_OFF, "due_date": "9999-12-31"}, "due_date"),
        (cs.PlanItem(), {**RECURRING, "ends_on": "9999-12-31"}, "ends_on"),
        (cs.PlanItem(), {**RECURRING, "starts_on": "1999-12-31"}, "starts_on"),
        (
            qs.AsOfQuery(),
            {"actor_id": "sec", "branch_id": "b1", "as_of": "9999-12-31"},
            "as_of",
        ),
        (
            qs.MeasuresQuery(),
            {
                "actor_id": "sec",
                "branch_id": "b1",
                "member_id": "m1",
                "start": "2026-01-01",
                "end": "9999-12-31",
            },
            "end",
        ),
    ],
)
def test_dates_outside_the_years_the_ledger_computes_are_refused(schema, payload, field):
    assert refused(schema, payload) == {field: ["a year from 2000 to 2100"]}


def test_dates_at_the_ends_of_those_years_are_taken():
    planned = load(cs.PlanItem(), {**RECURRING, "starts_on": "2000-01-01", "ends_on": "2100-12-31"})
    assert (planned.starts_on.year, planned.ends_on.year) == (2000, 2100)


ROSTER_WINDOW = {"actor_id": "service:appraisal", "branch_id": "b1", "start": "2026-01-01"}


def test_a_roster_of_members_loads_with_its_window():
    loaded = load(
        qs.MembersMeasuresQuery(),
        {**ROSTER_WINDOW, "member_ids": ["m1", "m2"], "end": "2026-03-31"},
    )
    assert loaded["member_ids"] == ["m1", "m2"]
    assert (loaded["start"].month, loaded["end"].month) == (1, 3)


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        ({"member_ids": []}, {"member_ids": ["Length must be between 1 and 1000."]}),
        (
            {"member_ids": [f"m{n}" for n in range(qs.MAX_MEMBERS + 1)]},
            {"member_ids": ["Length must be between 1 and 1000."]},
        ),
        ({"member_ids": ["m 1"]}, {"member_ids": {0: [ID_RULE.error]}}),
        ({"member_ids": "m1"}, {"member_ids": ["Not a valid list."]}),
        (
            {"member_id": "m1"},
            {"member_ids": ["Missing data for required field."], "member_id": ["Unknown field."]},
        ),
        ({"member_ids": ["m1"], "end": "2025-12-31"}, {"end": ["end is before start"]}),
    ],
)
def test_a_roster_query_refuses_what_it_cannot_answer(changes, messages):
    payload = {**ROSTER_WINDOW, "end": "2026-03-31", **changes}
    assert refused(qs.MembersMeasuresQuery(), payload) == messages


def test_each_command_of_the_table_is_named_after_its_schema_and_bound_to_its_handler():
    assert cs.COMMANDS["plan_item"] is cs.PlanItem
    assert cs.COMMANDS["set_meeting_requirement"] is cs.SetMeetingRequirement
    modules = (organisation, life, items, attachments)
    assert list(COMMANDS) == list(cs.COMMANDS)
    for name, (schema, handle) in COMMANDS.items():
        assert schema is cs.COMMANDS[name]
        assert [handle] == [getattr(m, name) for m in modules if hasattr(m, name)]


def test_a_command_without_its_handler_stops_the_service_from_starting():
    table = {"plan_item": cs.PlanItem, "plan_nothing": cs.PlanItem}
    with pytest.raises(LookupError, match="plan_nothing: 0 handlers"):
        bound(table, items)


MEETING = {
    "actor_id": "sec",
    "branch_id": "b1",
    "meeting_type": "party_lecture",
    "held_on": "2026-03-05",
    "title": "专题党课",
}


@pytest.mark.parametrize(
    "lecturer", [{}, {"member_id": "m1", "name": "周明"}, {"member_id": None, "name": None}]
)
def test_a_lecturer_is_a_member_or_a_name_never_both_nor_neither(lecturer):
    found = refused(cs.RecordMeeting(), {**MEETING, "lecturer": lecturer})
    assert set(found) == {"lecturer"}


def test_a_lecturer_from_outside_is_named_and_loads_into_the_command():
    loaded = load(cs.RecordMeeting(), {**MEETING, "lecturer": {"name": "周明（分管院领导）"}})
    assert (loaded.lecturer.member_id, loaded.lecturer.name) == (None, "周明（分管院领导）")
    assert refused(cs.RecordMeeting(), {**MEETING, "partner": " "}) == {
        "partner": ["must not be blank"]
    }

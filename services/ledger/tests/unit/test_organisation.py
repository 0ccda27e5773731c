"""Institution, branch and goal-set commands through the handlers."""

from datetime import date

import pytest

from eventlog import UPCASTERS
from services.common.handlers import load
from services.ledger.domain import branch as b
from services.ledger.domain import goals as g
from services.ledger.domain import institution as o
from services.ledger.domain.branch import Branch, evolve
from services.ledger.exceptions import BadInput, Forbidden, InvalidTransition, NotFound
from services.ledger.handlers import life
from services.ledger.handlers import organisation as org

from .conftest import NOW, TEMPLATE

ADMINS = {"boss", "sec", "com"}
EVERYONE = ["boss", "sec", "fto", "lead", "com", "gl1", "gl2", "m1", "m2", "stranger"]


def branch(store) -> Branch:
    return load(store, "branch-b1", evolve, Branch())[0]


def test_a_founder_registers_the_institution_with_its_committee(store):
    with pytest.raises(BadInput):
        org.register_institution(o.RegisterInstitution("x", "i2", "n", (("y", "Y"),)), store, NOW)
    outcome = org.register_institution(
        o.RegisterInstitution("y", "i2", "n", (("y", "Y"),)), store, NOW
    )
    assert [e.type for e in outcome.events] == ["InstitutionRegistered", "CommitteeMemberAppointed"]
    assert outcome.events[0].data["timezone"] == "Asia/Shanghai"


def test_only_the_committee_appoints_and_the_committee_is_never_empty(store):
    with pytest.raises(Forbidden, match="institution_committee"):
        org.appoint_committee_member(o.AppointCommitteeMember("sec", "i1", "p", "P"), store, NOW)
    org.appoint_committee_member(o.AppointCommitteeMember("boss", "i1", "p", "P"), store, NOW)
    org.remove_committee_member(o.RemoveCommitteeMember("p", "i1", "boss", "retired"), store, NOW)
    with pytest.raises(InvalidTransition):
        org.remove_committee_member(o.RemoveCommitteeMember("p", "i1", "p", "alone"), store, NOW)


def test_a_goal_template_has_exactly_eight_distinct_goals(store):
    with pytest.raises(BadInput):
        org.set_goal_template(o.SetGoalTemplate("boss", "i1", 2027, TEMPLATE[:7]), store, NOW)
    with pytest.raises(Forbidden):
        org.set_goal_template(o.SetGoalTemplate("sec", "i1", 2027, TEMPLATE), store, NOW)


def test_only_the_institution_committee_registers_branches(store):
    with pytest.raises(Forbidden):
        org.register_branch(b.RegisterBranch("sec", "b2", "i1", "二支部"), store, NOW)
    org.register_branch(b.RegisterBranch("boss", "b2", "i1", "二支部"), store, NOW)
    with pytest.raises(InvalidTransition):
        org.register_branch(b.RegisterBranch("boss", "b2", "i1", "again"), store, NOW)


def test_a_member_joins_today_or_on_a_day_already_past(store):
    """The day they joined starts the months that are theirs: 10 March in Shanghai by default,
    an earlier day for a member recorded late, never a day to come."""
    joined = org.admit_member(b.AdmitMember("boss", "b1", "m3", "M3", "g1"), store, NOW).events
    assert (joined[0].schema_version, joined[0].data["joined_on"]) == (3, "2026-03-10")
    early = b.AdmitMember("boss", "b1", "m4", "M4", "g1", joined_on=date(2025, 7, 1))
    assert org.admit_member(early, store, NOW).events[0].data["joined_on"] == "2025-07-01"
    later = b.AdmitMember("boss", "b1", "m5", "M5", "g1", joined_on=date(2026, 3, 11))
    with pytest.raises(BadInput) as refused:
        org.admit_member(later, store, NOW)
    assert list(refused.value.messages) == ["joined_on"]


def test_a_member_joined_before_joined_on_was_recorded_joined_that_day():
    """Version 1 of MemberJoined had no joined_on: readers see None, the day it was recorded."""
    data = {"member_id": "m1", "name": "M1", "group_id": None, "email": None}
    upcast = {**data, "joined_on": None, "phone": None}
    assert UPCASTERS.upcast("MemberJoined", 1, data) == (3, upcast)


def test_a_member_admitted_before_phones_were_recorded_has_none():
    data = {"member_id": "m1", "name": "M1", "group_id": None, "email": None, "joined_on": None}
    assert UPCASTERS.upcast("MemberJoined", 2, data) == (3, {**data, "phone": None})


@pytest.mark.parametrize("actor", EVERYONE)
def test_who_may_manage_groups_members_and_roles(store, actor):
    commands = [
        (org.form_group, b.FormGroup(actor, "b1", "g3", "三组")),
        (org.admit_member, b.AdmitMember(actor, "b1", "new", "新人", "g1")),
        (org.grant_role, b.GrantRole(actor, "b1", "m1", "committee_member")),
        (org.revoke_role, b.RevokeRole(actor, "b1", "fto", "full_time_officer", "rotated")),
        (org.move_member, b.MoveMember(actor, "b1", "m2", "g1")),
        (org.remove_member, b.RemoveMember(actor, "b1", "lead", "transferred")),
    ]
    for handler, cmd in commands:
        if actor in ADMINS:
            handler(cmd, store, NOW)
        else:
            with pytest.raises(Forbidden, match="secretary or committee_member"):
                handler(cmd, store, NOW)


def test_moving_a_group_leader_ends_their_leadership_and_leaving_ends_every_role(store):
    org.move_member(b.MoveMember("sec", "b1", "gl1", "g2"), store, NOW)
    assert branch(store).roles_of("gl1") == set()
    outcome = org.remove_member(b.RemoveMember("sec", "b1", "com", "retired"), store, NOW)
    assert [e.type for e in outcome.events] == ["RoleRevoked", "MemberLeft"]
    assert "com" not in branch(store).members


def test_a_group_leader_leads_a_group_they_belong_to(store):
    with pytest.raises(InvalidTransition):
        org.grant_role(b.GrantRole("sec", "b1", "m2", "group_leader", "g1"), store, NOW)
    with pytest.raises(BadInput):
        org.grant_role(b.GrantRole("sec", "b1", "m1", "group_leader"), store, NOW)
    with pytest.raises(NotFound):
        org.grant_role(b.GrantRole("sec", "b1", "nobody", "secretary"), store, NOW)


def test_goal_set_opens_from_the_template_and_adds_the_branchs_own_goals(store):
    with pytest.raises(NotFound):
        life.open_goal_set(g.OpenGoalSet("sec", "b1", 2031), store, NOW)
    opened = life.open_goal_set(g.OpenGoalSet("sec", "b1", 2026), store, NOW)
    goals = opened.events[0].data["goals"]
    assert len(goals) == 8 and goals[0]["goal_id"] == "b1.2026.S1" and goals[0]["standard"]
    life.add_goal(g.AddGoal("com", "b1", 2026, "x1", "审判质效"), store, NOW)
    with pytest.raises(Forbidden):
        life.add_goal(g.AddGoal("gl1", "b1", 2026, "x2", "no"), store, NOW)
    with pytest.raises(InvalidTransition):
        life.open_goal_set(g.OpenGoalSet("sec", "b1", 2026), store, NOW)


def test_responsibilities_go_to_holders_of_the_matching_roles(store):
    life.open_goal_set(g.OpenGoalSet("sec", "b1", 2026), store, NOW)
    right = g.AssignResponsibility(
        "sec", "b1", 2026, "b1.2026.S1", "sec", "fto", "lead", ("com", "gl1")
    )
    assert life.assign_responsibility(right, store, NOW).version == 2
    wrong = g.AssignResponsibility("sec", "b1", 2026, "b1.2026.S1", "m1", "fto", "lead", ("m2",))
    with pytest.raises(BadInput) as refused:
        life.assign_responsibility(wrong, store, NOW)
    assert set(refused.value.messages) == {"primary", "urging"}

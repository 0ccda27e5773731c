"""Who reaches which branch, and what each rule lets through (pure)."""

from services.gateway import access
from services.gateway.access import Target, access_of
from services.gateway.endpoints import ENDPOINTS


def _roles(person, *branches, committee=()):
    return {
        "person_id": person,
        "institution_committee": list(committee),
        "branches": list(branches),
    }


def _branch(branch_id, group="g1", *roles):
    return {
        "branch_id": branch_id,
        "institution_id": "inst",
        "name": "n",
        "group_id": group,
        "roles": [{"role": r, "group_id": g} for r, g in roles],
    }


OVERSEEN = {"b1": "inst", "b2": "inst"}  # the branches of the committee's institution


def test_a_member_sees_only_their_branch():
    who = access_of(_roles("m", _branch("b1")), {})
    assert who.sees("b1") and not who.sees("b2")
    assert who.sees_institution("inst") and not who.on_committee("inst")
    assert not who.administers("b1") and not who.leads("b1")


def test_the_committee_oversees_every_branch_of_its_institution():
    who = access_of(_roles("c", committee=["inst"]), OVERSEEN)
    assert who.sees("b2") and who.administers("b2") and who.leads("b1", "any group")
    assert who.institution_of("b2") == "inst" and not who.sees("elsewhere")


def test_a_group_leader_manages_their_group_only():
    who = access_of(_roles("l", _branch("b1", "g1", ("group_leader", "g1"))), {})
    assert who.leads("b1") and who.leads("b1", "g1") and not who.leads("b1", "g2")
    assert who.manages("b1", "member", "g1") and not who.manages("b1", "branch", None)


def test_item_rules_know_the_owner():
    member = access_of(_roles("m", _branch("b1")), {})
    item = {"owner_id": "m", "level": "member", "group_id": "g1"}
    target = Target(branch_id="b1", item=item)
    assert access.item_owner(member, target) and not access.item_manager(member, target)
    other = Target(branch_id="b1", item={**item, "owner_id": "x"})
    assert not access.item_owner(member, other)


def test_appraisal_rules_follow_the_roles_in_the_branch():
    leader = access_of(_roles("l", _branch("b1", "g1", ("group_leader", "g1"))), {})
    secretary = access_of(_roles("s", _branch("b1", "g1", ("secretary", None))), {})
    member = access_of(_roles("m", _branch("b1")), {})
    committee = access_of(_roles("c", committee=["inst"]), OVERSEEN)
    about_m = Target(branch_id="b1", member_id="m")
    assert [access.branch_member(w, about_m) for w in (leader, member, committee)] == [
        True,
        True,
        False,
    ]
    assert access.commentator(leader, about_m) and access.commentator(secretary, about_m)
    assert not access.commentator(member, about_m) and not access.commentator(committee, about_m)
    assert access.member_or_admin(member, about_m) and access.member_or_admin(committee, about_m)
    assert not access.member_or_admin(leader, about_m)
    assert access.member_or_secretary(secretary, about_m)
    assert access.member_or_secretary(member, about_m)
    assert not access.member_or_secretary(committee, about_m)


def test_every_endpoint_rule_has_a_name_for_refusals_and_the_description():
    assert all(e.rule is None or e.rule in access.RULE_NAMES for e in ENDPOINTS)

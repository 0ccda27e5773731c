"""Handlers for the institution and its branches: committee, template, groups, members, roles."""

from __future__ import annotations

from datetime import datetime

from services.common.handlers import EventStore, Outcome, commit, load

from ..domain import branch as b
from ..domain import organisation as o
from ..domain.permissions import require_admin, require_committee
from .common import institution_of, scope_of


def register_institution(cmd: o.RegisterInstitution, store: EventStore, now: datetime) -> Outcome:
    stream = f"institution-{cmd.institution_id}"
    state, version = load(store, stream, o.evolve_institution, o.Institution())
    events = o.decide_register_institution(state, cmd)
    return _commit_institution(store, stream, events, version, cmd, now, cmd.institution_id)


def appoint_committee_member(
    cmd: o.AppointCommitteeMember, store: EventStore, now: datetime
) -> Outcome:
    state, version = institution_of(store, cmd.institution_id)
    require_committee(state, cmd.actor_id)
    events = o.decide_appoint(state, cmd)
    stream = f"institution-{cmd.institution_id}"
    return _commit_institution(store, stream, events, version, cmd, now, cmd.person_id)


def remove_committee_member(
    cmd: o.RemoveCommitteeMember, store: EventStore, now: datetime
) -> Outcome:
    state, version = institution_of(store, cmd.institution_id)
    require_committee(state, cmd.actor_id)
    events = o.decide_remove(state, cmd)
    stream = f"institution-{cmd.institution_id}"
    return _commit_institution(store, stream, events, version, cmd, now, cmd.person_id)


def set_goal_template(cmd: o.SetGoalTemplate, store: EventStore, now: datetime) -> Outcome:
    state, version = institution_of(store, cmd.institution_id)
    require_committee(state, cmd.actor_id)
    events = o.decide_goal_template(state, cmd)
    stream = f"institution-{cmd.institution_id}"
    return _commit_institution(store, stream, events, version, cmd, now, str(cmd.year))


def register_branch(cmd: b.RegisterBranch, store: EventStore, now: datetime) -> Outcome:
    institution, _ = institution_of(store, cmd.institution_id)
    require_committee(institution, cmd.actor_id)
    stream = f"branch-{cmd.branch_id}"
    state, version = load(store, stream, o.evolve_branch, o.Branch())
    events = b.decide_register_branch(state, cmd)
    return _commit_branch(store, events, version, cmd, now, cmd.branch_id)


def form_group(cmd: b.FormGroup, store: EventStore, now: datetime) -> Outcome:
    scope = _admin_scope(store, cmd)
    events = b.decide_form_group(scope.branch, cmd)
    return _commit_branch(store, events, scope.version, cmd, now, cmd.group_id)


def admit_member(cmd: b.AdmitMember, store: EventStore, now: datetime) -> Outcome:
    scope = _admin_scope(store, cmd)
    events = b.decide_admit(scope.branch, cmd, scope.today(now))
    return _commit_branch(store, events, scope.version, cmd, now, cmd.member_id)


def move_member(cmd: b.MoveMember, store: EventStore, now: datetime) -> Outcome:
    scope = _admin_scope(store, cmd)
    events = b.decide_move(scope.branch, cmd)
    return _commit_branch(store, events, scope.version, cmd, now, cmd.member_id)


def remove_member(cmd: b.RemoveMember, store: EventStore, now: datetime) -> Outcome:
    scope = _admin_scope(store, cmd)
    events = b.decide_remove_member(scope.branch, cmd)
    return _commit_branch(store, events, scope.version, cmd, now, cmd.member_id)


def grant_role(cmd: b.GrantRole, store: EventStore, now: datetime) -> Outcome:
    scope = _admin_scope(store, cmd)
    events = b.decide_grant(scope.branch, cmd)
    return _commit_branch(store, events, scope.version, cmd, now, cmd.member_id)


def revoke_role(cmd: b.RevokeRole, store: EventStore, now: datetime) -> Outcome:
    scope = _admin_scope(store, cmd)
    events = b.decide_revoke(scope.branch, cmd)
    return _commit_branch(store, events, scope.version, cmd, now, cmd.member_id)


def _admin_scope(store: EventStore, cmd):
    scope = scope_of(store, cmd.branch_id, cmd.actor_id)
    require_admin(scope.who)
    return scope


def _commit_institution(store, stream, events, version, cmd, now, id) -> Outcome:
    return commit(
        store, stream, events, version, actor_id=cmd.actor_id, branch_id=None, now=now, id=id
    )


def _commit_branch(store, events, version, cmd, now, id) -> Outcome:
    stream = f"branch-{cmd.branch_id}"
    return commit(
        store,
        stream,
        events,
        version,
        actor_id=cmd.actor_id,
        branch_id=cmd.branch_id,
        now=now,
        id=id,
    )

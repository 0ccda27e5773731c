"""Handlers for the institution and its branches: committee, template, groups, members, roles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from eventlog import Event
from services.common.handlers import EventStore, Outcome, load

from ..domain import branch as b
from ..domain import institution as i
from ..domain.permissions import require_admin, require_committee
from .common import commit_as, institution_of, scope_of

Handler = Callable[[Any, EventStore, datetime], Outcome]


def register_institution(cmd: i.RegisterInstitution, store: EventStore, now: datetime) -> Outcome:
    stream = f"institution-{cmd.institution_id}"
    state, version = load(store, stream, i.evolve, i.Institution())
    events, id = i.decide_register(state, cmd), cmd.institution_id
    return commit_as(cmd, store, stream, events, version, now, id=id, branch_id=None)


def _by_committee(decide: Callable[[i.Institution, Any], Sequence[Event]], id_of) -> Handler:
    """A command of the institution committee, on the institution's stream."""

    def handle(cmd: Any, store: EventStore, now: datetime) -> Outcome:
        state, version = institution_of(store, cmd.institution_id)
        require_committee(state, cmd.actor_id)
        stream = f"institution-{cmd.institution_id}"
        events = decide(state, cmd)
        return commit_as(cmd, store, stream, events, version, now, id=id_of(cmd), branch_id=None)

    return handle


appoint_committee_member = _by_committee(i.decide_appoint, lambda cmd: cmd.person_id)
remove_committee_member = _by_committee(i.decide_remove, lambda cmd: cmd.person_id)
set_goal_template = _by_committee(i.decide_goal_template, lambda cmd: str(cmd.year))


def register_branch(cmd: b.RegisterBranch, store: EventStore, now: datetime) -> Outcome:
    institution, _ = institution_of(store, cmd.institution_id)
    require_committee(institution, cmd.actor_id)
    state, version = load(store, f"branch-{cmd.branch_id}", b.evolve, b.Branch())
    return _commit_branch(store, b.decide_register(state, cmd), version, cmd, now, cmd.branch_id)


def admit_member(cmd: b.AdmitMember, store: EventStore, now: datetime) -> Outcome:
    scope = scope_of(store, cmd.branch_id, cmd.actor_id)
    require_admin(scope.who)
    events = b.decide_admit(scope.branch, cmd, scope.today(now))
    return _commit_branch(store, events, scope.version, cmd, now, cmd.member_id)


def _by_admin(decide: Callable[[b.Branch, Any], Sequence[Event]], id_of) -> Handler:
    """A command of whoever runs the branch, on the branch's stream."""

    def handle(cmd: Any, store: EventStore, now: datetime) -> Outcome:
        scope = scope_of(store, cmd.branch_id, cmd.actor_id)
        require_admin(scope.who)
        events = decide(scope.branch, cmd)
        return _commit_branch(store, events, scope.version, cmd, now, id_of(cmd))

    return handle


form_group = _by_admin(b.decide_form_group, lambda cmd: cmd.group_id)
move_member = _by_admin(b.decide_move, lambda cmd: cmd.member_id)
remove_member = _by_admin(b.decide_remove_member, lambda cmd: cmd.member_id)
grant_role = _by_admin(b.decide_grant, lambda cmd: cmd.member_id)
revoke_role = _by_admin(b.decide_revoke, lambda cmd: cmd.member_id)


def _commit_branch(store, events, version, cmd, now, id) -> Outcome:
    stream = f"branch-{cmd.branch_id}"
    return commit_as(cmd, store, stream, events, version, now, id=id, branch_id=cmd.branch_id)

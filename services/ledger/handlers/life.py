"""Handlers for goals, organisational life and the study log."""

from __future__ import annotations

from datetime import datetime

from services.common.handlers import EventStore, Outcome, load

from ..domain import goals, orglife, study
from ..domain.permissions import require, require_admin, require_group_leader
from .common import commit_as, scope_of


def open_goal_set(cmd: goals.OpenGoalSet, store: EventStore, now: datetime) -> Outcome:
    scope = scope_of(store, cmd.branch_id, cmd.actor_id)
    require_admin(scope.who)
    state, version = _goal_set(store, cmd)
    events = goals.decide_open(state, cmd, scope.institution.templates.get(cmd.year))
    return _commit_goals(store, events, version, cmd, now, goals.stream_id(cmd.branch_id, cmd.year))


def add_goal(cmd: goals.AddGoal, store: EventStore, now: datetime) -> Outcome:
    require_admin(scope_of(store, cmd.branch_id, cmd.actor_id).who)
    state, version = _goal_set(store, cmd)
    return _commit_goals(store, goals.decide_add(state, cmd), version, cmd, now, cmd.goal_id)


def assign_responsibility(
    cmd: goals.AssignResponsibility, store: EventStore, now: datetime
) -> Outcome:
    scope = scope_of(store, cmd.branch_id, cmd.actor_id)
    require_admin(scope.who)
    state, version = _goal_set(store, cmd)
    events = goals.decide_assign(state, cmd, scope.branch)
    return _commit_goals(store, events, version, cmd, now, cmd.goal_id)


def set_meeting_requirement(
    cmd: orglife.SetMeetingRequirement, store: EventStore, now: datetime
) -> Outcome:
    require_admin(scope_of(store, cmd.branch_id, cmd.actor_id).who)
    state, version = _org_life(store, cmd.branch_id)
    events = orglife.decide_requirement(state, cmd)
    return _commit_life(store, events, version, cmd, now, cmd.meeting_type)


def record_meeting(cmd: orglife.RecordMeeting, store: EventStore, now: datetime) -> Outcome:
    """A group leader records their own group's meetings; the rest needs a branch admin."""
    scope = scope_of(store, cmd.branch_id, cmd.actor_id)
    if cmd.meeting_type == "group_meeting":
        require_group_leader(scope.who, cmd.group_id)
    else:
        require_admin(scope.who)
    state, version = _org_life(store, cmd.branch_id)
    events = orglife.decide_meeting(state, cmd, scope.branch)
    return _commit_life(store, events, version, cmd, now, cmd.meeting_id)


def file_report(cmd: orglife.FileReport, store: EventStore, now: datetime) -> Outcome:
    require_admin(scope_of(store, cmd.branch_id, cmd.actor_id).who)
    state, version = _org_life(store, cmd.branch_id)
    events = orglife.decide_report(state, cmd)
    return _commit_life(store, events, version, cmd, now, cmd.report_id)


def post_article(cmd: study.PostArticle, store: EventStore, now: datetime) -> Outcome:
    who = scope_of(store, cmd.branch_id, cmd.actor_id).who
    require(who.member and cmd.actor_id == cmd.member_id, "the member themself")
    stream = study.stream_id(cmd.member_id)
    state, version = load(store, stream, study.evolve, study.StudyLog())
    events = study.decide_post(state, cmd)
    return commit_as(
        cmd, store, stream, events, version, now, id=cmd.article_id, branch_id=cmd.branch_id
    )


def recommend_article(cmd: study.RecommendArticle, store: EventStore, now: datetime) -> Outcome:
    stream = study.stream_id(cmd.member_id)
    state, version = load(store, stream, study.evolve, study.StudyLog())
    branch_id = study.require_article(state, cmd.article_id).branch_id
    require_admin(scope_of(store, branch_id, cmd.actor_id).who)
    events = study.decide_recommend(state, cmd)
    return commit_as(
        cmd, store, stream, events, version, now, id=cmd.article_id, branch_id=branch_id
    )


def _goal_set(store: EventStore, cmd) -> tuple[goals.GoalSet, int]:
    stream = goals.stream_id(cmd.branch_id, cmd.year)
    return load(store, stream, goals.evolve, goals.GoalSet())


def _org_life(store: EventStore, branch_id: str) -> tuple[orglife.OrgLife, int]:
    return load(store, orglife.stream_id(branch_id), orglife.evolve, orglife.OrgLife())


def _commit_goals(store, events, version, cmd, now, id) -> Outcome:
    stream = goals.stream_id(cmd.branch_id, cmd.year)
    return commit_as(cmd, store, stream, events, version, now, id=id, branch_id=cmd.branch_id)


def _commit_life(store, events, version, cmd, now, id) -> Outcome:
    stream = orglife.stream_id(cmd.branch_id)
    return commit_as(cmd, store, stream, events, version, now, id=id, branch_id=cmd.branch_id)

"""Commands: a member's channels, a branch's thresholds, an inbox reminder marked read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.common.actors import is_service
from services.common.errors import BadInput, Forbidden, NotFound
from services.common.handlers import Outcome

from ..domain import preferences as p
from ..domain.reminders import ReminderState, decide_read, evolve, stream_id
from ..queries.organisation import ADMIN_NEEDS, branch, is_branch_admin
from .common import Log


@dataclass(frozen=True)
class MarkRead:
    actor_id: str
    reminder_key: str


class Targets(Protocol):
    def refusal(self, url: str) -> str | None: ...


def set_preferences(log: Log, cmd: p.SetPreferences, now: datetime, targets: Targets) -> Outcome:
    """Members choose their own channels (a service may set them on a member's behalf); a
    webhook only where notify may send one (adapters.targets)."""
    if cmd.actor_id != cmd.member_id and not is_service(cmd.actor_id):
        raise Forbidden("this needs the role: the member themself")
    if cmd.webhook_url and (refused := targets.refusal(cmd.webhook_url)):
        raise BadInput({"webhook_url": [refused]})
    stream = p.prefs_stream(cmd.member_id)
    state, version = log.load(stream, p.evolve_preferences, None)
    events = p.decide_preferences(state, cmd)
    return log.commit(stream, events, version, id=cmd.member_id, now=now, actor_id=cmd.actor_id)


def set_thresholds(log: Log, cmd: p.SetThresholds, now: datetime) -> Outcome:
    branch(log.db, cmd.branch_id)  # NotFound before Forbidden: say the branch is unknown
    if not is_branch_admin(log.db, cmd.branch_id, cmd.actor_id):
        raise Forbidden(ADMIN_NEEDS)
    stream = p.config_stream(cmd.branch_id)
    state, version = log.load(stream, p.evolve_thresholds, p.Thresholds())
    events = p.decide_thresholds(state, cmd)
    return log.commit(
        stream, events, version,
        id=cmd.branch_id, now=now, actor_id=cmd.actor_id, branch_id=cmd.branch_id,
    )  # fmt: skip


def mark_read(log: Log, cmd: MarkRead, now: datetime) -> Outcome:
    stream = stream_id(cmd.reminder_key)
    state, version = log.load(stream, evolve, ReminderState())
    if state.recipient_id != cmd.actor_id or "inbox" not in state.issued["channels"]:
        raise NotFound(f"no reminder {cmd.reminder_key} in the inbox of {cmd.actor_id}")
    # Any version: delivery events may land on the stream meanwhile, and reading twice is
    # harmless (the read model keeps the first time).
    outcome = log.commit(
        stream,
        decide_read(state),
        None,
        id=cmd.reminder_key,
        now=now,
        actor_id=cmd.actor_id,
        branch_id=state.issued["branch_id"],
    )
    return outcome if outcome.events else Outcome(cmd.reminder_key, version, [])

"""Schemas of the commands: each loads into the dataclass its handler takes."""

from __future__ import annotations

from marshmallow import fields, validate

from services.common.schemas import Choice, Command, Id, Integer

from ..domain import preferences as p
from ..domain.reminders import CHANNELS
from ..handlers.commands import MarkRead

DAYS = validate.Range(0, 90)


class SetPreferences(Command):
    command = p.SetPreferences
    actor_id, member_id = Id(required=True), Id(required=True)
    channels = fields.List(
        Choice(CHANNELS), required=True, validate=validate.Length(min=1, max=len(CHANNELS))
    )
    # require_tld=False: an address the operator allows may have none (http://10.1.2.3/hook);
    # the handler refuses what is not public (adapters.targets)
    webhook_url = fields.Url(
        load_default=None, allow_none=True, require_tld=False, schemes={"http", "https"}
    )


class SetThresholds(Command):
    """Every threshold is optional: those left out keep the branch's current value."""

    command = p.SetThresholds
    actor_id, branch_id = Id(required=True), Id(required=True)
    due_soon_days = Integer(load_default=None, allow_none=True, validate=DAYS)
    escalate_after_days = Integer(
        load_default=None, allow_none=True, validate=validate.Range(1, 90)
    )
    escalate_again_after_days = Integer(load_default=None, allow_none=True, validate=DAYS)
    study_days_before_month_end = Integer(load_default=None, allow_none=True, validate=DAYS)
    meetings_days_before_period_end = Integer(load_default=None, allow_none=True, validate=DAYS)


class MarkReadSchema(Command):
    command = MarkRead
    actor_id = Id(required=True)
    reminder_key = fields.Str(required=True, validate=validate.Regexp(r"^[0-9a-f]{40}$"))

"""What the notification endpoints answer: the notify service's answers, field by field."""

from __future__ import annotations

from marshmallow import Schema, fields

from .responses import Bool, Int, Many, Maybe, Str


class Reminder(Schema):
    reminder_key, rule, subject_id, period, branch_id, title, body = (Str() for _ in range(7))
    issued_at = Str()
    read_at = Maybe()


class Inbox(Schema):
    total, limit, offset, unread = Int(), Int(), Int(), Int()
    items = Many(Reminder)


class Preferences(Schema):
    member_id = Str()
    channels = fields.List(Str())
    webhook_url = Maybe()
    chosen = Bool(metadata={"description": "false: the defaults, until the member chooses"})


class Thresholds(Schema):
    branch_id, timezone = Str(), Str()
    due_soon_days, escalate_after_days, escalate_again_after_days = Int(), Int(), Int()
    study_days_before_month_end, meetings_days_before_period_end = Int(), Int()


class Delivery(Schema):
    reminder_key, rule, subject_id, period, recipient_id, title = (Str() for _ in range(6))
    channel, status, issued_at, updated_at = Str(), Str(), Str(), Str()
    attempts = Int()
    address, next_attempt_at, last_error, delivered_at = (Maybe() for _ in range(4))


class Deliveries(Schema):
    total, limit, offset = Int(), Int(), Int()
    items = Many(Delivery)

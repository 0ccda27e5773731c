"""Notify's events: reminders (`reminder-<key>`) and their deliveries, members' channels
(`prefs-<member_id>`) and branches' thresholds (`notifyconfig-<branch_id>`), every type with its
payload's fields (see eventlog/definitions.py; docs/events.md lists who reads what)."""

from __future__ import annotations

from eventlog.definitions import Catalogue, Event, IsoTime


class ReminderIssued(Event, category="reminder"):
    """Decided once (the stream is created at version 0), with the channels it goes on."""

    reminder_key: str
    rule: str
    subject_id: str
    period: str
    recipient_id: str
    branch_id: str
    channels: list[str]  # email, webhook, inbox
    email: str | None  # the address, when email is a channel
    webhook_url: str | None  # likewise for the webhook
    title: str
    body: str


class InboxRead(Event, category="reminder"):
    pass


class DeliveryAttempted(Event, category="reminder"):
    """A worker's claim on the next try of a channel; its lease ends at retry_at."""

    channel: str
    attempt: int
    retry_at: IsoTime


class DeliveryAttemptFailed(Event, category="reminder"):
    channel: str
    attempt: int
    error: str
    retry_at: IsoTime


class Delivered(Event, category="reminder"):
    channel: str
    attempt: int


class DeliveryFailed(Event, category="reminder"):
    """Failed for good: the last try failed, or recorded no outcome."""

    channel: str
    attempts: int
    error: str


class PreferencesSet(Event, category="prefs"):
    member_id: str
    channels: list[str]
    webhook_url: str | None


class ThresholdsSet(Event, category="notifyconfig"):
    """The branch's days for the rules, whole (domain/preferences.py says what each means)."""

    due_soon_days: int
    escalate_after_days: int
    escalate_again_after_days: int
    study_days_before_month_end: int
    meetings_days_before_period_end: int


EVENTS = Catalogue.of_module("notify", globals())

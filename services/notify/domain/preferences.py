"""What members and branches choose: channels (`prefs-<member_id>`) and thresholds
(`notifyconfig-<branch_id>`). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from eventlog import Event
from services.common.errors import BadInput

from ..events import EVENTS, PreferencesSet, ThresholdsSet
from .reminders import DEFAULT_CHANNELS


def prefs_stream(member_id: str) -> str:
    return f"prefs-{member_id}"


def config_stream(branch_id: str) -> str:
    return f"notifyconfig-{branch_id}"


@dataclass(frozen=True)
class Thresholds:
    """Days that shape the rules; a branch may set its own (see `rules` for what each means)."""

    due_soon_days: int = 3
    escalate_after_days: int = 3
    escalate_again_after_days: int = 7
    study_days_before_month_end: int = 5
    meetings_days_before_period_end: int = 7

    @classmethod
    def from_row(cls, row: dict[str, Any] | None) -> Thresholds:
        names = [f.name for f in fields(cls)]
        return cls(**{name: row[name] for name in names}) if row else cls()


@dataclass(frozen=True)
class Preferences:
    channels: tuple[str, ...] = DEFAULT_CHANNELS
    webhook_url: str | None = None


@dataclass(frozen=True)
class SetPreferences:
    actor_id: str
    member_id: str
    channels: Sequence[str]
    webhook_url: str | None = None


@dataclass(frozen=True)
class SetThresholds:
    """Fields left None keep the branch's current value."""

    actor_id: str
    branch_id: str
    due_soon_days: int | None = None
    escalate_after_days: int | None = None
    escalate_again_after_days: int | None = None
    study_days_before_month_end: int | None = None
    meetings_days_before_period_end: int | None = None


def evolve_thresholds(state: Thresholds, event: Any) -> Thresholds:
    match EVENTS.read(event):
        case ThresholdsSet() as chosen:
            return Thresholds(**chosen.data)
    return state


def evolve_preferences(state: Preferences | None, event: Any) -> Preferences | None:
    """None until the member chooses: a first choice of the defaults is still a choice."""
    match EVENTS.read(event):
        case PreferencesSet(channels=channels, webhook_url=webhook_url):
            return Preferences(tuple(channels), webhook_url)
    return state


def decide_thresholds(state: Thresholds, cmd: SetThresholds) -> list[Event]:
    """Nothing when every value is already the branch's: a repeated form submit or a retried
    request is then not a new fact, and the branch's history stays a list of real changes."""
    given = {f.name: getattr(cmd, f.name) for f in fields(Thresholds)}
    chosen = replace(state, **{k: v for k, v in given.items() if v is not None})
    return [] if chosen == state else [ThresholdsSet.taking(chosen)]


def decide_preferences(state: Preferences | None, cmd: SetPreferences) -> list[Event]:
    """Nothing when the member chose exactly this before (see decide_thresholds for why)."""
    if "webhook" in cmd.channels and not cmd.webhook_url:
        raise BadInput({"webhook_url": ["needed when the webhook channel is chosen"]})
    chosen = Preferences(tuple(dict.fromkeys(cmd.channels)), cmd.webhook_url)
    if chosen == state:
        return []
    return [PreferencesSet.taking(chosen, member_id=cmd.member_id)]

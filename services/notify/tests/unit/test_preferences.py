"""A member's channels and a branch's thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from eventlog import InMemoryEventStore
from services.common.errors import BadInput
from services.notify.adapters.targets import WebhookTargets
from services.notify.domain import preferences as p
from services.notify.domain.targets import TargetPolicy
from services.notify.handlers import commands
from services.notify.handlers.common import Log

NOW = datetime(2026, 3, 17, 2, 0, tzinfo=UTC)
LOOPBACK = WebhookTargets(TargetPolicy.parse("127.0.0.0/8"))  # a receiver on this host


def test_thresholds_left_out_keep_their_value():
    [first] = p.decide_thresholds(p.Thresholds(), p.SetThresholds("sec", "b1", due_soon_days=5))
    state = p.evolve_thresholds(p.Thresholds(), first)
    [second] = p.decide_thresholds(state, p.SetThresholds("sec", "b1", escalate_after_days=2))
    assert p.evolve_thresholds(state, second) == p.Thresholds(
        due_soon_days=5, escalate_after_days=2
    )
    assert p.Thresholds() == p.Thresholds(3, 3, 7, 5, 7)  # the defaults


def test_the_webhook_channel_needs_a_url():
    with pytest.raises(BadInput) as refused:
        p.decide_preferences(p.Preferences(), p.SetPreferences("m1", "m1", ["webhook"]))
    assert set(refused.value.messages) == {"webhook_url"}
    [chosen] = p.decide_preferences(None, p.SetPreferences("m1", "m1", ["email", "email", "inbox"]))
    assert p.evolve_preferences(None, chosen).channels == ("email", "inbox")


def test_thresholds_that_change_nothing_decide_nothing():
    state = p.Thresholds(due_soon_days=5)
    assert p.decide_thresholds(state, p.SetThresholds("sec", "b1", due_soon_days=5)) == []
    assert p.decide_thresholds(state, p.SetThresholds("sec", "b1")) == []
    # a branch on the defaults that asks for the defaults changes nothing the rules use
    assert p.decide_thresholds(p.Thresholds(), p.SetThresholds("sec", "b1", 3, 3, 7, 5, 7)) == []


def test_preferences_chosen_again_decide_nothing_but_a_first_choice_counts():
    again = p.SetPreferences("m1", "m1", ["inbox", "email"])
    [first] = p.decide_preferences(None, again)  # the defaults, chosen: the member has chosen
    state = p.evolve_preferences(None, first)
    assert p.decide_preferences(state, again) == []
    assert (
        p.decide_preferences(state, p.SetPreferences("m1", "m1", ["inbox", "inbox", "email"])) == []
    )
    assert p.decide_preferences(state, p.SetPreferences("m1", "m1", ["email", "inbox"]))


@dataclass
class AppliedEvents:
    """The read model's port: remembers what it was told to apply (no query needs `db` here)."""

    db: None = None
    applied: list = field(default_factory=list)

    def apply(self, events):
        self.applied += events
        return len(events)


def test_setting_the_same_preferences_again_appends_nothing_and_answers_the_version():
    store, read_model = InMemoryEventStore(source="notify"), AppliedEvents()
    log = Log(store, read_model)
    cmd = p.SetPreferences("m1", "m1", ["email", "webhook"], "http://127.0.0.1:9/h")
    first = commands.set_preferences(log, cmd, NOW, LOOPBACK)
    again = commands.set_preferences(log, cmd, NOW, LOOPBACK)
    assert (first.version, [e.type for e in first.events]) == (1, ["PreferencesSet"])
    assert again.as_dict() == {"id": "m1", "version": 1, "events": [], "stream_id": None}
    assert len(store.read_stream(p.prefs_stream("m1"))) == 1
    assert len(read_model.applied) == 1


def test_a_webhook_to_this_host_or_the_intranet_is_refused_unless_its_network_is_allowed():
    store, read_model = InMemoryEventStore(source="notify"), AppliedEvents()
    log = Log(store, read_model)
    for url in (
        "http://127.0.0.1:9/h",
        "http://[::1]/h",
        "https://10.0.0.7/h",
        "http://localhost/",
    ):
        cmd = p.SetPreferences("m1", "m1", ["webhook"], url)
        with pytest.raises(BadInput) as refused:
            commands.set_preferences(log, cmd, NOW, WebhookTargets(TargetPolicy()))
        [message] = refused.value.messages["webhook_url"]
        assert message.startswith("不能发往") and ("本机" in message or "内网" in message)
    assert store.read_stream(p.prefs_stream("m1")) == []
    allowed = WebhookTargets(TargetPolicy.parse("10.0.0.0/8"))
    cmd = p.SetPreferences("m1", "m1", ["webhook"], "https://10.0.0.7/h")
    assert commands.set_preferences(log, cmd, NOW, allowed).version == 1

"""A member's channels and a branch's thresholds."""

from __future__ import annotations

import pytest

from services.common.errors import BadInput
from services.notify.domain import preferences as p


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
    [chosen] = p.decide_preferences(
        p.Preferences(), p.SetPreferences("m1", "m1", ["email", "email", "inbox"])
    )
    assert p.evolve_preferences(p.Preferences(), chosen).channels == ("email", "inbox")

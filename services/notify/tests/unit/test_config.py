"""Settings from the nameko config (which takes environment values as strings)."""

from __future__ import annotations

import pytest

from services.notify.config import NotifyConfig
from services.notify.domain.reminders import DEFAULT_DELAYS


def test_backoff_from_a_list_or_a_string(monkeypatch):
    monkeypatch.setenv("TAIZHANG_SMTP_PORT", "2525")
    assert NotifyConfig.from_config({}).backoff.delays == DEFAULT_DELAYS
    chosen = NotifyConfig.from_config(
        {"NOTIFY_BACKOFF_SECONDS": "1, 2.5", "NOTIFY_SEND_TIMEOUT": 0.5}
    )
    assert chosen.backoff.delays == (1.0, 2.5)
    assert (chosen.channels.smtp_port, chosen.channels.timeout) == (2525, 0.5)
    one_wait = {"NOTIFY_BACKOFF_SECONDS": [3], "NOTIFY_SEND_TIMEOUT": 1.5}
    assert NotifyConfig.from_config(one_wait).backoff.max_attempts == 2


def test_a_lease_shorter_than_twice_a_send_is_refused():
    """Each backoff wait is the lease of the attempt before it: another instance may claim the
    reminder when it ends, so it must outlast the send it covers."""
    with pytest.raises(ValueError, match="NOTIFY_SEND_TIMEOUT"):
        NotifyConfig.from_config({"NOTIFY_BACKOFF_SECONDS": [0.5, 1.0], "NOTIFY_SEND_TIMEOUT": 0.4})

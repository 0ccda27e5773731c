"""Settings from the nameko config (which takes environment values as strings)."""

from __future__ import annotations

from services.notify.config import NotifyConfig
from services.notify.domain.delivery import DEFAULT_DELAYS


def test_backoff_from_a_list_or_a_string(monkeypatch):
    monkeypatch.setenv("TAIZHANG_SMTP_PORT", "2525")
    assert NotifyConfig.from_config({}).backoff.delays == DEFAULT_DELAYS
    chosen = NotifyConfig.from_config(
        {"NOTIFY_BACKOFF_SECONDS": "1, 2.5", "NOTIFY_SEND_TIMEOUT": 0.5}
    )
    assert chosen.backoff.delays == (1.0, 2.5)
    assert (chosen.channels.smtp_port, chosen.channels.timeout) == (2525, 0.5)
    assert NotifyConfig.from_config({"NOTIFY_BACKOFF_SECONDS": [3]}).backoff.max_attempts == 2

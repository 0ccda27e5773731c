"""The notify service's settings: timers, timeouts and backoff from the nameko config (keys
below), SMTP and the webhook key from the environment (adapters.channels)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .adapters.channels import ChannelSettings
from .domain.reminders import DEFAULT_DELAYS, Backoff

SCAN_SECONDS = "NOTIFY_SCAN_SECONDS"  # how often the rules run (default 300)
DELIVERY_SECONDS = "NOTIFY_DELIVERY_SECONDS"  # how often due deliveries are tried (default 5)
CLOCK_FILE = "NOTIFY_CLOCK_FILE"  # tests only: a file holding the clock's offset
LEASE_PER_SEND = 2  # the shortest backoff wait, in send timeouts


def _seconds(value: Any) -> tuple[float, ...]:
    """A list of seconds, or the same as a comma-separated string (from an environment value)."""
    items = value.split(",") if isinstance(value, str) else value
    return tuple(float(item) for item in items)


@dataclass(frozen=True)
class NotifyConfig:
    backoff: Backoff
    channels: ChannelSettings
    ledger_timeout: float = 10.0
    appraisal_timeout: float = 2.0  # small: without the appraisal service, a scan goes on

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> NotifyConfig:
        send_timeout = float(config.get("NOTIFY_SEND_TIMEOUT", 10.0))
        backoff = Backoff(_seconds(config.get("NOTIFY_BACKOFF_SECONDS", DEFAULT_DELAYS)))
        # Each wait is also the lease of the attempt before it (domain.reminders): it must cover
        # the whole send, and as much again for the claim and the outcome to reach the log on a
        # busy host. A shorter lease lets another instance claim and send the same reminder
        # while the first send is still going.
        if min(backoff.delays) < LEASE_PER_SEND * send_timeout:
            raise ValueError(
                f"NOTIFY_BACKOFF_SECONDS {backoff.delays}: every wait must be at least"
                f" {LEASE_PER_SEND:g} x NOTIFY_SEND_TIMEOUT ({send_timeout:g} s):"
                " it is the lease of the send before it"
            )
        return cls(
            backoff=backoff,
            channels=ChannelSettings.from_env(timeout=send_timeout),
            ledger_timeout=float(config.get("NOTIFY_LEDGER_TIMEOUT", 10.0)),
            appraisal_timeout=float(config.get("NOTIFY_APPRAISAL_TIMEOUT", 2.0)),
        )

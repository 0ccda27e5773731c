"""nameko extensions of the notify service: its clock, its settings, and timers whose interval
comes from the config (tests run them every fraction of a second)."""

from __future__ import annotations

from nameko.extensions import DependencyProvider
from nameko.timer import Timer

from .adapters.clock import OffsetClock, SystemClock
from .config import CLOCK_FILE, NotifyConfig


class Clock(DependencyProvider):
    """The wall clock; or, when the config names a clock file, the clock that file moves."""

    def setup(self) -> None:
        path = self.container.config.get(CLOCK_FILE)
        self.clock = OffsetClock(path) if path else SystemClock()

    def get_dependency(self, worker_ctx) -> SystemClock | OffsetClock:
        return self.clock


class NotifySettings(DependencyProvider):
    def setup(self) -> None:
        self.settings = NotifyConfig.from_config(self.container.config)

    def get_dependency(self, worker_ctx) -> NotifyConfig:
        return self.settings


class ConfiguredTimer(Timer):
    """A timer firing every `config[key]` seconds (`default` when the key is absent)."""

    def __init__(self, key: str, default: float, **kwargs):
        self.key, self.default = key, default
        super().__init__(interval=default, **kwargs)

    def setup(self) -> None:
        self.interval = float(self.container.config.get(self.key, self.default))
        super().setup()


every = ConfiguredTimer.decorator

"""The consumer as a real nameko service, run with `nameko run` and killed with SIGKILL.

Its category comes from RELIABILITY_CATEGORY, so each test keeps a read model of its own; the
ReadModel sweeps the log every 0.5 s besides the bus (nameko acks an event after its worker).
"""

import os

from eventlog.nameko import ReadModel
from services.common.messaging import event_handler

from .counter import counter

CATEGORY = os.environ.get("RELIABILITY_CATEGORY", "reliability")


class CounterService:
    name = f"counter-{CATEGORY}"
    read_model = ReadModel(counter(CATEGORY, pause=0.02), sweep_seconds=0.5)

    @event_handler(CATEGORY, "#")  # the relay publishes the test's events as source CATEGORY
    def on_event(self, body: dict) -> None:
        self.read_model.handle(body)


def queue_name(category: str) -> str:
    """The durable queue nameko declares for `on_event` (nameko's naming for service pools)."""
    return f"evt-{category}-#--counter-{category}.on_event"

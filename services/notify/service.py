"""The notify service: thin nameko entrypoints over the handlers and queries.

Two timers drive it: the scan (rules → reminders) and the delivery worker (reminders → email,
webhook). Both read the time from `clock`, which tests move. RPC methods validate their keyword
arguments with a schema, call one handler or query, and return plain JSON.
"""

from __future__ import annotations

from typing import Any

from eventlog.nameko import EventLog, LogRelay, ReadModel
from services.common import keyed
from services.common.actors import is_service
from services.common.errors import EXPECTED, Forbidden
from services.common.handlers import expecting
from services.common.messaging import RpcProxy, event_handler, rpc
from services.common.observability import CorrelationLogging, EntrypointMetrics
from services.common.schemas import load

from .adapters.channels import Channels
from .adapters.sources import AppraisalSource, LedgerSource
from .adapters.targets import WebhookTargets
from .config import DELIVERY_SECONDS, SCAN_SECONDS
from .extensions import Clock, NotifySettings, every
from .handlers import commands
from .handlers.common import Log
from .handlers.delivery import deliver_due
from .handlers.scan import scan
from .projection import PROJECTION
from .queries import organisation, reminders
from .schemas import commands as cs
from .schemas import queries as qs

# A request to an appraisal service that is away expires in its queue rather than piling up.
APPRAISAL_REQUEST_TTL = 10


class NotifyService:
    name = "notify"

    log = EventLog()
    read_model = ReadModel(PROJECTION)
    relay = LogRelay()
    entrypoint_metrics = EntrypointMetrics()
    correlation_id = CorrelationLogging()
    clock = Clock()
    settings = NotifySettings()
    ledger = RpcProxy("ledger")
    appraisal = RpcProxy("appraisal", expiration=APPRAISAL_REQUEST_TTL)

    @event_handler("ledger", "#")
    def on_ledger_event(self, body: dict[str, Any]) -> None:
        self.read_model.handle(body)

    @every(SCAN_SECONDS, 300)
    def scan_on_timer(self) -> None:
        self._scan()

    @every(DELIVERY_SECONDS, 5)
    def deliver_on_timer(self) -> None:
        deliver_due(
            self._log(), Channels(self.settings.channels), self.clock, self.settings.backoff
        )

    def _log(self) -> Log:
        return Log(self.log, self.read_model)

    def _scan(self) -> dict[str, Any]:
        ledger = LedgerSource(self.ledger, self.settings.ledger_timeout)
        appraisal = AppraisalSource(self.appraisal, self.settings.appraisal_timeout)
        return scan(self._log(), ledger, appraisal, self.clock.now())

    # Commands ----------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def set_preferences(self, **payload: Any) -> dict[str, Any]:
        targets = WebhookTargets(self.settings.channels.targets)

        def set_preferences(log: Log, cmd: Any, now: Any) -> Any:
            return commands.set_preferences(log, cmd, now, targets)

        return self._command(cs.SetPreferences(), set_preferences, **payload)

    @rpc(expected_exceptions=EXPECTED)
    def set_thresholds(self, **payload: Any) -> dict[str, Any]:
        return self._command(cs.SetThresholds(), commands.set_thresholds, **payload)

    @rpc(expected_exceptions=EXPECTED)
    def mark_read(self, **payload: Any) -> dict[str, Any]:
        return self._command(cs.MarkReadSchema(), commands.mark_read, **payload)

    def _command(
        self,
        schema,
        handle,
        /,
        command_key: str | None = None,
        expected_version: int | None = None,
        **payload: Any,
    ) -> dict[str, Any]:
        """A command once per key (services/common/keyed.py), under the client's precondition
        (handlers.Expecting), on the service's clock."""
        cmd, now = load(schema, payload), self.clock.now()
        outcome = keyed.run(
            self.log,
            command_key,
            handle.__name__,
            payload,
            lambda store: handle(
                Log(expecting(store, expected_version), self.read_model), cmd, now
            ),
        )
        self.read_model.apply(outcome.events)  # a replayed outcome's too: read your own write
        return outcome.as_dict()

    @rpc(expected_exceptions=EXPECTED)
    def scan_now(self, **payload: Any) -> dict[str, Any]:
        """Runs the rules now (operators, tests): only services may, as it acts for everyone."""
        actor_id = load(qs.ActorOnly(), payload)["actor_id"]
        if not is_service(actor_id):
            raise Forbidden("this needs the role: a service (service:<name>)")
        return self._scan()

    # Queries -----------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def inbox(self, **query: Any) -> dict[str, Any]:
        return reminders.inbox(self.read_model.db, **load(qs.InboxQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def deliveries(self, **query: Any) -> dict[str, Any]:
        return reminders.deliveries(self.read_model.db, **load(qs.DeliveriesQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def thresholds(self, **query: Any) -> dict[str, Any]:
        return organisation.thresholds(self.read_model.db, **load(qs.BranchQuery(), query))

    @rpc(expected_exceptions=EXPECTED)
    def preferences(self, **query: Any) -> dict[str, Any]:
        return organisation.preferences(self.read_model.db, **load(qs.MemberQuery(), query))

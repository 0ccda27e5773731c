"""The gateway: the one HTTP API of taizhang, a nameko service in front of the others.

Every route of the endpoint table (endpoints/) becomes an entrypoint that runs dispatch.handle:
authenticate, resolve and authorise the target (from the gateway's own read model of who may act
where, reach/), validate, call one RPC (or a view), dump the answer. Adding a service's
capabilities is a table of rows and one ServiceRpc attribute here.
"""

from __future__ import annotations

from typing import Any

from nameko.dependency_providers import Config
from werkzeug.wrappers import Request, Response

from eventlog.nameko import (
    Blobs,
    EventLog,
    LogRelay,
    ReadModel,
    RetiredQueues,
    RetiredReadModel,
)
from services.common.messaging import event_handler
from services.common.observability import CorrelationLogging, EntrypointMetrics

from . import dispatch, health
from .endpoints import ENDPOINTS
from .entrypoint import http
from .errors import json_response
from .openapi import build
from .reach.projection import PROJECTION as REACH
from .rpc import ServiceRpc
from .users.credentials import TokenIssuer
from .users.projection import PROJECTION
from .users.sessions import Sessions
from .web import app as web_app
from .web.routes import ROUTES as WEB_ROUTES

# The services behind the gateway: each is a ServiceRpc attribute of the same name.
SERVICES = ("ledger", "appraisal", "notify")
OPENAPI = build(ENDPOINTS)


class Tokens(EventLog):
    """The token issuer, with its key from the environment when the container starts, over the
    log that says which sessions were signed out (users/sessions.py)."""

    def setup(self) -> None:
        super().setup()
        self.issuer = TokenIssuer.from_env()

    def get_dependency(self, worker_ctx) -> Sessions:
        return Sessions(self.issuer, super().get_dependency(worker_ctx))


class GatewayService:
    name = "gateway"

    config = Config()
    log = EventLog()
    blobs = Blobs()  # attached files, stored before the ledger's command names them
    read_model = ReadModel(PROJECTION)
    reach = ReadModel(REACH)  # who may act where (reach/): the ledger's and appraisal's events
    relay = LogRelay()
    # The gateway's retired copy of the appraisal cycles (the appraisal's list_cycles answers
    # instead), and the queues of the handler that fed it.
    retired_read_model = RetiredReadModel("gateway_cycles", "gateway.cycles")
    retired_queues = RetiredQueues(
        "evt-appraisal-CycleOpened--gateway.on_cycle_event",
        "evt-appraisal-CycleFinalised--gateway.on_cycle_event",
    )
    entrypoint_metrics = EntrypointMetrics()
    correlation_id = CorrelationLogging()
    tokens = Tokens()
    ledger = ServiceRpc("ledger")
    appraisal = ServiceRpc("appraisal")
    notify = ServiceRpc("notify")

    @event_handler("gateway", "#")
    def on_event(self, body: dict[str, Any]) -> None:
        self.read_model.handle(body)

    @event_handler("ledger", "#")
    def on_ledger_event(self, body: dict[str, Any]) -> None:
        self.reach.handle(body)

    @event_handler("appraisal", "CycleOpened")
    def on_cycle_opened(self, body: dict[str, Any]) -> None:
        self.reach.handle(body)

    @http("GET", "/healthz")
    def healthz(self, request: Request) -> Response:
        return json_response({"status": "alive", "checks": {}})

    @http("GET", "/readyz")
    def readyz(self, request: Request) -> Response:
        return health.readiness(self, SERVICES)

    @http("GET", "/metrics")
    def metrics(self, request: Request) -> Response:
        return health.metrics()

    @http("GET", "/openapi.json")
    def openapi(self, request: Request) -> Response:
        return json_response(OPENAPI)


def _entrypoint(endpoint):
    @http(endpoint.method, endpoint.werkzeug_rule, anonymous=endpoint.anonymous)
    def method(self, request: Request, **path: Any) -> Response:
        return dispatch.handle(self, endpoint, request, path)

    method.__name__ = endpoint.name
    method.__doc__ = endpoint.summary
    return method


# nameko finds entrypoints on the class when a container starts, after this has run.
for _endpoint in ENDPOINTS:
    setattr(GatewayService, _endpoint.name, _entrypoint(_endpoint))
# The web app's pages (web/): the same endpoints, called for a browser's session.
web_app.install(GatewayService, WEB_ROUTES)

"""What operators see of every service: Prometheus metrics per entrypoint, and JSON log lines
that carry the correlation id of the request that caused them.

class LedgerService:
    name = "ledger"
    entrypoint_metrics = EntrypointMetrics()  # times every worker; serves the metrics port
    correlation_id = CorrelationLogging()     # tags the worker's log lines; the id, as a str

The metrics port serves the process's default registry, so the event log's own metrics
(eventlog/metrics.py) are there too. Its number comes from TAIZHANG_METRICS_PORT, else from
DEFAULT_PORTS by service name (0: no port); its address from TAIZHANG_METRICS_ADDRESS (loopback
unless set, e.g. 0.0.0.0 in a container). It is also the liveness check of a service without HTTP:
it answers only while the process's event loop runs (under eventlet the server is a green thread).

A correlation id is set where a request enters (the gateway's web server takes the client's
X-Correlation-Id or makes one); a worker that starts without one (a timer, a bare RPC call) gets a
new one here. nameko carries a worker's context data to every RPC call it makes and every event it
dispatches (as `nameko.*` headers), and the relay sets `nameko.correlation_id` from the stored
event's correlation id, so the id follows everything the request causes.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import sys
import time
import uuid
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider, Entrypoint
from nameko.rpc import Rpc
from nameko.timer import Timer
from nameko.web.handlers import HttpRequestHandler
from prometheus_client import Counter, Histogram, start_http_server

from eventlog.cli import main as eventlog_cli

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"ledger": 9101, "appraisal": 9102, "notify": 9103, "gateway": 9104, "relay": 9105}

_LABELS = ["service", "entrypoint", "kind"]
REQUESTS = Counter("taizhang_entrypoint_requests_total", "Workers run, per entrypoint", _LABELS)
ERRORS = Counter(
    "taizhang_entrypoint_errors_total",
    "Workers that ended in an error, by exception class (or HTTPnnn); expected=true: an answer"
    " to the caller (NotFound, BadInput, HTTP 4xx), expected=false: a fault",
    [*_LABELS, "error", "expected"],
)
SECONDS = Histogram(
    "taizhang_entrypoint_seconds",
    "Time a worker took, from its setup to its result",
    _LABELS,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

_KINDS = ((Rpc, "rpc"), (HttpRequestHandler, "http"), (EventHandler, "event"), (Timer, "timer"))


def entrypoint_kind(entrypoint: Entrypoint) -> str:
    for cls, kind in _KINDS:
        if isinstance(entrypoint, cls):
            return kind
    return type(entrypoint).__name__.lower()


def worker_error(entrypoint: Entrypoint, result, exc_info) -> tuple[str, bool] | None:
    """(error, expected) when a worker failed: it raised, or its HTTP answer is 4xx/5xx."""
    if exc_info is not None:
        exc = exc_info[1]
        return type(exc).__name__, isinstance(exc, entrypoint.expected_exceptions)
    if isinstance(entrypoint, HttpRequestHandler):
        status = _http_status(result)
        if status >= 400:
            return f"HTTP{status}", status < 500
    return None


def _http_status(result) -> int:
    """The status of what an @http method returned: a Response, (status, ...) or a body."""
    return int(result[0]) if isinstance(result, tuple) else getattr(result, "status_code", 200)


# -- the metrics port ----------------------------------------------------------------------------

# (address, port) → [server, users]: services run in one process (or one test session) share it.
_servers: dict[tuple[str, int], list] = {}


def metrics_port(service: str) -> int:
    configured = os.environ.get("TAIZHANG_METRICS_PORT", "").strip()
    return int(configured) if configured else DEFAULT_PORTS.get(service, 0)


def serve_metrics(service: str) -> tuple[str, int] | None:
    """Serves the default registry on the service's metrics port; None when it has none."""
    port = metrics_port(service)
    if not port:
        return None
    key = (os.environ.get("TAIZHANG_METRICS_ADDRESS", "127.0.0.1"), port)
    if key not in _servers:
        server, _ = start_http_server(port, addr=key[0])
        _servers[key] = [server, 0]
        log.info("metrics on http://%s:%d/metrics", *key)
    _servers[key][1] += 1
    return key


def release_metrics(key: tuple[str, int] | None) -> None:
    entry = _servers.get(key) if key else None
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] == 0:
        del _servers[key]
        entry[0].shutdown()
        entry[0].server_close()


class EntrypointMetrics(DependencyProvider):
    """Counts and times every worker of the service, and serves the metrics port."""

    def setup(self) -> None:
        self._started: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._serving: tuple[str, int] | None = None

    def start(self) -> None:
        # Every entrypoint's series exists from the start, so rate() sees its first worker.
        for entrypoint in self.container.entrypoints:
            labels = (self.container.service_name, entrypoint.method_name)
            REQUESTS.labels(*labels, entrypoint_kind(entrypoint))
            SECONDS.labels(*labels, entrypoint_kind(entrypoint))
        self._serving = serve_metrics(self.container.service_name)

    def stop(self) -> None:
        serving, self._serving = self._serving, None
        release_metrics(serving)

    def kill(self) -> None:
        self.stop()

    def worker_setup(self, worker_ctx) -> None:
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None) -> None:
        entrypoint = worker_ctx.entrypoint
        labels = (worker_ctx.service_name, entrypoint.method_name, entrypoint_kind(entrypoint))
        REQUESTS.labels(*labels).inc()
        started = self._started.pop(worker_ctx, None)
        if started is not None:
            SECONDS.labels(*labels).observe(time.perf_counter() - started)
        error = worker_error(entrypoint, result, exc_info)
        if error is not None:
            ERRORS.labels(*labels, error[0], "true" if error[1] else "false").inc()


# -- logs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerTag:
    service: str
    entrypoint: str
    correlation_id: str


# Each eventlet greenlet has its own context, so a worker's tag is seen only by its own lines.
_current_worker: contextvars.ContextVar[WorkerTag | None] = contextvars.ContextVar(
    "taizhang_worker", default=None
)
# The services this process runs, for lines written outside any worker (sweeps, the relay).
_process_services: set[str] = set()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, service, correlation_id,
    entrypoint, exc (the traceback, or null)."""

    def format(self, record: logging.LogRecord) -> str:
        tag = _current_worker.get()
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": tag.service if tag else ",".join(sorted(_process_services)) or None,
            "correlation_id": tag.correlation_id if tag else None,
            "entrypoint": tag.entrypoint if tag else None,
            "exc": self.formatException(record.exc_info) if record.exc_info else None,
        }
        return json.dumps(line, ensure_ascii=False)


class ExpectedErrorsOneLine(logging.Filter):
    """nameko logs a worker's expected error (a 404, a refused command: an answer to the caller)
    as a warning with its traceback; this keeps the one line. Tracebacks are left to faults, and
    expected errors are counted anyway (taizhang_entrypoint_errors_total{expected="true"})."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "nameko.containers" and str(record.msg).startswith("(expected)"):
            record.exc_info = record.exc_text = None
        return True


class CorrelationLogging(DependencyProvider):
    """Gives every worker a correlation id (the dependency is that id, a str), passes it on to
    the calls and events the worker makes, and tags the worker's log lines with it."""

    def setup(self) -> None:
        _process_services.add(self.container.service_name)

    def get_dependency(self, worker_ctx) -> str:
        # The id carried in, or a new one: in the context data, it goes with the worker's calls.
        known = worker_ctx.data.get("correlation_id") or uuid.uuid4().hex
        worker_ctx.data["correlation_id"] = known
        return known

    def worker_setup(self, worker_ctx) -> None:
        tag = WorkerTag(
            worker_ctx.service_name,
            worker_ctx.entrypoint.method_name,
            worker_ctx.data["correlation_id"],
        )
        _current_worker.set(tag)

    def worker_teardown(self, worker_ctx) -> None:
        _current_worker.set(None)


def configure_json_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    level = os.environ.get("TAIZHANG_LOG_LEVEL", "INFO")
    logging.basicConfig(level=level, handlers=[handler], force=True)


def run_cli(argv: list[str] | None = None) -> int:
    """An eventlog.cli command (`relay` in docker-compose.yml) with JSON logs and a metrics port
    named after the command (the relay's: 9105), so a standalone relay is watched like a service.
    """
    argv = sys.argv[1:] if argv is None else argv
    name = argv[0] if argv else "cli"
    _process_services.add(name)
    configure_json_logging()
    serving = serve_metrics(name)
    try:
        return eventlog_cli(argv)
    finally:
        release_metrics(serving)

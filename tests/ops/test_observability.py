"""services/common/observability.py in real nameko containers over the real RabbitMQ and
PostgreSQL: every worker counted and timed, errors told apart, the metrics port served and
released, and one correlation id in the log lines of everything a request causes."""

from __future__ import annotations

import json
import logging
import uuid

import kombu
import pytest
import requests
from nameko.containers import ServiceContainer
from nameko.events import EventHandler, event_handler
from nameko.rpc import Rpc, RpcProxy, rpc
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.timer import Timer
from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Response

from eventlog import Metadata, NewEvent
from eventlog.nameko import EventLog, LogRelay
from services.common.errors import EXPECTED, NotFound
from services.common.observability import (
    CorrelationLogging,
    EntrypointMetrics,
    JsonFormatter,
    entrypoint_kind,
    worker_error,
)
from tests.support import free_port, sample, wait_for

probe_log = logging.getLogger("tests.ops.probe")
PLANNED_QUEUE = "evt-ledger-ItemPlanned--probe.on_planned"  # nameko's name for on_planned's queue


class PeerService:
    name = "probe_peer"
    metrics = EntrypointMetrics()
    correlation_id = CorrelationLogging()

    @rpc
    def echo(self) -> str:
        probe_log.info("peer echoes")
        return self.correlation_id


class ProbeService:
    name = "probe"
    metrics = EntrypointMetrics()
    correlation_id = CorrelationLogging()
    peer = RpcProxy("probe_peer")

    @rpc(expected_exceptions=EXPECTED)
    def fail(self, expected: bool) -> None:
        raise NotFound("no such thing") if expected else RuntimeError("a fault")

    @rpc
    def ask_peer(self) -> str:
        probe_log.info("probe asks its peer")
        return self.peer.echo()

    @event_handler("ledger", "ItemPlanned")
    def on_planned(self, body: dict) -> None:
        probe_log.info("probe saw %s", body["stream_id"])


class RelayProbeService:
    """Stores an event with the worker's correlation id; the relay publishes it back to it."""

    name = "relay_probe"
    metrics = EntrypointMetrics()
    correlation_id = CorrelationLogging()
    log = EventLog()
    relay = LogRelay()

    @rpc
    def record(self, stream_id: str) -> str:
        meta = Metadata(correlation_id=self.correlation_id)
        self.log.append(stream_id, [NewEvent("Probed", {})], None, metadata=meta)
        return self.correlation_id

    @event_handler("relay_probe", "Probed")
    def on_probed(self, body: dict) -> None:
        probe_log.info("relay probe saw %s", body["stream_id"])


class Lines(logging.Handler):
    """Keeps the JSON lines the formatter writes."""

    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def lines():
    handler = Lines()
    probe_log.addHandler(handler)
    probe_log.setLevel(logging.INFO)
    yield handler.lines
    probe_log.removeHandler(handler)


def start_all(config: dict, *services) -> list[ServiceContainer]:
    containers = [ServiceContainer(service, config) for service in services]
    for container in containers:
        container.start()
    return containers


@pytest.fixture(scope="module")
def probes(settings):
    """ProbeService and PeerService, started once for the module on this run's vhost."""
    config = {"AMQP_URI": settings.amqp_uri}
    with pytest.MonkeyPatch.context() as patch:
        port = free_port()
        patch.setenv("TAIZHANG_METRICS_PORT", str(port))
        containers = start_all(config, ProbeService, PeerService)
        yield config, port
        for container in containers:
            container.stop()
    # on_planned's queue is durable: left on the vhost, it would fill with every ItemPlanned
    # that later runs' relays publish, and hand them all to the next run's probe.
    with kombu.Connection(settings.amqp_uri) as conn:
        conn.default_channel.queue_delete(PLANNED_QUEUE)


@pytest.fixture
def metrics_port(monkeypatch) -> int:
    port = free_port()
    monkeypatch.setenv("TAIZHANG_METRICS_PORT", str(port))
    return port


# -- metrics -------------------------------------------------------------------------------------


def test_each_kind_of_entrypoint_is_named():
    assert entrypoint_kind(Rpc()) == "rpc"
    assert entrypoint_kind(HttpRequestHandler("GET", "/x")) == "http"
    assert entrypoint_kind(EventHandler("ledger", "ItemPlanned")) == "event"
    assert entrypoint_kind(Timer(interval=1)) == "timer"


def test_http_answers_of_4xx_and_5xx_are_errors_and_only_5xx_unexpected():
    http = HttpRequestHandler("GET", "/x")
    assert worker_error(http, Response("ok"), None) is None
    assert worker_error(http, (404, "gone"), None) == ("HTTP404", True)
    assert worker_error(http, Response("down", status=503), None) == ("HTTP503", False)
    assert worker_error(Rpc(), {"any": "answer"}, None) is None


def test_workers_are_counted_timed_and_their_errors_told_apart(probes):
    config, _ = probes
    fail = {"service": "probe", "entrypoint": "fail", "kind": "rpc"}
    added = {
        ("taizhang_entrypoint_requests_total", ()): 3,
        ("taizhang_entrypoint_seconds_count", ()): 3,
        ("taizhang_entrypoint_errors_total", (("error", "NotFound"), ("expected", "true"))): 2,
        ("taizhang_entrypoint_errors_total", (("error", "RuntimeError"), ("expected", "false"))): 1,
    }

    def now() -> dict:
        return {key: sample(key[0], **fail, **dict(key[1])) for key in added}

    expected = {key: value + added[key] for key, value in now().items()}
    with ClusterRpcProxy(config) as cluster:
        for is_expected in (True, True, False):
            with pytest.raises(Exception, match="NotFound" if is_expected else "RuntimeError"):
                cluster.probe.fail(expected=is_expected)
    # A worker's result reaches its providers just after the caller has its answer.
    wait_for(lambda: now() == expected, 15, "the workers to be counted")


def test_the_metrics_port_serves_every_entrypoint_and_the_event_log(probes):
    _, port = probes
    page = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    for entrypoint, kind in (("fail", "rpc"), ("on_planned", "event")):
        assert (
            f'taizhang_entrypoint_requests_total{{entrypoint="{entrypoint}",kind="{kind}",'
            f'service="probe"}}'
        ) in page
    assert "eventlog_relay_active" in page


def test_services_in_one_process_share_the_port_until_the_last_stops(rabbit_config, metrics_port):
    probe, peer = start_all(rabbit_config, ProbeService, PeerService)
    url = f"http://127.0.0.1:{metrics_port}/metrics"
    probe.stop()
    assert requests.get(url, timeout=5).status_code == 200
    peer.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=5)


# -- correlation ---------------------------------------------------------------------------------


def test_a_correlation_id_follows_an_rpc_call_into_the_next_service(probes, lines):
    config, _ = probes
    given = uuid.uuid4().hex
    with ClusterRpcProxy(config, context_data={"correlation_id": given}) as cluster:
        assert cluster.probe.ask_peer() == given
    tagged = {(line["service"], line["entrypoint"], line["correlation_id"]) for line in lines}
    assert tagged == {("probe", "ask_peer", given), ("probe_peer", "echo", given)}


def test_a_worker_without_one_gets_a_new_id_that_it_passes_on(probes, lines):
    config, _ = probes
    with ClusterRpcProxy(config) as cluster:
        made = cluster.probe.ask_peer()
    assert made
    assert {line["correlation_id"] for line in lines} == {made}


def test_a_correlation_id_follows_a_stored_event_through_the_relay(db, rabbit_config, lines):
    (container,) = start_all(rabbit_config, RelayProbeService)
    given, stream = uuid.uuid4().hex, f"probe-{uuid.uuid4()}"
    try:
        with ClusterRpcProxy(rabbit_config, context_data={"correlation_id": given}) as cluster:
            assert cluster.relay_probe.record(stream_id=stream) == given
        seen = wait_for(
            lambda: [line for line in lines if stream in line["message"]],
            15,
            "the relayed event's log line",
        )
    finally:
        container.stop()  # LogRelay releases the relay lock only on stop
    assert [(line["entrypoint"], line["correlation_id"]) for line in seen] == [("on_probed", given)]


def test_a_json_line_carries_the_traceback_and_no_worker_outside_one(lines):
    try:
        raise ValueError("broken")
    except ValueError:
        probe_log.exception("outside any worker")
    (line,) = lines
    assert line["level"] == "ERROR" and line["message"] == "outside any worker"
    assert line["correlation_id"] is None and line["entrypoint"] is None
    assert "ValueError: broken" in line["exc"]
    assert line["ts"].endswith("+00:00")

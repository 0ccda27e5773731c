"""The services as docker-compose.yml runs them (`nameko run --config deploy/nameko.yml ...`, and
the relay), as processes against the real servers: each answers on its metrics port (its health
check), and every metric a dashboard or an alert rule queries is one they really export.

A service without EntrypointMetrics fails, since it would be neither watched nor health-checked.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.observability import EntrypointMetrics
from tests.ops.promql import exported_names, queried_metrics
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {
    "ledger": "LedgerService",
    "appraisal": "AppraisalService",
    "notify": "NotifyService",
    "gateway": "GatewayService",
}
RELAY = [
    sys.executable,
    "-c",
    "import sys; from services.common.observability import run_cli; sys.exit(run_cli())",
    "relay",
]
# Who must export a metric, by its prefix: a service's own; the entrypoint metrics, any service
# (the relay declares them too, never fills them); the event log's, any process.
OWNERS = {"notify_": {"notify"}, "gateway_": {"gateway"}, "taizhang_entrypoint_": set(SERVICES)}
MADE_BY_PROMETHEUS = {"up"}
QUERIED = queried_metrics()
START_SECONDS = 60


@dataclass
class Member:
    name: str
    port: int = 0
    process: subprocess.Popen | None = None
    log: Path | None = None
    fault: str = ""  # why it cannot run

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/metrics"


def command(name: str) -> tuple[list[str], str]:
    """(command, why faulty) for a service."""
    cls = SERVICES[name]
    service = getattr(importlib.import_module(f"services.{name}.service"), cls)
    if not any(isinstance(value, EntrypointMetrics) for value in vars(service).values()):
        return [], f"{cls} has no EntrypointMetrics: no metrics port, no health check"
    # This interpreter's nameko, not whichever `nameko` is first on PATH.
    argv = [sys.executable, "-m", "nameko", "run", "--config", "deploy/nameko.yml"]
    return [*argv, f"services.{name}.service:{cls}"], ""


def launch(member: Member, argv: list[str], tmp: Path) -> None:
    member.port, member.log = free_port(), tmp / f"{member.name}.log"
    env = {
        **os.environ,
        "TAIZHANG_METRICS_PORT": str(member.port),
        "TAIZHANG_METRICS_ADDRESS": "127.0.0.1",
        "TAIZHANG_HTTP_ADDRESS": f"127.0.0.1:{free_port()}",
        "TAIZHANG_WEBHOOK_KEY": "test-webhook-key",
        "TAIZHANG_SMTP_HOST": "127.0.0.1",
        "TAIZHANG_SMTP_PORT": str(free_port()),  # nothing listens: deliveries fail, as counted
    }
    with member.log.open("w") as out:
        member.process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=out)


def wait_until_answering(member: Member, deadline: float) -> None:
    while True:
        try:
            if requests.get(member.url(), timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if member.process.poll() is not None or time.monotonic() > deadline:
            tail = member.log.read_text()[-3000:]
            member.fault = f"{member.name} never answered on its metrics port; its log:\n{tail}"
            return
        time.sleep(0.2)


def stop_all(members: list[Member], grace: float = 5.0) -> None:
    """SIGTERM to all, as `docker compose stop` does; SIGKILL to any still running after grace."""
    processes = [m.process for m in members if m.process and m.process.poll() is None]
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def exercise(settings, fleet: dict[str, Member]) -> None:
    """A command, and a command refused, through the ledger."""
    if fleet["ledger"].process is not None:
        run = uuid.uuid4().hex[:8]
        with ClusterRpcProxy({"AMQP_URI": settings.amqp_uri}) as cluster:
            founder = {"person_id": f"p{run}", "name": "书记"}
            cluster.ledger.register_institution(
                actor_id=f"p{run}", institution_id=f"i{run}", name="机关", founders=[founder]
            )
            with pytest.raises(RemoteError, match="BadInput"):
                cluster.ledger.register_institution(actor_id=f"p{run}")


@pytest.fixture(scope="module")
def fleet(settings, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fleet")
    members = {name: Member(name) for name in [*SERVICES, "relay"]}
    for name, member in members.items():
        argv, member.fault = (RELAY, "") if name == "relay" else command(name)
        if argv:
            launch(member, argv, tmp)
    deadline = time.monotonic() + START_SECONDS
    for member in members.values():
        if member.process is not None:
            wait_until_answering(member, deadline)
    try:
        exercise(settings, members)
        yield members
    finally:
        stop_all(list(members.values()))


@pytest.fixture(scope="module")
def exported(fleet) -> dict[str, set[str]]:
    """Service → the metric names its metrics port offers."""
    return {
        name: exported_names(requests.get(member.url(), timeout=5).text)
        for name, member in fleet.items()
        if member.process is not None and not member.fault
    }


def running(member: Member) -> Member:
    if member.fault:
        pytest.fail(member.fault)
    return member


@pytest.mark.parametrize("name", [*SERVICES, "relay"])
def test_each_service_answers_on_its_metrics_port(fleet, name):
    member = running(fleet[name])
    response = requests.get(member.url(), timeout=5)
    assert response.status_code == 200
    if name != "relay":
        assert re.search(
            rf'taizhang_entrypoint_requests_total\{{[^}}]*service="{name}"', response.text
        )
    assert "eventlog_relay_active" in response.text


def test_the_ledger_counts_what_it_was_asked(fleet):
    page = requests.get(running(fleet["ledger"]).url(), timeout=5).text
    ledger = 'kind="rpc",service="ledger"'
    assert re.search(rf'requests_total\{{entrypoint="register_institution",{ledger}\}} [1-9]', page)
    assert 'error="BadInput",expected="true"' in page
    assert re.search(
        r'eventlog_events_appended_total\{source="ledger",type="InstitutionRegistered"', page
    )


@pytest.mark.parametrize("metric", sorted(QUERIED.keys() - MADE_BY_PROMETHEUS))
def test_every_queried_metric_is_exported(fleet, exported, metric):
    owners = next((who for prefix, who in OWNERS.items() if metric.startswith(prefix)), fleet)
    for owner in owners:
        if fleet[owner].fault:
            pytest.fail(fleet[owner].fault)
    offered = set().union(*(exported[owner] for owner in owners))
    where = "; ".join(sorted(set(QUERIED[metric])))
    assert metric in offered, f"{metric} is queried ({where}) but not exported by {sorted(owners)}"

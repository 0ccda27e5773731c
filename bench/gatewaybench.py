"""Commands through the gateway, as clients send them, against the floors they stand on.

The ledger and the gateway run as `nameko run` processes, as deployed, on the bench's database
and broker. Clients are writer processes (harness.py): HTTP clients that sign in as a branch's
secretary and plan items (`POST /api/v1/branches/{branch}/items`, a bearer token, the command
forwarded to the ledger over RabbitMQ, its answer), and nameko RPC clients calling a method of
the same ledger process that does nothing (`echo`, below): the RPC round trip every command
through the gateway makes at least once.

Two phases, each measured side by side window by window:
- the most commands/s the gateway sustains (WRITERS clients back to back), against the log's
  own single-event appends/s (one writer of the log API);
- at a fixed load of half that most, the command's latency against the bare RPC's, and against
  the same command sent to the ledger by RPC (what the gateway adds is the difference), each at
  the same offered rate. Latency runs from the moment a request was due, so a client that falls
  behind counts its wait.
"""

from __future__ import annotations

import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from abc import abstractmethod
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import requests
from nameko.standalone.rpc import ClusterRpcProxy

from bench import harness
from bench.harness import Result, Workload
from bench.workloads import log_append
from eventlog import Database, PostgresEventStore, ProjectionRunner, Settings
from eventlog.migrate import reset
from services.common.messaging import rpc
from services.gateway.users import handlers as users
from services.gateway.users.credentials import hash_password
from services.gateway.users.domain import RegisterUser
from services.ledger.projection import PROJECTION
from services.ledger.service import LedgerService

ROOT = Path(__file__).resolve().parents[1]
WRITERS = 8
# At half the most, latency stays well below the time between a client's requests: four clients
# keep the rate (and spare the two cores the starting and running of more processes).
PACED_WRITERS = 4
LATENCY_WINDOW_SECONDS = 2.5
START_SECONDS = 60
PASSWORD = "bench-secretary-2026"
RUN = uuid.uuid4().hex[:8]
INSTITUTION, BRANCH, GROUP, SECRETARY = f"i{RUN}", f"b{RUN}", f"g{RUN}", f"sec{RUN}"


class EchoLedger(LedgerService):
    """The ledger service with one method more, which answers at once: the floor of its RPC."""

    @rpc
    def echo(self) -> dict[str, Any]:
        return {}


# -- the clients (each in a writer process) ------------------------------------------------------


class Paced:
    """Steps due at `rate` a second (None: back to back), each timed from when it was due.

    The schedule starts again with each window (taken() ends one), so the pause between windows
    is no one's latency; a writer's first step is due at a random moment of its first interval,
    so that writers started together do not send in bursts."""

    def __init__(self, rate: float | None):
        self.interval = 1 / rate if rate else 0.0
        self._due: float | None = None
        self._taken: list[float] = []

    def step(self) -> int:
        now = time.perf_counter()
        if self._due is None:
            self._due = now + self.interval * secrets.randbelow(1000) / 1000
        if self._due > now:
            time.sleep(self._due - now)
        started = self._due if self.interval else time.perf_counter()
        self.call()
        self._taken.append(time.perf_counter() - started)
        self._due += self.interval
        return 1

    @abstractmethod
    def call(self) -> None: ...

    def taken(self) -> list[float]:
        taken, self._taken, self._due = self._taken, [], None
        return taken


def _plan(owner: str) -> dict[str, Any]:
    """A new member item of the secretary's own, due this year."""
    return {
        "item_id": f"it{uuid.uuid4().hex}",
        "level": "member",
        "kind": "reform",
        "cadence": "once",
        "title": "调研报告",
        "owner_id": owner,
        "due_date": "2026-12-20",
    }


class PlanItems(Paced):
    """An HTTP client planning a new member item per step, as the branch's secretary."""

    def __init__(self, url: str, token: str, branch: str, owner: str, rate: float | None = None):
        super().__init__(rate)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.url, self.owner = f"{url}/api/v1/branches/{branch}/items", owner

    def call(self) -> None:
        answer = self.session.post(self.url, json=_plan(self.owner), timeout=30)
        if answer.status_code != 200:
            raise RuntimeError(f"plan_item answered {answer.status_code}: {answer.text[:200]}")

    def close(self) -> None:
        self.session.close()


class PlanItemsByRpc(Paced):
    """A nameko RPC client sending the ledger the same command as the gateway does, for the same
    secretary, without the gateway: what the gateway adds to a command is the difference."""

    def __init__(self, amqp_uri: str, branch: str, owner: str, rate: float):
        super().__init__(rate)
        self._cluster = ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30)
        self.ledger = self._cluster.start().ledger
        self.branch, self.owner = branch, owner

    def call(self) -> None:
        self.ledger.plan_item(actor_id=self.owner, branch_id=self.branch, **_plan(self.owner))

    def close(self) -> None:
        self._cluster.stop()


class Echo(Paced):
    """A nameko RPC client calling the ledger's echo."""

    def __init__(self, amqp_uri: str, rate: float | None = None):
        super().__init__(rate)
        self._cluster = ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30)
        self.ledger = self._cluster.start().ledger

    def call(self) -> None:
        self.ledger.echo()

    def close(self) -> None:
        self._cluster.stop()


class PlanItemsInProcess:
    """The ledger's own plan_item method (schema, key, handler, its read model applied) called in
    the writer's process on the bench's database: a command's cost to the ledger without RPC or
    HTTP, the most one ledger process could answer whatever the way to it."""

    def __init__(self, database_url: str, branch: str, owner: str):
        db = Database(database_url, max_connections=1)
        store = PostgresEventStore(db, source="ledger")
        read_model = ProjectionRunner(db, store, PROJECTION)
        read_model.setup()
        self.ledger = SimpleNamespace(log=store, read_model=read_model)
        self.branch, self.owner = branch, owner

    def step(self) -> int:
        plan = _plan(self.owner)
        LedgerService.plan_item(
            self.ledger, command_key=plan["item_id"], actor_id=self.owner, branch_id=self.branch,
            **plan,
        )  # fmt: skip
        return 1

    def close(self) -> None:
        self.ledger.log.db.close()


def plan_items(url: str, token: str, writers: int, rate: float | None = None) -> Workload:
    kwargs = {"url": url, "token": token, "branch": BRANCH, "owner": SECRETARY}
    if rate:
        kwargs["rate"] = rate / writers
    label = f"gateway: plan an item, {writers} clients" + (f" at {rate:.0f}/s" if rate else "")
    return Workload("gateway_commands", label, PlanItems, kwargs, writers)


def plan_items_by_rpc(amqp_uri: str, writers: int, rate: float) -> Workload:
    label = f"nameko RPC to the ledger: plan an item, {writers} clients at {rate:.0f}/s"
    kwargs = {"amqp_uri": amqp_uri, "branch": BRANCH, "owner": SECRETARY, "rate": rate / writers}
    return Workload("ledger_commands", label, PlanItemsByRpc, kwargs, writers)


def plan_items_in_process(database_url: str) -> Workload:
    label = "the ledger's plan_item called in process (no RPC, no HTTP), 1 writer"
    kwargs = {"database_url": database_url, "branch": BRANCH, "owner": SECRETARY}
    return Workload("ledger_in_process", label, PlanItemsInProcess, kwargs)


def echo(amqp_uri: str, writers: int, rate: float) -> Workload:
    label = f"nameko RPC to the ledger's echo, {writers} clients at {rate:.0f}/s"
    kwargs = {"amqp_uri": amqp_uri, "rate": rate / writers}
    return Workload("rpc_echo", label, Echo, kwargs, writers)


# -- the services --------------------------------------------------------------------------------


class Services:
    """The ledger (with echo) and the gateway as `nameko run` processes, logging to `logs`."""

    def __init__(self, settings: Settings, logs: Path):
        self.settings, self.logs = settings, logs
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "TAIZHANG_DATABASE_URL": settings.database_url,
            "TAIZHANG_AMQP_URI": settings.amqp_uri,
            "TAIZHANG_HTTP_ADDRESS": f"127.0.0.1:{port}",
            "TAIZHANG_METRICS_PORT": "0",
            "TAIZHANG_JWT_KEY": os.environ.get("TAIZHANG_JWT_KEY") or secrets.token_urlsafe(32),
        }
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, service: str) -> None:
        log = (self.logs / f"{name}.log").open("w")
        argv = [sys.executable, "-m", "nameko", "run", "--config", "deploy/nameko.yml", service]
        self.processes[name] = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def check_alive(self) -> None:
        dead = [name for name, p in self.processes.items() if p.poll() is not None]
        if dead:
            tails = "\n".join(
                f"--- {name}\n" + (self.logs / f"{name}.log").read_text()[-2000:] for name in dead
            )
            raise RuntimeError(f"{', '.join(dead)} exited:\n{tails}")

    def wait_for(self, check: Callable[[], Any], what: str) -> Any:
        deadline = time.monotonic() + START_SECONDS
        while True:
            self.check_alive()
            try:
                found = check()
            except Exception:
                if time.monotonic() > deadline:
                    raise
            else:
                if found:
                    return found
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{what} did not start in {START_SECONDS} s")
            time.sleep(0.5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed(services: Services) -> str:
    """The branch and its secretary, through the ledger; the secretary's user; their token."""
    amqp = {"AMQP_URI": services.settings.amqp_uri}

    def ledger_answers() -> bool:
        with ClusterRpcProxy(amqp, timeout=2) as cluster:
            return cluster.ledger.echo() == {}

    services.wait_for(ledger_answers, "the ledger")
    with ClusterRpcProxy(amqp, timeout=10) as cluster:
        ledger, boss = cluster.ledger, f"boss{RUN}"
        ledger.register_institution(
            actor_id=boss,
            institution_id=INSTITUTION,
            name="机关",
            founders=[{"person_id": boss, "name": "委员"}],
        )
        ledger.register_branch(
            actor_id=boss, institution_id=INSTITUTION, branch_id=BRANCH, name="支部"
        )
        ledger.form_group(actor_id=boss, branch_id=BRANCH, group_id=GROUP, name="第一党小组")
        ledger.admit_member(
            actor_id=boss, branch_id=BRANCH, member_id=SECRETARY, name="书记", group_id=GROUP
        )
        ledger.grant_role(actor_id=boss, branch_id=BRANCH, member_id=SECRETARY, role="secretary")
    db = Database(services.settings.database_url, max_connections=1)
    with closing(db):
        user = RegisterUser(SECRETARY, SECRETARY, hash_password(PASSWORD), False)
        users.register(PostgresEventStore(db, source="gateway"), user, actor_id="bench")

    def token() -> str | None:
        body = {"username": SECRETARY, "password": PASSWORD}
        answer = requests.post(f"{services.url}/api/v1/auth/token", json=body, timeout=10)
        return answer.json()["access_token"] if answer.status_code == 200 else None

    return services.wait_for(token, "the gateway")


@contextmanager
def running(settings: Settings) -> Iterator[tuple[Services, str]]:
    """The services on an empty log, seeded; stopped at the end."""
    reset(settings, ("ledger", "gateway"))
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as logs:
        services = Services(settings, Path(logs))
        try:
            services.start("ledger", "bench.gatewaybench:EchoLedger")
            services.start("gateway", "services.gateway.service:GatewayService")
            yield services, _seed(services)
        finally:
            services.stop()
    reset(settings, ("ledger", "gateway"))


# -- the measurements ----------------------------------------------------------------------------


def _side_by_side(workloads: list[Workload], seconds: float) -> list[list[list]]:
    """Each workload's windows in turn (after a warm-up): per workload, per window, its writers'
    (steps, seconds, latencies)."""
    with ExitStack() as stack:
        groups = []
        for workload in workloads:
            groups.append(harness.Writers(workload))
            stack.callback(groups[-1].close)
        for group in groups:
            group.run(harness.WARMUP_SECONDS)
        windows: list[list[list]] = [[] for _ in groups]
        for _ in range(harness.REPETITIONS):
            for group, found in zip(groups, windows, strict=True):
                found.append(group.window(seconds))
    return windows


def _rates(windows: list[list]) -> list[float]:
    return [sum(done / elapsed for done, elapsed, _ in window) for window in windows]


def _latencies(windows: list[list]) -> tuple[list[float], list[float]]:
    """(the median latency of each window, every latency), in ms."""
    per_window = [[ms * 1000 for _, _, taken in window for ms in taken] for window in windows]
    return [statistics.median(w) for w in per_window], [ms for w in per_window for ms in w]


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def measure(settings: Settings) -> tuple[list[Result], list[Result], list[str]]:
    """(rates in commands or events/s, latencies in ms, a line of absolute figures)."""
    with running(settings) as (services, token):
        most = _side_by_side(
            [
                plan_items(services.url, token, WRITERS),
                log_append(settings.database_url, 1),
                plan_items_in_process(settings.database_url),
            ],
            harness.WINDOW_SECONDS,
        )
        services.check_alive()
        commands = _rates(most[0])
        rate = statistics.median(commands) / 2
        paced = _side_by_side(
            [
                plan_items(services.url, token, PACED_WRITERS, rate),
                echo(settings.amqp_uri, PACED_WRITERS, rate),
                plan_items_by_rpc(settings.amqp_uri, PACED_WRITERS, rate),
            ],
            LATENCY_WINDOW_SECONDS,
        )
        services.check_alive()
    (gateway_p50s, gateway_all), (rpc_p50s, rpc_all), (ledger_p50s, ledger_all) = map(
        _latencies, paced
    )
    rates = [
        Result("gateway_commands", f"gateway: plan an item, {WRITERS} clients back to back",
               commands),
        Result("gateway_log_appends", "log API append, 1 event per append, 1 writer",
               _rates(most[1])),
        Result("ledger_in_process", "the ledger's plan_item called in process, 1 writer",
               _rates(most[2])),
    ]  # fmt: skip
    timed = [
        Result("gateway_p50", f"gateway: plan an item at {rate:.0f}/s, median", gateway_p50s),
        Result("rpc_p50", f"nameko RPC to a method that does nothing at {rate:.0f}/s, median",
               rpc_p50s),
        Result("ledger_command_p50", f"nameko RPC to the ledger: plan an item at {rate:.0f}/s,"
               " median", ledger_p50s),
    ]  # fmt: skip
    line = (
        f"at {rate:.0f}/s, half the most the gateway sustains ({rate * 2:.0f} commands/s):"
        f" gateway p50 {_percentile(gateway_all, 50):.1f} ms, p99"
        f" {_percentile(gateway_all, 99):.1f} ms ({len(gateway_all)} commands); bare RPC p50"
        f" {_percentile(rpc_all, 50):.1f} ms, p99 {_percentile(rpc_all, 99):.1f} ms; the ledger's"
        f" command by RPC p50 {_percentile(ledger_all, 50):.1f} ms, p99"
        f" {_percentile(ledger_all, 99):.1f} ms"
    )
    return rates, timed, [line]

"""The ledger, the appraisal, notify and the gateway in real nameko containers, on the real
RabbitMQ and PostgreSQL.

One cluster per test module: starting containers is the slow part, and the tests of a module
share one seeded world (ids unique per run): the ledger's organisation, an open appraisal cycle
in each branch, and the reminders of one scan by notify. Notify's timers are held back (an hour):
tests run its scan themselves, and no mail is sent.
"""

from __future__ import annotations

from functools import partial

import pytest
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_hook

from eventlog import PostgresEventStore
from services.appraisal.service import AppraisalService
from services.gateway.rpc import DEFAULT_TIMEOUT
from services.gateway.service import GatewayService
from services.ledger.service import LedgerService
from services.notify.service import NotifyService
from tests.support import free_port

from .addresses import client, loopback
from .browser import Browser, chromium
from .web_world import BROWSER_RPC_TIMEOUT, chinese_world
from .world import PASSWORD, World, register_users, seed
from .world_services import attach_files, open_cycles, scan

# The deadline the gateway is deployed with. The four services share this process with the
# tests, and on a loaded host running the whole suite a call now and then takes over 2 s: the
# gateway then rightly answers 503, but that is not what these tests are about.
RPC_TIMEOUT = DEFAULT_TIMEOUT
HELD_BACK = 3600  # seconds between notify's scans and delivery rounds: never, in a test


class Cluster:
    def __init__(self, settings, db, seeding=seed, rpc_timeout=RPC_TIMEOUT, gateway=GatewayService):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.address = loopback()  # the clients' (each module's own)
        self.session = client(self.address)
        amqp = {"AMQP_URI": settings.amqp_uri}
        held = {"NOTIFY_SCAN_SECONDS": HELD_BACK, "NOTIFY_DELIVERY_SECONDS": HELD_BACK}
        web = {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "RPC_TIMEOUT": rpc_timeout}
        self.containers = {
            "ledger": ServiceContainer(LedgerService, amqp),
            "appraisal": ServiceContainer(AppraisalService, amqp),
            "notify": ServiceContainer(NotifyService, {**amqp, **held}),
            "gateway": ServiceContainer(gateway, {**amqp, **web}),
        }
        self.ledger = self.containers["ledger"]
        self._tokens: dict[str, str] = {}
        try:
            for container in self.containers.values():
                container.start()
            self.world = seeding(partial(self.call, "ledger"), World())
            open_cycles(self.call, self.world)
            scan(self.call, self.world)
            register_users(db, self.world)
            attach_files(self.call, db, self.world)
            # The gateway's own streams (users, idempotency keys), as the tests read and write them.
            self.gateway_log = PostgresEventStore(db, source="gateway")
        except BaseException:
            # Left running, its containers would consume the services' queues beside the next
            # module's (whose silent ledger would then still answer).
            for container in self.containers.values():
                if container.started:
                    container.stop()
            raise

    def call(self, service: str, method: str, **payload):
        """An RPC method of a service, called in its container (as nameko's tests do)."""
        with entrypoint_hook(self.containers[service], method) as hook:
            return hook(**payload)

    def token(self, role: str) -> str:
        if role not in self._tokens:
            answer = self.session.post(
                f"{self.url}/api/v1/auth/token",
                json={"username": self.world.username(role), "password": PASSWORD},
                timeout=10,
            )
            answer.raise_for_status()
            self._tokens[role] = answer.json()["access_token"]
        return self._tokens[role]

    def headers(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role)}"} if role else {}

    def get(self, path: str, role: str | None = None, headers=None, **options):
        options.setdefault("timeout", 30)
        return self.session.get(
            self.url + path, headers={**self.headers(role), **(headers or {})}, **options
        )

    def post(self, path: str, role: str | None = None, headers=None, **options):
        options.setdefault("timeout", 30)
        return self.session.post(
            self.url + path, headers={**self.headers(role), **(headers or {})}, **options
        )

    def stop(self) -> None:
        for container in reversed(self.containers.values()):
            container.stop()


@pytest.fixture(scope="module")
def cluster(settings, db):
    running = Cluster(settings, db)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def web(settings, db):
    """A cluster of the world in Chinese (web_world.py), and headless Chromium to browse it."""
    cluster = Cluster(settings, db, chinese_world, rpc_timeout=BROWSER_RPC_TIMEOUT)
    driver = chromium()
    yield cluster, Browser(driver, cluster.url)
    driver.quit()
    cluster.stop()

"""The ledger and the gateway in real nameko containers, on the real RabbitMQ and PostgreSQL.

One cluster per test module: starting containers is the slow part, and the tests of a module
share one seeded world (ids unique per run).
"""

from __future__ import annotations

import socket

import pytest
import requests
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_hook

from eventlog import PostgresEventStore, ProjectionRunner
from services.gateway.service import GatewayService
from services.ledger.projection import PROJECTION
from services.ledger.service import LedgerService

from .world import PASSWORD, World, register_users, seed

RPC_TIMEOUT = 2  # seconds: the services answer in milliseconds here


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ledger_schema(db) -> None:
    """The ledger's two read models create schema `ledger` concurrently when it starts, and one
    of them fails on a fresh database; creating it first keeps that race out of these tests."""
    ProjectionRunner(db, PostgresEventStore(db, source="ledger"), PROJECTION).setup()


class Cluster:
    def __init__(self, settings, db):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        config = {"AMQP_URI": settings.amqp_uri, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"}
        _ledger_schema(db)
        self.ledger = ServiceContainer(LedgerService, {"AMQP_URI": settings.amqp_uri})
        self.gateway = ServiceContainer(GatewayService, {**config, "RPC_TIMEOUT": RPC_TIMEOUT})
        self.ledger.start()
        self.gateway.start()
        self.world = seed(self.call_ledger, World())
        register_users(db, self.world)
        self._tokens: dict[str, str] = {}

    def call_ledger(self, method: str, **payload):
        with entrypoint_hook(self.ledger, method) as hook:
            return hook(**payload)

    def token(self, role: str) -> str:
        if role not in self._tokens:
            answer = requests.post(
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
        return requests.get(
            self.url + path, headers={**self.headers(role), **(headers or {})}, **options
        )

    def post(self, path: str, role: str | None = None, headers=None, **options):
        options.setdefault("timeout", 30)
        return requests.post(
            self.url + path, headers={**self.headers(role), **(headers or {})}, **options
        )

    def stop(self) -> None:
        for container in (self.gateway, self.ledger):
            container.stop()


@pytest.fixture(scope="module")
def cluster(settings, db):
    running = Cluster(settings, db)
    yield running
    running.stop()

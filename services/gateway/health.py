"""Liveness, readiness and metrics: what an orchestrator and Prometheus ask the gateway."""

from __future__ import annotations

from functools import partial
from typing import Any

import kombu
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.wrappers import Response

from .errors import HttpError, json_response

PROBE_SECONDS = 2.0


def _database(db) -> None:
    db.fetch_one("SELECT 1 AS ok")


def _broker(amqp_uri: str) -> None:
    with kombu.Connection(amqp_uri, connect_timeout=PROBE_SECONDS) as connection:
        connection.ensure_connection(max_retries=1)


def readiness(service: Any, services: tuple[str, ...]) -> Response:
    """200 when RabbitMQ, PostgreSQL and each service answer; else 503 naming what did not."""
    checks = {
        "postgresql": lambda: _database(service.read_model.db),
        "rabbitmq": lambda: _broker(service.config["AMQP_URI"]),
        **{name: partial(getattr(service, name).ping, PROBE_SECONDS) for name in services},
    }
    failed: dict[str, list[str]] = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # any failure is the answer: that part is not ready
            failed[name] = [f"{type(exc).__name__}: {exc}"]
    if failed:
        raise HttpError(503, "not_ready", "not ready: " + ", ".join(failed), failed)
    return json_response({"status": "ready", "checks": {name: "ok" for name in checks}})


def metrics() -> Response:
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)

"""Helpers every test suite shares, here and in `services/*/tests`: the services, a free port,
and a bounded poll for what arrives asynchronously."""

from __future__ import annotations

import importlib
import socket
import time
from collections.abc import Callable
from typing import TypeVar

from nameko.exceptions import RemoteError
from prometheus_client import REGISTRY

from services.common.errors import ServiceError

T = TypeVar("T")

# The services, as `nameko run` names them.
SERVICES = {
    "ledger": "services.ledger.service:LedgerService",
    "appraisal": "services.appraisal.service:AppraisalService",
    "notify": "services.notify.service:NotifyService",
    "gateway": "services.gateway.service:GatewayService",
}


def service_class(name: str) -> type:
    module, _, attribute = SERVICES[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


# For `retrying`: services talking by bus and sweep refuse a call until their read models have
# caught up with what another service just did: a service's own error (NotFound, Forbidden) or
# one from a call to it, or a lookup in an answer that has not got the part awaited yet.
NOT_YET: tuple[type[Exception], ...] = (ServiceError, RemoteError, LookupError)


def sample(name: str, **labels: str) -> float:
    """A metric's current value in this process's registry (0 before anything counted it)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (the OS picks it; it is released at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    check: Callable[[], T],
    timeout: float,
    what: str,
    *,
    pause: float = 0.05,
    retrying: tuple[type[Exception], ...] = (),
) -> T:
    """Calls `check` every `pause` seconds until it returns something truthy, and returns that.

    Tests poll rather than sleep: what they wait for (an event through the relay and the bus, a
    read model catching up, a child process's state) takes as long as it takes, so a fixed sleep
    is either too short on a busy machine (a flaky test) or time wasted on an idle one.

    A check that raises one of `retrying` (e.g. a service that does not know the branch yet) has
    not succeeded yet; any other error fails at once. After `timeout` seconds the check's last
    error is raised, or an AssertionError naming `what` was awaited.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = check()
        except retrying:
            if time.monotonic() > deadline:
                raise
        else:
            if found:
                return found
            assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        time.sleep(pause)

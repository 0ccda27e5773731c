"""Webhook targets by name: checked when a member sets one, and again at every connection.

A name's addresses can change between the two (DNS rebinding does it on purpose), so a webhook
is sent through a session whose every connection resolves the name once, refuses it if any of
its addresses is (domain.targets), and connects to the addresses it checked, never to a second
answer. The session ignores proxies from the environment: through a proxy, the address reached
would be the proxy's to choose.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError
from urllib3.util.connection import create_connection

from ..domain.targets import TargetPolicy

# (host, port) → its addresses, as the system resolves them
Resolve = Callable[[str, int], list[str]]
PORTS = {"http": 80, "https": 443}


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class WebhookTargets:
    def __init__(self, policy: TargetPolicy, resolver: Resolve = resolve):
        self.policy, self.resolve = policy, resolver

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be a webhook (Chinese, for the member); None if it may, or if its
        name does not resolve now (it is checked again when sent)."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            addresses = self.resolve(host, parts.port or PORTS.get(parts.scheme, 80))
        except OSError:
            return None
        return next((self._said(host, a) for a in addresses if self.policy.refusal(a)), None)

    def _said(self, host: str, address: str) -> str:
        where = host if host == address else f"{host}（{address}）"
        return f"不能发往{where}：{self.policy.refusal(address)}"

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to; ValueError naming the first refused one."""
        found = self.resolve(host, port)
        refused = next((a for a in found if self.policy.refusal(a)), None)
        if refused is not None:
            raise ValueError(f"webhook target {host} ({refused}) refused: not a public address")
        return found

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        guarded = _GuardedAdapter(self)
        session.mount("http://", guarded)
        session.mount("https://", guarded)
        return session


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, targets: WebhookTargets):
        self.targets = targets
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _pool(HTTPConnectionPool, HTTPConnection, self.targets),
            "https": _pool(HTTPSConnectionPool, HTTPSConnection, self.targets),
        }


def _pool(pool: type, connection: type, targets: WebhookTargets) -> type:
    """A connection pool whose connections go only where `targets` allows."""

    class Guarded(connection):  # type: ignore[valid-type, misc]
        def _new_conn(self) -> socket.socket:
            try:
                addresses = targets.addresses(self.host, self.port)
            except (OSError, ValueError) as refused:
                raise NewConnectionError(self, str(refused)) from refused
            return _connect(self, addresses)

    return type(f"Guarded{pool.__name__}", (pool,), {"ConnectionCls": Guarded})


def _connect(conn: HTTPConnection, addresses: list[str]) -> socket.socket:
    """The first of the checked addresses that answers (TLS still verifies the name)."""
    error: OSError = OSError("no address")
    for address in addresses:
        try:
            return create_connection(
                (address, conn.port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except OSError as failed:
            error = failed
    raise NewConnectionError(conn, f"Failed to establish a new connection: {error}") from error

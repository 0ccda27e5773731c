"""RPC to the services with a deadline, keeping what a remote error says.

nameko's RpcProxy waits for a reply forever and turns a remote error into a RemoteError that has
lost the error's arguments (a BadInput's field messages). `ServiceRpc` bounds every call by
RPC_TIMEOUT seconds (nameko config, else env TAIZHANG_RPC_TIMEOUT, else 5) and raises
`RemoteCallError` with the type name, message and arguments, or `ServiceUnavailable` when no
answer comes in time or the broker cannot be reached. A request expires in its queue once its
caller has stopped waiting: a service that was away does not run what nobody awaits any more.
"""

from __future__ import annotations

import os
from typing import Any

import eventlet
from nameko.exceptions import MethodNotFound, RemoteError, UnknownService
from nameko.rpc import MethodProxy, ServiceProxy

from services.common.messaging import BROKER_ERRORS, RpcProxy

from .errors import RemoteCallError, ServiceUnavailable

DEFAULT_TIMEOUT = 5.0
# A method no service has: a service answering MethodNotFound is consuming its queue.
PING_METHOD = "gateway_readiness_probe"


class TimedMethodProxy(MethodProxy):
    def __init__(self, *args: Any, timeout: float, **options: Any):
        super().__init__(*args, **options)
        self.timeout = timeout

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        deadline = eventlet.Timeout(self.timeout, ServiceUnavailable(f"{self} timed out"))
        try:
            with deadline:
                reply = self._call(*args, **kwargs)
                try:
                    return reply.result()
                except RemoteError:
                    error = reply.resp_body["error"]
                    raise RemoteCallError(
                        error.get("exc_type", ""), error.get("value", ""), error.get("exc_args", [])
                    ) from None
        except UnknownService as unknown:
            raise ServiceUnavailable(str(unknown)) from None
        except BROKER_ERRORS as away:
            raise ServiceUnavailable(f"the message broker is unavailable: {away}") from None


class TimedServiceProxy(ServiceProxy):
    def __init__(self, *args: Any, timeout: float, **options: Any):
        super().__init__(*args, **options)
        self.timeout = timeout

    def __getattr__(self, name: str) -> TimedMethodProxy:
        return TimedMethodProxy(
            self.worker_ctx,
            self.service_name,
            name,
            self.reply_listener,
            timeout=self.timeout,
            **self.options,
        )

    def ping(self, timeout: float | None = None) -> None:
        """Returns when the service answers at all; raises ServiceUnavailable otherwise."""
        probe = TimedMethodProxy(
            self.worker_ctx,
            self.service_name,
            PING_METHOD,
            self.reply_listener,
            timeout=timeout or self.timeout,
            **self.options,
        )
        try:
            probe()
        except MethodNotFound:
            return


def rpc_timeout(config: dict[str, Any]) -> float:
    """Seconds a call waits for its answer: nameko's RPC_TIMEOUT, else TAIZHANG_RPC_TIMEOUT."""
    return float(config.get("RPC_TIMEOUT", os.environ.get("TAIZHANG_RPC_TIMEOUT", DEFAULT_TIMEOUT)))


class ServiceRpc(RpcProxy):
    """`ledger = ServiceRpc("ledger")`: a proxy whose calls end by RPC_TIMEOUT seconds."""

    def get_dependency(self, worker_ctx) -> TimedServiceProxy:
        timeout = rpc_timeout(self.container.config)
        return TimedServiceProxy(
            worker_ctx,
            self.target_service,
            self.rpc_reply_listener,
            timeout=timeout,
            **{"expiration": timeout, **self.options},
        )

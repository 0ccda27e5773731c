"""The address a request comes from, as the sign-in throttle counts it.

Straight from the connection, unless the operator says how many proxies of theirs stand in front
(`TRUSTED_PROXIES`, from TAIZHANG_TRUSTED_PROXIES): each appends the address it was reached from
to X-Forwarded-For, so the one the outermost of them wrote is the client's, and whatever a client
put before it is theirs to forge. An IPv6 address counts as its /64, which one machine usually
holds whole.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import Any

from werkzeug.wrappers import Request


def client_address(request: Request, config: Mapping[str, Any]) -> str:
    default = os.environ.get("TAIZHANG_TRUSTED_PROXIES", "0")
    trusted = int(config.get("TRUSTED_PROXIES", default))
    hops = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
    given = hops[-trusted] if 0 < trusted <= len(hops) else ""
    return _network(given) or _network(request.remote_addr or "") or "unknown"


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)

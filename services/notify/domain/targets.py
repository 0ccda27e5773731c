"""Which addresses a webhook may be sent to. Pure.

A webhook is a request notify makes on a member's behalf, from inside the institution's network:
pointed at the machine itself or at the intranet, it would reach services no member may reach
(server-side request forgery). So a target must be a public address: loopback, link-local,
private, shared (carrier NAT), multicast, unspecified, documentation and other reserved addresses
are refused, in IPv4 and IPv6 alike, IPv4 addresses inside IPv6 ones (mapped, 6to4, NAT64)
included, unless the operator allows their networks (TAIZHANG_WEBHOOK_ALLOWED_NETWORKS).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network
NAT64 = ip_network("64:ff9b::/96")  # RFC 6052: the IPv4 address is the last 32 bits
PRIVATE = tuple(
    ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
# What each kind of refused address is called in the message a member reads; any other address
# that is not public is "reserved" (shared, documentation, benchmarking, broadcast, ...).
KINDS = (
    ("is_loopback", "本机回环地址"),
    ("is_link_local", "链路本地地址"),
    ("is_multicast", "组播地址"),
    ("is_unspecified", "未指定地址"),
)


@dataclass(frozen=True)
class TargetPolicy:
    """`allowed`: networks the operator lets webhooks reach although they are not public."""

    allowed: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, networks: str) -> TargetPolicy:
        """From a comma-separated list of networks (`10.1.0.0/16, ::1/128`); ValueError if one
        is not a network."""
        return cls(tuple(ip_network(n.strip()) for n in networks.split(",") if n.strip()))

    def refusal(self, address: str) -> str | None:
        """Why a webhook may not go to `address` (in Chinese, for the member); None if it may."""
        found = ip_address(address.split("%", 1)[0])  # an IPv6 zone names a link: link-local
        reached = _reached(found)
        if any(each in network for each in reached for network in self.allowed):
            return None
        return next((kind for each in reached if (kind := _kind(each)) is not None), None)


def _reached(address: Address) -> tuple[Address, ...]:
    """The addresses a connection to `address` would end up at: itself, or the IPv4 address an
    IPv6 one stands for (mapped, NAT64), and the one a 6to4 address carries besides."""
    if not isinstance(address, IPv6Address):
        return (address,)
    if address.ipv4_mapped is not None:
        return (address.ipv4_mapped,)
    if address in NAT64:
        return (IPv4Address(int(address) & 0xFFFFFFFF),)
    # The carried address first: it names where the traffic ends up, and Python releases
    # disagree on what 2002::/16 itself is.
    return (address.sixtofour, address) if address.sixtofour is not None else (address,)


def _kind(address: Address) -> str | None:
    named = next((name for test, name in KINDS if getattr(address, test)), None)
    if named is None and any(address in network for network in PRIVATE):
        return "内网地址"
    if named is None and (address.is_reserved or not address.is_global):
        return "保留地址"
    return named

"""The client's address, as the sign-in throttle counts it: the connection's, or behind the
operator's proxies the one the outermost of them saw; an IPv6 address as its /64."""

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.gateway.clients import client_address


def request(peer: str, forwarded: str | None = None) -> Request:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    environ = EnvironBuilder(headers=headers, environ_base={"REMOTE_ADDR": peer}).get_environ()
    return Request(environ)


def test_without_trusted_proxies_the_connection_counts_and_the_header_is_ignored():
    assert client_address(request("192.0.2.1", "203.0.113.9"), {}) == "192.0.2.1"


def test_behind_trusted_proxies_the_address_the_outermost_saw_counts():
    forged_then_real = request("10.0.0.2", "203.0.113.9, 198.51.100.7, 10.0.0.1")
    assert client_address(forged_then_real, {"TRUSTED_PROXIES": 1}) == "10.0.0.1"
    assert client_address(forged_then_real, {"TRUSTED_PROXIES": "2"}) == "198.51.100.7"
    # Not through all of them (or garbage where an address should be): the connection's.
    assert client_address(request("10.0.0.2", "10.0.0.1"), {"TRUSTED_PROXIES": 2}) == "10.0.0.2"
    assert client_address(request("10.0.0.2", "nonsense"), {"TRUSTED_PROXIES": 1}) == "10.0.0.2"


def test_an_ipv6_address_counts_as_its_64_and_a_mapped_ipv4_as_itself():
    one, other = request("2001:db8:1:2::1"), request("2001:db8:1:2:ffff::9")
    assert client_address(one, {}) == client_address(other, {}) == "2001:db8:1:2::/64"
    assert client_address(request("::ffff:192.0.2.1"), {}) == "192.0.2.1"

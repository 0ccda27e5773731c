"""Requests from chosen client addresses: all of 127.0.0.0/8 is this machine's, so a test can
sign in from as many places as it needs."""

from __future__ import annotations

import random

import requests
from requests.adapters import HTTPAdapter


class FromAddress(HTTPAdapter):
    """Connections from a given local address."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def loopback() -> str:
    """A loopback address of its own: the sign-in throttle counts the failures from each apart."""
    return "127." + ".".join(str(random.randint(1, 254)) for _ in range(3))


def client(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session

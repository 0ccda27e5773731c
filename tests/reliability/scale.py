"""How hard the fault tests push: `make test` runs them short (a kill or an outage, a few hundred
commands), `make reliability` long (TAIZHANG_RELIABILITY=long: more kills, more commands,
longer outages), still bounded in time."""

from __future__ import annotations

import os
from typing import TypeVar

T = TypeVar("T")

LONG = os.environ.get("TAIZHANG_RELIABILITY", "short") == "long"


def scaled(short: T, long: T) -> T:
    return long if LONG else short

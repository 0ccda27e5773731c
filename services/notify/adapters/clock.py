"""Clocks: the wall clock, and one moved by an offset kept in a file.

The moved clock is how tests travel in time across a restart of the service: the offset lives
in a file, not in the process, so a new process reads the same time. Between moves it runs at
the wall clock's pace, so backoff delays still pass in real seconds.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from eventlog import utcnow


class SystemClock:
    def now(self) -> datetime:
        return utcnow()


class OffsetClock:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    def now(self) -> datetime:
        try:
            offset = json.loads(self.path.read_text())["offset_seconds"]
        except FileNotFoundError:
            offset = 0.0
        return utcnow() + timedelta(seconds=offset)

    def move_to(self, instant: datetime) -> None:
        """From now on (in every process reading the file) it is `instant`, and time runs on."""
        offset = (instant - utcnow()).total_seconds()
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"offset_seconds": offset}))
        temporary.replace(self.path)  # atomic: a reader never sees half a file

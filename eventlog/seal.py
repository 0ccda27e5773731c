"""The hash chain over the log: every event hashed, every hash chained, `verify` recomputes both.

Hashes are computed by PostgreSQL from the stored row (times as epoch numbers, data as the JSON
text stored), so they do not depend on a client's time zone, JSON library or upcasters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from eventlog.db import Database

GENESIS = hashlib.sha256(b"taizhang eventlog genesis").digest()

EVENT_HASH_SQL = (
    "sha256(convert_to(json_build_array(event_id, stream_id, version, event_type,"
    " schema_version, source, data, branch_id, actor_id, correlation_id, causation_id,"
    " extract(epoch FROM occurred_at), extract(epoch FROM recorded_at), position,"
    " transaction_id::text)::text, 'UTF8'))"
)

Key = tuple[int, int]


def chain(previous: bytes, event_hash: bytes) -> bytes:
    return hashlib.sha256(previous + event_hash).digest()


@dataclass
class Report:
    events: int = 0
    sealed: int = 0
    unsealed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        verdict = "OK" if self.ok else f"FAILED: {len(self.problems)} problem(s)"
        return (
            f"{verdict}: {self.events} events, {self.sealed} sealed, "
            f"{self.unsealed} not sealed yet (the relay seals what it publishes)"
        )


def _pages(db: Database, sql: str, batch: int = 5000) -> Iterator[tuple[Key, bytes, bytes | None]]:
    """Rows (key, hash, chain) in log order, by keyset pagination."""
    after: Key = (0, 0)
    while True:
        rows = db.fetch_all(sql, (str(after[0]), after[1], batch))
        for row in rows:
            yield (int(row["tx"]), row["position"]), bytes(row["h"]), row.get("c")
        if len(rows) < batch:
            return
        after = (int(rows[-1]["tx"]), rows[-1]["position"])


_EVENTS = (
    f"SELECT transaction_id::text AS tx, position, {EVENT_HASH_SQL} AS h FROM eventlog.events"
    " WHERE (transaction_id, position) > (%s::text::xid8, %s)"
    " ORDER BY transaction_id, position LIMIT %s"
)
_SEALS = (
    "SELECT transaction_id::text AS tx, position, event_hash AS h, chain_hash AS c"
    " FROM eventlog.seals WHERE (transaction_id, position) > (%s::text::xid8, %s)"
    " ORDER BY transaction_id, position LIMIT %s"
)


def verify(db: Database) -> Report:
    """Walks events and seals side by side in log order and reports every disagreement."""
    report, previous = Report(), GENESIS
    events, seals = _pages(db, _EVENTS), _pages(db, _SEALS)
    event, seal = next(events, None), next(seals, None)
    while event or seal:
        if seal and (event is None or seal[0] < event[0]):
            report.problems.append(f"event at position {seal[0][1]} was removed")
            previous = _check_chain(report, previous, seal)
            seal = next(seals, None)
            continue
        assert event is not None
        report.events += 1
        if seal and seal[0] == event[0]:
            report.sealed += 1
            if seal[1] != event[1]:
                report.problems.append(f"event at position {event[0][1]} was edited")
            previous = _check_chain(report, previous, seal)
            seal = next(seals, None)
        elif seal:
            report.problems.append(
                f"event at position {event[0][1]} was inserted among sealed ones"
            )
        else:
            report.unsealed += 1
        event = next(events, None)
    return report


def _check_chain(report: Report, previous: bytes, seal: tuple[Key, bytes, bytes | None]) -> bytes:
    expected = chain(previous, seal[1])
    if seal[2] is not None and bytes(seal[2]) != expected:
        report.problems.append(f"seal at position {seal[0][1]} does not chain: seals were altered")
    return expected

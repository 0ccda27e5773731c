"""HTTP clients that send keyed commands through the gateway, each retried until it is answered
(200), as a careful client does; what they were answered on the way is tallied."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import eventlet
import requests

GIVE_UP_SECONDS = 120  # per command: far beyond any outage the tests make
ERROR_BODY = {"code", "message", "fields"}


@dataclass(frozen=True)
class Keyed:
    key: str
    path: str
    body: dict[str, Any]


def items_to_plan(branch_id: str, run: str, count: int) -> list[Keyed]:
    """`count` branch items, each with a title and an Idempotency-Key of its own, no item_id."""
    body = {"level": "branch", "kind": "reform", "cadence": "once"}
    body["due_date"] = f"{date.today().year}-12-31"
    return [
        Keyed(f"{run}-{n}", f"/api/v1/branches/{branch_id}/items", {**body, "title": f"t{n}"})
        for n in range(count)
    ]


def cycles_to_open(branch_id: str, run: str, count: int) -> list[Keyed]:
    """`count` appraisal cycles of the branch, each with a key of its own and no cycle_id."""
    now = datetime.now(UTC)
    times = {"opens_at": now.isoformat(), "closes_at": (now + timedelta(days=30)).isoformat()}
    steps = ("self_review", "peer_review", "leader_review", "finalisation")
    body = {"kind": "year_end", "period": str(now.year), "windows": dict.fromkeys(steps, times)}
    path = f"/api/v1/branches/{branch_id}/appraisal/cycles"
    return [Keyed(f"{run}-c{n}", path, body) for n in range(count)]


def thresholds_to_set(branch_id: str, run: str, count: int) -> list[Keyed]:
    """`count` settings of the branch's reminder thresholds, no two alike (so each one changes
    what the one before it set, whichever that was)."""
    path = f"/api/v1/branches/{branch_id}/notifications/thresholds"
    return [
        Keyed(
            f"{run}-t{n}",
            path,
            {"due_soon_days": n % 30 + 1, "escalate_after_days": n // 30 + 1},
        )
        for n in range(count)
    ]


class Clients:
    """`clients` green threads sharing the commands; `answers`: key → the 200 answer's body;
    `refusals`: (status, code) → how many other answers, ("unreachable", "") for no connection."""

    def __init__(self, url: str, token: str, commands: list[Keyed], clients: int = 8):
        self.url, self.headers = url, {"Authorization": f"Bearer {token}"}
        self.answers: dict[str, Any] = {}
        self.refusals: Counter[tuple[Any, str]] = Counter()
        self.unlike: list[str] = []  # answers other than 200 without the error body
        self._todo = list(commands)
        self._threads = [eventlet.spawn(self._work) for _ in range(clients)]

    def wait(self) -> dict[str, Any]:
        for thread in self._threads:
            thread.wait()  # a client's failure is raised here
        return self.answers

    def _work(self) -> None:
        with requests.Session() as session:
            while self._todo:
                command = self._todo.pop()
                self.answers[command.key] = self._send(session, command)

    def _send(self, session: requests.Session, command: Keyed) -> Any:
        deadline = time.monotonic() + GIVE_UP_SECONDS
        headers = {**self.headers, "Idempotency-Key": command.key}
        while True:
            try:
                answer = session.post(
                    self.url + command.path, json=command.body, headers=headers, timeout=30
                )
            except requests.ConnectionError:
                self.refusals["unreachable", ""] += 1
            else:
                if answer.status_code == 200:
                    return answer.json()
                self._tally(answer)
            assert time.monotonic() < deadline, f"{command.key} never answered: {self.refusals}"
            time.sleep(random.uniform(0.05, 0.2))

    def _tally(self, answer: requests.Response) -> None:
        try:
            body = answer.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or set(body) != ERROR_BODY:
            self.unlike.append(f"{answer.status_code}: {answer.text[:200]}")
            body = {"code": ""}
        self.refusals[answer.status_code, body["code"]] += 1

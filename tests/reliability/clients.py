"""HTTP clients that send keyed commands through the gateway, each retried while the system is
away, as a careful client does, until it is answered for good; what they were answered on the
way is tallied."""

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


def retried(status: int, code: str) -> bool:
    """Whether a careful client sends the command again with its key: the service was away (the
    gateway then frees the key), or an attempt with the key is still running. Any other answer
    is the key's outcome: the gateway keeps it and answers it to every retry."""
    return status >= 500 or (status, code) == (409, "request_in_progress")


class Clients:
    """`clients` green threads sharing the commands, each sent until answered for good;
    `answers`: key → the 200 answer's body; `refused`: key → (status, code) of a refusal for good;
    `refusals`: (status, code) → how many other answers, ("unreachable", "") for no connection;
    `last`: key → the last of those its command met."""

    def __init__(self, url: str, token: str, commands: list[Keyed], clients: int = 8):
        self.url, self.headers = url, {"Authorization": f"Bearer {token}"}
        self.answers: dict[str, Any] = {}
        self.refused: dict[str, tuple[int, str]] = {}
        self.refusals: Counter[tuple[Any, str]] = Counter()
        self.last: dict[str, tuple[Any, str]] = {}
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
                self._send(session, command)

    @property
    def settled(self) -> int:
        """How many commands are answered for good."""
        return len(self.answers) + len(self.refused)

    def summary(self) -> str:
        """What the clients were answered so far, for a failure's message."""
        return (
            f"{len(self.answers)} answered 200, {len(self.refused)} refused for good"
            f" {dict(list(self.refused.items())[:5])}, {len(self._todo)} not sent yet;"
            f" other answers {dict(self.refusals)}; answers without the error body"
            f" {self.unlike[:3]}"
        )

    def assert_only_outages(self, *also: tuple[Any, str]) -> None:
        """Every answer but 200 was an outage's (503, or one of `also`), with the error body."""
        outages = {(503, "service_unavailable"), *also}
        odd = {answer: n for answer, n in self.refusals.items() if answer not in outages}
        keys = [key for key, last in self.last.items() if last in odd]
        assert not odd and not self.unlike, (
            f"answers besides outages: {odd}, the last answer to keys {keys[:5]}; {self.summary()}"
        )

    def _send(self, session: requests.Session, command: Keyed) -> None:
        deadline = time.monotonic() + GIVE_UP_SECONDS
        headers = {**self.headers, "Idempotency-Key": command.key}
        while True:
            try:
                answer = session.post(
                    self.url + command.path, json=command.body, headers=headers, timeout=30
                )
            except requests.ConnectionError:
                self.refusals["unreachable", ""] += 1
                self.last[command.key] = ("unreachable", "")
            else:
                if answer.status_code == 200:
                    self.answers[command.key] = answer.json()
                    return
                code = self._tally(answer, command.key)
                if not retried(answer.status_code, code):
                    self.refused[command.key] = (answer.status_code, code)
                    return
            assert time.monotonic() < deadline, (
                f"{command.key} not answered for good in {GIVE_UP_SECONDS} s, last"
                f" {self.last.get(command.key)}; {self.summary()}"
            )
            time.sleep(random.uniform(0.05, 0.2))

    def _tally(self, answer: requests.Response, key: str) -> str:
        """Counts the refusal (as the last answer to `key` too); returns its code."""
        try:
            body = answer.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or set(body) != ERROR_BODY:
            self.unlike.append(f"{answer.status_code}: {answer.text[:200]}")
            body = {"code": ""}
        self.refusals[answer.status_code, body["code"]] += 1
        self.last[key] = (answer.status_code, body["code"])
        return body["code"]

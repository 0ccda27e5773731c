"""Time-boxed measurements in writer processes: warm-up, repetitions, median.

Every writer is an OS process, for the log API and the baselines alike: threads would measure
the GIL, not PostgreSQL. Workloads that are compared run side by side, one window each in turn,
so that drift (a checkpoint, autovacuum, another engineer's tests) hits them alike.
"""

from __future__ import annotations

import multiprocessing as mp
import statistics
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from typing import Any

WARMUP_SECONDS = 1.0
# Nine windows: the median of nine shrugs off four disturbed windows (a checkpoint, a slow
# spell of the disk, another user's test run on a 2-core machine). With five, the medians of
# runs minutes apart differed by 10-15%, as much as some ratios' margins.
WINDOW_SECONDS = 1.5
REPETITIONS = 9

# spawn, not fork: a writer starts with no connection, pool thread or lock inherited from here.
_CTX = mp.get_context("spawn")


@dataclass(frozen=True)
class Workload:
    """`factory(**kwargs)`, run in the writer, returns an object with step() -> events, close(),
    and optionally taken() -> the seconds each step of the window took (for latencies)."""

    key: str  # how ratios refer to the result
    label: str  # how the report prints it
    factory: Callable[..., Any]
    kwargs: dict[str, Any] = field(default_factory=dict)
    writers: int = 1


@dataclass(frozen=True)
class Result:
    key: str
    label: str
    rates: list[float]  # events/s, one per repetition

    @property
    def median(self) -> float:
        return statistics.median(self.rates)


def _run_for(step: Callable[[], int], seconds: float) -> tuple[int, float]:
    done, start = 0, time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        done += step()
    return done, time.perf_counter() - start


def _build(workload: Workload, attempts: int = 5) -> Any:
    # Connection slots are shared with every other user of the server: a full server now
    # may have room a second later.
    for attempt in range(1, attempts + 1):
        try:
            return workload.factory(**workload.kwargs)
        except Exception:
            if attempt == attempts:
                raise
            time.sleep(1.0)


def _serve(workload: Workload, pipe: Any) -> None:
    """A writer's life: build the workload, then run one window per request until None."""
    try:
        work = _build(workload)
        pipe.send((True, None))
        taken = getattr(work, "taken", list)
        while (seconds := pipe.recv()) is not None:
            pipe.send((True, (*_run_for(work.step, seconds), taken())))
        work.close()
    except Exception as exc:  # reported to the parent, which stops the run
        pipe.send((False, f"{type(exc).__name__}: {exc}"))


class Writers:
    """`workload.writers` processes running one workload, driven window by window."""

    def __init__(self, workload: Workload):
        self.workload, self._pipes, self._procs = workload, [], []
        for _ in range(workload.writers):
            parent, child = _CTX.Pipe()
            proc = _CTX.Process(target=_serve, args=(workload, child), daemon=True)
            proc.start()
            self._pipes.append(parent)
            self._procs.append(proc)
        try:
            self._replies()  # every writer has connected and is ready
        except BaseException:
            self.close()
            raise

    def run(self, seconds: float) -> float:
        """Events/s of all writers together over one window."""
        return sum(done / elapsed for done, elapsed, _ in self.window(seconds))

    def window(self, seconds: float) -> list[tuple[int, float, list[float]]]:
        """One window: per writer, the steps done, the seconds they took, and what taken() said."""
        for pipe in self._pipes:
            pipe.send(seconds)
        return self._replies()

    def _replies(self) -> list[Any]:
        replies = [pipe.recv() for pipe in self._pipes]
        for ok, detail in replies:
            if not ok:
                raise RuntimeError(f"{self.workload.label}: writer failed: {detail}")
        return [detail for _, detail in replies]

    def close(self) -> None:
        for pipe, proc in zip(self._pipes, self._procs, strict=True):
            if proc.is_alive():
                with suppress(BrokenPipeError):  # a writer that failed is on its way out
                    pipe.send(None)
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()  # only our own writer, which did not stop in time


def measure(workloads: Sequence[Workload]) -> list[Result]:
    """Starts every workload, warms each up, then runs their windows in turn."""
    with ExitStack() as stack:
        groups = []
        for workload in workloads:
            groups.append(Writers(workload))
            stack.callback(groups[-1].close)
        for group in groups:
            group.run(WARMUP_SECONDS)
        rates: list[list[float]] = [[] for _ in groups]
        for _ in range(REPETITIONS):
            for group, group_rates in zip(groups, rates, strict=True):
                group_rates.append(group.run(WINDOW_SECONDS))
    return [Result(w.key, w.label, r) for w, r in zip(workloads, rates, strict=True)]

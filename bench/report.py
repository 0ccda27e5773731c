"""Prints the absolute figures, then one `bench: <name> = <ratio>x (target >= <t>x)` per ratio
(`<=` for a ratio of latencies, which should stay low)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bench.harness import Result


@dataclass(frozen=True)
class Ratio:
    name: str
    numerator: str  # Result keys
    denominator: str
    target: float | None  # None: a figure printed, with no target
    at_most: bool = False  # the target is a ceiling (latencies), not a floor (rates)

    def value(self, results: Mapping[str, Result]) -> float:
        return results[self.numerator].median / results[self.denominator].median

    def missed(self, value: float) -> bool:
        if self.target is None:
            return False
        return value > self.target if self.at_most else value < self.target

    def line(self, value: float, prefix: str) -> str:
        if self.target is None:
            return f"{prefix}: {self.name} = {value:.2f}x (a figure, no target)"
        op = "<=" if self.at_most else ">="
        return f"{prefix}: {self.name} = {value:.2f}x (target {op} {self.target:g}x)"


def absolute(results: Iterable[Result], unit: str = "events/s") -> None:
    print(f"absolute figures ({unit}; median of the repetitions, then each repetition):")
    for result in results:
        reps = " / ".join(f"{rate:,.0f}" for rate in result.rates)
        print(f"  {result.label:<84} {result.median:>9,.0f}   ({reps})")


def ratios(ratios: Iterable[Ratio], results: Mapping[str, Result], prefix: str = "bench") -> int:
    """Prints the ratio lines; returns how many targets were missed."""
    missed = 0
    for ratio in ratios:
        value = ratio.value(results)
        missed += ratio.missed(value)
        print(ratio.line(value, prefix))
    return missed

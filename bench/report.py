"""Prints the absolute figures, then one `bench: <name> = <ratio>x (target >= <t>x)` per ratio."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bench.harness import Result


@dataclass(frozen=True)
class Ratio:
    name: str
    numerator: str  # Result keys
    denominator: str
    target: float

    def value(self, results: Mapping[str, Result]) -> float:
        return results[self.numerator].median / results[self.denominator].median


def absolute(results: Iterable[Result]) -> None:
    print("absolute figures (events/s; median of the repetitions, then each repetition):")
    for result in results:
        reps = " / ".join(f"{rate:,.0f}" for rate in result.rates)
        print(f"  {result.label:<84} {result.median:>9,.0f}   ({reps})")


def ratios(ratios: Iterable[Ratio], results: Mapping[str, Result], prefix: str = "bench") -> int:
    """Prints the ratio lines; returns how many targets were missed."""
    missed = 0
    for ratio in ratios:
        value = ratio.value(results)
        missed += value < ratio.target
        print(f"{prefix}: {ratio.name} = {value:.2f}x (target >= {ratio.target:g}x)")
    return missed

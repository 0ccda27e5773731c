"""The final score: a weighted sum of six named inputs on a 0–100 scale, graded by bands. Pure.

A cycle sets only the weights of the named inputs and the grades' lower bounds: no formula text
is ever evaluated. An input without data (no peer reviews, no ledger item due) is not a zero: its
weight is shared among the inputs that have data, in proportion to their weights, and the
breakdown says so, so that a member can see how their score came about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .cycle import GRADES, INPUTS


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def rounded(value: float, places: int) -> float:
    """Half up, as people round (Python's round() rounds half to even, on binary floats)."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def percent(rate: float | None) -> float | None:
    return None if rate is None else rate * 100


def inputs_of(
    self_scores: Mapping[str, float] | None,
    peer_scores: Iterable[Mapping[str, float]],
    leader_score: float | None,
    measures: Mapping[str, Any],
) -> dict[str, float | None]:
    """Each input on 0–100: a review's value is the mean of its four dimensions."""
    return {
        "self": mean(self_scores.values()) if self_scores else None,
        "peer": mean(mean(scores.values()) for scores in peer_scores),
        "leader": leader_score,
        "ledger": percent(measures["ledger"]["overall"]),
        "study": percent(measures["study"]["rate"]),
        "attendance": percent(measures["attendance"]["rate"]),
    }


def grade(score: float, bands: Mapping[str, float]) -> str:
    return next((g for g in GRADES[:-1] if score >= bands[g]), GRADES[-1])


def final(
    inputs: Mapping[str, float | None], weights: Mapping[str, float], bands: Mapping[str, float]
) -> dict[str, Any]:
    """{score, grade, breakdown}: the score rounded to one decimal, None if no input had data."""
    missing = [name for name in INPUTS if inputs[name] is None]
    share = sum(weights[name] for name in INPUTS if name not in missing)
    rows = {name: _row(inputs[name], weights[name], share) for name in INPUTS}
    score = rounded(sum(row.pop("exact") for row in rows.values()), 1) if share else None
    breakdown = {"inputs": rows, "missing": missing, "note": _note(missing, weights, share)}
    return {
        "score": score,
        "grade": grade(score, bands) if score is not None else None,
        "breakdown": breakdown,
    }


def _row(value: float | None, weight: float, share: float) -> dict[str, Any]:
    applied = weight / share if value is not None and share else 0.0
    exact = (value or 0.0) * applied
    return {
        "value": None if value is None else rounded(value, 2),
        "weight": weight,
        "applied_weight": rounded(applied, 4),
        "points": rounded(exact, 2),
        "exact": exact,
    }


def _note(missing: list[str], weights: Mapping[str, float], share: float) -> str:
    if not share:
        return "no weighted input had data: no score"
    lost = [name for name in missing if weights[name]]
    if not lost:
        return "every weighted input had data"
    return (
        f"no data for {', '.join(lost)}: their weight {rounded(1 - share, 4)} was shared among"
        " the other inputs in proportion to their weights"
    )

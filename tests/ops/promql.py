"""What the ops tests read: the metric names a PromQL expression uses, the queries of the
dashboards and alert rules, and the metric names a /metrics page exports."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DASHBOARDS = DEPLOY / "grafana" / "dashboards"
ALERTS = DEPLOY / "alerts.yml"

# Words of PromQL that look like metric names but are not (functions are told by their "(").
_OPERATORS = ("and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right")
KEYWORDS = frozenset((*_OPERATORS, "offset", "bool", "atan2", "inf", "nan"))
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_VARIABLES = re.compile(r"\$\{?\w+\}?")  # Grafana's $__rate_interval and the like
_MATCHERS = re.compile(r"\{[^}]*\}")  # label names and values
_RANGES = re.compile(r"\[[^\]]*\]")  # [5m], subqueries [1h:5m]
_LABEL_LISTS = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def metric_names(expr: str) -> set[str]:
    """The metric names in a PromQL expression: identifiers left once strings, label matchers,
    ranges and label lists are gone, that are neither functions, keywords, nor parts of numbers
    and durations (the `m` of `offset 5m`, the `e3` of `1e3`)."""
    text = _STRINGS.sub('""', expr)
    for pattern in (_VARIABLES, _MATCHERS, _RANGES, _LABEL_LISTS):
        text = pattern.sub(" ", text)
    names = set()
    for match in _IDENTIFIER.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        if before.isdigit() or before == ".":
            continue
        if text[match.end() :].lstrip().startswith("(") or match.group().lower() in KEYWORDS:
            continue
        names.add(match.group())
    return names


def dashboard_queries() -> Iterator[tuple[str, str]]:
    """(where, expr) for every query of every dashboard."""
    for path in sorted(DASHBOARDS.glob("*.json")):
        board = json.loads(path.read_text())
        for panel in board["panels"]:
            for target in panel.get("targets", ()):
                yield f"{path.name}: {panel['title']}", target["expr"]


def alert_queries() -> Iterator[tuple[str, str]]:
    for group in yaml.safe_load(ALERTS.read_text())["groups"]:
        for rule in group["rules"]:
            yield f"alerts.yml: {rule.get('alert') or rule.get('record')}", rule["expr"]


def queried_metrics() -> dict[str, list[str]]:
    """Metric name → where it is queried, over every dashboard and alert rule."""
    found: dict[str, list[str]] = {}
    for where, expr in [*dashboard_queries(), *alert_queries()]:
        for name in metric_names(expr):
            found.setdefault(name, []).append(where)
    return found


_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("_sum", "_count", "_created"),
}


def exported_names(exposition: str) -> set[str]:
    """Every series name a /metrics page offers, declared families included even before their
    first sample (a labelled counter nobody has incremented yet)."""
    names = set()
    for family in text_string_to_metric_families(exposition):
        names.add(family.name)
        names.update(family.name + suffix for suffix in _SUFFIXES.get(family.type, ()))
        names.update(sample.name for sample in family.samples)
    return names

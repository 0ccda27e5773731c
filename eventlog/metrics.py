"""The event log's Prometheus metrics: one registry for the process, names by convention."""

from __future__ import annotations

import functools
from collections import Counter as Tally
from collections.abc import Sequence

from prometheus_client import Counter, Gauge, Histogram

EVENTS_APPENDED = Counter(
    "eventlog_events_appended_total", "Events stored in the log", ["source", "type"]
)
APPEND_SECONDS = Histogram(
    "eventlog_append_seconds",
    "Time to append one batch of events (one transaction)",
    ["source"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
APPEND_CONFLICTS = Counter(
    "eventlog_append_conflicts_total",
    "Appends refused: the stream was not at the expected version",
    ["source"],
)
RELAY_PUBLISHED = Counter("eventlog_relay_published_total", "Events the relay published")
RELAY_LAG_EVENTS = Gauge("eventlog_relay_lag_events", "Stored events not yet published")
RELAY_LAG_SECONDS = Gauge(
    "eventlog_relay_lag_seconds", "Age of the oldest stored event not yet published"
)
RELAY_ACTIVE = Gauge("eventlog_relay_active", "1 while this process holds the relay lock")
RELAY_FAILURES = Counter(
    "eventlog_relay_failures_total", "Relay batches that failed and will be retried"
)
CONSUMER_LAG_EVENTS = Gauge(
    "eventlog_consumer_lag_events",
    "Events in the log a subscription has not passed yet",
    ["subscription"],
)
CONSUMER_LAG_SECONDS = Gauge(
    "eventlog_consumer_lag_seconds",
    "Age of the oldest event a subscription has not passed yet",
    ["subscription"],
)
EVENTS_APPLIED = Counter(
    "eventlog_events_applied_total", "Events applied to a read model", ["subscription"]
)
EVENTS_SKIPPED = Counter(
    "eventlog_events_skipped_total", "Duplicate deliveries skipped", ["subscription"]
)
APPLY_FAILURES = Counter(
    "eventlog_apply_failures_total",
    "Events whose handler raised (retried from the log, never dropped)",
    ["subscription"],
)


# Labelled children, looked up once per label set: `labels()` takes a lock and builds a key on
# every call, and every append would pay it.
_appended = functools.cache(EVENTS_APPENDED.labels)
_append_seconds = functools.cache(APPEND_SECONDS.labels)


def observe_append(source: str, events: Sequence, seconds: float) -> None:
    _append_seconds(source).observe(seconds)
    for event_type, count in Tally(e.type for e in events).items():
        _appended(source, event_type).inc(count)

"""The notify service's Prometheus metrics (the process registry, beside the event log's).

Counted where the deciding append succeeded, never in the projection: a replay or a rebuild
of the read model must not count a reminder twice.
"""

from __future__ import annotations

from prometheus_client import Counter

REMINDERS_ISSUED = Counter(
    "notify_reminders_issued_total", "Reminders decided (one per rule, subject, period)", ["rule"]
)
DELIVERIES = Counter(
    "notify_deliveries_total",
    "Delivery outcomes per channel: delivered, retry (failed, tried again later) or failed",
    ["channel", "outcome"],
)
DELIVERY_FAILURES = Counter(
    "notify_delivery_failures_total", "Deliveries given up after the last try", ["channel"]
)
SCAN_SKIPS = Counter(
    "notify_scan_skips_total",
    "Inputs a scan had to go without (a service away, a branch unreadable)",
    ["source"],
)

"""Benchmarks of the event log against raw PostgreSQL, raw RabbitMQ and `eventsourcing`.

`python -m bench` (or `make bench`) measures everything in one run and prints absolute figures
and one `bench: <name> = <ratio>x (target >= <t>x)` line per comparison.
"""

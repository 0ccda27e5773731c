"""The bench's own tables in taizhang_test, made fresh for each run and dropped after it (the
log itself is emptied by `eventlog.migrate.reset` before a run)."""

from __future__ import annotations

import psycopg2

from bench import esrecorder
from bench.baselines import RAW_TABLE_DDL

SCHEMAS = ("bench", *(schema for schema, _ in esrecorder.CONFIGS.values()))


def _execute(database_url: str, *statements: str) -> None:
    conn = psycopg2.connect(database_url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    finally:
        conn.close()


def drop(database_url: str) -> None:
    _execute(database_url, *(f"DROP SCHEMA IF EXISTS {s} CASCADE" for s in SCHEMAS))


def create(database_url: str) -> None:
    drop(database_url)  # what a crashed run left behind
    _execute(database_url, *(f"CREATE SCHEMA {s}" for s in SCHEMAS), RAW_TABLE_DDL)
    for config in esrecorder.CONFIGS:
        esrecorder.create_tables(database_url, config)

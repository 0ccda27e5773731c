"""The rebuild's batching cursor on the real PostgreSQL: a batch is sent before anything is read
from the cursor, so a handler reads its own writes and the answer of its last statement."""

import uuid

import psycopg2
import pytest
from psycopg2.extras import execute_values

from eventlog.batching import BatchedCursor

pytestmark = pytest.mark.servers


def test_reads_see_every_write_before_them_and_answer_the_last_statement(db):
    table = f"batched_{uuid.uuid4().hex[:8]}"
    with db.transaction() as cur:
        batched = BatchedCursor(cur, batch=1000)
        batched.execute(f"CREATE TEMP TABLE {table} (n integer) ON COMMIT DROP")
        for n in range(5):
            batched.execute(f"INSERT INTO {table} VALUES (%s)", (n,))
        execute_values(batched, f"INSERT INTO {table} VALUES %s", [(10,), (11,)])
        batched.execute(f"SELECT count(*), max(n) FROM {table}")
        assert batched.fetchone() == (7, 11)
        batched.execute(f"UPDATE {table} SET n = n + 1 WHERE n < %s", (3,))
        assert batched.rowcount == 3


def test_an_error_surfaces_when_its_batch_is_sent(db):
    with pytest.raises(psycopg2.errors.UndefinedTable), db.transaction() as cur:
        batched = BatchedCursor(cur, batch=3)
        batched.execute("SELECT 1")
        batched.execute("INSERT INTO no_such_table VALUES (1)")
        batched.execute("SELECT 2")  # the third: the batch goes

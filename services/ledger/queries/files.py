"""Attached files: a record's list, and one file's description for its download."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.common.queries import ReadDatabase, iso

from ..exceptions import NotFound
from .common import reader

_COLUMNS = (
    "record_id, attachment_id, period, sha256, name, media_type, size, note, attached_by,"
    " attached_at"
)


def of_records(
    db: ReadDatabase, record: str, ids: Sequence[str], branch_id: str | None = None
) -> dict[str, list[dict]]:
    """Record id → its files, oldest first (one query, whatever the number of records); a
    meeting's or report's of the branch named (their ids are the branch's own)."""
    rows = db.fetch_all(
        f"SELECT {_COLUMNS} FROM ledger.attachments WHERE record = %s AND record_id = ANY(%s)"
        " AND (%s::text IS NULL OR branch_id = %s) ORDER BY attached_at, attachment_id",
        (record, list(ids), branch_id, branch_id),
    )
    found: dict[str, list[dict]] = {record_id: [] for record_id in ids}
    for row in rows:
        found[row.pop("record_id")].append(iso(row))
    return found


def attachment(
    db: ReadDatabase,
    actor_id: str,
    record: str,
    record_id: str,
    attachment_id: str,
    branch_id: str | None = None,
) -> dict[str, Any]:
    """One file of a record (a meeting's or report's: of the branch named), for a reader of its
    branch; NotFound for one of another record."""
    row = db.fetch_one(
        f"SELECT branch_id, {_COLUMNS} FROM ledger.attachments"
        " WHERE record = %s AND record_id = %s AND attachment_id = %s"
        " AND (%s::text IS NULL OR branch_id = %s)",
        (record, record_id, attachment_id, branch_id, branch_id),
    )
    if row is None:
        raise NotFound(f"{record} {record_id} has no attachment {attachment_id}")
    reader(db, row["branch_id"], actor_id)
    return {**iso(row), "record": record}

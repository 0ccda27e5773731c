"""Read-model handlers for attached files (ledger.attachments): one row a file, under the record
it is attached to. The bytes stay in the blob store; the row is what the event says of them."""

from __future__ import annotations

from psycopg2.extensions import cursor as Cursor

from eventlog import StoredEvent, owner_of

from . import events as e

_INSERT = (
    "INSERT INTO ledger.attachments (record, record_id, attachment_id, branch_id, period,"
    " sha256, name, media_type, size, note, attached_by, attached_at)"
    " {source} ON CONFLICT DO NOTHING"
)


def item_file(cur: Cursor, event: StoredEvent) -> None:
    """The item's branch from its row, which its ItemPlanned, earlier in the stream, wrote."""
    file = e.ItemFileAttached.of(event)
    cur.execute(
        _INSERT.format(
            source="SELECT 'item', item_id, %s, branch_id, %s, %s, %s, %s, %s, %s, %s, %s"
            " FROM ledger.items WHERE item_id = %s"
        ),
        (
            file.attachment_id,
            file.period,
            *_described(file),
            event.actor_id,
            event.occurred_at,
            owner_of(event),
        ),
    )


def life_file(cur: Cursor, event: StoredEvent) -> None:
    file = e.LifeFileAttached.of(event)
    cur.execute(
        _INSERT.format(source="VALUES (%s, %s, %s, %s, NULL, %s, %s, %s, %s, %s, %s, %s)"),
        (
            file.record,
            file.record_id,
            file.attachment_id,
            owner_of(event),
            *_described(file),
            event.actor_id,
            event.occurred_at,
        ),
    )


def _described(file: e.ItemFileAttached | e.LifeFileAttached) -> tuple:
    return file.sha256, file.name, file.media_type, file.size, file.note

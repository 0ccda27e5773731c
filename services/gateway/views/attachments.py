"""Attaching files to a ledger record, and sending them back to those who may see the record.

The file is stored first, then the ledger's command names it by its hash: an event never names a
file the blob store lacks (the ledger checks it too). A command refused after the file was
stored leaves a blob no event names, which is harmless, and the same bytes sent again are the
same blob. A retry under the same Idempotency-Key is the command's first outcome (its command
key), whatever happened between.
"""

from __future__ import annotations

import logging
from typing import Any

from werkzeug.wrappers import Response

from eventlog.blobs import BlobMissing

from .. import uploads
from ..errors import not_found

log = logging.getLogger(__name__)


def attach_to_item(ctx, item_id: str, file: dict, note: str, period: str | None, actor_id: str):
    return _attach(ctx, "attach_item_file", file, note, actor_id, item_id=item_id, period=period)


def attach_to_meeting(
    ctx, branch_id: str, meeting_id: str, file: dict, note: str, actor_id: str, **_: Any
):
    fixed = {"branch_id": branch_id, "meeting_id": meeting_id}
    return _attach(ctx, "attach_meeting_file", file, note, actor_id, **fixed)


def attach_to_report(
    ctx, branch_id: str, report_id: str, file: dict, note: str, actor_id: str, **_: Any
):
    fixed = {"branch_id": branch_id, "report_id": report_id}
    return _attach(ctx, "attach_report_file", file, note, actor_id, **fixed)


def _attach(ctx, command: str, file: dict, note: str, actor_id: str, **record: Any):
    ctx.service.blobs.put(ctx.upload.checked().content)  # under file["sha256"]: these bytes
    method = getattr(ctx.rpc("ledger"), command)
    return method(actor_id=actor_id, command_key=ctx.command_key, note=note, **file, **record)


def item_file(ctx, item_id: str, attachment_id: str, actor_id: str, **_: Any) -> Response:
    return _served(ctx, actor_id, "item", item_id, attachment_id, None)


def meeting_file(
    ctx, branch_id: str, meeting_id: str, attachment_id: str, actor_id: str, **_: Any
) -> Response:
    return _served(ctx, actor_id, "meeting", meeting_id, attachment_id, branch_id)


def report_file(
    ctx, branch_id: str, report_id: str, attachment_id: str, actor_id: str, **_: Any
) -> Response:
    return _served(ctx, actor_id, "report", report_id, attachment_id, branch_id)


def _served(ctx, actor_id: str, record: str, record_id: str, attachment_id: str, branch_id):
    """The file, once the ledger has said it is the record's (a meeting's or report's: in the
    path's branch, which is one the caller may read: dispatch.resolve)."""
    file = ctx.rpc("ledger").attachment(
        actor_id=actor_id,
        record=record,
        record_id=record_id,
        attachment_id=attachment_id,
        branch_id=branch_id,
    )
    try:
        chunks = ctx.service.blobs.stream(file["sha256"])
    except BlobMissing:  # a store restored without its files (deploy/README.md, Backups)
        log.error("attachment %s names a file the blob store lacks", file["sha256"])
        raise not_found("file") from None
    return uploads.served(chunks, file)

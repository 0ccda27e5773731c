"""Attached files on the real PostgreSQL: stored once in `eventlog.blobs` however often they are
attached, listed by the ledger's queries from its read model, which a rebuild from the log makes
again row for row."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from eventlog.blobs import PostgresBlobStore
from services.common import attachments as rules
from services.ledger.domain import attachments as a
from services.ledger.domain import orglife
from services.ledger.handlers import life
from services.ledger.handlers.attachments import Attaching, attach_item_file, attach_report_file
from services.ledger.queries import files, ledger
from services.ledger.queries import life as life_queries

from .scenario import NOW, build
from .test_read_model import snapshot

pytestmark = pytest.mark.servers


def test_files_are_stored_once_listed_and_rebuilt_from_the_log(ledger_store, db, runner):
    ids = build(ledger_store)
    ctx = Attaching(ledger_store, PostgresBlobStore(db), rules.DEFAULT_MAX_BYTES)
    content = b"%PDF-1.4\n" + uuid.uuid4().bytes  # this test's own bytes
    digest = ctx.blobs.put(content)
    described = dict(sha256=digest, media_type=rules.PDF, size=len(content))
    events = list(ids["events"])
    for n, (actor, period) in enumerate(((ids["m1"], "2026-01"), (ids["sec"], None))):
        cmd = a.AttachItemFile(
            actor_id=actor, attachment_id=f"f{n}", item_id=ids["item"], period=period,
            name=f"材料{n}.pdf", note="佐证", **described,
        )  # fmt: skip
        events += attach_item_file(cmd, ctx, NOW).events
    report = orglife.FileReport(
        ids["sec"], ids["branch"], "rp1", "总结", "summary", date(2026, 3, 1)
    )
    events += life.file_report(report, ledger_store, NOW).events
    cmd = a.AttachReportFile(
        actor_id=ids["sec"], attachment_id="f9", branch_id=ids["branch"], report_id="rp1",
        name="总结.pdf", **described,
    )  # fmt: skip
    events += attach_report_file(cmd, ctx, NOW).events
    assert ctx.blobs.put(content) == digest
    stored = db.fetch_one("SELECT count(*) AS n FROM eventlog.blobs WHERE sha256 = %s", (digest,))
    assert stored["n"] == 1  # three attachments, one blob

    runner.apply(events)
    item = ledger.item(db, NOW, ids["m1"], ids["item"])
    assert [(f["name"], f["period"], f["attached_by"]) for f in item["attachments"]] == [
        ("材料0.pdf", "2026-01", ids["m1"]),
        ("材料1.pdf", None, ids["sec"]),
    ]
    assert item["version"] == events[-3].version  # the item's row moved with its files
    (filed,) = life_queries.org_life(db, NOW, ids["m1"], ids["branch"], 2026)["reports"]
    assert [f["name"] for f in filed["attachments"]] == ["总结.pdf"]
    found = files.attachment(db, ids["m1"], "report", "rp1", "f9")
    assert (found["sha256"], found["branch_id"], found["size"]) == (
        digest,
        ids["branch"],
        len(content),
    )
    live = snapshot(db)
    runner.rebuild()
    assert snapshot(db) == live

"""Files attached to an item (or an occurrence, as its evidence), a meeting and a report: who may
attach them, to what, and that the log never names a file the blob store lacks. Through the
handlers, on the fakes of the log and of the blob store."""

from __future__ import annotations

from datetime import date

import pytest

from eventlog.blobs import InMemoryBlobStore, sha256_of
from services.common import attachments as rules
from services.ledger import events as e
from services.ledger.domain import attachments as a
from services.ledger.domain import orglife as ol
from services.ledger.exceptions import BadInput, Forbidden, InvalidTransition, NotFound
from services.ledger.handlers import attachments as h
from services.ledger.handlers import life

from .conftest import NOW
from .test_items import plan
from .test_life import meeting

PDF = b"%PDF-1.4\nminutes\n"
LIMIT = rules.DEFAULT_MAX_BYTES


@pytest.fixture
def ctx(store) -> h.Attaching:
    plan(store)  # it1: m1's monthly item, January to June
    life.record_meeting(meeting("gl1"), store, NOW)  # mt1: group g1's meeting
    report = ol.FileReport("sec", "b1", "rp1", "一季度总结", "summary", date(2026, 3, 31))
    life.file_report(report, store, NOW)
    return h.Attaching(store, InMemoryBlobStore(), LIMIT)


def described(ctx: h.Attaching, content: bytes = PDF, **more) -> dict:
    """A file as the gateway describes it, stored first as the gateway stores it."""
    return (
        dict(
            sha256=ctx.blobs.put(content), name="纪要.pdf", media_type=rules.PDF, size=len(content)
        )
        | more
    )


def to_item(ctx, actor="m1", attachment_id="f1", **more):
    cmd = a.AttachItemFile(
        actor_id=actor, attachment_id=attachment_id, item_id="it1", **described(ctx), **more
    )
    return h.attach_item_file(cmd, ctx, NOW)


def test_the_owner_attaches_evidence_to_an_occurrence_as_an_event_of_the_items_stream(ctx):
    outcome = to_item(ctx, period="2026-02", note="二月学习记录")
    (event,) = outcome.events
    assert (event.stream_id, event.type, event.actor_id) == ("item-it1", "ItemFileAttached", "m1")
    assert dict(event.data) == {
        "attachment_id": "f1",
        "period": "2026-02",
        "sha256": sha256_of(PDF),
        "name": "纪要.pdf",
        "media_type": rules.PDF,
        "size": len(PDF),
        "note": "二月学习记录",
    }
    assert outcome.id == "f1"


@pytest.mark.parametrize(("actor", "allowed"), [("m1", True), ("gl1", True), ("sec", True),
                                                ("m2", False), ("gl2", False)])  # fmt: skip
def test_who_works_on_the_item_may_attach_to_it(ctx, actor, allowed):
    if allowed:
        to_item(ctx, actor)
    else:
        with pytest.raises(Forbidden):
            to_item(ctx, actor)


def test_an_unknown_occurrence_a_second_id_or_a_file_the_store_lacks_is_refused(ctx):
    with pytest.raises(NotFound):
        to_item(ctx, period="2027-01")
    to_item(ctx)
    with pytest.raises(InvalidTransition):
        to_item(ctx)
    cmd = a.AttachItemFile(
        actor_id="m1", attachment_id="f2", item_id="it1", sha256="0" * 64, name="x.pdf",
        media_type=rules.PDF, size=3,
    )  # fmt: skip
    with pytest.raises(BadInput, match="no file is stored"):
        h.attach_item_file(cmd, ctx, NOW)
    assert [e.type for e in ctx.store.read_stream("item-it1")].count("ItemFileAttached") == 1


@pytest.mark.parametrize(
    "wrong",
    [{"media_type": "text/html"}, {"size": LIMIT + 1}, {"size": 0}],
    ids=["type", "too-large", "empty"],
)
def test_a_file_of_a_type_or_size_not_allowed_is_refused_naming_the_file(ctx, wrong):
    cmd = a.AttachItemFile(
        actor_id="m1", attachment_id="f1", item_id="it1", **(described(ctx) | wrong)
    )
    with pytest.raises(BadInput) as refused:
        h.attach_item_file(cmd, ctx, NOW)
    assert set(refused.value.messages) == {"file"}


def test_a_meetings_files_are_attached_by_who_records_it(ctx):
    def attach(actor, meeting_id="mt1"):
        cmd = a.AttachMeetingFile(
            actor_id=actor, attachment_id=f"f{actor}", branch_id="b1", meeting_id=meeting_id,
            **described(ctx),
        )  # fmt: skip
        return h.attach_meeting_file(cmd, ctx, NOW)

    (event,) = attach("gl1").events
    assert (event.stream_id, event.data["record"], event.data["record_id"]) == (
        "orglife-b1",
        "meeting",
        "mt1",
    )
    attach("sec")
    for outsider in ("gl2", "m1"):
        with pytest.raises(Forbidden):
            attach(outsider)
    with pytest.raises(NotFound):
        attach("sec", meeting_id="mt9")


def test_a_reports_document_is_attached_by_who_runs_the_branch(ctx):
    def attach(actor, report_id="rp1"):
        cmd = a.AttachReportFile(
            actor_id=actor, attachment_id="f1", branch_id="b1", report_id=report_id,
            **described(ctx),
        )  # fmt: skip
        return h.attach_report_file(cmd, ctx, NOW)

    with pytest.raises(Forbidden):
        attach("gl1")
    with pytest.raises(NotFound):
        attach("sec", report_id="rp9")
    (event,) = attach("sec").events
    assert (event.data["record"], event.data["record_id"]) == ("report", "rp1")


def test_what_a_stream_says_of_attaching():
    events = [
        meeting_held("mt1", "g1"),
        meeting_held("mt2", None),
        e.ReportFiled(report_id="rp1", title="t", kind="other", filed_on="2026-01-01"),
        e.LifeFileAttached(
            attachment_id="f1", record="report", record_id="rp1", sha256="0" * 64, name="n",
            media_type=rules.PDF, size=1, note="",
        ),
    ]  # fmt: skip
    state = a.Attached()
    for event in events:
        state = a.evolve(state, event)
    assert state == a.Attached(
        ids=frozenset({("report", "rp1", "f1")}),
        meetings={"mt1": "g1", "mt2": None},
        reports=frozenset({"rp1"}),
    )


def meeting_held(meeting_id: str, group_id: str | None) -> e.MeetingHeld:
    return e.MeetingHeld(
        meeting_id=meeting_id, meeting_type="group_meeting", held_on="2026-01-05",
        group_id=group_id, title="t", minutes="", attendance={}, lecturer=None, partner=None,
        place=None,
    )  # fmt: skip

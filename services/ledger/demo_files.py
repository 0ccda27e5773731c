"""The demo's attached files: each branch's latest general meeting with its minutes (a text file)
and a photo, its latest report with its statistics (a workbook), and two members' evidence (a
photo) on occurrences they completed. Made here, real files a person can open; stored in the blob
store, then attached through the handlers, as the gateway does."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import timedelta
from typing import Any

from openpyxl import Workbook

from eventlog.blobs import BlobStore
from services.common import attachments as rules

from .domain import attachments as a
from .domain import orglife as ol
from .events import ItemCompleted, MeetingHeld, ReportFiled
from .handlers.attachments import Attaching, attach_item_file, attach_meeting_file
from .handlers.attachments import attach_report_file as attach_report

EVIDENCE_PER_BRANCH = 2


def picture(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A PNG of one colour with a lighter band across it (a stand-in for a photograph)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    light = bytes(min(255, c + 90) for c in colour)
    rows = b"".join(
        b"\x00" + (light if height // 3 <= y < 2 * height // 3 else bytes(colour)) * width
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    parts = (chunk(b"IHDR", header), chunk(b"IDAT", zlib.compress(rows)), chunk(b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(parts)


def minutes(title: str, held_on: str, attendance: dict[str, str], names: dict[str, str]) -> bytes:
    present = [names.get(m, m) for m, status in sorted(attendance.items()) if status == "present"]
    lines = (
        f"会议纪要：{title}",
        f"时间：{held_on}",
        f"出席：{'、'.join(present)}",
        "议程：一、传达学习上级会议精神；二、通报本季度台账完成情况；三、研究部署下阶段工作。",
        "决定：各党小组对照台账逐项销号，逾期事项由督促责任人跟进。",
    )
    return "\n".join(lines).encode()


def workbook(title: str, members: list[str], names: dict[str, str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "统计"
    sheet.append([title])
    sheet.append(["党员", "台账事项", "已完成"])
    for n, member in enumerate(members, 1):
        sheet.append([names[member], 10, 10 - n % 3])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attach_files(world: Any, store: Any, blobs: BlobStore, branch_id: str) -> None:
    ctx = Attaching(store, blobs, rules.DEFAULT_MAX_BYTES)
    sec = world.holder(branch_id, "secretary")
    life = store.read_stream(ol.stream_id(branch_id))
    general = [e for e in life if e.type == MeetingHeld.type and _general(e)]
    if general:
        _meeting_files(world, ctx, branch_id, sec, general[-1])
    reports = sorted(
        (e for e in life if e.type == ReportFiled.type), key=lambda e: ReportFiled.of(e).filed_on
    )
    if reports:
        latest = reports[-1]
        report = ReportFiled.of(latest)
        members = [m for ms in world.branches[branch_id].values() for m in ms]
        content = workbook(report.title, members, world.names)
        cmd = a.AttachReportFile(
            actor_id=sec, attachment_id=f"{report.report_id}.f1", branch_id=branch_id,
            report_id=report.report_id, note="统计表", **_stored(ctx, content, "统计表.xlsx"),
        )  # fmt: skip
        attach_report(cmd, ctx, latest.occurred_at + timedelta(minutes=30))
    _evidence(world, ctx, branch_id)


def _general(event: Any) -> bool:
    return MeetingHeld.of(event).meeting_type == "branch_general_meeting"


def _meeting_files(world: Any, ctx: Attaching, branch_id: str, sec: str, event: Any) -> None:
    held = MeetingHeld.of(event)
    text = minutes(held.title, held.held_on, held.attendance, world.names)
    files = (
        ("会议纪要.txt", text, "签字版已存档"),
        ("会议现场.png", picture(320, 200, (179, 18, 27)), "会议现场"),
    )
    for n, (name, content, note) in enumerate(files, 1):
        cmd = a.AttachMeetingFile(
            actor_id=sec, attachment_id=f"{held.meeting_id}.f{n}", branch_id=branch_id,
            meeting_id=held.meeting_id, note=note, **_stored(ctx, content, name),
        )  # fmt: skip
        attach_meeting_file(cmd, ctx, event.occurred_at + timedelta(minutes=10 * n))


def _evidence(world: Any, ctx: Attaching, branch_id: str) -> None:
    """A photo on an occurrence of each of a few items that members without a role completed
    themselves, as its evidence."""
    members = {m for ms in world.branches[branch_id].values() for m in ms if not world.roles[m]}
    done: dict[str, Any] = {}
    for e in ctx.store.iterate():
        if e.type == ItemCompleted.type and e.actor_id in members and e.branch_id == branch_id:
            done.setdefault(e.stream_id, e)
    for n, event in enumerate(list(done.values())[:EVIDENCE_PER_BRANCH], 1):
        item_id = event.stream_id.removeprefix("item-")
        last = ctx.store.read_stream(event.stream_id)[-1]  # attached after the item's last change
        content = picture(240, 160, (46, 125, 50 + 40 * n))
        cmd = a.AttachItemFile(
            actor_id=event.actor_id, attachment_id=f"{item_id}.f{n}", item_id=item_id,
            period=ItemCompleted.of(event).period, note="完成情况照片",
            **_stored(ctx, content, f"完成情况{n}.png"),
        )  # fmt: skip
        attach_item_file(cmd, ctx, last.occurred_at + timedelta(minutes=5))


def _stored(ctx: Attaching, content: bytes, name: str) -> dict[str, Any]:
    return {
        "sha256": ctx.blobs.put(content),
        "name": name,
        "media_type": rules.checked(content, ctx.limit),
        "size": len(content),
    }

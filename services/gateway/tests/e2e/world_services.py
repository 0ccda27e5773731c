"""The world's appraisal cycles and reminders: a cycle open now in each branch, opened through
the appraisal's RPC, and one scan by notify (the member's overdue item reminds them); and a file
attached to each kind of record in each branch, all named `f<run>`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial

from eventlog import utcnow
from eventlog.blobs import PostgresBlobStore
from services.common.attachments import PDF
from services.common.periods import period_key
from tests.support import NOT_YET, wait_for

from .world import World

SERVICE = "service:test"  # the actor of the tests' own calls to the services


def windows_around(now: datetime, hours: float = 24) -> dict[str, dict[str, str]]:
    """Every step's window open from `hours` before `now` until `hours` after it."""
    opens, closes = (now + timedelta(hours=h) for h in (-hours, hours))
    times = {"opens_at": opens.isoformat(), "closes_at": closes.isoformat()}
    return {step: times for step in ("self_review", "peer_review", "leader_review", "finalisation")}


def cycle_plan(cycle_id: str) -> dict:
    """A quarterly cycle of the current quarter, every window open now."""
    today = date.today()
    return {
        "cycle_id": cycle_id,
        "kind": "quarterly",
        "period": period_key("quarterly", today),
        "windows": windows_around(utcnow()),
    }


def open_cycles(call, world: World) -> None:
    """A cycle in each branch, opened by its secretary once the appraisal knows the branch."""
    for side, secretary in (("own", "secretary"), ("foreign", "foreign")):
        asked = {
            "actor_id": world.people[secretary],
            "branch_id": world.branches[side],
            **cycle_plan(world.cycles[side]),
        }
        opened = partial(call, "appraisal", "open_cycle", **asked)
        wait_for(opened, 20, f"the appraisal to know the {side} branch", retrying=NOT_YET)


def scan(call, world: World) -> None:
    """Notify's scan, once it knows both branches: the member's overdue item is in their inbox."""
    for side, secretary in (("own", "secretary"), ("foreign", "foreign")):
        asked = {"actor_id": world.people[secretary], "branch_id": world.branches[side]}
        known = partial(call, "notify", "thresholds", **asked)
        wait_for(known, 20, f"notify to know the {side} branch", retrying=NOT_YET)

    def reminded():
        call("notify", "scan_now", actor_id=SERVICE)
        inbox = call("notify", "inbox", actor_id=world.people["member"], limit=500)
        return world.reminder() in {item["reminder_key"] for item in inbox["items"]}

    wait_for(reminded, 20, "the member's overdue reminder", retrying=NOT_YET)


def attach_files(call, db, world: World) -> None:
    """A meeting `mt<run>` and a report `rp<run>` in each branch (the own branch's meeting is the
    seed's), each with a file `f<run>`, and one on each branch's item: what the paths of the
    endpoint matrix name."""
    content = b"%PDF-1.4\n" + world.run.encode()
    file = {"sha256": PostgresBlobStore(db).put(content), "media_type": PDF, "size": len(content)}
    file |= {"attachment_id": f"f{world.run}", "name": "材料.pdf"}
    for side, actor in (("own", "secretary"), ("foreign", "foreign")):
        at = {"actor_id": world.people[actor], "branch_id": world.branches[side]}
        if side == "foreign":
            call(
                "ledger",
                "record_meeting",
                **at,
                meeting_id=f"mt{world.run}",
                meeting_type="committee_meeting",
                held_on=f"{world.year}-01-20",
                title="支委会",
            )
        call(
            "ledger",
            "file_report",
            **at,
            report_id=f"rp{world.run}",
            title="工作总结",
            kind="summary",
            filed_on=f"{world.year}-01-31",
        )
        call("ledger", "attach_meeting_file", **at, meeting_id=f"mt{world.run}", **file)
        call("ledger", "attach_report_file", **at, report_id=f"rp{world.run}", **file)
        item = {"actor_id": at["actor_id"], "item_id": world.items[side]}
        call("ledger", "attach_item_file", **item, **file)

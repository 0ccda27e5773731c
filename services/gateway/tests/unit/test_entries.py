"""Lists and exports read every matching entry: all the ledger's pages, never cut."""

from types import SimpleNamespace

from services.gateway.dispatch import Context
from services.gateway.views import exports
from services.gateway.views.entries import PAGE, PAGES_AT_ONCE, every

TOTAL = PAGE * (PAGES_AT_ONCE + 3) + 7  # more pages than are asked at once, the last one short


ENTRY = {"level": "branch", "kind": "reform", "cadence": "once", "period": "once",
         "due_date": "2026-06-30", "status": "planned", "overdue": False}  # fmt: skip


class FakeLedger:
    """A ledger of TOTAL entries answering list_entries a page at a time, as the service does."""

    def __init__(self):
        self.pages = []

    def list_entries(self, actor_id, branch_id, limit, offset, **filters):
        self.pages.append(offset)
        rows = [
            {**ENTRY, "item_id": f"i{n}", "title": f"事项{n}"}
            for n in range(offset, min(offset + limit, TOTAL))
        ]
        return {"total": TOTAL, "limit": limit, "offset": offset, "today": "2026-06-01",
                "entries": rows}  # fmt: skip

    def branch(self, actor_id, branch_id):
        return {"name": "第一支部", "timezone": "Asia/Shanghai", "groups": [], "members": [],
                "former_members": []}  # fmt: skip


def test_every_entry_is_read_whatever_the_size_of_the_ledger():
    ledger = FakeLedger()
    ctx = Context(SimpleNamespace(ledger=ledger))
    answer = every(ctx, "sec", "b1", kind="reform")
    assert [e["item_id"] for e in answer["entries"]] == [f"i{n}" for n in range(TOTAL)]
    assert (answer["total"], answer["limit"]) == (TOTAL, TOTAL)
    assert sorted(ledger.pages) == list(range(0, TOTAL, PAGE))


def test_an_export_holds_every_row():
    ctx = Context(SimpleNamespace(ledger=FakeLedger()))
    answer = exports.ledger_csv(ctx, "sec", "b1")
    lines = answer.data.decode("utf-8-sig").splitlines()
    assert len(lines) == TOTAL + 1 and lines[-1].startswith(f"{TOTAL},事项{TOTAL - 1},")

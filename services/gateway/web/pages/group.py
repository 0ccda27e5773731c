"""A group's page for its leader (and who runs the branch): its ledger and people."""

from __future__ import annotations

from datetime import date

from werkzeug.wrappers import Response

from services.common.periods import period_bounds

from ..page import Page


def group(page: Page, branch_id: str, group_id: str) -> Response:
    view = page.api(
        "group_view", {"year": date.today().year}, branch_id=branch_id, group_id=group_id
    )
    month = view["today"][:7]
    first, last = (day.isoformat() for day in period_bounds(month))
    due = {"group_id": group_id, "due_from": first, "due_to": last, "limit": 100}
    return page.render(
        "group.html",
        branch_id=branch_id,
        group_id=group_id,
        view=view,
        month=month,
        this_month=page.api("list_entries", due, branch_id=branch_id),
        names=page.names(branch_id),
        groups=page.groups(branch_id),
        manages=group_id in page.led_groups(branch_id) or page.runs(branch_id),
    )

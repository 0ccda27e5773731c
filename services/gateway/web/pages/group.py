"""A group's page for its leader (and who runs the branch): its ledger and people."""

from __future__ import annotations

from datetime import date

from werkzeug.wrappers import Response

from ..page import Page


def group(page: Page, branch_id: str, group_id: str) -> Response:
    view = page.api(
        "group_view", {"year": date.today().year}, branch_id=branch_id, group_id=group_id
    )
    return page.render(
        "group.html",
        branch_id=branch_id,
        group_id=group_id,
        view=view,
        names=page.names(branch_id),
        manages=group_id in page.led_groups(branch_id) or page.runs(branch_id),
    )

"""The institution committee's overview: the branches side by side, with charts."""

from __future__ import annotations

from datetime import date

from werkzeug.wrappers import Response

from ..page import Page
from . import charts


def overview(page: Page, institution_id: str) -> Response:
    view = page.api("overview", {"year": date.today().year}, institution_id=institution_id)
    return page.render(
        "overview.html", view=view, chart=charts.branches(view), institution_id=institution_id
    )

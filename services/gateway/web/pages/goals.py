"""The branch's 8+X goals for who runs it: the year's set opened from the institution's
template, the branch's own goals added, and each goal's four responsibility holders."""

from __future__ import annotations

from datetime import date

from werkzeug.wrappers import Response

from services.common.labels import RESPONSIBILITY
from services.common.roles import RESPONSIBILITY_ROLES

from ..page import Page

HOLDERS = ("primary", "supervision", "coordination")  # one person each; urging: one or more


def candidates(branch: dict) -> dict[str, list[dict]]:
    """Per duty, the members who may hold it: those with one of its roles (the ledger checks)."""
    return {
        duty: [
            member
            for member in branch["members"]
            if any(role["role"] in roles for role in member["roles"])
        ]
        for duty, roles in RESPONSIBILITY_ROLES.items()
    }


def goals(page: Page, branch_id: str) -> Response:
    year = date.today().year
    branch = page.api("branch", branch_id=branch_id)
    return page.render(
        "goals.html",
        branch_id=branch_id,
        year=year,
        goals=page.api("goal_set", branch_id=branch_id, year=year)["goals"],
        branch=branch,
        candidates=candidates(branch),
        names=page.names(branch_id),
        holders=HOLDERS,
        duties=RESPONSIBILITY,
        runs=page.runs(branch_id),
    )


def open_set(page: Page, branch_id: str) -> Response:
    return page.perform("open_goal_set", {"year": date.today().year}, branch_id=branch_id)


def add(page: Page, branch_id: str) -> Response:
    fields = {"title": page.form.get("title", "")}
    if page.form.get("description", "").strip():
        fields["description"] = page.form["description"]
    return page.perform("add_goal", fields, branch_id=branch_id, year=date.today().year)


def assign(page: Page, branch_id: str, goal_id: str) -> Response:
    fields = {name: page.form.get(name, "") for name in HOLDERS}
    fields["urging"] = page.form.getlist("urging")
    path = {"branch_id": branch_id, "year": date.today().year, "goal_id": goal_id}
    return page.perform("assign_responsibility", fields, **path)

"""Bringing in an institution's people over HTTP: the roster template, and its import (a dry run
by default), by the institution committee."""

from __future__ import annotations

from typing import Any

from eventlet import tpool
from werkzeug.wrappers import Response

from ..access import anyone, committee
from ..errors import HttpError, bad_input
from ..roster import files, importing
from ..schemas import requests as q
from ..schemas import roster as s
from ..users.credentials import hash_one_time
from ..views.sheets import XLSX, download
from .base import Endpoint, query


def _hash_all(passwords: list[str]) -> list[str]:
    """In a real thread: the other requests' green threads go on meanwhile."""
    return tpool.execute(hash_one_time, passwords)


def import_roster(ctx, institution_id: str, content: bytes, dry_run: bool, actor_id: str, **_):
    service = ctx.service
    ports = importing.Ports(
        ctx.rpc("ledger").import_roster, service.log, _hash_all, service.read_model.apply
    )
    try:
        report = importing.run(ports, actor_id, institution_id, content, dry_run)
    except files.UnreadableRoster as error:
        raise bad_input({"content": [str(error)]}) from None
    if not dry_run and not report["valid"]:
        detail = "the roster has errors: nothing was changed"
        raise HttpError(422, "roster_invalid", detail, _by_row(report["rows"]))
    if not dry_run:  # the people imported may act at once (reach/fresh.py)
        service.reach.catch_up()
    return report


def _by_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """sheet → row → column → messages, of the rows with errors."""
    fields: dict[str, Any] = {}
    for row in rows:
        if row["errors"]:
            fields.setdefault(row["sheet"], {})[str(row["row"])] = row["errors"]
    return fields


def template(ctx, **_: Any) -> Response:
    return download(files.template(), XLSX, "党员名册模板.xlsx", "roster-template.xlsx")


ENDPOINTS = [
    Endpoint(
        "import_roster",
        "POST",
        "/institutions/{institution_id}/roster",
        committee,
        s.RosterReport(),
        s.RosterUpload,
        call=import_roster,
        tag="roster",
        secret=True,
        unkeyed="the import adds only what is missing: run again, it completes a run cut short"
        " and changes nothing more",
        summary="Import branches, groups, members, roles and their users from a roster file:"
        " row by row what would change and what is wrong (a dry run, the default), or all of it"
        " (422 roster_invalid naming sheet, row and column, and nothing changed)",
    ),
    query(
        "roster_template",
        "/roster/template.xlsx",
        anyone,
        q.NoQuery,
        None,
        "The roster workbook to fill in (Chinese headers, an example, the rules)",
        call=template,
        tag="roster",
        content=XLSX,
    ),
]

"""One request of the web app: the caller, and the API's endpoints called on their behalf.

A page reads and acts only through the gateway's endpoint table and dispatch (the same target
resolution, rules, validation, calls and idempotency as the API), and reads the same answers the
API gives (their JSON): the web app has no source of truth of its own.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from services.common.labels import ERROR, FIELD
from services.common.periods import DEFAULT_TIMEZONE
from services.common.roles import FULL_TIME_OFFICER, INSTITUTION_COMMITTEE, runs_branch

from .. import dispatch, uploads
from ..endpoints import ENDPOINTS
from ..errors import HttpError, to_http
from . import render

BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}
# Where a form may send the browser back to: a page of the app, never another site (ids may hold
# `.` and `:`, as the demo's items do).
LOCAL = re.compile(r"/app/[\w\-.:/]*\Z")
KEY_FIELD = "idempotency_key"
MEMBER_PAGES = (("我的台账", "/ledger"), ("学习", "/study"), ("评议", "/appraisal"))


@dataclass
class Page:
    ctx: dispatch.Context
    request: Request
    csrf: str = ""
    _cache: dict[Any, Any] = field(default_factory=dict)

    @property
    def form(self):
        return self.request.form

    def api(self, name: str, query: dict[str, Any] | None = None, **path: Any) -> Any:
        """A GET endpoint's answer, as the API's JSON has it (a file endpoint: its Response)."""
        endpoint = BY_NAME[name]
        cached = (name, json.dumps(query, sort_keys=True, default=str), *sorted(path.items()))
        if cached not in self._cache:
            response = self._run(endpoint, path, query or {}, None)
            self._cache[cached] = json.loads(response.data) if endpoint.response else response
        return self._cache[cached]

    def act(
        self, name: str, fields: dict[str, Any], if_match: str | None = None, **path: Any
    ) -> dict[str, Any]:
        """A command, under the form's idempotency key: a form sent twice acts once.
        `if_match`: the ETag the form's page was read at (the command is refused with 412 if
        what it changes has changed since). An upload's key is the form's with `:file`: a form
        that records a note and attaches its file sends two commands, each once."""
        key = self.form.get(KEY_FIELD) or None
        if key and BY_NAME[name].upload:
            key += ":file"
        response = self._run(BY_NAME[name], path, fields, key, if_match)
        answer = json.loads(response.data)
        if response.status_code >= 400:  # the first attempt's refusal, replayed
            raise HttpError(
                response.status_code, answer["code"], answer["message"], answer["fields"]
            )
        return answer

    def _run(self, endpoint, path, given: dict[str, Any], key: str | None, if_match=None):
        url = endpoint.url.format(**path)
        return dispatch.run(self.ctx, endpoint, path, given, key, url, if_match)

    def perform(
        self, name: str, fields: dict[str, Any], if_match: str | None = None, **path: Any
    ) -> Response:
        """A form's command, then back to the page it came from: with `ok`, or the error's code
        and the fields to correct (their names only: what the page shows is its own Chinese)."""
        return self.performed(lambda: self.act(name, fields, if_match, **path))

    def received_file(self) -> dict[str, Any]:
        """The form's file, received and checked (uploads.py), as an upload's `file` field ({}
        for none: the command then says it is missing). Read before any command of the form is
        sent: a file refused changes nothing."""
        _, upload = uploads.received(self.request)
        if upload is None:
            return {}
        self.ctx.upload = upload.checked()
        return {"file": upload.described()}

    def attach(self, name: str, fields: dict[str, Any], **path: Any) -> Response:
        """An upload's form: its file checked and sent with `fields`, then back (`perform`)."""
        return self.performed(lambda: self.act(name, {**fields, **self.received_file()}, **path))

    def sent_file(self) -> bool:
        part = self.request.files.get(uploads.FILE)
        return part is not None and bool(part.filename)

    def performed(self, action: Callable[[], Any]) -> Response:
        """`action` (the form's commands), then back as `perform` goes back."""
        back = self.back()
        try:
            action()
        except Exception as exc:
            error = to_http(exc)
            # A page's own failures are the error page; a refusal of what the form asked (a
            # wrong password among them: the caller is signed in) is shown on the form's page.
            if error.status in (404, 500, 503):
                raise error from exc
            return render.redirect(with_query(back, error=error.code, fields=_names(error)))
        return render.redirect(with_query(back, ok="1"))

    def back(self) -> str:
        given = self.form.get("next", "")
        return given if LOCAL.match(given) else "/app/"

    def names(self, branch_id: str) -> dict[str, str]:
        """Person id → name, for everyone a page of the branch may show: its members, those who
        left it (who owned an item, wrote a review) and the institution's committee (who may act
        in it). What every page shows instead of an id."""
        branch = self.api("branch", branch_id=branch_id)
        institution = self.api("institution", institution_id=branch["institution_id"])
        people = {p["person_id"]: p["name"] for p in institution["committee"]}
        # A ledger of the release before names no former members (a rolling upgrade).
        people |= {m["member_id"]: m["name"] for m in branch.get("former_members", ())}
        return people | {m["member_id"]: m["name"] for m in branch["members"]}

    def groups(self, branch_id: str) -> dict[str, str]:
        """Group id → name in the branch."""
        branch = self.api("branch", branch_id=branch_id)
        return {g["group_id"]: g["name"] for g in branch["groups"]}

    def zone(self, branch_id: str | None) -> str:
        """The time zone the page's times are shown in: the branch's (its people's day)."""
        if branch_id is None:
            return DEFAULT_TIMEZONE
        return self.api("branch", branch_id=branch_id)["timezone"]

    def me(self) -> dict[str, Any]:
        return self.api("me")

    def roles(self, branch_id: str) -> set[str]:
        """The caller's roles in the branch, as /me answers them ("member" for every member);
        the institution committee's in a branch it oversees (the path reached it)."""
        for row in self.me()["branches"]:
            if row["branch_id"] == branch_id:
                return {"member", *(r["role"] for r in row["roles"])}
        return {INSTITUTION_COMMITTEE} if self.me()["institution_committee"] else set()

    def is_member(self, branch_id: str) -> bool:
        return "member" in self.roles(branch_id)

    def runs(self, branch_id: str) -> bool:
        """Secretary or committee member of the branch, or on the institution committee."""
        roles = self.roles(branch_id)
        return runs_branch(roles, committee=INSTITUTION_COMMITTEE in roles)

    def supervises(self, branch_id: str) -> bool:
        """May record what was done about an overdue item: the API's rule (access.supervisor);
        the ledger then checks the item is one this full-time officer supervises."""
        return self.runs(branch_id) or FULL_TIME_OFFICER in self.roles(branch_id)

    def manages(self, item: dict[str, Any]) -> bool:
        """May change the item's plan (cancel, reopen, reassign, move its due date): the API's
        rule (access.Access.manages), to show only the forms that will be accepted."""
        if item["level"] == "branch":
            return self.runs(item["branch_id"])
        led = item["group_id"] in self.led_groups(item["branch_id"])
        return led or self.runs(item["branch_id"])

    def led_groups(self, branch_id: str) -> list[str]:
        for row in self.me()["branches"]:
            if row["branch_id"] == branch_id:
                return [r["group_id"] for r in row["roles"] if r["role"] == "group_leader"]
        return []

    def nav(self) -> list[tuple[str, str]]:
        """The links of the caller's menu: their branch's pages by their roles, the inbox, the
        institution's overview for its committee."""
        me, links = self.me(), []
        for row in me["branches"]:
            b = f"/app/b/{row['branch_id']}"
            links += [(label, b + page) for label, page in MEMBER_PAGES]
            links += [("党小组", f"{b}/groups/{g}") for g in self.led_groups(row["branch_id"])]
            if self.supervises(row["branch_id"]):  # who runs the branch, or supervises it
                links += [("支部看板", b + "/dashboard"), ("支部台账", b + "/items")]
        links.append(("消息", "/app/inbox"))
        links += [("机关党委", f"/app/i/{i}") for i in me["institution_committee"]]
        return links

    def render(self, template: str, **values: Any) -> Response:
        notice = self.request.args.get("ok") == "1"
        # Only codes and fields of the label tables: the address cannot put words in the page.
        error = self.request.args.get("error", "")
        error = error if error in ERROR else "bad_request" if error else ""
        given = self.request.args.get("fields", "").split(",")
        bad = [name for name in given if name in FIELD]
        return render.html(
            template,
            page=self,
            csrf=self.csrf,
            key=uuid.uuid4().hex,
            here=self.request.path,
            notice=notice,
            error=error,
            bad_fields=bad,
            signed_in=True,
            zone=self.zone(values.get("branch_id")),
            **values,
        )


def with_query(url: str, **values: str) -> str:
    present = {k: v for k, v in values.items() if v}
    return f"{url}?{urlencode(present)}" if present else url


def _names(error: HttpError) -> str:
    return ",".join(sorted(error.fields))[:300]

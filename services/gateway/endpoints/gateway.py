"""The gateway's own endpoints: signing in, users, the caller, the views and the exports."""

from __future__ import annotations

from typing import Any

from eventlog import utcnow
from services.common.handlers import Outcome
from services.common.queries import iso

from .. import commands
from ..access import admin_user, anyone, committee, reader
from ..errors import bad_input, password_change_required
from ..reach import fresh
from ..reach import queries as reach
from ..schemas import requests as q
from ..schemas import responses as r
from ..schemas import views as v
from ..users import handlers as users
from ..users import throttle
from ..users.credentials import hash_password, new_token_id
from ..users.domain import RegisterUser
from ..users.sessions import claims_of
from ..views import dashboards, entries, exports, life_exports, sheets
from .base import Endpoint, query

B = "/branches/{branch_id}"


def issue_token(ctx, username: str, password: str, **_: Any) -> dict[str, Any]:
    now, session = utcnow(), new_token_id()
    user = users.sign_in(ctx.service.log, username, password, now, _origin(ctx, username), session)
    if user.one_time:
        raise password_change_required()
    return ctx.service.tokens.issue(claims_of(user, session), now)


def sign_out(ctx, **_: Any) -> dict[str, Any]:
    """The caller's token refused from now on, at every gateway instance (users/sessions.py)."""
    ctx.service.tokens.end(ctx.claims, utcnow())
    return {"status": "signed_out", "checks": {}}


def change_password(ctx, old_password: str, new_password: str, **_: Any) -> dict[str, Any]:
    username = ctx.claims.username
    origin = _origin(ctx, username)

    def change(store: Any) -> Outcome:
        return users.change_password(store, username, old_password, new_password, utcnow(), origin)[
            1
        ]

    passwords = commands.sealed(ctx, username, old_password, new_password)
    commands.run(ctx, "change_password", {"username": username, "passwords": passwords}, change)
    # Whoever knew the old password is signed out everywhere, but here; on a retry too, which
    # completes what a crash cut short.
    ended = ctx.service.tokens.end_all(username, utcnow(), ctx.who.person_id, ctx.claims.token_id)
    return {"status": "changed", "checks": {"sessions_ended": str(ended)}}


def _origin(ctx, username: str) -> throttle.Origin:
    """The throttle's streams for this attempt, named under the key that signs the tokens."""
    return throttle.origin(ctx.service.tokens.key, ctx.client, username)


def me(ctx, **_: Any) -> dict[str, Any]:
    roles, _ = reach.member_roles(ctx.service.reach.db, ctx.who.person_id)
    return {**roles, "username": ctx.claims.username, "admin": ctx.claims.admin}


def register_user(ctx, username: str, person_id: str, password: str, admin: bool, actor_id: str):
    """A user for a person the ledger knows: a member of a branch, or on a committee (looked for
    again once the read model has caught up: the person may have been admitted a moment ago)."""
    if not _known(ctx, person_id):
        fresh.catch_up(ctx.service, {})
        if not _known(ctx, person_id):
            raise bad_input({"person_id": ["not a member of any branch nor on a committee"]})

    def register(store: Any) -> Outcome:
        cmd = RegisterUser(username, person_id, hash_password(password), admin)
        return users.register(store, cmd, actor_id)

    arguments = {"username": username, "person_id": person_id, "admin": admin}
    arguments["password"] = commands.sealed(ctx, username, password)
    return commands.run(ctx, "register_user", arguments, register).as_dict()


def _known(ctx, person_id: str) -> bool:
    roles, _ = reach.member_roles(ctx.service.reach.db, person_id)
    return bool(roles["branches"] or roles["institution_committee"])


def list_users(ctx, **_: Any) -> dict[str, Any]:
    rows = ctx.service.read_model.db.fetch_all(
        "SELECT username, person_id, admin, registered_at, locked_until, last_login_at"
        " FROM gateway.users ORDER BY username"
    )
    return {"users": [iso(user) for user in rows]}


ENDPOINTS = [
    Endpoint(
        "issue_token",
        "POST",
        "/auth/token",
        None,
        r.Token(),
        q.TokenRequest,
        call=issue_token,
        tag="auth",
        throttled=True,
        secret=True,
        summary="Sign in: a bearer token for a username and password",
    ),
    Endpoint(
        "sign_out",
        "POST",
        "/auth/sign-out",
        anyone,
        r.Check(),
        q.NoQuery,
        call=sign_out,
        tag="auth",
        unkeyed="signing out again changes nothing",
        summary="Sign out: your token is refused from now on",
    ),
    Endpoint(
        "change_password",
        "POST",
        "/auth/password",
        anyone,
        r.Check(),
        q.PasswordChange,
        call=change_password,
        tag="auth",
        throttled=True,
        summary="Change your password",
    ),
    query(
        "me",
        "/me",
        anyone,
        q.NoQuery,
        r.Me(),
        "Who you are: your branches and roles",
        call=me,
        tag="auth",
    ),
    Endpoint(
        "register_user",
        "POST",
        "/users",
        admin_user,
        r.CommandResult(),
        q.RegisterUser,
        call=register_user,
        tag="auth",
        summary="Register a user bound to a person",
    ),
    query(
        "list_users",
        "/users",
        admin_user,
        q.NoQuery,
        r.Users(),
        "Every user",
        call=list_users,
        tag="auth",
    ),
    query(
        "list_entries",
        B + "/entries",
        reader,
        q.Entries,
        r.Page(),
        "The ledger, one row per item occurrence: filtered, paged, optionally as of a day",
        call=entries.entries,
    ),
    query(
        "dashboard",
        B + "/dashboard",
        reader,
        q.YearView,
        v.Dashboard(),
        "Branch dashboard: goals, completion by level × kind × cadence, overdue, meetings, study",
        call=dashboards.dashboard,
        tag="views",
    ),
    query(
        "group_view",
        B + "/groups/{group_id}/view",
        reader,
        q.YearView,
        v.GroupView(),
        "A group: its items, meetings, study, and each member",
        call=dashboards.group_view,
        tag="views",
    ),
    query(
        "member_view",
        B + "/members/{member_id}/view",
        reader,
        q.YearView,
        v.MemberView(),
        "A member: their items, study and measures",
        call=dashboards.member_view,
        tag="views",
    ),
    query(
        "overview",
        "/institutions/{institution_id}/overview",
        committee,
        q.YearView,
        v.Overview(),
        "The branches side by side on the same measures, ranked",
        call=dashboards.overview,
        tag="views",
    ),
    query(
        "export_csv",
        B + "/exports/ledger.csv",
        reader,
        q.Export,
        None,
        "The filtered ledger as CSV",
        call=exports.ledger_csv,
        tag="exports",
        content="text/csv",
    ),
    query(
        "export_xlsx",
        B + "/exports/ledger.xlsx",
        reader,
        q.Export,
        None,
        "The filtered ledger as an Excel workbook",
        call=exports.ledger_xlsx,
        tag="exports",
        content=sheets.XLSX,
    ),
    query(
        "export_meetings_csv",
        B + "/exports/meetings.csv",
        reader,
        q.YearView,
        None,
        "The year's meetings held as CSV: lecturers, partners and places, attendance counts",
        call=life_exports.meetings_csv,
        tag="exports",
        content="text/csv",
    ),
    query(
        "export_meetings_xlsx",
        B + "/exports/meetings.xlsx",
        reader,
        q.YearView,
        None,
        "The year's meetings held as an Excel workbook",
        call=life_exports.meetings_xlsx,
        tag="exports",
        content=sheets.XLSX,
    ),
]

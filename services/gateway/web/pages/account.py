"""Signing in and out, the password, and where a person starts."""

from __future__ import annotations

from werkzeug.wrappers import Response

from eventlog import utcnow

from ...errors import to_http
from .. import render, session
from ..page import Page


def login_form(page: Page, error: str = "", status: int = 200) -> Response:
    return render.html(
        "login.html",
        status=status,
        csrf=page.csrf,
        error=error,
        signed_in=False,
        username=page.form.get("username", ""),
    )


def login(page: Page) -> Response:
    fields = {"username": page.form.get("username", ""), "password": page.form.get("password", "")}
    try:
        token = page.act("issue_token", fields)
    except Exception as exc:
        error = to_http(exc)
        code = "unauthorised" if error.status == 422 else error.code
        return login_form(page, code, error.status)
    answer = render.redirect("/app/")
    session.set_session(answer, token["access_token"], token["expires_in"])
    return answer


def logout(page: Page) -> Response:
    """Ends the session in the log, so that its token is refused from now on wherever it is
    kept (a copied cookie, a bearer header), then drops the cookie."""
    tokens = page.ctx.service.tokens
    claims = tokens.read(session.session_token(page.request))
    if claims is not None:
        tokens.end(claims, utcnow())
    answer = render.redirect("/app/login")
    session.end_session(answer)
    return answer


def password_form(page: Page) -> Response:
    return page.render("password.html")


def change_password(page: Page) -> Response:
    fields = {
        "old_password": page.form.get("old_password", ""),
        "new_password": page.form.get("new_password", ""),
    }
    if fields["new_password"] != page.form.get("repeat", ""):
        return render.redirect("/app/password?error=bad_input&fields=repeat")
    return page.perform("change_password", fields)


def home(page: Page) -> Response:
    """Where a person starts: their ledger, or the institution's overview for its committee."""
    me = page.me()
    if me["branches"]:
        return render.redirect(f"/app/b/{me['branches'][0]['branch_id']}/ledger")
    if me["institution_committee"]:
        return render.redirect(f"/app/i/{me['institution_committee'][0]}")
    return page.render("nothing.html")

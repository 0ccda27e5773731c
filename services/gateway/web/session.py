"""The web app's session and its protection against cross-site requests.

The session is the API's own bearer token (users/credentials.py), kept in a cookie the page's
scripts cannot read (HttpOnly), sent only with the site's own navigation (SameSite=Lax), and over
HTTPS only when TAIZHANG_COOKIE_SECURE=1 (behind TLS). It ends when its holder signs out (the
token's session is ended in the log: users/sessions.py), or when the token expires.

Every form carries a CSRF token: an HMAC, under the key that signs the tokens, of a random value
in a cookie of its own. Another site can make a browser send the cookie but cannot read it, so it
cannot write the matching token into a form (the double-submit pattern, with a signed token so a
cookie planted by a sibling subdomain does not match either).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from werkzeug.wrappers import Request, Response

SESSION_COOKIE = "tz_session"
CSRF_COOKIE = "tz_csrf"
CSRF_FIELD = "csrf_token"


def secure_cookies() -> bool:
    return os.environ.get("TAIZHANG_COOKIE_SECURE", "0") == "1"


def session_token(request: Request) -> str:
    return request.cookies.get(SESSION_COOKIE, "")


def set_session(response: Response, token: str, seconds: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=seconds,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=secure_cookies(),
    )


def end_session(response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="Lax", secure=secure_cookies()
    )


def csrf_seed(request: Request) -> tuple[str, bool]:
    """The browser's CSRF cookie value, or a new one (True: it must be set on the answer)."""
    seed = request.cookies.get(CSRF_COOKIE, "")
    if 20 <= len(seed) <= 100 and seed.isascii():
        return seed, False
    return secrets.token_urlsafe(32), True


def set_csrf_seed(response: Response, seed: str) -> None:
    response.set_cookie(
        CSRF_COOKIE, seed, path="/", httponly=True, samesite="Strict", secure=secure_cookies()
    )


def csrf_token(key: str, seed: str) -> str:
    return hmac.new(key.encode(), b"csrf:" + seed.encode(), hashlib.sha256).hexdigest()


def csrf_ok(key: str, request: Request) -> bool:
    seed = request.cookies.get(CSRF_COOKIE, "")
    given = request.form.get(CSRF_FIELD, "")
    return bool(seed) and hmac.compare_digest(csrf_token(key, seed), given)

"""The web app's routes as entrypoints of the gateway, like the API's (service.py).

A route is a URL under /app/ and a function of the page (page.py) and the path's values. Its
entrypoint signs the caller in from the session cookie (a page without one goes to the sign-in
page), checks a form's CSRF token, runs the function, and answers an error as a page in Chinese:
what is outside the caller's reach is the same 404 page as what does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.security import safe_join
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from .. import dispatch, uploads
from ..clients import client_address
from ..entrypoint import EXPECTED, HttpEntrypoint
from ..errors import to_http
from . import render, session
from .page import Page

PREFIX = "/app"


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    url: str  # werkzeug's rule, under PREFIX
    view: Callable[..., Response]
    signed_in: bool = True
    # True: no client address in its access-log line (as the API's peer review: the line's time
    # would tie whoever wrote a review to it)
    anonymous: bool = False


class WebEntrypoint(HttpEntrypoint):
    """An HTTP entrypoint whose errors are pages, not JSON."""

    def response_from_exception(self, exc: Exception) -> Response:
        error = to_http(exc)
        if error.status == 401:
            return render.redirect(PREFIX + "/login")
        return render.error_page(error.status, error.code)


def web(method: str, url: str, anonymous: bool = False):
    return WebEntrypoint.decorator(method, url, anonymous=anonymous, expected_exceptions=EXPECTED)


def serve(service: Any, route: Route, request: Request, path: dict[str, Any]) -> Response:
    ctx = dispatch.Context(service, client_address(request, service.config))
    key = service.tokens.key
    seed, new_seed = session.csrf_seed(request)
    page = Page(ctx, request, session.csrf_token(key, seed))
    uploads.limit_request(request)  # before the form is read: its CSRF token among it
    if route.method == "POST" and not session.csrf_ok(key, request):
        response = render.error_page(400, "csrf", signed_in=False)
    else:
        if route.signed_in:
            dispatch.authenticate(ctx, session.session_token(request))
        response = route.view(page, **path)
    if new_seed:
        session.set_csrf_seed(response, seed)
    return response


def static(service: Any, request: Request, name: str) -> Response:
    """The app's own files (its stylesheet, script and the vendored ECharts), streamed, with
    an ETag: a browser that has a file (ECharts is 1 MB) is answered 304, not sent it again."""
    found = safe_join(str(render.STATIC), name)
    if found is None or not Path(found).is_file():
        return render.error_page(404, "not_found", signed_in=False)
    response = send_file(found, request.environ, conditional=True, max_age=3600)
    # The pages' headers, but not their no-store: these files may be kept (send_file's max_age).
    response.headers.update({k: v for k, v in render.HEADERS.items() if k != "Cache-Control"})
    return response


def entrypoint(route: Route):
    @web(route.method, PREFIX + route.url, anonymous=route.anonymous)
    def method(self, request: Request, **path: Any) -> Response:
        return serve(self, route, request, path)

    method.__name__ = "web_" + route.name
    return method


def install(service_class: type, routes: list[Route]) -> None:
    """The routes as entrypoints of the gateway (nameko finds them when a container starts)."""
    for route in routes:
        setattr(service_class, "web_" + route.name, entrypoint(route))

    @web("GET", "/static/<path:name>")
    def web_static(self, request: Request, name: str) -> Response:
        return static(self, request, name)

    @web("GET", "/")
    def web_root(self, request: Request) -> Response:
        return render.redirect(PREFIX + "/")

    service_class.web_static = web_static
    service_class.web_root = web_root

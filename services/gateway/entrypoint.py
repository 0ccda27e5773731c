"""The HTTP entrypoint: JSON errors in one body (pages in the web app's paths), a correlation id
per request, answers by status.

As in nameko-examples' gateway, `response_from_exception` is where errors become answers; here
through errors.to_http, which holds the one table of remote errors. Requests that match no route
get the same JSON body from the web server, and those refused before routing (a header too
long) from the connection's protocol (protocol.py), which also keeps the client address of an
anonymous route out of the access log.
"""

from __future__ import annotations

import uuid

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from prometheus_client import Counter
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from services.common import errors as shared

from .errors import (
    HttpError,
    RemoteCallError,
    ServiceUnavailable,
    error_response,
    from_werkzeug,
    to_http,
)
from .protocol import ANONYMOUS, GatewayProtocol
from .web.render import error_page

# Only the status is counted here: time and errors per endpoint are the shared entrypoint metrics
# (services/common/observability.py, kind="http"), one source for every service, whose errors
# name an exception class rather than the status it was answered with.
REQUESTS = Counter(
    "gateway_http_requests_total", "HTTP requests answered", ["endpoint", "method", "status"]
)
CORRELATION_HEADER = "X-Correlation-Id"
WEB_PATHS = ("/app/", "/static/")  # the web app's (web/app.py)


class JsonWsgiApp(WsgiApp):
    """nameko's WsgiApp, answering routing errors (no such path, method not allowed) in JSON."""

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
        except HTTPException as exc:
            error = from_werkzeug(exc)
            if request.path.startswith(WEB_PATHS):  # a person's browser: a page, in Chinese
                return error_page(error.status, error.code)(environ, start_response)
            return error_response(error)(environ, start_response)
        request.path_values = values
        if provider.anonymous:
            environ[ANONYMOUS] = True
        return provider.handle_request(request)(environ, start_response)


class JsonWebServer(WebServer):
    def get_wsgi_app(self) -> JsonWsgiApp:
        return JsonWsgiApp(self)

    def get_wsgi_server(self, sock, wsgi_app, protocol=GatewayProtocol, debug=False):
        return super().get_wsgi_server(sock, wsgi_app, protocol=protocol, debug=debug)

    def context_data_from_headers(self, request: Request) -> dict[str, str]:
        """Every event a request causes, in any service, carries the request's correlation id."""
        given = request.headers.get(CORRELATION_HEADER, "")
        valid = 0 < len(given) <= 64 and given.replace("-", "").isalnum()
        return {"correlation_id": given if valid else uuid.uuid4().hex}


class HttpEntrypoint(HttpRequestHandler):
    server = JsonWebServer()

    def __init__(self, method: str, url: str, anonymous: bool = False, **options):
        super().__init__(method, url, **options)
        self.anonymous = anonymous

    def handle_request(self, request: Request) -> Response:
        response = super().handle_request(request)
        REQUESTS.labels(self.method_name, request.method, str(response.status_code)).inc()
        return response

    def response_from_exception(self, exc: Exception) -> Response:
        return error_response(to_http(exc))


# What an endpoint raises on purpose: answered without a traceback in the log.
EXPECTED = (HttpError, RemoteCallError, ServiceUnavailable, *shared.EXPECTED)


def http(method: str, url: str, **options):
    options.setdefault("expected_exceptions", EXPECTED)
    return HttpEntrypoint.decorator(method, url, **options)

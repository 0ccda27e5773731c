"""The HTTP entrypoint: JSON errors in one body (pages in the web app's paths), a correlation id
per request, answers by status.

As in nameko-examples' gateway, `response_from_exception` is where errors become answers; here
through errors.to_http, which holds the one table of remote errors. Requests that match no route
get the same JSON body from the web server. The access log (eventlet's, logger
nameko.web.server) holds no client address for an anonymous route: on an intranet an address
names a person, and the line's time would tie them to the review the request stored.
"""

from __future__ import annotations

import uuid

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from prometheus_client import Counter
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Request, Response

from services.common import errors as shared

from .errors import HttpError, RemoteCallError, ServiceUnavailable, error_response, to_http
from .web.render import error_page

# Only the status is counted here: time and errors per endpoint are the shared entrypoint metrics
# (services/common/observability.py, kind="http"), one source for every service, whose errors
# name an exception class rather than the status it was answered with.
REQUESTS = Counter(
    "gateway_http_requests_total", "HTTP requests answered", ["endpoint", "method", "status"]
)
CORRELATION_HEADER = "X-Correlation-Id"
WEB_PATHS = ("/app/", "/static/")  # the web app's (web/app.py)
ANONYMOUS = "taizhang.anonymous"  # set in a request's WSGI environ when its route is anonymous


class JsonWsgiApp(WsgiApp):
    """nameko's WsgiApp, answering routing errors (no such path, method not allowed) in JSON."""

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
        except HTTPException as exc:
            if request.path.startswith(WEB_PATHS):  # a person's browser: a page, in Chinese
                status = exc.code or 400
                code = {404: "not_found", 405: "method_not_allowed"}.get(status, "bad_request")
                return error_page(status, code)(environ, start_response)
            return self.error(exc)(environ, start_response)
        request.path_values = values
        if provider.anonymous:
            environ[ANONYMOUS] = True
        return provider.handle_request(request)(environ, start_response)

    @staticmethod
    def error(exc: HTTPException) -> Response:
        status = exc.code or 400
        code = {404: "not_found", 405: "method_not_allowed"}.get(status, "bad_request")
        response = error_response(HttpError(status, code, exc.description or code))
        if isinstance(exc, MethodNotAllowed):
            response.headers["Allow"] = ", ".join(exc.valid_methods or ())
        return response


class AccessLogProtocol(HttpOnlyProtocol):
    """The address eventlet writes in access-log and error lines: none for anonymous routes."""

    def get_client_address(self):
        if getattr(self, "environ", {}).get(ANONYMOUS):
            return ("-", "-")
        return super().get_client_address()


class JsonWebServer(WebServer):
    def get_wsgi_app(self) -> JsonWsgiApp:
        return JsonWsgiApp(self)

    def get_wsgi_server(self, sock, wsgi_app, protocol=AccessLogProtocol, debug=False):
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

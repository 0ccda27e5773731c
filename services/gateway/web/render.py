"""Pages from Jinja2 templates, every value escaped, with the headers every page carries.

The Content-Security-Policy admits scripts from the site only (no inline script, no other
origin): a chart's data travels in a `<script type="application/json">` block, which the browser
never runs, and static/app.js draws it. Styles may be inline because ECharts styles the tooltips
it writes; nothing a user wrote is ever put in a style.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from werkzeug.wrappers import Response

from services.common import attachments, written
from services.common.labels import label
from services.common.periods import DEFAULT_TIMEZONE

HERE = Path(__file__).parent
STATIC = HERE / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


@pass_context
def moment(context: Context, value: str | None) -> str:
    """A stored time (ISO, with its zone) as the page's people read it: 2026年3月9日 18:05, in
    the zone the page gives (the branch's)."""
    if not value:
        return ""
    zone = ZoneInfo(context.get("zone") or DEFAULT_TIMEZONE)
    return written.moment(datetime.fromisoformat(value).astimezone(zone))


def cycle(found: dict[str, Any]) -> str:
    """An appraisal cycle by its name: 2026年第一季度评议."""
    return written.cycle_name(found["kind"], found["period"])


ENV = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters["label"] = lambda code, table: label(table, code)
ENV.filters["percent"] = percent
ENV.filters["moment"] = moment
ENV.filters["day"] = written.day
ENV.filters["period"] = written.period
ENV.filters["size"] = written.size
ENV.filters["cadence"] = lambda entry: written.cadence(entry["cadence"], entry.get("review"))
ENV.filters["cycle"] = cycle
ENV.filters["seg"] = lambda value: quote(str(value), safe="")  # one segment of a path
ENV.globals["today"] = date.today
ENV.globals["upload_limit"] = attachments.max_bytes


def html(template: str, status: int = 200, **values: Any) -> Response:
    text = ENV.get_template(template).render(**values)
    return Response(text, status=status, mimetype="text/html", headers=HEADERS)


def redirect(location: str, status: int = 303) -> Response:
    return Response("", status=status, headers={"Location": location, **HEADERS})


def error_page(status: int, code: str, signed_in: bool = True) -> Response:
    """The page for an answer other than success: its status, and the code's Chinese."""
    return html("error.html", status=status, status_code=status, code=code, signed_in=signed_in)

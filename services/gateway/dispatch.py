"""One request through one endpoint: caller → target → rule → arguments → call → answer.

The service's entrypoints are all this one function over the endpoint table; what differs
between endpoints is data (endpoints/), and views (views/) for the answers that aggregate.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from eventlet.greenpool import GreenPile
from marshmallow import ValidationError
from werkzeug.wrappers import Request, Response

from eventlog import utcnow

from . import idempotency, preconditions, storable, uploads
from .access import RULE_NAMES, Access, Target
from .body import read_body
from .clients import client_address
from .endpoints.base import Endpoint
from .errors import HttpError, bad_input, forbidden, json_response, not_found, to_http, unauthorised
from .reach import fresh, queries
from .rpc import rpc_timeout
from .users.credentials import Claims

REFUSALS = (403, 404)  # answered only once the reach read model has caught up (reach/fresh.py)
# An Idempotency-Key's claim not completed after this many RPC timeouts is taken to be of an
# attempt that died (its gateway killed): a request makes a few calls, each bounded by one.
CLAIM_TIMEOUTS = 2


@dataclass
class Context:
    """A request's caller and the service's dependencies, for endpoints and views."""

    service: Any  # the worker's service instance: its RPC proxies, log and read model
    client: str = ""  # the address the request came from (clients.py)
    claims: Claims | None = None
    who: Access = field(default_factory=lambda: Access(person_id=""))
    command_key: str | None = None  # sent with the request's command (services/common/keyed.py)
    upload: uploads.Upload | None = None  # an upload's file, received and checked (uploads.py)

    def rpc(self, name: str) -> Any:
        return getattr(self.service, name)

    def gather(self, calls: list[tuple[str, str, dict[str, Any]]]) -> list[Any]:
        """Several RPC calls at once: (service, method, arguments) → answers, in order."""
        pile = GreenPile(max(len(calls), 1))
        for service, method, arguments in calls:
            pile.spawn(getattr(self.rpc(service), method), **arguments)
        return list(pile)


def handle(service: Any, endpoint: Endpoint, request: Request, path: dict[str, Any]) -> Response:
    ctx = Context(service, client_address(request, service.config))
    if endpoint.rule is not None:
        authenticate(ctx, bearer_token(request))
    if endpoint.upload:
        given, ctx.upload = uploads.received(request)
    else:
        given = read_body(request) if endpoint.method == "POST" else request.args.to_dict()
    headers = request.headers
    key, if_match = headers.get("Idempotency-Key"), headers.get("If-Match")
    return run(ctx, endpoint, path, given, key, request.path, if_match)


def run(
    ctx: Context,
    endpoint: Endpoint,
    path: dict,
    given: Any,
    key: str | None,
    url: str,
    if_match: str | None = None,
):
    """The endpoint for an authenticated caller (or none), with its fields as given: the API's
    answer, and the web app's (which reads the same answer's JSON). `if_match`: the request's
    If-Match header (preconditions.py)."""
    expected = _precondition(endpoint, if_match)
    if not endpoint.takes_key:
        return respond(ctx, endpoint, path, given, expected)
    key = idempotency.checked_key(key)
    # Without a key, one of its own: a request the broker delivers twice still runs once.
    ctx.command_key = idempotency.command_key(ctx.who.person_id, key) if key else uuid.uuid4().hex
    # The answer of a secret one is not kept: its command answers a retry from its record.
    if not key or endpoint.secret:
        return respond(ctx, endpoint, path, given, expected)
    return respond_once(ctx, endpoint, path, given, key, url, expected)


def respond_once(
    ctx: Context, endpoint: Endpoint, path, body, key: str, url: str, expected: int | None
):
    """The request under its Idempotency-Key: the first answer, or the request run (again, after
    a 5xx or a dead claim: its command then takes effect once, by its command key)."""
    log, person = ctx.service.log, ctx.who.person_id
    described = {
        "method": endpoint.method,
        "path": url,
        "body_hash": idempotency.body_hash(body, ctx.service.tokens.key),
    }
    stale = timedelta(seconds=CLAIM_TIMEOUTS * rpc_timeout(ctx.service.config))
    claimed = idempotency.claim(log, person, key, described, utcnow(), stale)
    if isinstance(claimed, idempotency.Replay):
        headers = {"Idempotent-Replayed": "true", **preconditions.etag(claimed.body)}
        return json_response(claimed.body, claimed.status, headers)
    try:
        response = respond(ctx, endpoint, path, body, expected)
    except Exception as exc:
        error = to_http(exc)
        idempotency.complete(log, claimed, error.status, error.body())
        raise error from exc
    idempotency.complete(log, claimed, response.status_code, json.loads(response.data))
    return response


def respond(ctx: Context, endpoint: Endpoint, path: dict, given: Any, expected: int | None):
    authorised(ctx, endpoint, path)
    given = validated(endpoint, given)
    if callable(endpoint.call):
        result = endpoint.call(ctx, **given, **path, actor_id=ctx.who.person_id)
    else:
        method = getattr(ctx.rpc(endpoint.service), endpoint.call or endpoint.name)
        arguments = endpoint.arguments(given, path, ctx.who.person_id)
        if ctx.command_key is not None:
            arguments["command_key"] = ctx.command_key
        if expected is not None:
            arguments["expected_version"] = expected
        result = method(**arguments)
        if endpoint.method == "POST":
            fresh.after_command(ctx.service, result)
    if isinstance(result, Response):
        return result
    answer = endpoint.response.dump(result) if endpoint.response else result
    return json_response(answer, headers=preconditions.etag(answer))


def _precondition(endpoint: Endpoint, if_match: str | None) -> int | None:
    """The version a command's If-Match asks it to write at. Only the services' commands can
    honour one; elsewhere it is refused, never ignored (ignoring it would lose the update it
    guards against)."""
    if endpoint.method != "POST":
        return None
    expected = preconditions.expected_version(if_match)
    if expected is not None and not endpoint.preconditioned:
        raise bad_input({"If-Match": ["not taken by this endpoint"]})
    return expected


def bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authenticate(ctx: Context, token: str) -> None:
    """The caller from their token (the API's bearer token, the web app's session cookie), and
    their reach from the gateway's read model. A person it knows nothing of yet (added a moment
    ago, elsewhere) is looked for again once it has caught up."""
    claims = ctx.service.tokens.read(token) if token else None
    if claims is None:
        raise unauthorised("a valid bearer token is needed (POST /api/v1/auth/token)")
    ctx.claims = claims
    ctx.who = _access(ctx)
    if not (ctx.who.memberships or ctx.who.committee):
        fresh.catch_up(ctx.service, {})
        ctx.who = _access(ctx)


def _access(ctx: Context) -> Access:
    assert ctx.claims is not None
    return queries.access(ctx.service.reach.db, ctx.claims.subject, ctx.claims.admin)


def authorised(ctx: Context, endpoint: Endpoint, path: dict[str, Any]) -> Target:
    """What the path names, if the caller may act on it. A refusal (404, 403) is checked again
    once the read model has caught up: the path may name what was written a moment ago."""
    if storable.unstorable(path):
        raise not_found("resource")
    try:
        return _checked(ctx, endpoint, path)
    except HttpError as refused:
        if refused.status not in REFUSALS or ctx.claims is None:
            raise
    fresh.catch_up(ctx.service, path)
    ctx.who = _access(ctx)
    return _checked(ctx, endpoint, path)


def _checked(ctx: Context, endpoint: Endpoint, path: dict[str, Any]) -> Target:
    target = resolve(ctx, path)
    if endpoint.rule is not None and not endpoint.rule(ctx.who, target):
        raise forbidden(f"this needs: {RULE_NAMES[endpoint.rule]}")
    return target


def resolve(ctx: Context, path: dict[str, Any]) -> Target:
    """What the path names, refused as not found when it is outside the caller's reach."""
    who, found = ctx.who, queries.named(ctx.service.reach.db, path)
    branch_id = path.get("branch_id")
    if "item_id" in path:
        if found.item is None or not who.sees(found.item["branch_id"]):
            raise not_found("item")  # another branch's item is not found either
        branch_id = found.item["branch_id"]
    if branch_id is not None and not who.sees(branch_id):
        raise not_found("branch")
    cycle_id = path.get("cycle_id")
    if cycle_id is not None and found.cycle_branch != branch_id:
        raise not_found("appraisal cycle")  # not in this branch: the same as not at all
    institution_id = path.get("institution_id")
    if institution_id is not None and not who.sees_institution(institution_id):
        raise not_found("institution")
    member_id = path.get("member_id")
    if member_id is not None and not _member_of(who, found, member_id, branch_id):
        raise not_found("member")
    return Target(
        branch_id=branch_id,
        institution_id=institution_id or (who.institution_of(branch_id) if branch_id else None),
        member_id=member_id,
        item=found.item,
    )


def _member_of(who: Access, found: queries.Named, member_id: str, branch_id: str | None) -> bool:
    if member_id == who.person_id:
        return branch_id in who.memberships
    return found.member_in_branch


def validated(endpoint: Endpoint, given: dict[str, Any]) -> dict[str, Any]:
    """The request's fields, checked. A service gets them as given: it loads them itself, with the
    same schema (whose post_load builds its command); a view gets them loaded, typed."""
    schema = endpoint.request_schema()
    if schema is None:
        return {}
    refused = storable.refusals(given)
    if refused:
        raise bad_input(refused)
    if not callable(endpoint.call):
        errors = schema.validate(given)
        if errors:
            raise bad_input(errors)
        return given
    try:
        return schema.load(given)
    except ValidationError as error:
        raise bad_input(error.messages) from None

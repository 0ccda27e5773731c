"""An HTTP endpoint as data: the route, who may call it, what it takes, what it answers.

The gateway's routes, its OpenAPI description and its authorisation all read the same table, so
a capability is added in one place: a row naming the service's RPC method and schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema

from ..access import Rule
from ..schemas import responses as r

PREFIX = "/api/v1"
INTEGER_PARAMS = ("year",)  # path parameters that are numbers; all others are ids
_PARAM = re.compile(r"{(\w+)}")

# A view: computes its answer from the request's context and its validated arguments.
View = Callable[..., Any]


@dataclass(frozen=True)
class Endpoint:
    name: str  # the operation id, and the method's name on the service
    method: str
    path: str  # OpenAPI style, under PREFIX: /branches/{branch_id}/groups
    rule: Rule | None  # None: public, no token needed
    response: Schema | None  # None: a file (see `content`)
    schema: type[Schema] | None = None  # the body (POST) or query (GET) schema
    service: str = "ledger"
    call: str | View = ""  # the RPC method (default: `name`) or a view
    tag: str = "ledger"
    summary: str = ""
    content: str = "application/json"
    as_caller: tuple[str, ...] = ()  # fields of the schema that name the caller, like actor_id
    # True: the request must not be tied to its caller in anything the gateway keeps (a peer
    # review): no Idempotency-Key record, and no client address in its access-log line.
    anonymous: bool = False
    throttled: bool = False  # checks a password: 429 while where it comes from must wait
    # True: the answer holds a secret (one-time passwords, a token), which the log must not keep:
    # no record of the answer under the Idempotency-Key. A keyed command among them answers a
    # retry from its command's record instead (commands.py).
    secret: bool = False
    # Why the endpoint ignores an Idempotency-Key although it changes something (OpenAPI says so)
    unkeyed: str = ""
    # True: the request is multipart/form-data with a file (uploads.py), not a JSON body
    upload: bool = False

    @property
    def url(self) -> str:
        return PREFIX + self.path

    @property
    def takes_key(self) -> bool:
        """A command that honours an Idempotency-Key: a signed-in caller's (their keys are
        theirs), not anonymous (a key would tie them to what they sent)."""
        return (
            self.method == "POST" and self.rule is not None and not (self.anonymous or self.unkeyed)
        )

    @property
    def preconditioned(self) -> bool:
        """A service's command, which honours If-Match (preconditions.py)."""
        return self.method == "POST" and not callable(self.call)

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(_PARAM.findall(self.path))

    @property
    def werkzeug_rule(self) -> str:
        return _PARAM.sub(
            lambda m: f"<int:{m[1]}>" if m[1] in INTEGER_PARAMS else f"<{m[1]}>", self.url
        )

    def fields(self) -> dict[str, Any]:
        return dict(self.schema._declared_fields) if self.schema else {}

    def request_schema(self) -> Schema | None:
        """The schema without what the gateway fills in: the actor and the path's parameters."""
        if self.schema is None:
            return None
        fixed = {"actor_id", *self.as_caller, *self.params} & set(self.fields())
        return self.schema(exclude=sorted(fixed))

    def arguments(self, given: dict[str, Any], path: dict[str, Any], actor_id: str) -> dict:
        """What the call receives: the request's fields, the path's, and the caller as actor."""
        known = self.fields()
        fixed = {name: value for name, value in path.items() if name in known}
        fixed |= {name: actor_id for name in ("actor_id", *self.as_caller) if name in known}
        return {**given, **fixed}


def command(name: str, path: str, rule: Rule, schema: type[Schema], summary: str, **more):
    """A POST that changes something and answers with the command's outcome."""
    return Endpoint(name, "POST", path, rule, r.CommandResult(), schema, summary=summary, **more)


@dataclass(frozen=True)
class Route:
    """Where a service's command is reached over HTTP, and who may send it."""

    path: str
    rule: Rule
    summary: str
    more: Mapping[str, Any] = field(default_factory=dict)  # the Endpoint's other options


def route(path: str, rule: Rule, summary: str, **more: Any) -> Route:
    return Route(path, rule, summary, more)


def commands(table: Mapping[str, type[Schema]], routes: Mapping[str, Route], **more) -> list:
    """The endpoints of a service's commands, one a row of its command table (its schema
    there, unless the route names the request's own: an upload's), in the table's order. A
    command without a route, or a route to no command, stops the gateway from starting: a
    command the service adds is a decision here too."""
    if set(table) != set(routes):
        missing, unknown = sorted(set(table) - set(routes)), sorted(set(routes) - set(table))
        raise LookupError(f"commands without a route: {missing}; routes to none: {unknown}")
    return [
        command(name, r.path, r.rule, options.pop("schema", table[name]), r.summary, **options)
        for name in table
        for r in (routes[name],)
        for options in ({**more, **r.more},)
    ]


def query(name: str, path: str, rule: Rule, schema, response: Schema, summary: str, **more):
    return Endpoint(name, "GET", path, rule, response, schema, summary=summary, **more)

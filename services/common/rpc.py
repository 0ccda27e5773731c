"""The RPC command methods every service builds alike, from its table of commands.

A service's command table (`COMMANDS` in its schemas/commands.py, made by
schemas.command_table) names each command once, by its schema: the service binds each to the
handler of the same name (`bound`) and makes an RPC method of it; the gateway makes its routes
to the service from the same table.

A command method loads its keyword arguments with the command's schema (BadInput, a marshmallow
ValidationError, carries the field messages), calls one handler, applies the events to the
service's read model before it returns (so the caller reads its own write; the relay and the
sweep deliver them everywhere else), and answers the outcome as plain JSON. Given a
`command_key`, it takes effect once for that key, and a retry gets the first outcome (keyed.py).
Given an `expected_version`, it is refused unless it writes at that version (handlers.Expecting).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import ModuleType
from typing import Any

from eventlog import utcnow

from . import keyed
from .errors import EXPECTED
from .handlers import Outcome, expecting
from .messaging import rpc
from .schemas import Command, load

# (command, what the handler works with, now) → what the command did
Handler = Callable[[Any, Any, datetime], Outcome]
# RPC name → (schema class, handler): every command a service accepts
Commands = Mapping[str, tuple[type[Command], Handler]]
# (the service instance, the store to write to) → what its handlers work with (that store, or a
# context of ports around it)
Ports = Callable[[Any, Any], Any]


def bound(table: Mapping[str, type[Command]], *modules: ModuleType) -> Commands:
    """Each command of the table with its handler: the function of its name in one of the
    service's handler modules (a command without one stops the service from starting)."""
    commands = {}
    for name, schema in table.items():
        handlers = [getattr(m, name) for m in modules if callable(getattr(m, name, None))]
        if len(handlers) != 1:
            raise LookupError(f"command {name}: {len(handlers)} handlers of that name")
        commands[name] = (schema, handlers[0])
    return commands


def command_method(name: str, schema: Command, handle: Handler, ports: Ports) -> Callable:
    """An RPC method for one command: load → handle → apply to the read model → answer."""

    @rpc(expected_exceptions=EXPECTED)
    def method(
        self, command_key: str | None = None, expected_version: int | None = None, **payload: Any
    ) -> dict[str, Any]:
        cmd = load(schema, payload)
        outcome = keyed.run(
            self.log,
            command_key,
            name,
            payload,
            lambda store: handle(cmd, ports(self, expecting(store, expected_version)), utcnow()),
        )
        self.read_model.apply(outcome.events)
        return outcome.as_dict()

    method.__name__ = name
    method.__doc__ = f"Command {schema.command.__name__}: returns the id, version and events."
    return method


def add_command_methods(service: type, commands: Commands, ports: Ports) -> None:
    """Sets one command method per row of `commands` on the service class.

    The methods are all alike, so they are made from the table; nameko finds entrypoints on the
    class when a container starts, after this has run. Each schema is built once, here.
    """
    for name, (schema, handle) in commands.items():
        setattr(service, name, command_method(name, schema(), handle, ports))

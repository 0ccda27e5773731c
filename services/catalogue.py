"""Every event of taizhang, who appends it and who reads it, from the code itself.

The producers' definitions (each service's `events.py`), the read models that subscribe to their
streams, and the modules that read their payloads (eventlog/contract.py finds where). The
contract test (tests/contract) checks them against each other; `python -m services.catalogue`
writes docs/events.md from them (`--check`: exit 1 when the committed file is not current).
"""

from __future__ import annotations

import argparse
import sys
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eventlog import Catalogue, Event
from eventlog.contract import Read, check, readers, source_reads, statement_reads
from eventlog.definitions import REQUIRED, made
from services.appraisal import events as appraisal
from services.appraisal.projection import PROJECTION as APPRAISAL
from services.common import events as common
from services.gateway import events as gateway
from services.gateway.reach.projection import PROJECTION as REACH
from services.gateway.users.projection import PROJECTION as USERS
from services.ledger import events as ledger
from services.ledger.projection import PROJECTION as LEDGER
from services.ledger.rectifications import RECTIFICATIONS
from services.notify import events as notify
from services.notify.projection import PROJECTION as NOTIFY

CATALOGUES = (ledger.EVENTS, appraisal.EVENTS, notify.EVENTS, gateway.EVENTS, common.EVENTS)
PROJECTIONS = (LEDGER, RECTIFICATIONS, APPRAISAL, NOTIFY, USERS, REACH)
ROOT = Path(__file__).parent.parent
DOCUMENT = ROOT / "docs" / "events.md"


def modules() -> dict[str, Path]:
    """The services' modules by name (their tests are no readers)."""
    return {
        ".".join(path.relative_to(ROOT).with_suffix("").parts): path
        for path in sorted((ROOT / "services").rglob("*.py"))
        if "tests" not in path.relative_to(ROOT).parts
    }


def reads(catalogues: Iterable[Catalogue] = CATALOGUES) -> list[Read]:
    """Every read of a payload: in the services' code, and by the read models' statements."""
    definitions = [catalogue.module for catalogue in catalogues]
    found = [
        read
        for name, path in modules().items()
        for read in source_reads(name, path.read_text(), definitions)
    ]
    return found + [read for p in PROJECTIONS for read in statement_reads(p)]


def problems(catalogues: Iterable[Catalogue] = CATALOGUES) -> list[str]:
    catalogues = list(catalogues)
    return check(catalogues, PROJECTIONS, reads(catalogues))


# -- the document -----------------------------------------------------------------------------

_PLAIN = {str: "text", int: "integer", float: "number", bool: "true or false", Any: "any JSON"}


def describe(annotation: Any) -> str:
    """A field's type, as the JSON of the payload holds it."""
    if annotation in _PLAIN:
        return _PLAIN[annotation]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return f"text: {args[1]}"
    if origin in (typing.Union, types.UnionType):
        kept = [describe(arg) for arg in args if arg is not type(None)]
        return " or ".join(kept) + (" or null" if type(None) in args else "")
    if origin is list:
        return f"list of {describe(args[0])}"
    if origin is dict:
        return f"map of {describe(args[0])} to {describe(args[1])}"
    if typing.is_typeddict(annotation):
        hints = typing.get_type_hints(annotation, include_extras=True)
        return "{" + ", ".join(f"{k}: {describe(v)}" for k, v in hints.items()) + "}"
    return getattr(annotation, "__name__", str(annotation))


def _type(definition: type[Event], read_by: set[str], ignored_by: set[str]) -> list[str]:
    version = f"version {definition.schema_version}"
    if definition.upcasters:
        older = ", ".join(str(v) for v in sorted(definition.upcasters))
        version += f" (stored versions {older} are read as it: upcast)"
    retired = "; retired: no longer appended, still read" if definition.retired else ""
    doc = (definition.__doc__ or "").strip()
    lines = [f"### {definition.type}", ""]
    lines += [f"Stream `{definition.category}-…`, {version}{retired}."]
    if doc and not doc.startswith(f"{definition.type}("):  # the dataclass's own is no doc
        lines += ["", " ".join(doc.split())]
    if definition.fields:
        lines += ["", "| field | type |", "|---|---|"]
        lines += [f"| `{name}` | {_field(definition, name)} |" for name, _ in definition.fields]
    else:
        lines += ["", "No fields."]
    lines += ["", "Read by: " + (", ".join(f"`{r}`" for r in sorted(read_by)) or "nobody")]
    if ignored_by:
        lines += ["", "Ignored by: " + ", ".join(f"`{r}`" for r in sorted(ignored_by))]
    return [*lines, ""]


def _field(definition: type[Event], name: str) -> str:
    text = describe(definition.field_types()[name])
    default = dict(definition.fields)[name]
    if name in definition.omitted:
        return f"{text}; left out when null"
    if default is not REQUIRED:
        return f"{text}; absent from early events, read as {made(default)!r}"
    return text


def document() -> str:
    read_by = readers(reads(), PROJECTIONS)
    lines = [
        "# Events",
        "",
        "Generated by `python -m services.catalogue` (`make events`) from the producers'",
        "definitions (each service's `events.py`) and from where the code reads them; a test",
        "checks that this file is current. Do not edit it by hand.",
        "",
        "Readers are the read models (by their names) and the modules that read a payload",
        "through its definition. Days and times are ISO text in the payload, as the log stores",
        "them. See the README for how an event is added or changed.",
        "",
    ]
    for catalogue in CATALOGUES:
        path = catalogue.module.replace(".", "/") + ".py"
        lines += [f"## {catalogue.producer} (`{path}`)", ""]
        for definition in catalogue.types.values():
            ignored_by = {p.name for p in PROJECTIONS if definition.type in p.ignored}
            lines += _type(definition, read_by.get(definition.type, set()), ignored_by)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.catalogue", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/events.md is stale")
    args = parser.parse_args(argv)
    text = document()
    if args.check:
        current = DOCUMENT.exists() and DOCUMENT.read_text("utf-8") == text
        print("docs/events.md is current" if current else "docs/events.md is stale: make events")
        return 0 if current else 1
    DOCUMENT.write_text(text, "utf-8")
    print(f"{DOCUMENT.relative_to(ROOT)}: {sum(len(c.types) for c in CATALOGUES)} event types")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""No service leans on another's internals. A service's modules import of another service only
its events (`services/<it>/events.py`, the contract of its streams) and its schemas
(`services/<it>/schemas/`, the shapes of its commands and queries, with its command table);
services/common imports none. What composes several services stands apart and is exempt:
services/cli.py and services/catalogue.py (outside every service), the tests, and the demo
loaders, which run before any service does and read the ledger's demo in process."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent
SERVICES = ("ledger", "appraisal", "notify", "gateway")
PUBLISHED = ("events", "schemas")
DEMO_LOADERS = {"services.appraisal.demo", "services.gateway.demo"}


def imported(module: str, source: str) -> list[tuple[int, str]]:
    """(line, module) of every import in `source`, the module `module`, made absolute."""
    package = module.rsplit(".", 1)[0].split(".")
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            named = [node.module] if node.module else []
            base = ".".join(package[: len(package) - node.level + 1] + named) if node.level else ""
            # `from services.ledger import events`: the module imported is services.ledger.events
            found += [(node.lineno, f"{base or node.module}.{alias.name}") for alias in node.names]
    return found


def violations(module: str, source: str) -> list[str]:
    """The imports of `module` that reach into another service (or, from common, any)."""
    own = module.split(".")[1]
    found = []
    for line, name in imported(module, source):
        parts = name.split(".")
        if parts[0] != "services" or len(parts) < 3 or parts[1] not in SERVICES:
            continue
        if parts[1] != own and (own == "common" or parts[2] not in PUBLISHED):
            found.append(f"{module}:{line} imports {name}")
    return found


def service_modules() -> dict[str, Path]:
    found = {}
    for part in (*SERVICES, "common"):
        for path in sorted((ROOT / "services" / part).rglob("*.py")):
            relative = path.relative_to(ROOT)
            module = ".".join(relative.with_suffix("").parts)
            if "tests" not in relative.parts and module not in DEMO_LOADERS:
                found[module] = path
    return found


def test_no_service_imports_another_services_internals():
    found = [
        problem
        for module, path in service_modules().items()
        for problem in violations(module, path.read_text("utf-8"))
    ]
    assert found == []


def test_reaching_into_another_service_is_seen_in_every_form():
    source = "\n".join(
        (
            "from services.ledger.handlers import items",
            "from services.ledger import domain",
            "import services.ledger.projection",
            "from services.ledger.events import ItemPlanned",
            "from services.ledger.schemas import commands",
            "from ..domain import cycle",
        )
    )
    assert violations("services.appraisal.projection", source) == [
        "services.appraisal.projection:1 imports services.ledger.handlers.items",
        "services.appraisal.projection:2 imports services.ledger.domain",
        "services.appraisal.projection:3 imports services.ledger.projection",
    ]
    assert violations("services.common.roles", "from services.ledger import events") == [
        "services.common.roles:1 imports services.ledger.events"
    ]

"""The error codes the gateway can answer with, read from its source: the codes its errors are
raised with (HttpError, and the connection protocol's refusals) and its tables of codes. A code
added anywhere in the gateway is found here, and the tests then ask for its Chinese message."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from services.gateway import errors

ROOT = Path(errors.__file__).parent
RAISERS = {"HttpError", "refuse"}  # take (status, code, ...)
CJK = re.compile(r"[\u3400-\u9fff]")


def _raised(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in RAISERS:
            yield from _literals(node.args[1])


def _literals(code: ast.expr) -> Iterator[str]:
    """A literal code, or each of a choice between literals (a code from elsewhere, such as a
    table or an answer, is none)."""
    if isinstance(code, ast.Constant) and isinstance(code.value, str):
        yield code.value
    elif isinstance(code, ast.IfExp):
        yield from _literals(code.body)
        yield from _literals(code.orelse)


def raised_codes() -> set[str]:
    """Every code the gateway's own code raises an error with, literally."""
    return {
        code
        for path in ROOT.rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts
        for code in _raised(ast.parse(path.read_text(encoding="utf-8")))
    }


def answered_codes() -> set[str]:
    """Those, the codes of the services' errors, and of werkzeug's refusals."""
    mapped = {code for _, code in errors.MAPPED_ERRORS.values()}
    return raised_codes() | mapped | set(errors.WERKZEUG_CODES.values())

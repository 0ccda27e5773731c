"""The contract between producers and readers of events, checked without running anything.

What a reader takes from an event is found where it takes it:
- a Statement's SQL names the fields it reads (projection.py);
- code reads a payload through its definition (definitions.py), in one of three forms this
  module finds in the source: `plan = ItemPlanned.of(event)` (or a parameter annotated with a
  definition, or a union of them) and then `plan.owner_id`; `ItemPlanned.of(event).owner_id`;
  and `match` cases, `case ItemPlanned(owner_id=owner)` or `case ItemPlanned() as plan`.
Every field so read must be one its definition has, every type a reader names must be defined,
and every read model must handle or explicitly ignore each type of the categories it reads.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from eventlog.definitions import EVENT_ATTRIBUTES, Catalogue, Event
from eventlog.projection import Projection, Statement

# A definition as code names it: (the module defining it, its class name).
Ref = tuple[str, str]


@dataclass(frozen=True)
class Read:
    """`reader` (a module, or a read model) takes `field` of the type `ref` (None: names the
    type only)."""

    ref: Ref
    field: str | None
    reader: str
    line: int = 0

    def key(self) -> tuple[str, int, Ref, str]:
        """Where it is read first: problems are listed in the readers' order."""
        return self.reader, self.line, self.ref, self.field or ""


# -- reads in source ------------------------------------------------------------------------


def source_reads(module: str, source: str, definitions: Iterable[str]) -> list[Read]:
    """The reads of the module `module`, whose text is `source`, of definitions made in the
    modules `definitions`."""
    tree = ast.parse(source)
    names = _imported(tree, module, set(definitions))
    finder = _Finder(module, names)
    finder.visit(tree)
    return finder.reads


def _imported(tree: ast.Module, module: str, definitions: set[str]) -> dict[str, object]:
    """Names bound to a definitions module (→ its name) or to a definition (→ its Ref)."""
    package = module.rsplit(".", 1)[0]
    found: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in definitions and alias.asname:
                    found[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            for alias in node.names:
                bound = alias.asname or alias.name
                if f"{base}.{alias.name}" in definitions:
                    found[bound] = f"{base}.{alias.name}"
                elif base in definitions:
                    found[bound] = (base, alias.name)
    return found


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


class _Finder(ast.NodeVisitor):
    def __init__(self, module: str, names: dict[str, object]):
        self.module, self.names = module, names
        self.bound: dict[str, tuple[Ref, ...]] = {}  # names bound to payloads, in this scope
        self.reads: list[Read] = []

    def ref(self, node: ast.expr | None) -> Ref | None:
        """The definition an expression names, if it names one."""
        if isinstance(node, ast.Name) and isinstance(self.names.get(node.id), tuple):
            return self.names[node.id]  # type: ignore[return-value]
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = self.names.get(node.value.id)
            if isinstance(module, str):
                return (module, node.attr)
        return None

    def refs(self, node: ast.expr | None) -> tuple[Ref, ...]:
        """The definitions an annotation names: one, or a union of them (`A | B`)."""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            left, right = self.refs(node.left), self.refs(node.right)
            return left + right if left and right else ()
        found = self.ref(node)
        return (found,) if found else ()

    def read(self, refs: Iterable[Ref], field: str | None, node: ast.AST) -> None:
        for ref in refs:
            self.reads.append(Read(ref, field, self.module, getattr(node, "lineno", 0)))

    def payload(self, node: ast.expr) -> tuple[Ref, ...]:
        """What an expression holds: `Definition.of(…)`, or a name bound to a payload."""
        if _reads_payload(node):
            return self.refs(node.func.value)  # type: ignore[attr-defined]
        if isinstance(node, ast.Name):
            return self.bound.get(node.id, ())
        return ()

    def scoped(self, node: ast.AST, names: Mapping[str, tuple[Ref, ...]]) -> None:
        """Visits `node` with `names` bound, and the payloads its own statements bind."""
        outer = self.bound
        self.bound = {**outer, **names}
        self.bound.update(self._assigned(node))
        self.generic_visit(node)
        self.bound = outer

    def _assigned(self, scope: ast.AST) -> dict[str, tuple[Ref, ...]]:
        """The names a scope assigns a payload to. A name assigned payloads of two types there
        is left unchecked: which one it holds at a read depends on the path taken."""
        found: dict[str, tuple[Ref, ...]] = {}
        for node in _own_nodes(scope):
            refs: tuple[Ref, ...] = ()
            if isinstance(node, ast.Assign | ast.NamedExpr):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                refs = self.payload(node.value)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names, refs = [node.target.id], self.refs(node.annotation)
            for name in names if refs else ():
                found[name] = refs if found.get(name, refs) == refs else ()
        return {name: refs for name, refs in found.items() if refs}

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        arguments = (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)
        annotated = {arg.arg: self.refs(arg.annotation) for arg in arguments}
        for arg in arguments:
            self.read(annotated[arg.arg], None, arg)
        self.scoped(node, {name: refs for name, refs in annotated.items() if refs})

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Module(self, node: ast.Module) -> None:
        self.scoped(node, {})

    def visit_match_case(self, node: ast.match_case) -> None:
        """A case binds its `as` names for its own body only."""
        self.scoped(node, dict(_captured(self, node.pattern)))

    def visit_Call(self, node: ast.Call) -> None:
        if _reads_payload(node):
            self.read(self.refs(node.func.value), None, node)  # type: ignore[attr-defined]
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.ctx, ast.Load) and (refs := self.payload(node.value)):
            self.read(refs, node.attr, node)
        self.generic_visit(node)

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        if found := self.ref(node.cls):
            self.read([found], None, node)
            for field in node.kwd_attrs:
                self.read([found], field, node)
        self.generic_visit(node)


def _reads_payload(node: ast.expr) -> bool:
    """`<something>.of(…)`: a definition's reading of a stored event, if <something> is one."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "of"
    )


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a scope, not those of the functions or cases it holds (scopes of their own)."""
    for child in ast.iter_child_nodes(scope):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.match_case):
            continue
        yield child
        yield from _own_nodes(child)


def _captured(finder: _Finder, pattern: ast.pattern) -> Iterator[tuple[str, tuple[Ref, ...]]]:
    """The names a case's pattern binds to payloads: `A() as a`, `A() | B() as either`."""
    for node in ast.walk(pattern):
        refs = _class_refs(finder, node.pattern) if isinstance(node, ast.MatchAs) else ()
        if refs and node.name:  # type: ignore[attr-defined]
            yield node.name, refs  # type: ignore[attr-defined]


def _class_refs(finder: _Finder, pattern: ast.pattern | None) -> tuple[Ref, ...]:
    """The definitions a case's pattern matches: `A()`, or `A() | B()`."""
    if isinstance(pattern, ast.MatchClass):
        found = finder.ref(pattern.cls)
        return (found,) if found else ()
    if isinstance(pattern, ast.MatchOr):
        refs = [_class_refs(finder, each) for each in pattern.patterns]
        return sum(refs, ()) if all(refs) else ()
    return ()


# -- reads of read models --------------------------------------------------------------------


def statement_reads(projection: Projection) -> list[Read]:
    """What the read model's Statements read (a handler may wrap one: functools.wraps)."""
    reads = []
    for handler in (*projection.handlers.values(), *projection.replay_handlers.values()):
        while not isinstance(handler, Statement) and hasattr(handler, "__wrapped__"):
            handler = handler.__wrapped__
        if isinstance(handler, Statement):
            ref = (handler.definition.__module__, handler.definition.__name__)
            reads += [Read(ref, name, projection.name) for name in handler.reads]
    return sorted(set(reads), key=Read.key)


# -- the check --------------------------------------------------------------------------------


def check(
    catalogues: Iterable[Catalogue], projections: Iterable[Projection], reads: Iterable[Read]
) -> list[str]:
    """Every breach of the contract, in words; none when producers and readers agree."""
    catalogues = list(catalogues)
    return [
        *_producers(catalogues),
        *_reads(catalogues, reads),
        *(problem for p in projections for problem in _coverage(catalogues, p)),
    ]


def _producers(catalogues: list[Catalogue]) -> Iterator[str]:
    owners: dict[str, str] = {}
    names: dict[str, str] = {}
    for catalogue in catalogues:
        for category in sorted(catalogue.categories):
            first = owners.setdefault(category, catalogue.producer)
            if first != catalogue.producer:
                yield f"category {category} has two producers: {first}, {catalogue.producer}"
        for name, definition in catalogue.types.items():
            if names.setdefault(name, catalogue.producer) != catalogue.producer:
                yield f"{name} is defined by {names[name]} and {catalogue.producer}"
            version = definition.schema_version
            missing = sorted(set(range(1, version)) - set(definition.upcasters))
            if missing:
                yield f"{name} version {version}: no upcaster from version {missing}"


def _reads(catalogues: list[Catalogue], reads: Iterable[Read]) -> Iterator[str]:
    by_module = {catalogue.module: catalogue for catalogue in catalogues}
    for read in sorted(set(reads), key=Read.key):
        module, name = read.ref
        place = f"{read.reader}:{read.line}" if read.line else read.reader
        definition = by_module[module].types.get(name) if module in by_module else None
        if definition is None:
            yield f"{place} reads {name}, which {module} does not define"
        elif read.field is not None and read.field not in _attributes(definition):
            yield f"{place} reads {name}.{read.field}, which {name} does not have"


def _attributes(definition: type[Event]) -> set[str]:
    return {name for name, _ in definition.fields} | EVENT_ATTRIBUTES | {"of", "upcaster"}


def _coverage(catalogues: list[Catalogue], projection: Projection) -> Iterator[str]:
    relevant: set[str] = set()
    for catalogue in catalogues:
        relevant |= set(catalogue.in_categories(projection.categories))
    handled = {*projection.handlers, *projection.reactions, *projection.replay_handlers}
    ignored = set(projection.ignored)
    for name in sorted((handled | ignored) - relevant):
        yield f"{projection.name} names {name}, which no producer of its categories defines"
    for name in sorted(relevant - handled - ignored):
        yield f"{projection.name} neither handles nor ignores {name}"
    for name in sorted(handled & ignored):
        yield f"{projection.name} both handles and ignores {name}"


def readers(reads: Iterable[Read], projections: Iterable[Projection]) -> Mapping[str, set[str]]:
    """Each type's readers: the read models that handle it, and the modules that read it."""
    found: dict[str, set[str]] = {}
    for projection in projections:
        for name in {*projection.handlers, *projection.reactions}:
            found.setdefault(name, set()).add(projection.name)
    for read in reads:
        found.setdefault(read.ref[1], set()).add(read.reader)
    return found

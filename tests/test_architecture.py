"""The packages import each other only the way data flows (docs: README.md, "Layout"; each package's README).

statute → `lawdsl` → `compiler` → `chain` ← `oracles` (devices), `citizens` (verification);
`editors` builds on `lawdsl` alone (and the portal in `citizens` highlights statutes with it). The graph is read from the source with `ast`, every import
counted, also the ones inside functions: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lawdsl", "compiler", "chain", "oracles", "citizens", "editors")

#: What each package may import of the others.
ALLOWED = {
    "lawdsl": set(),
    "compiler": {"lawdsl"},
    "chain": {"lawdsl", "compiler"},
    "oracles": {"lawdsl", "compiler", "chain"},
    "citizens": {"lawdsl", "compiler", "chain", "editors"},  # the portal shows statutes with the Pygments lexer
    "editors": {"lawdsl"},
}


def imported_modules(path: Path, package: str) -> set[str]:
    """Every absolute module name the file imports, relative imports resolved."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    own = module.split(".")[:-1]  # the package a relative import starts from (an __init__ is in its own)
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = own[: len(own) - (node.level - 1)]
                found.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                found.add(node.module)
    return found


def package_graph() -> dict[str, set[str]]:
    """Package → the other project packages its modules import."""
    graph: dict[str, set[str]] = {package: set() for package in PACKAGES}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "templates" in path.parts:  # files the Brownie export copies out, run in Brownie's environment
                continue
            for module in imported_modules(path, package):
                top = module.split(".")[0]
                if top in PACKAGES and top != package:
                    graph[package].add(top)
    return graph


def test_the_imports_resolve_to_real_modules():
    """The graph below would pass vacuously if the parser missed the imports: it must see some."""
    graph = package_graph()
    assert graph["chain"] >= {"lawdsl", "compiler"}
    assert graph["citizens"] >= {"chain"}
    assert graph["oracles"] >= {"chain"}


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_only_what_lies_upstream_of_it(package):
    assert package_graph()[package] <= ALLOWED[package]


def test_the_language_core_imports_none_of_the_others():
    assert package_graph()["lawdsl"] == set()


def test_the_gateway_and_the_citizens_do_not_import_each_other():
    graph = package_graph()
    assert "citizens" not in graph["oracles"] and "oracles" not in graph["citizens"]


def test_no_module_import_cycle_within_a_package():
    """Module-level imports only (a function-local import runs after both modules exist)."""
    edges: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "templates" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            own = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            targets = set()
            for node in ast.parse(path.read_text("utf-8")).body:
                if isinstance(node, ast.ImportFrom) and node.level:
                    base = own[: len(own) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                    targets.add(target)
                    targets.update(f"{target}.{alias.name}" for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module:
                    targets.add(node.module)
                    targets.update(f"{node.module}.{alias.name}" for alias in node.names)
                elif isinstance(node, ast.Import):
                    targets.update(alias.name for alias in node.names)
            edges[module] = targets
    edges = {module: {t for t in targets if t in edges and t != module} for module, targets in edges.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges[module]):
            if state.get(target) == 1 and not _is_package_of(target, module):
                cycles.append(" → ".join(path[path.index(target) :] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def _is_package_of(package: str, module: str) -> bool:
    """A package's `__init__` importing its own submodules is how Python builds a package, not a cycle."""
    return module.startswith(package + ".")

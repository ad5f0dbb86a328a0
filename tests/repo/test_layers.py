"""The layering rules, read from the source with ``ast`` (nothing is imported or run).

- Nothing outside ``helpers/sandbox/`` imports the practice account or names it in code: it plugs in as an
  account source (an entry point) and is reached through ``helpers.sources.PracticeHooks``.
- No circle of imports among the sandbox's modules (every import counts, a function-local one too;
  only ``if TYPE_CHECKING:`` blocks do not run).
- Logic never imports ipywidgets; forms (the modules that do) never import boto3 or botocore.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HELPERS = ROOT / "helpers"
SANDBOX = "helpers.sandbox"
# A string in code that names the sandbox as a module or a path: `-m helpers.sandbox`, import_module(...).
NAMES_SANDBOX = re.compile(r"\bhelpers[./]sandbox\b|^sandbox(\.|$)")
WIDGETS = "ipywidgets"
AWS_SDK = ("boto3", "botocore")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(HELPERS.rglob("*.py")) if "__pycache__" not in p.parts}


def _type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST):
    """Every node that can run: all of them but the bodies of ``if TYPE_CHECKING:``."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                todo.extend(child.orelse)
            else:
                todo.append(child)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


@cache
def _imports(name: str) -> tuple[tuple[str, int], ...]:
    """(module imported, line) for every import in module *name* that can run, importlib strings included."""
    path = _modules()[name]
    return _imports_in(path.read_text(encoding="utf-8"), name, package=path.name == "__init__.py")


def _imports_in(source: str, name: str, package: bool = False) -> tuple[tuple[str, int], ...]:
    tree = ast.parse(source)
    home = name if package else name.rpartition(".")[0]
    found = []
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                kept = home.split(".")[: len(home.split(".")) - (node.level - 1)]
                base = ".".join([*kept, base] if base else kept)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.append((full if full in _modules() else base, node.lineno))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.append((node.args[0].value, node.lineno))
    return tuple(found)


def test_every_form_of_import_is_seen():
    source = """
import helpers.sandbox
from helpers.sandbox import server
from helpers import sandbox
from .sandbox import files
import importlib
importlib.import_module("helpers.sandbox.console")
def later():
    from helpers.sandbox.practice import owner_session
if TYPE_CHECKING:
    from helpers.sandbox import scenarios
"""
    seen = sorted(target for target, _ in _imports_in(source, "helpers.example"))
    assert seen == [  # each one once, in any order; not the TYPE_CHECKING one
        "helpers.sandbox",
        "helpers.sandbox",
        "helpers.sandbox.console",
        "helpers.sandbox.files",
        "helpers.sandbox.practice",
        "helpers.sandbox.server",
        "importlib",
    ]


def _in_sandbox(name: str) -> bool:
    return name == SANDBOX or name.startswith(SANDBOX + ".")


def _outside_sandbox() -> list[str]:
    return [name for name in _modules() if not _in_sandbox(name)]


def test_the_rules_see_the_modules_they_judge():
    names = set(_modules())
    assert {"helpers.sources", "helpers.sandbox.source", "helpers.sandbox.server", "helpers.ui"} <= names
    # The reader sees `from package import module` and a function-local import alike.
    seen = {target for target, _ in _imports("helpers.sandbox.source")}
    assert {"helpers.sandbox.files", "helpers.sandbox.console_ui", "helpers.sources"} <= seen


@pytest.mark.parametrize("name", _outside_sandbox())
def test_nothing_outside_the_sandbox_imports_it(name):
    found = [f"line {line}: {target}" for target, line in _imports(name) if _in_sandbox(target)]
    assert not found, f"{name} imports the practice account ({found}): reach it through helpers.sources' hooks"


@pytest.mark.parametrize("name", _outside_sandbox())
def test_nothing_outside_the_sandbox_names_it_in_code(name):
    path = _modules()[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prose = _docstrings(tree)
    named = [
        f"line {node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in prose
        and NAMES_SANDBOX.search(node.value)
    ]
    assert not named, f"{name} names the practice account's modules ({named}): use the account source's hooks"


def _sandbox_graph() -> dict[str, list[str]]:
    graph = {}
    for name in _modules():
        if _in_sandbox(name):
            targets = {t for t, _ in _imports(name) if _in_sandbox(t) and t in _modules() and t != name}
            graph[name] = sorted(targets)
    return graph


def _cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One circle of imports as a path (first module repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in graph.get(node, []):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_sandbox_has_no_circle_of_imports():
    graph = _sandbox_graph()
    assert graph["helpers.sandbox.server"], "the graph must see the sandbox's own imports"
    circle = _cycle(graph)
    assert circle is None, "circle of imports in the sandbox: " + " -> ".join(circle or [])


def test_the_cycle_finder_finds_a_circle():
    assert _cycle({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == ["a", "b", "c", "a"]
    assert _cycle({"a": ["b"], "b": [], "c": ["a", "b"]}) is None


def _imports_any(name: str, roots: tuple[str, ...]) -> list[str]:
    return [
        f"line {line}: {target}"
        for target, line in _imports(name)
        if any(target == root or target.startswith(root + ".") for root in roots)
    ]


def _forms() -> list[str]:
    return [name for name in _modules() if _imports_any(name, (WIDGETS,))]


def test_only_forms_import_ipywidgets():
    forms = set(_forms())
    assert "helpers.ui.confirm" in forms  # the reader sees the forms
    logic = sorted(name for name in forms if not (name.startswith("helpers.ui") or name.endswith("_ui")))
    assert not logic, f"logic modules import ipywidgets: {logic} (a form belongs in helpers/ui or a *_ui module)"


@pytest.mark.parametrize("name", _forms())
def test_forms_never_import_the_aws_sdk(name):
    found = _imports_any(name, AWS_SDK)
    assert not found, f"{name} is a form and imports the AWS SDK ({found}): call a logic module instead"


MAX_MODULE_LINES = 400  # issue 17: a module a newcomer can read; split along a real seam before it grows past this


@pytest.mark.parametrize("path", sorted(HELPERS.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_helpers_module_is_over_400_lines(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it along a real seam"

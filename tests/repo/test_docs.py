"""Docs that cannot drift: every notebook is in the README; every public helper has a docstring."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
MODULES = sorted(p for p in (ROOT / "helpers").rglob("*.py"))


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_every_notebook_is_in_the_readme(stem):
    assert f"`{stem}`" in (ROOT / "README.md").read_text(), f"add {stem} to the README's lesson table"


def test_readme_quick_start_is_two_commands():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", text, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make lab", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_public_helpers_have_docstrings(path):
    tree = ast.parse(path.read_text())
    assert ast.get_docstring(tree), f"{path.name}: add a module docstring saying what it is for"
    missing = [
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and not node.name.startswith("_")
        and not ast.get_docstring(node)
    ]
    assert not missing, f"{path.name}: public names without a docstring: {missing}"

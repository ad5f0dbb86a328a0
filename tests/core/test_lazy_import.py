"""`import helpers as aml` is cheap and inert; subpackages load on first use; one lazy mechanism only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("boto3", "botocore", "pandas", "ipywidgets")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_importing_helpers_loads_no_submodule_and_no_sdk():
    loaded = _modules_after("import helpers as aml")
    assert not [name for name in loaded if name.startswith("helpers.")]
    assert not [name for name in loaded if name.split(".")[0] in HEAVY]


def test_a_subpackage_loads_on_first_use_with_its_names():
    loaded = _modules_after("import helpers as aml\nassert callable(aml.status.card)\nassert aml.cleanup.what_to_keep")
    assert {"helpers.status", "helpers.status.card_view", "helpers.cleanup.notebook"} <= loaded
    assert "helpers.ui" not in loaded


def test_an_unknown_name_is_an_attribute_error():
    import helpers

    with pytest.raises(AttributeError, match="no_such_part"):
        helpers.no_such_part  # noqa: B018


def test_only_the_top_package_defines_a_lazy_getattr():
    lazy = []
    for path in sorted((ROOT / "helpers").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            names = {node.name} if isinstance(node, ast.FunctionDef) else set()
            if isinstance(node, ast.Assign):
                names = {n.id for target in node.targets for n in ast.walk(target) if isinstance(n, ast.Name)}
            if "__getattr__" in names:
                lazy.append(path.relative_to(ROOT).as_posix())
    assert lazy == ["helpers/__init__.py"]
    assert not (ROOT / "helpers" / "lazy.py").exists()

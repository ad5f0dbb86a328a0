"""Committed notebooks are clean, thin and named as the house style says."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FIX = "Run `make strip` (nbstripout notebooks/*.ipynb) and commit again."


def test_there_are_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "00-start-here.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs_or_widget_state(path):
    nb = json.loads(path.read_text())
    assert "widgets" not in nb.get("metadata", {}), f"{path.name} carries saved widget state. {FIX}"
    dirty = [i for i, c in enumerate(nb["cells"]) if c.get("outputs") or c.get("execution_count")]
    assert not dirty, f"{path.name} has outputs in cells {dirty}. {FIX}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin(path):
    nb = json.loads(path.read_text())
    code = [("".join(c["source"])) for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and code[0].strip() == "import helpers as aml", f"{path.name}: first code cell must be the import"
    # The one allowance: notebooks 01, 03 and 04 each show one read-only AWS call through aml.aws.client
    # (issue 13, "show the call"; tests/repo/test_prose.py checks it only reads). Two lines, still no boto3 here.
    shows_call = [src for src in code if "aml.aws.client(" in src]
    assert len(shows_call) == (1 if path.name[:2] in ("01", "03", "04") else 0), f"{path.name}: show the call once"
    for src in code:
        assert "boto3.client(" not in src and "boto3.Session(" not in src, f"{path.name}: call a helper instead"
        assert "import boto3" not in src, f"{path.name}: notebooks reach AWS through helpers only"
        assert len(src.splitlines()) <= 6, f"{path.name}: a cell should be one helper call or one form:\n{src}"
        assert "sandbox" not in src and "moto" not in src, f"{path.name}: notebooks must not name the sandbox"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_name_and_shape(path):
    assert re.fullmatch(r"\d\d-[a-z]+(-[a-z0-9]+)*\.ipynb", path.name)
    nb = json.loads(path.read_text())
    first = "".join(nb["cells"][0]["source"])
    last = "".join(nb["cells"][-1]["source"])
    assert first.startswith("# ") and "minutes" in first, f"{path.name}: open with what you'll do and how long"
    assert "Key points" in last, f"{path.name}: close with key points"

"""The Kubernetes route: deploy/jupyterhub/values.yaml against Zero to JupyterHub 4.3.3's values schema.

The schema is vendored in tests/room/z2jh/ (BSD 3-Clause; see its README for how it was made). This checks
names and types of every key we set, not a deployment: nothing here runs Kubernetes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
VALUES = ROOT / "deploy" / "jupyterhub" / "values.yaml"
SCHEMA = Path(__file__).with_name("z2jh") / "values.schema-4.3.3.json"


def _errors(values: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    return sorted(f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(values))


def test_values_yaml_matches_the_chart_schema():
    assert _errors(yaml.safe_load(VALUES.read_text())) == []


def test_the_schema_catches_a_misspelt_or_mistyped_key():
    values = yaml.safe_load(VALUES.read_text())
    values["singleuser"]["memroy"] = {"limit": "1G"}
    values["cull"]["timeout"] = "an hour"
    found = _errors(values)
    assert any("memroy" in line for line in found) and any(line.startswith("cull.timeout") for line in found)


def test_the_chart_version_is_the_one_the_schema_comes_from():
    assert re.search(r"--version 4\.3\.3\b", VALUES.read_text())
    assert "--version 4.3.3" in (ROOT / "deploy" / "jupyterhub" / "README.md").read_text()

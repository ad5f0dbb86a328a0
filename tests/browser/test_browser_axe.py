"""Issue 13.7: axe-core finds no serious or critical violation in the rendered outputs of notebooks 00-06.

One JupyterLab (the browser harness, ``AML_WALKTHROUGH_AUTO=1`` so Run All completes each step), one
practice account starting as a new account, the notebooks in order: each one's Run All, then axe-core
on its ``.jp-OutputArea`` elements. axe-core comes from npm, installed once into test-output/axe (like
scripts/ensure-browser.sh does for chromium); without npm the test skips, unless CI or REQUIRE_BROWSER
says it must run. Each notebook's full axe result: ``test-output/browser/axe-NN.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DEAD_PROXY
from tests.browser_support import (
    ROOT,
    SCREENSHOTS,
    browser_page,
    close_kernels,
    open_notebook,
    require_browser,
    run_all,
    running_lab,
)

pytestmark = pytest.mark.browser

AXE_DIR = ROOT / "test-output" / "axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("0[0-6]-*.ipynb"))
OUTPUTS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea"
BLOCKING = ("serious", "critical")


def axe_script() -> Path:
    """axe-core 4's browser build, installed with npm on first use."""
    if AXE_SCRIPT.exists():
        return AXE_SCRIPT
    npm = shutil.which("npm")
    if npm is None:
        reason = "npm is not installed (sudo apt-get install npm), so axe-core cannot be installed"
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{reason}, and CI/REQUIRE_BROWSER says the browser tests must run.")
        pytest.skip(reason)
    # `make test` installs it before pytest starts (scripts/ensure-axe.sh). Run on its own, the test installs
    # it here, past the test run's dead proxy (which is there to keep AWS out of reach, not npm's registry).
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    cmd = [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR), "axe-core@4"]
    env = {k: v for k, v in os.environ.items() if v != DEAD_PROXY}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    if done.returncode != 0 or not AXE_SCRIPT.exists():
        pytest.fail(f"`{' '.join(cmd[:-1])} axe-core@4` failed:\n{(done.stderr or done.stdout)[-2000:]}")
    return AXE_SCRIPT


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} element(s)]")
        for node in v["nodes"][:3]:
            lines.append(f"    {node['target']}: {node['html'][:200]}")
    return "\n".join(lines)


def test_rendered_outputs_have_no_serious_accessibility_violation(tmp_path):
    require_browser()
    script = axe_script()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    blocking: dict[str, list[dict]] = {}
    counted: dict[str, int] = {}
    with running_lab(tmp_path, {"AML_WALKTHROUGH_AUTO": "1"}) as lab, browser_page() as page:
        for name in NOTEBOOKS:
            open_notebook(page, lab, name)
            run_all(page)
            page.wait_for_timeout(1000)  # widgets render after the kernel goes idle
            assert page.locator(OUTPUTS).count() > 0, f"{name}: no outputs rendered"
            page.add_script_tag(path=str(script))
            result = page.evaluate(
                """async (selector) => await axe.run(document.querySelectorAll(selector),
                                                      {resultTypes: ['violations']})""",
                OUTPUTS,
            )
            (SCREENSHOTS / f"axe-{name[:2]}.json").write_text(json.dumps(result["violations"], indent=2))
            counted[name] = len(result["violations"])
            found = [v for v in result["violations"] if v["impact"] in BLOCKING]
            if found:
                blocking[name] = found
            close_kernels(lab)
    print("\naxe violations (any impact) per notebook:", counted)
    assert not blocking, "serious or critical axe-core violations:\n" + "\n".join(
        f"{name}:\n{describe(found)}" for name, found in blocking.items()
    )

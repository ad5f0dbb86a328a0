"""Notebook 04 run headless against the practice account: completes, turns root MFA on, converges, shows no seed."""

from __future__ import annotations

import html
import json
import re

from tests import lesson_support as ls

NOTEBOOK = ls.ROOT / "notebooks" / "04-mfa.ipynb"


def run_notebook() -> tuple[str, str, str]:
    """(cell outputs, texts printed into widgets, every widget's state) of one headless run, as text."""
    nb = ls.execute(NOTEBOOK)
    ls.outputs_of(nb)  # no cell raised
    outputs = [json.dumps(out) for cell in nb.cells for out in cell.get("outputs", [])]
    # Forms show their results in a ResultBox (an HTML widget): its text, tags removed.
    printed = ls.printed_in_widgets(nb) + [html.unescape(re.sub(r"<[^>]+>", " ", v)) for v in ls.widget_htmls(nb)]
    return "\n".join(outputs), "\n".join(printed), json.dumps(ls.widget_models(nb))


def test_notebook_04_headless_then_again(tmp_path, monkeypatch):
    from helpers import account
    from helpers.sandbox import console, scenarios

    scenarios.reset(at="04")
    assert account.current_account().profile == "aml-packt"

    outputs, printed, state = run_notebook()
    assert "the simulated app typed its current code and the next one" in printed
    assert "MFA is on for the root user" in printed
    assert "PASS: the root user has MFA" in state and "All three sources agree." in state
    assert "FAIL: the root user has no MFA yet" in state  # the first check, before the console step
    # AML@Packt manages its own device (the group's aml-packt-self-service-mfa, from notebook 02).
    assert "may not call" not in printed and "AccessDenied" not in printed
    assert "Created virtual MFA device AML-Packt-phone" in printed
    assert "MFA device AML-Packt-phone is enabled for AML@Packt." in printed
    assert console.root_state()["mfa_enabled"]
    iam = account.current_account().session().client("iam")
    listed = iam.list_mfa_devices(UserName="AML@Packt")["MFADevices"]
    assert [d["SerialNumber"].rsplit("/", 1)[-1] for d in listed] == ["AML-Packt-phone"]
    assert not ls.BASE32_RUN.findall(outputs + printed + state)

    outputs2, printed2, state2 = run_notebook()
    assert "Virtual MFA device created" not in printed2  # root MFA already on: nothing to do
    assert "AML@Packt already has the device AML-Packt-phone: nothing to do." in printed2
    assert "PASS: the root user has MFA" in state2 and "FAIL" not in state2
    assert not ls.BASE32_RUN.findall(outputs2 + printed2 + state2)

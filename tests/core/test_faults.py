"""Issue 9, faults: the practice account dies mid-step, the network fails between two steps, the kernel restarts.

Each time the learner reads what happened and how to go on, and re-running converges.
"""

from __future__ import annotations

import json
import os
import signal
import warnings

import pytest
from botocore.exceptions import EndpointConnectionError

from tests import lesson_support as ls


@pytest.fixture
def at02(tmp_path):
    with ls.practice(tmp_path / "state", at="02") as practice:
        yield practice


def _setup(session=None):
    """Notebook 02's plan and apply, as the set-up cell runs them (practice: no password typed)."""
    from helpers import account, users

    chosen = account.current_account()
    session = session or chosen.session()
    plan = users.setup_plan(session, chosen.files())
    return users.apply_plan(session, plan, chosen.files())


def _server_pid(practice: ls.Practice) -> int:
    return int(json.loads((practice.paths.server_json).read_text())["pid"])


def test_practice_account_killed_mid_step_then_restarted_keeps_what_was_done(at02):
    from helpers import account
    from helpers.sandbox.source import SandboxRestarted

    pid = _server_pid(at02)
    session = account.current_account().session()

    def crash(**_):  # the practice account dies right after the user is created
        os.kill(pid, signal.SIGKILL)  # the process this test started (ls.practice)

    session.events.register("after-call.iam.CreateUser", crash)
    result = _setup(session)
    assert not result.ok and "Created user AML@Packt." in result.done
    assert "Stopped at:" in result.error and "Nothing answers at" in result.error
    assert "Run the cell again to finish" in result.error

    # The next helper call starts it again from its saved state (issue 15): nothing was lost, so
    # nothing to warn about, and the user created before the crash is still there.
    with warnings.catch_warnings():
        warnings.simplefilter("error", SandboxRestarted)
        account.current_account().files()
        assert "AML@Packt" in ls.iam_snapshot(at02)["users"]
        # Re-running the cell finishes the lesson's step.
        again = _setup()
    assert again.ok, again.error
    users = ls.iam_snapshot(at02)["users"]
    assert list(users) == ["AML@Packt"] and len(users["AML@Packt"]["keys"]) == 1


def test_network_failure_between_two_steps_then_rerun_finishes(at02):
    from helpers import account

    session = account.current_account().session()
    calls = {"n": 0}

    def flaky(request, **_):
        calls["n"] += 1
        if calls["n"] <= 5:  # the first group-policy attachment never reaches AWS, retries included
            raise EndpointConnectionError(endpoint_url=request.url)

    session.events.register("before-send.iam.AttachGroupPolicy", flaky)
    first = _setup(session)
    assert not first.ok and "Stopped at:" in first.error and "Run the cell again to finish" in first.error
    assert first.done  # some steps were done before the failure
    half = ls.iam_snapshot(at02)

    again = _setup()
    assert again.ok, again.error
    assert not set(first.done) & set(again.done)  # steps already done are skipped
    done = ls.iam_snapshot(at02)
    assert done != half
    assert len(done["users"]["AML@Packt"]["keys"]) == 1 and done["users"]["AML@Packt"]["groups"] == ["aml-packt-users"]
    assert {"AmazonS3FullAccess", "IAMReadOnlyAccess"} <= set(done["groups"]["aml-packt-users"]["attached"])
    # A third run has nothing left to do.
    assert _setup().done == []


def test_kernel_restart_mid_lesson_keeps_the_chosen_account_and_profile(tmp_path):
    from jupyter_client.manager import KernelManager

    with ls.practice(tmp_path / "state", at="02") as practice:
        nb = ls.run_notebook(ls.NOTEBOOKS[2], practice)  # 02 switches to profile aml-packt
        assert ls.errors_of(nb) == []
        km = KernelManager(kernel_name="python3")
        km.start_kernel(env=practice.env(), cwd=str(ls.ROOT / "notebooks"))
        printed: list[str] = []

        def hook(msg):
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])

        try:
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=60)
            # Mid-lesson: the learner has a session going, then Kernel > Restart.
            kc.execute_interactive("import helpers as aml\nx = aml.account.current_account()", timeout=60)
            kc.stop_channels()
            km.restart_kernel(now=True)
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=60)
            code = (
                "import helpers as aml\n"
                "chosen = aml.account.current_account()\n"
                "print(chosen.source.key, chosen.profile, chosen.practice)\n"
                "print(aml.credentials.identity.prove_profile(chosen.files(), chosen.profile).arn)\n"
            )
            reply = kc.execute_interactive(code, output_hook=hook, timeout=60)
            kc.stop_channels()
        finally:
            km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", reply["content"]
    lines = "".join(printed).splitlines()
    assert lines[0] == "sandbox aml-packt True"
    assert lines[1].endswith(":user/AML@Packt")

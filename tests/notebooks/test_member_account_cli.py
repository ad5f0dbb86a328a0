"""Issue 14: a member account of an AWS Organization, from the command line.

Exactly the two commands a learner (or instructor) types, as subprocesses with the practice
account's environment: ``python -m helpers.sandbox reset --scenario member-account`` and then
``python -m helpers.status --json``. Root credentials removed centrally leave no root password
(``AccountPasswordPresent = 0``), so CIS v5.0 counts root MFA as passed, and the message says why.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests import lesson_support as ls


def _run(p: ls.Practice, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, timeout=120, env=p.env(), cwd=ls.ROOT
    )


def test_member_account_reset_then_status_json_passes_root_mfa_and_says_why(tmp_path):
    with ls.practice(tmp_path / "state", scenario="new-account") as p:
        reset = _run(p, "helpers.sandbox", "reset", "--scenario", "member-account")
        assert reset.returncode == 0, reset.stderr
        status = _run(p, "helpers.status", "--json")
        assert status.returncode == 0, status.stderr
        document = json.loads(status.stdout)
        found = {f["check_id"]: f for f in document["findings"]}
        root_mfa = found["iam_root_mfa_enabled"]
        assert root_mfa["status"] == "PASS", root_mfa
        message = root_mfa["message"]
        # Why: the root user has no password (removed centrally in a member account), so no MFA is needed.
        assert "no password" in message and "removed centrally" in message and "Organization" in message, message
        # The same account's root keys: none (they were removed with the password).
        assert found["iam_no_root_access_key"]["status"] == "PASS"

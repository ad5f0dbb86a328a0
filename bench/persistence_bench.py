"""`make bench`: what saving the practice account's state costs a changing call (issue 15).

The same changing IAM call (TagUser) against two sandboxes started in the same run: one saving its
state after every change (as learners get it), one with saving switched off (AML_SANDBOX_NO_SAVE=1,
for this measurement only). Figures only, never pass/fail.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

CALLS = 50
CONFIG = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)


def _timed_changes(save: bool) -> tuple[float, int]:
    from helpers.sandbox import files, scenarios, server

    home = Path(tempfile.mkdtemp(prefix="aml-persist-bench-"))
    if not save:
        os.environ["AML_SANDBOX_NO_SAVE"] = "1"  # read by the server process at its start
    try:
        info = server.start(home)
        scenarios.reset(at="03", home=home)  # a lesson-sized account: user, group, policies
        lines = dict(line.split("=", 1) for line in files.paths(home).rootkey_csv.read_text().splitlines())
        session = boto3.Session(
            aws_access_key_id=lines["AWSAccessKeyId"],
            aws_secret_access_key=lines["AWSSecretKey"],
            region_name="us-east-1",
        )
        iam = session.client("iam", endpoint_url=info.url, config=CONFIG)
        iam.tag_user(UserName="AML@Packt", Tags=[{"Key": "bench", "Value": "warm-up"}])
        t0 = time.perf_counter()
        for n in range(CALLS):
            iam.tag_user(UserName="AML@Packt", Tags=[{"Key": "bench", "Value": str(n)}])
        per_call = (time.perf_counter() - t0) / CALLS
        state = files.paths(home).state_file
        size = state.stat().st_size if state.exists() else 0
    finally:
        os.environ.pop("AML_SANDBOX_NO_SAVE", None)
        server.stop(home)
        shutil.rmtree(home, ignore_errors=True)
    return per_call, size


def run() -> dict:
    saving, size = _timed_changes(save=True)
    plain, _ = _timed_changes(save=False)
    print(f"  a changing IAM call, state saved after it: {saving * 1000:6.1f} ms (state file {size / 1024:.0f} KiB)")
    print(f"  the same call, saving switched off:        {plain * 1000:6.1f} ms")
    print(f"  cost of keeping the learner's work: ratio {saving / plain:.2f}x")
    return {"saved_call_s": saving, "unsaved_call_s": plain, "ratio": saving / plain, "state_bytes": size}

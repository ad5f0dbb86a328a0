"""`make bench`: API calls and time for a security-status check on accounts of 1, 100 and 1,000 users.

Against a baseline measured in the same run on the same account: the per-user way (ListUsers, then
ListAccessKeys, ListMFADevices, GetLoginProfile and ListAttachedUserPolicies for every user). Figures
only, never pass/fail. Accounts are moto in-process with fake credentials (no route to AWS).
"""

from __future__ import annotations

import json
import os
import time
from unittest import mock

SIZES = (1, 100, 1000)
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "MOTO_ACCOUNT_ID": "123456789012",
}
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


def _populate(iam, users: int) -> None:
    """Users as an audit finds them: each with a key, half with a console password, some with a direct policy."""
    iam.create_group(GroupName="aml-packt-users")
    arn = iam.create_policy(PolicyName="bench-s3", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="aml-packt-users", PolicyArn=arn)
    for i in range(users):
        name = f"user{i:04d}"
        iam.create_user(UserName=name)
        iam.create_access_key(UserName=name)
        iam.add_user_to_group(GroupName="aml-packt-users", UserName=name)
        if i % 2 == 0:
            iam.create_login_profile(UserName=name, Password="Bench-password-1234!")
        if i % 10 == 0:
            iam.attach_user_policy(UserName=name, PolicyArn=arn)


def _per_user_baseline(iam) -> int:
    """The naive status check: four calls per user after listing them. Returns the users seen."""
    from botocore.exceptions import ClientError

    seen = 0
    for page in iam.get_paginator("list_users").paginate():
        for user in page["Users"]:
            name = user["UserName"]
            iam.list_access_keys(UserName=name)
            iam.list_mfa_devices(UserName=name)
            try:
                iam.get_login_profile(UserName=name)
            except ClientError:
                pass  # NoSuchEntity: no console password
            iam.list_attached_user_policies(UserName=name)
            seen += 1
    return seen


def _measure(users: int) -> dict:
    import boto3
    from moto import mock_aws

    from helpers import aws
    from helpers.status.checks import run_checks
    from helpers.status.snapshot import take_snapshot

    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        _populate(session.client("iam"), users)
        calls: list[str] = []
        session.events.register("before-call.iam.*", lambda model, **_: calls.append(model.name))

        # First check: AWS (here moto) has no report yet, so it is generated and polled once.
        t0 = time.perf_counter()
        first = take_snapshot(session)
        findings = run_checks(first)
        first_s = time.perf_counter() - t0
        first_calls = len(calls)

        # Repeat check: the report is ready (AWS reuses one for up to 4 hours), as on every later run.
        calls.clear()
        t0 = time.perf_counter()
        run_checks(take_snapshot(session))
        repeat_s = time.perf_counter() - t0
        repeat_calls = len(calls)

        calls.clear()
        t0 = time.perf_counter()
        seen = _per_user_baseline(aws.client(session, "iam"))
        baseline_s = time.perf_counter() - t0
        baseline_calls = len(calls)
    assert seen == users and len(first.credential_report) == users
    return {
        "users": users,
        "findings": len(findings),
        "status_first_calls": first_calls,
        "status_first_s": first_s,
        "status_calls": repeat_calls,
        "status_s": repeat_s,
        "baseline_calls": baseline_calls,
        "baseline_s": baseline_s,
        "call_ratio": baseline_calls / repeat_calls,
        "time_ratio": baseline_s / repeat_s,
    }


def run() -> dict:
    """Measure every size; print one line per size; return the figures."""
    results = []
    with mock.patch.dict(os.environ, FAKE_ENV):
        for users in SIZES:
            r = _measure(users)
            results.append(r)
            print(
                f"  {users:>5} users: status {r['status_calls']} calls {r['status_s'] * 1000:7.1f} ms "
                f"(first run {r['status_first_calls']} calls {r['status_first_s'] * 1000:7.1f} ms, report generated) | "
                f"per-user baseline {r['baseline_calls']:>5} calls {r['baseline_s'] * 1000:8.1f} ms | "
                f"ratio {r['call_ratio']:.0f}x calls, {r['time_ratio']:.1f}x time",
                flush=True,
            )
    goal_calls = max(r["status_calls"] for r in results) <= 6
    big = results[-1]
    print(
        f"  goal <= 6 calls at any size: {'met' if goal_calls else 'NOT met'}; "
        f"goal >= 10x faster at {big['users']} users: {'met' if big['time_ratio'] >= 10 else 'NOT met'} "
        f"({big['time_ratio']:.1f}x)"
    )
    return {"sizes": results, "goal_calls_met": goal_calls, "goal_speed_met": big["time_ratio"] >= 10}


if __name__ == "__main__":
    run()

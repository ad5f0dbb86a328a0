"""Carry out a notebook 02 plan, step by step, converging on re-run.

Each step tolerates finding its work already done (EntityAlreadyExists, a key already
gone), so running a plan twice, or re-planning after a failure half-way, finishes the job.
Inputs are checked before the first change, so bad input leaves nothing half-done.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from helpers import aws
from helpers.credentials.files import save_profile
from helpers.credentials.keys import KeyPair
from helpers.errors import WalkthroughError, error_code, explain, is_access_denied
from helpers.names import CIS_PASSWORD_POLICY, ROOT_PROFILE
from helpers.plan import Plan
from helpers.sources import AwsFiles
from helpers.textfiles import backup, write_atomic
from helpers.users.passwords import Secret, generate_password, password_problems
from helpers.users.records import signin_url
from helpers.users.switching import wait_until_live

# The IAM permission each kind of step needs, for AccessDenied messages.
PERMISSIONS = {
    ("set", "account password policy"): "iam:UpdateAccountPasswordPolicy",
    ("create", "group"): "iam:CreateGroup",
    ("create", "policy"): "iam:CreatePolicy",
    ("attach", "policy"): "iam:AttachGroupPolicy",
    ("detach", "policy"): "iam:DetachGroupPolicy",
    ("create", "user"): "iam:CreateUser",
    ("add", "user"): "iam:AddUserToGroup",
    ("create", "console password"): "iam:CreateLoginProfile",
    ("create", "access key"): "iam:CreateAccessKey",
    ("activate", "access key"): "iam:UpdateAccessKey",
    ("deactivate", "access key"): "iam:UpdateAccessKey",
    ("delete", "access key"): "iam:DeleteAccessKey",
    ("check", "profile"): "sts:GetCallerIdentity",
    ("read", "account"): (
        "iam:GetAccountAuthorizationDetails, iam:GetAccountPasswordPolicy, iam:GetLoginProfile and iam:ListAccessKeys"
    ),
}


@dataclass
class ApplyResult:
    """What applying a plan did; ``password`` is a generated one to show once (masked repr)."""

    plan: Plan
    done: list[str] = field(default_factory=list)
    error: str | None = None
    password: Secret | None = None
    signin_url: str | None = None
    key_id: str | None = None
    files_written: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def lines(self) -> list[str]:
        """What happened, as sentences (never a secret)."""
        out = list(self.done) or ([] if self.error else ["Nothing to change."])
        if self.error:
            out.append(self.error)
        return out


def explain_step_error(exc: BaseException, verb: str, kind: str) -> str:
    """``errors.explain`` plus notebook 02's specifics for the step that failed."""
    code = error_code(exc)
    base = explain(exc)
    permission = PERMISSIONS.get((verb, kind), "IAM write permissions")
    if is_access_denied(exc):
        return (
            f"{base} This needs {permission}. The root user has it: run this cell with profile "
            f"'{ROOT_PROFILE}' (notebook 01), or ask whoever administers the account."
        )
    if code == "LimitExceeded" and kind == "access key":
        return f"{base} Rotate the key instead (aml.users.plan_key_rotation) so there are never three."
    if code == "PasswordPolicyViolation":
        return f"{base} Check it first with aml.users.password_problems(password, policy) to see which rule."
    return base


def _step_password(plan: Plan) -> dict:
    """The password policy a console password in *plan* must meet."""
    for step in plan.changes:
        if step.kind in ("console password", "account password policy") and "policy" in getattr(step, "params", {}):
            return step.params["policy"]
    return dict(CIS_PASSWORD_POLICY)


def check_inputs(plan: Plan, files: AwsFiles | None, password: Secret | str | None) -> None:
    """Refuse bad input before the first change (raises WalkthroughError saying what to do)."""
    kinds = {(s.verb, s.kind) for s in plan.changes}
    if ("create", "access key") in kinds and files is None:
        raise WalkthroughError("Creating an access key needs the account's files to save it in; nothing was changed.")
    if password is not None and ("create", "console password") in kinds:
        problems = password_problems(password, _step_password(plan))
        if problems:
            raise WalkthroughError(
                "That password breaks the password policy: " + " ".join(problems) + " Nothing was changed."
            )


def apply_plan(
    session: boto3.Session,
    plan: Plan,
    files: AwsFiles | None = None,
    password: Secret | str | None = None,
    say: Callable[[str], None] | None = None,
) -> ApplyResult:
    """Carry out *plan* in order; stops at the first failure (re-plan and re-run to finish); notebook 02."""
    if isinstance(password, str):
        password = Secret(password)
    result = ApplyResult(plan)
    try:
        check_inputs(plan, files, password)
    except WalkthroughError as exc:
        result.error = str(exc)
        return result
    iam = aws.client(session, "iam")
    for step in plan.changes:
        try:
            line = _apply_step(iam, session, step, files, password, result, say)
        except (ClientError, BotoCoreError, WalkthroughError, OSError) as exc:
            why = (
                explain_step_error(exc, step.verb, step.kind)
                if not isinstance(exc, OSError)
                else (
                    f"Could not write a file ({type(exc).__name__}: {getattr(exc, 'filename', '')}). "
                    "Check the folder exists and is writable."
                )
            )
            result.error = (
                f"Stopped at: {str(step)[len('Would ') :]} {why} "
                "Run the cell again to finish: steps already done are skipped."
            )
            return result
        result.done.append(line)
        if say is not None:
            say(line)
    return result


def _apply_step(iam, session, step, files, password, result, say) -> str:
    p = step.params
    action = (step.verb, step.kind)
    if action == ("set", "account password policy"):
        # Every field is sent: UpdateAccountPasswordPolicy resets any field left out.
        iam.update_account_password_policy(**p["policy"])
        return "Set the account password policy (CIS)."
    if action == ("create", "group"):
        try:
            iam.create_group(GroupName=p["group"])
        except ClientError as exc:
            if error_code(exc) != "EntityAlreadyExists":
                raise
        return f"Created group {p['group']}."
    if action == ("create", "policy"):
        try:
            iam.create_policy(
                PolicyName=p["name"],
                PolicyDocument=json.dumps(p["document"]),
                Description="Lets each user manage only their own MFA devices (the AML walkthrough, notebook 04).",
            )
        except ClientError as exc:
            if error_code(exc) != "EntityAlreadyExists":
                raise
            return f"Policy {p['name']} already existed (left unchanged)."
        return f"Created policy {p['name']}."
    if action == ("attach", "policy"):
        iam.attach_group_policy(GroupName=p["group"], PolicyArn=p["arn"])
        return f"Attached {step.name} to group {p['group']}."
    if action == ("detach", "policy"):
        try:
            iam.detach_group_policy(GroupName=p["group"], PolicyArn=p["arn"])
        except ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise
        return f"Detached {step.name} from group {p['group']}."
    if action == ("create", "user"):
        try:
            iam.create_user(UserName=p["user"])
        except ClientError as exc:
            if error_code(exc) != "EntityAlreadyExists":
                raise
        return f"Created user {p['user']}."
    if action == ("add", "user"):
        iam.add_user_to_group(UserName=p["user"], GroupName=p["group"])
        return f"Added {p['user']} to group {p['group']}."
    if action == ("create", "console password"):
        secret = password or generate_password(_step_password(result.plan))
        try:
            iam.create_login_profile(UserName=p["user"], Password=secret.reveal(), PasswordResetRequired=True)
        except ClientError as exc:
            if error_code(exc) != "EntityAlreadyExists":
                raise
            return f"{p['user']} already had a console password (left unchanged)."
        # The account's own sign-in page: IAM users cannot sign in on the root's page.
        result.signin_url = signin_url(p["account_id"])
        if password is None:
            result.password = secret
        return f"Gave {p['user']} a console password (to be changed at first sign-in)."
    if action == ("create", "access key"):
        return _create_key(iam, session, step, files, result)
    if action == ("activate", "access key"):
        iam.update_access_key(UserName=p["user"], AccessKeyId=p["key_id"], Status="Active")
        return f"Activated access key {p['key_id']}."
    if action == ("deactivate", "access key"):
        try:
            iam.update_access_key(UserName=p["user"], AccessKeyId=p["key_id"], Status="Inactive")
        except ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise
        return f"Deactivated access key {p['key_id']}."
    if action == ("delete", "access key"):
        try:
            iam.delete_access_key(UserName=p["user"], AccessKeyId=p["key_id"])
        except ClientError as exc:
            if error_code(exc) != "NoSuchEntity":
                raise
        return f"Deleted access key {p['key_id']}."
    if action == ("check", "profile"):
        arn = wait_until_live(files, p["profile"], say=say)
        return f"Profile {p['profile']} works: it signs in as {arn}."
    raise WalkthroughError(f"This helper does not know how to {step.verb} {step.kind}.")


def _create_key(iam, session, step, files, result) -> str:
    p = step.params
    made = iam.create_access_key(UserName=p["user"])["AccessKey"]
    key_id, secret = made["AccessKeyId"], Secret(made["SecretAccessKey"])
    del made
    try:
        pair = KeyPair(key_id, secret.reveal())
        saved = save_profile(files, p["profile"], pair, region=session.region_name, overwrite=True)
        result.backups += list(saved.backups)
        if p.get("csv_path"):
            result.files_written.append(write_key_csv(p["csv_path"], p["user"], key_id, secret))
    except Exception:
        # A key whose secret was lost is useless and uses one of the two slots: remove it.
        iam.delete_access_key(UserName=p["user"], AccessKeyId=key_id)
        raise
    result.key_id = key_id
    result.files_written += [files.credentials_file, files.config_file]
    return f"Created access key {key_id} and saved it in profile {p['profile']} (the secret is not shown)."


def write_key_csv(path: str | Path, user: str, key_id: str, secret: Secret) -> Path:
    """A CSV like the console's "Download .csv file" (0600) at a path the learner picked (notebook 02)."""
    target = Path(path).expanduser()
    if target.is_dir():
        target = target / f"{user.replace('@', '_')}_accessKeys.csv"
    backup(target)
    write_atomic(target, f"Access key ID,Secret access key\n{key_id},{secret.reveal()}\n")
    return target

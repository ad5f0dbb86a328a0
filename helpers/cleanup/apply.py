"""Carry out a teardown plan, step by step in the plan's order (notebook 06).

Converges: a thing already gone (NoSuchEntity) counts as done, so running the cell again after
an interruption finishes the job. Any other refusal stops at that step and says which one, what
was already done, and what to do; a fresh plan then starts from what is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from helpers import aws
from helpers.cleanup.backups import delete_backup, delete_backups_holding_only
from helpers.cleanup.kinds import CALLS, Step
from helpers.cleanup.profile import remove_profile
from helpers.errors import WalkthroughError, error_code, explain
from helpers.plan import Plan
from helpers.sources import AwsFiles

_PAST = {"delete": "Deleted", "deactivate": "Deactivated", "remove": "Removed", "detach": "Detached"}


def done_line(step: Step, already: bool = False) -> str:
    """ "Deleted access key AKIA… (of AML@Packt)." for a step carried out."""
    extra = f" ({step.detail})" if step.detail else ""
    if already:
        return f"{step.kind.capitalize()} {step.name}{extra} was already gone."
    return f"{_PAST.get(step.verb, step.verb.capitalize() + 'd')} {step.kind} {step.name}{extra}."


@dataclass
class TeardownResult:
    """What applying the plan did; ``ok`` is False when it stopped at a step."""

    done: list[str] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)
    failed: str = ""
    left: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def lines(self) -> list[str]:
        """The result as sentences for the form's output."""
        out = list(self.done) or ["Nothing was changed."]
        if self.backups:
            out.append(f"Backups of the AWS files before the change: {', '.join(str(b) for b in self.backups)}.")
        if self.failed:
            out.append(self.failed)
        elif self.done:
            out.append("Clean-up done: run the cell again to check, it should find nothing left to remove.")
        return out


def _call(iam, step: Step) -> None:
    p = step.params
    if step.action in CALLS:
        CALLS[step.action](iam, p)
    elif step.action == "delete_managed_policy":
        # DeletePolicy refuses while other versions exist: the lesson made one, someone may have added more.
        for version in iam.list_policy_versions(PolicyArn=p["arn"]).get("Versions", []):
            if not version.get("IsDefaultVersion"):
                iam.delete_policy_version(PolicyArn=p["arn"], VersionId=version["VersionId"])
        iam.delete_policy(PolicyArn=p["arn"])
    else:
        raise WalkthroughError(f"Unknown clean-up step {step.action!r}: build the plan again with plan_teardown.")


def apply_teardown(session: boto3.Session, plan: Plan, files: AwsFiles | None = None) -> TeardownResult:
    """Remove what *plan* lists, in its order, acting as *session* (notebook 06); stops at the first refusal."""
    iam = aws.client(session, "iam")
    result = TeardownResult()
    steps = [s for s in plan.changes if isinstance(s, Step)]
    for index, step in enumerate(steps):
        try:
            if step.action == "remove_profile":
                if files is None:
                    raise WalkthroughError("No AWS files were given, so the profile could not be removed.")
                result.backups += remove_profile(files, step.params["profile"])
            elif step.action == "delete_backup":
                if files is None or not delete_backup(files, step.params["path"]):
                    result.done.append(done_line(step, already=True))
                    continue
            elif step.action == "delete_backups_holding_only":
                gone = delete_backups_holding_only(files, step.params["key_ids"]) if files else []
                result.backups = [b for b in result.backups if b not in gone]
                result.done += [f"Deleted {step.kind} {path} (it held only keys deleted above)." for path in gone]
                continue  # one line per backup deleted; none when no such backup was made
            else:
                _call(iam, step)
        except ClientError as exc:
            if error_code(exc) == "NoSuchEntity":
                result.done.append(done_line(step, already=True))
                continue
            result.failed = _stopped(step, explain(exc), error_code(exc))
            result.left = len(steps) - index
            return result
        except (WalkthroughError, BotoCoreError, OSError) as exc:
            why = f"Could not change the AWS files ({exc.strerror})." if isinstance(exc, OSError) else explain(exc)
            result.failed = _stopped(step, why)
            result.left = len(steps) - index
            return result
        result.done.append(done_line(step))
    return result


def _stopped(step: Step, why: str, code: str | None = None) -> str:
    hint = " (Something was added after the plan was made; a new plan lists it.)" if code == "DeleteConflict" else ""
    return (
        f"Stopped at: {str(step)[len('Would ') :]} {why}{hint} Nothing after that step was touched; "
        "fix the cause, then run the cell again: the new plan starts from what is left."
    )

"""The layer's own IAM policy evaluator, for what moto cannot decide.

Used for requests signed with temporary credentials (``sessions``) and for IAM users' MFA
self-service actions, whose AWS-documented policy scopes them to ``mfa/*`` and
``user/${aws:username}`` (moto matches Resources against "*" only).

What it evaluates: Effect, Action / NotAction (wildcards, case-insensitive), Resource with
``${aws:username}`` filled in, and the conditions ``Bool`` / ``BoolIfExists`` on
``aws:MultiFactorAuthPresent``; an explicit Deny wins over any Allow.

What it does NOT evaluate: any other condition (operator or key), NotResource, Principal,
permission boundaries, SCPs, session policies. A statement whose condition it cannot evaluate is
read the strict way: as an Allow it allows nothing, as a Deny it denies. So the practice account
may refuse what AWS would allow, never allow what AWS would refuse.
"""

from __future__ import annotations

import fnmatch
import json
from typing import TYPE_CHECKING
from urllib.parse import unquote

from helpers.sandbox.root.wire import Request, xml_all, xml_text

if TYPE_CHECKING:  # pragma: no cover
    from helpers.sandbox.root.layer import RootLayer

MFA_PRESENT = "aws:MultiFactorAuthPresent"


def condition_matches(condition: object, context: dict) -> bool | None:
    """A statement's Condition block against *context*: True/False, or None if it uses anything else."""
    if not isinstance(condition, dict):
        return None
    verdict = True
    for operator, tests in condition.items():
        if operator not in ("Bool", "BoolIfExists") or not isinstance(tests, dict):
            return None
        for key, wanted in tests.items():
            if key.lower() != MFA_PRESENT.lower():
                return None
            values = [wanted] if isinstance(wanted, (str, bool)) else list(wanted)
            actual = context.get(MFA_PRESENT)
            if actual is None:
                verdict = verdict and operator == "BoolIfExists"
            elif actual.lower() not in [str(v).lower() for v in values]:
                verdict = False
    return verdict


def _listed(value: object) -> list:
    return [value] if isinstance(value, str) else list(value or [])


def _names(patterns: list, action: str) -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), str(p).lower()) for p in patterns)


def allowed(documents: list[dict], user: str, action: str, resource: str, context: dict | None = None) -> bool:
    """IAM's verdict for one action over *documents*: an explicit Deny wins, else any Allow."""
    verdict = False
    for document in documents:
        statements = document.get("Statement", [])
        for statement in statements if isinstance(statements, list) else [statements]:
            if "NotAction" in statement:
                if _names(_listed(statement["NotAction"]), action):
                    continue
            elif not _names(_listed(statement.get("Action")), action):
                continue
            resources = [str(r).replace("${aws:username}", user) for r in _listed(statement.get("Resource"))]
            if resource != "*" and not any(fnmatch.fnmatchcase(resource, r) for r in resources):
                continue
            deny = statement.get("Effect") == "Deny"
            if "Condition" in statement:
                holds = condition_matches(statement["Condition"], context or {})
                if holds is None:
                    holds = deny  # not evaluated: the strict reading (see the module's docstring)
                if not holds:
                    continue
            if deny:
                return False
            verdict = verdict or statement.get("Effect") == "Allow"
    return verdict


def user_documents(layer: RootLayer, name: str) -> list[dict]:
    """Every policy document that applies to user *name* (attached, inline, through groups)."""
    documents: list[str] = []

    def managed(arns: list[str]) -> None:
        for arn in arns:
            _s, body = layer.moto_query("iam", "GetPolicy", {"PolicyArn": arn})
            version = xml_text(body, "DefaultVersionId") or "v1"
            _s, body = layer.moto_query("iam", "GetPolicyVersion", {"PolicyArn": arn, "VersionId": version})
            documents.append(xml_text(body, "Document") or "")

    def inline(kind: str, owner: str) -> None:
        _s, body = layer.moto_query("iam", f"List{kind}Policies", {f"{kind}Name": owner})
        for policy in xml_all(body, "member"):
            _s, doc = layer.moto_query("iam", f"Get{kind}Policy", {f"{kind}Name": owner, "PolicyName": policy})
            documents.append(xml_text(doc, "PolicyDocument") or "")

    _s, body = layer.moto_query("iam", "ListAttachedUserPolicies", {"UserName": name})
    managed(xml_all(body, "PolicyArn"))
    inline("User", name)
    _s, body = layer.moto_query("iam", "ListGroupsForUser", {"UserName": name})
    for group in xml_all(body, "GroupName"):
        _s, attached = layer.moto_query("iam", "ListAttachedGroupPolicies", {"GroupName": group})
        managed(xml_all(attached, "PolicyArn"))
        inline("Group", group)
    parsed = []
    for document in documents:
        try:
            parsed.append(json.loads(unquote(document)))
        except ValueError:
            continue
    return parsed


def user_allowed(layer: RootLayer, name: str, action: str, resource: str, context: dict | None = None) -> bool:
    """Whether IAM user *name*'s policies allow *action* on *resource* (long-term keys: no MFA key)."""
    return allowed(user_documents(layer, name), name, action, resource, context)


def mfa_resource(layer: RootLayer, req: Request, caller: str) -> str:
    """The resource ARN IAM authorises an IAM action against (``mfa/...`` or ``user/...``)."""
    params = req.params
    if req.action == "CreateVirtualMFADevice":
        path = params.get("Path") or "/"
        return f"arn:aws:iam::{layer.account_id}:mfa{path}{params.get('VirtualMFADeviceName', '')}"
    if req.action == "DeleteVirtualMFADevice":
        return params.get("SerialNumber", "")
    return f"arn:aws:iam::{layer.account_id}:user/{params.get('UserName') or caller}"

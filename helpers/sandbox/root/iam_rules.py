"""AWS's input rules that moto skips: user names, the password policy, DeleteConflict, login profiles.

Checked before moto acts on the request (``check_before``); an IAM user's request is checked only
once its policies allow the action (AWS says AccessDenied before it judges the input).
"""

from __future__ import annotations

import hmac
import re
import xml.etree.ElementTree as ET
from html import escape
from typing import TYPE_CHECKING

from helpers.sandbox.root import mfa, policy
from helpers.sandbox.root.signing import user_names, user_of_key
from helpers.sandbox.root.wire import ApiError, Request, Response, find_all, ok, xml_all

if TYPE_CHECKING:  # pragma: no cover
    from helpers.sandbox.root.layer import RootLayer

USER_NAME_RE = re.compile(r"^[\w+=,.@-]+$", re.ASCII)  # AWS's \w is ASCII only

# Actions whose input the layer checks before moto acts (names, passwords, MFA codes, conflicts).
PRECHECKED_ACTIONS = {
    "CreateUser",
    "UpdateUser",
    "CreateLoginProfile",
    "UpdateLoginProfile",
    "ChangePassword",
    "EnableMFADevice",
    "DeleteUser",
}
PASSWORD_ACTIONS = ("CreateLoginProfile", "UpdateLoginProfile", "ChangePassword")


def password_problems(password: str, rules: dict[str, str] | None) -> list[str]:
    """AWS's sentences for each password-policy rule *password* breaks (empty list: it complies)."""
    problems = []
    if rules is None:
        # AWS's default policy when the account has none: at least 8 characters and three of
        # the four character types.
        kinds = sum(
            [
                any(c.isupper() for c in password),
                any(c.islower() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if len(password) < 8:
            problems.append("Password should have a minimum length of 8")
        if kinds < 3:
            problems.append(
                "Password should include at least three of: upper-case letters, lower-case letters, numbers and symbols"
            )
        return problems
    minimum = int(rules.get("MinimumPasswordLength", "6"))
    if len(password) < minimum:
        problems.append(f"Password should have a minimum length of {minimum}")
    kinds = [
        ("RequireUppercaseCharacters", str.isupper, "at least one uppercase letter"),
        ("RequireLowercaseCharacters", str.islower, "at least one lowercase letter"),
        ("RequireNumbers", str.isdigit, "at least one number"),
        ("RequireSymbols", lambda c: not c.isalnum(), "at least one symbol"),
    ]
    for name, test, words in kinds:
        if rules.get(name) == "true" and not any(test(c) for c in password):
            problems.append(f"Password should have {words}")
    if len(password) > 128:
        problems.append("Password should have a maximum length of 128")
    return problems


def may_attempt(layer: RootLayer, req: Request) -> bool:
    """Whether an IAM user's policies allow this action: AWS says AccessDenied before judging input."""
    if req.action not in PRECHECKED_ACTIONS:
        return True
    name = user_of_key(layer, req.key_id or "")
    # Unknown key: moto refuses it. Denied: moto says AccessDenied. Either way, skip the checks.
    if name is None:
        return False
    resource = policy.mfa_resource(layer, req, name) if req.action in mfa.SELF_SERVICE_ACTIONS else "*"
    return policy.user_allowed(layer, name, f"iam:{req.action}", resource)


def check_before(layer: RootLayer, req: Request) -> None:
    """ApiError for input AWS would refuse (moto would accept it)."""
    action, params = req.action, req.params
    if action == "CreateUser":
        _check_new_user_name(layer, params.get("UserName", ""))
    elif action == "UpdateUser" and params.get("NewUserName"):
        _check_new_user_name(layer, params["NewUserName"], current=params.get("UserName"))
    elif action in ("CreateLoginProfile", "UpdateLoginProfile") and "Password" in params:
        _check_password(layer, params["Password"])
    elif action == "ChangePassword":
        _check_password(layer, params.get("NewPassword", ""))
    elif action == "EnableMFADevice":
        mfa.check_user_codes(
            layer,
            params.get("SerialNumber", ""),
            params.get("AuthenticationCode1", ""),
            params.get("AuthenticationCode2", ""),
        )
    elif action == "DeleteUser":
        _check_delete_user(layer, params.get("UserName", ""))


def _check_new_user_name(layer: RootLayer, name: str, current: str | None = None) -> None:
    field_name = "newUserName" if current is not None else "userName"
    if not name:
        raise ApiError(
            "ValidationError",
            f"1 validation error detected: Value at '{field_name}' failed to satisfy constraint: "
            "Member must not be null",
        )
    if len(name) > 64:
        raise ApiError(
            "ValidationError",
            f"1 validation error detected: Value '{escape(name)}' at '{field_name}' failed to satisfy "
            "constraint: Member must have length less than or equal to 64",
        )
    if not USER_NAME_RE.match(name):
        raise ApiError(
            "ValidationError",
            f"1 validation error detected: Value '{escape(name)}' at '{field_name}' failed to satisfy "
            r"constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+",
        )
    for existing in user_names(layer):
        if existing.lower() == name.lower() and existing != current:
            raise ApiError("EntityAlreadyExists", f"User with name {escape(name)} already exists.")


def _check_password(layer: RootLayer, password: str) -> None:
    status, body = layer.moto_query("iam", "GetAccountPasswordPolicy")
    rules = None
    if status == 200:
        found = find_all(body, "PasswordPolicy")
        rules = {rule.tag.rpartition("}")[2]: rule.text or "" for rule in (found[0] if found else [])}
    problems = password_problems(password, rules)
    if problems:
        raise ApiError("PasswordPolicyViolation", "; ".join(problems) + ".")


def _check_delete_user(layer: RootLayer, name: str) -> None:
    if not name:
        return
    checks = [
        ("ListAccessKeys", "AccessKeyId", "Cannot delete entity, must delete access keys first."),
        ("ListMFADevices", "SerialNumber", "Cannot delete entity, must delete MFA device first."),
        ("ListGroupsForUser", "GroupName", "Cannot delete entity, must remove users from group first."),
        ("ListAttachedUserPolicies", "PolicyArn", "Cannot delete entity, must detach all policies first."),
        ("ListUserPolicies", "member", "Cannot delete entity, must delete policies first."),
    ]
    status, _body = layer.moto_query("iam", "GetLoginProfile", {"UserName": name})
    if status == 200:
        raise ApiError("DeleteConflict", "Cannot delete entity, must delete login profile first.")
    for action, tag, message in checks:
        status, body = layer.moto_query("iam", action, {"UserName": name})
        if status != 200:
            return  # e.g. NoSuchEntity: let moto give its own answer
        if xml_all(body, tag):
            raise ApiError("DeleteConflict", message)


def fix_login_profile(layer: RootLayer, req: Request, tree: ET.Element) -> None:
    """Keep the password and PasswordResetRequired that moto drops (its answer says what AWS would)."""
    params, passwords = req.params, layer.account.console_passwords
    name = params.get("UserName", "")
    old_password, old_reset = passwords.get(name, ("", False))
    password = params.get("Password") or old_password
    flag = params.get("PasswordResetRequired")
    reset = flag.lower() == "true" if flag is not None else old_reset
    _store_login_profile(layer, name, password, reset)
    for shown in find_all(tree, "PasswordResetRequired"):
        shown.text = "true" if reset else "false"


def _store_login_profile(layer: RootLayer, name: str, password: str, reset: bool) -> None:
    layer.account.console_passwords[name] = (password, reset)
    status, _body = layer.moto_query("iam", "GetLoginProfile", {"UserName": name})
    if status != 200:  # moto's UpdateLoginProfile without a password erased it
        layer.moto_query("iam", "CreateLoginProfile", {"UserName": name, "Password": password})
    layer.moto_query(
        "iam",
        "UpdateLoginProfile",
        {"UserName": name, "Password": password, "PasswordResetRequired": "true" if reset else "false"},
    )


def change_password(layer: RootLayer, req: Request) -> Response:
    """IAM users change their own console password (AWS then drops the reset requirement)."""
    name = user_of_key(layer, req.key_id or "")
    if name is None:
        raise ApiError("InvalidUserType", "Only IAM users can change their own password here.")
    arn = f"arn:aws:iam::{layer.account_id}:user/{name}"
    if not policy.user_allowed(layer, name, "iam:ChangePassword", arn):
        raise ApiError(
            "AccessDenied", f"User: {arn} is not authorized to perform: iam:ChangePassword on resource: {arn}"
        )
    known, _reset = layer.account.console_passwords.get(name, (None, False))
    if known is None:
        raise ApiError("NoSuchEntity", f"Login profile for {escape(name)} not found")
    if not hmac.compare_digest(known.encode(), req.params.get("OldPassword", "").encode()):
        raise ApiError("InvalidUserType", "The old password is incorrect.", status=400)
    _store_login_profile(layer, name, req.params.get("NewPassword", ""), False)
    return ok(req, None)

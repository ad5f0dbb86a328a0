"""The root-account layer: a WSGI middleware in front of moto's own server app.

moto has no root user, so this layer plays it: requests signed with the root's access key are
verified here and either answered here (the root-only actions) or passed to moto with moto's
IAM authentication switched off for that one request (the root may do everything). Every other
request reaches moto with authentication on, so IAM users can do only what their policies allow.
The layer also adds the fidelity the lesson depends on (user-name rules, TOTP codes checked,
password policy, DeleteConflict) and the sandbox-only console endpoints under ``/_sandbox/``.

It runs only inside the sandbox server process (``helpers.sandbox._serve``). It wraps moto's
public server app and uses moto's documented authentication switches
(``moto.core.enable_iam_authentication`` / ``disable_iam_authentication``); it patches nothing.

Modules, each one job:

- ``layer``: ``RootLayer``, the WSGI app: dispatch by caller, saving/restoring, calls into moto, the clock.
- ``state``: ``AccountState``, everything a reset wipes, in one object (``RootState``, ``RootKey`` inside).
- ``wire``: reading requests, answering in each protocol's shape, ``ApiError``, reading moto's XML.
- ``signing``: SigV4 signatures checked; which IAM user owns a key; ``SELF_ACTIONS``.
- ``root_user``: the root's own IAM calls, its keys, its credential-report row.
- ``forward``: passing a request to moto, with the checks before and the rewrites after (``rewrites``).
- ``iam_rules``: user names, the password policy, DeleteConflict, login profiles.
- ``mfa``: virtual MFA devices, TOTP codes checked, QR codes.
- ``policy``: the layer's own policy evaluator (what it does not evaluate is said there).
- ``sessions``: temporary credentials (root login, GetSessionToken with MFA) and the MFA rule.
- ``lag``: the practice account that lags like AWS (option ``lag``).
- ``console_api``: the token-protected ``/_sandbox/`` endpoints (console gestures, switches, the clock).
"""

from helpers.sandbox.root.iam_rules import password_problems
from helpers.sandbox.root.layer import RootLayer
from helpers.sandbox.root.mfa import ROOT_MFA_NAME, otpauth_uri, qr_png
from helpers.sandbox.root.root_user import ROOT_SELF_ACTIONS
from helpers.sandbox.root.state import AccountState, RootKey, RootState
from helpers.sandbox.root.wire import TOKEN_HEADER, ApiError, Request

__all__ = [
    "ROOT_MFA_NAME",
    "ROOT_SELF_ACTIONS",
    "TOKEN_HEADER",
    "AccountState",
    "ApiError",
    "Request",
    "RootKey",
    "RootLayer",
    "RootState",
    "otpauth_uri",
    "password_problems",
    "qr_png",
]

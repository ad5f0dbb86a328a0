"""Notebook 02: create the IAM user AML@Packt, its group, password and key, and switch to it.

Plans first (``plan_setup``, ``add_service``, ``plan_key_rotation``), then ``apply_plan``.
Names and the CIS policy live in ``helpers.names``. Submodules: ``policies`` (service catalogue,
password-policy rules), ``passwords``, ``plan`` (pure builders), ``observe`` (reads), ``apply``,
``switching``, ``check``; the AWS files are read and written by ``helpers.credentials``.
"""

from __future__ import annotations

import boto3

from helpers.names import CIS_PASSWORD_POLICY, GROUP_NAME, ROOT_PROFILE, USER_NAME, USER_PROFILE
from helpers.plan import Plan
from helpers.sources import AwsFiles
from helpers.users.apply import ApplyResult, apply_plan, explain_step_error
from helpers.users.check import Capability, check_capabilities
from helpers.users.key_plan import plan_key_rotation
from helpers.users.observe import observe
from helpers.users.passwords import Secret, generate_password, password_problems
from helpers.users.plan import password_policy_diff, plan_password_policy, plan_service, plan_setup
from helpers.users.policies import BASE_SERVICES, OPTIONAL_SERVICES, SERVICES, service
from helpers.users.records import KeyLimitError, Observed, ProfileConflictError, signin_url
from helpers.users.steps import closing_check, services_table, standing, switch
from helpers.users.switching import switch_to_profile, wait_until_live


def add_service(session: boto3.Session, name: str) -> Plan:
    """The plan to let AML@Packt use service *name* (apply it with ``apply_plan``); notebook 02."""
    return plan_service(observe(session), name, add=True)


def remove_service(session: boto3.Session, name: str) -> Plan:
    """The plan to stop AML@Packt using service *name* (apply it with ``apply_plan``); notebook 02."""
    return plan_service(observe(session), name, add=False)


def services_state(session: boto3.Session) -> dict[str, bool]:
    """Each catalogue service -> whether its policy is on AML@Packt's group now; notebook 02's toggles."""
    attached = observe(session).group_policies
    return {s.key: s.policy_name in attached for s in SERVICES}


def setup_plan(session: boto3.Session, files: AwsFiles | None, **options) -> Plan:
    """Observe the account and plan the whole set-up (see ``plan_setup`` for options); notebook 02."""
    profile = options.get("profile", USER_PROFILE)
    return plan_setup(observe(session, files, profile), **options)


__all__ = [
    "services_table",
    "closing_check",
    "standing",
    "switch",
    "ApplyResult",
    "BASE_SERVICES",
    "CIS_PASSWORD_POLICY",
    "Capability",
    "GROUP_NAME",
    "KeyLimitError",
    "OPTIONAL_SERVICES",
    "Observed",
    "ProfileConflictError",
    "ROOT_PROFILE",
    "SERVICES",
    "Secret",
    "USER_NAME",
    "USER_PROFILE",
    "add_service",
    "apply_plan",
    "check_capabilities",
    "explain_step_error",
    "generate_password",
    "observe",
    "password_policy_diff",
    "password_problems",
    "plan_key_rotation",
    "plan_password_policy",
    "plan_service",
    "plan_setup",
    "remove_service",
    "service",
    "services_state",
    "setup_plan",
    "signin_url",
    "switch_to_profile",
    "wait_until_live",
]

"""Checks of IAM users and groups (group "users"; the card's third and fourth lines)."""

from __future__ import annotations

from helpers.status.checks.registry import Verdicts, check, plural, unknown_message
from helpers.status.model import AUTHORIZATION, SUMMARY, Snapshot

# The card's line that passes only once a group with members carries policies (see checklist_lines.py).
GROUPS_ITEM = "Use groups to assign permissions"


@check(
    id="iam_individual_users_exist",
    title="Create individual IAM users",
    group="users",
    severity="medium",
    beyond_cis="beyond current CIS: an item of the IAM console's classic security checklist",
    checklist="Create individual IAM users",
    risk="If everyone works as the root user, no action can be traced to a person, no one's rights can be "
    "limited, and one leaked password gives away the whole account. Each person (and each program) gets "
    "its own IAM user or role, with only the rights it needs.",
    remediation=(
        "Console: IAM > Users > Create user; name it (AML@Packt in this lesson) and add it to a group.",
        "CLI: aws iam create-user --user-name AML@Packt, then "
        "aws iam add-user-to-group --group-name aml-packt-users --user-name AML@Packt.",
        "Notebook 02 of this lesson does both, and saves the new user's keys as the aml-packt profile.",
    ),
    needs=(SUMMARY, AUTHORIZATION),
    either_part=True,
)
def _individual_users_exist(snapshot: Snapshot) -> Verdicts:
    if snapshot.has(SUMMARY) and snapshot.summary is not None:
        count = int(snapshot.summary.get("Users", 0))
    elif snapshot.has(AUTHORIZATION) and snapshot.users is not None:
        count = len(snapshot.users)
    else:
        return [("UNKNOWN", unknown_message(snapshot, [SUMMARY, AUTHORIZATION]), "account")]
    if count == 0:
        return [("FAIL", "The account has no IAM users: all work is done as the root user.", "account")]
    return [("PASS", f"The account has {plural(count, 'IAM user')}.", "account")]


@check(
    id="iam_policy_attached_only_to_group_or_roles",
    title="Ensure IAM policies are attached only to groups or roles",
    group="users",
    severity="low",
    cis=("1.14", "Ensure IAM users receive permissions only through groups"),
    checklist=GROUPS_ITEM,
    risk="Rights given user by user drift apart and are hard to review; rights given to a group are the same for "
    "everyone in it, and a person's rights change by moving them between groups. Policies attached straight "
    "to a user are easy to forget when the person's job changes.",
    remediation=(
        "Console: IAM > User groups > Create group (aml-packt-users in this lesson) and attach the policies "
        "the user needs; add the user to the group.",
        "Then IAM > Users > the user > Permissions: remove each policy attached directly or inline.",
        "CLI: aws iam attach-group-policy --group-name aml-packt-users --policy-arn <arn>; "
        "aws iam add-user-to-group --group-name aml-packt-users --user-name <user>; "
        "aws iam detach-user-policy --user-name <user> --policy-arn <arn>; "
        "aws iam delete-user-policy --user-name <user> --policy-name <inline policy>.",
    ),
    needs=(AUTHORIZATION,),
)
def _policy_attached_only_to_group_or_roles(snapshot: Snapshot) -> Verdicts:
    users = snapshot.users or ()
    if not users:
        return [("PASS", "The account has no IAM users, so no user has a policy of its own.", "account")]
    found: Verdicts = []
    for user in users:
        for policy in user.attached_policies:
            found.append(("FAIL", f"User {user.name} has the policy {policy} attached.", f"{user.name}/{policy}"))
        for policy in user.inline_policies:
            found.append(
                ("FAIL", f"User {user.name} has the inline policy {policy} attached.", f"{user.name}/{policy}")
            )
        if not user.attached_policies and not user.inline_policies:
            found.append(("PASS", f"User {user.name} has no inline or attached policies.", user.name))
    return found

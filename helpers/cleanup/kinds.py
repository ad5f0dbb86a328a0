"""What IAM wants gone before ``DeleteUser`` and ``DeleteGroup``: one row per kind (notebook 06).

A row says how ``inventory`` lists the kind, the plan line ``plan`` writes for each one found,
what the plan calls it when the lesson did not create it, and the API call ``apply`` makes for
it, so the three cannot drift apart. Steps of their own shape (the console password, MFA
devices, the user, the group, the password policy) are written in ``plan``; their API calls are
in ``CALLS`` too. Pure data: nothing here calls AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from botocore import xform_name

from helpers.plan import Change

# The step parameter naming the owner -> the API argument it fills.
OWNER_ARGS = {"user": "UserName", "group": "GroupName"}


@dataclass(frozen=True)
class Step(Change):
    """A plan line plus what applying it needs: an action name and its parameters (no secrets)."""

    action: str = field(default="", compare=False)
    params: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Call:
    """The IAM action a step calls, and which API argument each of the step's parameters fills."""

    api: str  # "DeleteAccessKey"; boto3's method is its snake_case
    args: tuple[tuple[str, str], ...] = ()  # (step parameter, API argument)

    def __call__(self, iam, params: dict) -> None:
        getattr(iam, xform_name(self.api))(**{arg: params[p] for p, arg in self.args})


@dataclass(frozen=True)
class Kind:
    """One kind of thing on a user or group: listed by the inventory, removed one plan line each."""

    field: str  # the inventory's field, e.g. "access_keys"
    what: str  # the listing, as a refused one is named ("access keys")
    list_api: str  # "ListAccessKeys" (its paginator is its snake_case)
    page_key: str  # "AccessKeyMetadata"
    id_key: str | None  # "AccessKeyId"; None: the pages list names
    verb: str = ""  # "delete"; empty: ``plan`` writes this kind's steps itself
    kind: str = ""  # "access key"
    detail: str = ""  # "of {owner}"
    action: str = ""  # "delete_access_key": the step's action, what ``apply`` dispatches on
    param: str = ""  # "key_id": the step parameter holding the item
    remove_api: str = ""  # "DeleteAccessKey"
    item_arg: str = ""  # "AccessKeyId": the API argument the item fills
    name: str = "{item}"  # the plan line's name
    extra: str = ""  # how the plan names one the lesson did not create; empty: never an extra
    once: bool = False  # listed once, unpaged, and some endpoints do not offer it at all (see inventory)
    owner: str = "user"  # whose it is: "user" or "group", the step parameter naming it

    def call(self) -> Call:
        return Call(self.remove_api, ((self.owner, OWNER_ARGS[self.owner]), (self.param, self.item_arg)))

    def words(self, template: str, owner: str, item: str) -> str:
        return template.format(owner=owner, item=item, short=item.rsplit("/", 1)[-1])


# fmt: off
# Field, listing, its API action, page key, ID key; then verb, kind, detail, step action, parameter, API action,
# API argument (the order IAM's "Deleting an IAM user" gives, which the plan keeps).
USER_KINDS = (
    Kind("access_keys", "access keys", "ListAccessKeys", "AccessKeyMetadata", "AccessKeyId",
         "delete", "access key", "of {owner}", "delete_access_key", "key_id", "DeleteAccessKey", "AccessKeyId"),
    # Deactivated, and deleted too when virtual: ``plan`` writes these (and the console password before them).
    Kind("mfa_devices", "MFA devices", "ListMFADevices", "MFADevices", "SerialNumber"),
    Kind("groups", "group memberships", "ListGroupsForUser", "Groups", "GroupName",
         "remove", "user", "from group {item}", "remove_from_group", "group", "RemoveUserFromGroup", "GroupName",
         name="{owner}", extra="membership of group {item}"),
    Kind("attached_policies", "attached policies", "ListAttachedUserPolicies", "AttachedPolicies", "PolicyArn",
         "detach", "policy", "from user {owner}", "detach_user_policy", "arn", "DetachUserPolicy", "PolicyArn",
         name="{short}", extra="attached policy {short}"),
    Kind("inline_policies", "inline policies", "ListUserPolicies", "PolicyNames", None,
         "delete", "inline policy", "of user {owner}", "delete_user_policy", "policy", "DeleteUserPolicy",
         "PolicyName", extra="inline policy {item}"),
    Kind("signing_certificates", "signing certificates", "ListSigningCertificates", "Certificates", "CertificateId",
         "delete", "signing certificate", "of {owner}", "delete_signing_certificate", "id",
         "DeleteSigningCertificate", "CertificateId", extra="signing certificate {item}"),
    Kind("ssh_public_keys", "SSH public keys", "ListSSHPublicKeys", "SSHPublicKeys", "SSHPublicKeyId",
         "delete", "SSH public key", "of {owner}", "delete_ssh_public_key", "id", "DeleteSSHPublicKey",
         "SSHPublicKeyId", extra="SSH public key {item}"),
    Kind("service_credentials", "service-specific credentials", "ListServiceSpecificCredentials",
         "ServiceSpecificCredentials", "ServiceSpecificCredentialId",
         "delete", "service-specific credential", "of {owner}", "delete_service_credential", "id",
         "DeleteServiceSpecificCredential", "ServiceSpecificCredentialId",
         extra="service-specific credential {item}", once=True),
)

GROUP_KINDS = (
    Kind("attached_policies", "the group's attached policies", "ListAttachedGroupPolicies", "AttachedPolicies",
         "PolicyArn", "detach", "policy", "from group {owner}", "detach_group_policy", "arn", "DetachGroupPolicy",
         "PolicyArn", name="{short}", extra="attached policy {short}", owner="group"),
    Kind("inline_policies", "the group's inline policies", "ListGroupPolicies", "PolicyNames", None,
         "delete", "inline policy", "of group {owner}", "delete_group_policy", "policy", "DeleteGroupPolicy",
         "PolicyName", extra="inline policy {item}", owner="group"),
)
# fmt: on

# Every step action that is one IAM call -> that call ("delete_managed_policy" takes several: see apply).
CALLS = {
    **{k.action: k.call() for k in USER_KINDS + GROUP_KINDS if k.action},
    "delete_login_profile": Call("DeleteLoginProfile", (("user", "UserName"),)),
    "deactivate_mfa": Call("DeactivateMFADevice", (("user", "UserName"), ("serial", "SerialNumber"))),
    "delete_virtual_mfa": Call("DeleteVirtualMFADevice", (("serial", "SerialNumber"),)),
    "delete_user": Call("DeleteUser", (("user", "UserName"),)),
    "delete_group": Call("DeleteGroup", (("group", "GroupName"),)),
    "delete_password_policy": Call("DeleteAccountPasswordPolicy"),
}

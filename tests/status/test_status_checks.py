"""Every security check PASS, FAIL and (where it applies) UNKNOWN, on snapshots built by hand (no AWS)."""

from __future__ import annotations

import re

import pytest

from helpers.status.checks import CHECKLIST, CHECKS, checklist, flag, registry, run_checks, when
from helpers.status.model import AUTHORIZATION, PASSWORD_POLICY, REPORT, SUMMARY, GroupDetail, UserDetail
from tests.status.samples import GOOD_POLICY, row, secured, snapshot, stamp, summary

DENIED_REPORT = {REPORT: "the caller lacks the permission iam:GenerateCredentialReport"}

EXPECTED_IDS = [
    "iam_no_root_access_key",
    "iam_root_mfa_enabled",
    "iam_individual_users_exist",
    "iam_policy_attached_only_to_group_or_roles",
    "iam_password_policy_minimum_length_14",
    "iam_password_policy_reuse_24",
    "iam_password_policy_lowercase",
    "iam_password_policy_uppercase",
    "iam_password_policy_number",
    "iam_password_policy_symbol",
    "iam_password_policy_expires_passwords_within_90_days_or_less",
    "iam_user_mfa_enabled_console_access",
    "iam_rotate_access_key_90_days",
    "iam_user_accesskey_unused",
    "iam_user_two_active_access_key",
    "iam_avoid_root_usage",
]


def results(snap, check_id):
    return [f for f in run_checks(snap, [check_id])]


def statuses(snap, check_id):
    return [f.status for f in results(snap, check_id)]


def only(snap, check_id):
    found = results(snap, check_id)
    assert len(found) == 1, found
    return found[0]


# --- records ------------------------------------------------------------------------------------


def test_the_check_ids_are_exactly_the_public_ones_in_lesson_order():
    assert list(CHECKS) == EXPECTED_IDS


@pytest.mark.parametrize("check_id", EXPECTED_IDS)
def test_every_check_has_a_complete_record(check_id):
    check = CHECKS[check_id]
    assert check.title and check.risk.endswith((".", ".)"))
    assert check.severity in {"critical", "high", "medium", "low"}
    assert len(check.remediation) >= 2
    assert any("CLI" in step or "aws iam" in step for step in check.remediation), "needs a CLI step"
    assert check.numbered_remediation().startswith("1. ")


def test_every_check_has_a_group_and_a_link_to_prowlers_page():
    assert {c.group for c in CHECKS.values()} == {"root", "users", "password", "keys"}
    for record in CHECKS.values():
        assert record.link == f"https://hub.prowler.com/check/{record.id}", record.id
        assert record.link_text == f"Prowler's page for {record.id}"


def test_a_check_is_registered_once_and_shown_where_it_was_registered(monkeypatch):
    monkeypatch.setattr(registry, "CHECKS", dict(CHECKS))
    record = {"title": "T", "group": "keys", "severity": "low", "risk": "R.", "remediation": ("a", "b")}

    @registry.check(id="iam_extra", beyond_cis="beyond current CIS: a test", needs=(), **record)
    def _extra(snapshot):
        return [("PASS", "Fine.", "account")]

    assert list(registry.CHECKS)[-1] == "iam_extra"  # no second list to forget it in
    assert [f.check_id for f in registry.run_checks(snapshot())][-1] == "iam_extra"
    with pytest.raises(ValueError, match="registered twice"):
        registry.check(id="iam_extra", beyond_cis="x", needs=(), **record)
    with pytest.raises(ValueError, match="exactly one of cis"):
        registry.check(id="iam_other", needs=(), **record)
    with pytest.raises(ValueError, match="severity 'urgent'"):
        registry.check(id="iam_other", beyond_cis="x", needs=(), **{**record, "severity": "urgent"})


def test_every_message_ends_with_a_period_and_names_its_resource():
    for snap in (snapshot(), secured(), snapshot(missing={**DENIED_REPORT, SUMMARY: "x", PASSWORD_POLICY: "y"})):
        for finding in run_checks(snap):
            assert finding.message.endswith("."), finding
            name = finding.resource.split("/")[0]
            # Learner-facing text names the root user and the password policy in words, never internally.
            said = {"<root_account>": "root user", "password_policy": "password policy"}.get(name, name)
            assert name == "account" or said in finding.message, finding
            assert "<root_account>" not in finding.message and "(password_policy)" not in finding.message


def test_the_new_account_fails_the_console_checklist_and_the_secured_one_passes():
    assert [r.status for r in checklist(snapshot())] == ["FAIL"] * 5
    assert [r.status for r in checklist(secured())] == ["PASS"] * 5
    assert [item.title for item in CHECKLIST] == [
        "Delete your root access keys",
        "Activate MFA on your root user",
        "Create individual IAM users",
        "Use groups to assign permissions",
        "Apply an IAM password policy",
    ]


# --- root -----------------------------------------------------------------------------------------


def test_root_access_key_fails_with_the_report_count_and_passes_from_the_live_summary():
    fail = only(snapshot(), "iam_no_root_access_key")
    assert (fail.status, fail.resource) == ("FAIL", "<root_account>")
    assert fail.message == "The root user has one active access key."
    # The report (up to 4 hours old) still shows a key, but the live summary says it is gone.
    stale = snapshot(summary_map=summary(AccountAccessKeysPresent=0))
    assert only(stale, "iam_no_root_access_key").status == "PASS"


def test_root_access_key_falls_back_to_the_report_then_unknown():
    no_summary = {SUMMARY: "the caller lacks the permission iam:GetAccountSummary"}
    two = [row("<root_account>", access_key_1_active="true", access_key_2_active="true")]
    finding = only(snapshot(rows=two, missing=no_summary), "iam_no_root_access_key")
    assert (finding.status, finding.message) == ("FAIL", "The root user has two active access keys.")
    assert only(snapshot(rows=[row("<root_account>")], missing=no_summary), "iam_no_root_access_key").status == "PASS"
    unknown = only(snapshot(missing={**no_summary, **DENIED_REPORT}), "iam_no_root_access_key")
    assert unknown.status == "UNKNOWN"
    assert "iam:GetAccountSummary" in unknown.message and "iam:GenerateCredentialReport" in unknown.message


def test_root_mfa_pass_fail_and_unknown():
    assert only(snapshot(), "iam_root_mfa_enabled").status == "FAIL"
    assert only(snapshot(summary_map=summary(AccountMFAEnabled=1)), "iam_root_mfa_enabled").status == "PASS"
    no_summary = {SUMMARY: "the caller lacks the permission iam:GetAccountSummary"}
    from_report = snapshot(rows=[row("<root_account>", mfa_active="true")], missing=no_summary)
    assert only(from_report, "iam_root_mfa_enabled").status == "PASS"
    unknown = only(snapshot(missing={**no_summary, **DENIED_REPORT}), "iam_root_mfa_enabled")
    assert unknown.status == "UNKNOWN" and "iam:GenerateCredentialReport" in unknown.message


def test_root_mfa_passes_in_a_member_account_without_root_credentials():
    """CIS v5.0 1.4 / Prowler: no root password and no root keys (removed centrally) leaves nothing to protect."""
    member = snapshot(summary_map=summary(AccountPasswordPresent=0, AccountAccessKeysPresent=0))
    found = only(member, "iam_root_mfa_enabled")
    assert found.status == "PASS"
    assert found.message == (
        "The root user has no password and no access keys (root credentials removed centrally in an AWS "
        "Organization): nothing to protect with MFA."
    )
    # Root keys but no password, or a summary without the field (an older answer): MFA is still wanted.
    keys_left = snapshot(summary_map=summary(AccountPasswordPresent=0, AccountAccessKeysPresent=1))
    assert only(keys_left, "iam_root_mfa_enabled").status == "FAIL"
    unsaid = summary(AccountAccessKeysPresent=0)
    del unsaid["AccountPasswordPresent"]
    assert only(snapshot(summary_map=unsaid), "iam_root_mfa_enabled").status == "FAIL"
    # The checklist card's root MFA line passes too, so a member account is not failed forever.
    card = {r.title: r for r in checklist(member)}
    assert card["Activate MFA on your root user"].status == "PASS"


def test_every_check_credits_prowler_and_cites_cis_v5_or_says_it_goes_beyond():
    for check in CHECKS.values():
        assert check.reference.startswith(f"Prowler check {check.id}; "), check.id
        assert bool(check.cis) != bool(check.beyond_cis), check.id
        if check.cis:
            assert check.cis.startswith("CIS AWS Foundations Benchmark v5.0, 1."), check.cis
    assert CHECKS["iam_root_mfa_enabled"].cis.startswith("CIS AWS Foundations Benchmark v5.0, 1.4:")
    assert CHECKS["iam_password_policy_minimum_length_14"].cis.startswith("CIS AWS Foundations Benchmark v5.0, 1.7:")
    for check_id in ("iam_password_policy_symbol", "iam_password_policy_expires_passwords_within_90_days_or_less"):
        assert "beyond current CIS" in CHECKS[check_id].beyond_cis and "v1.2" in CHECKS[check_id].beyond_cis


def test_avoid_root_usage():
    used_today = snapshot(rows=[row("<root_account>", password_last_used=stamp(0.2))])
    assert only(used_today, "iam_avoid_root_usage").message == "The root user was last used today."
    assert only(used_today, "iam_avoid_root_usage").status == "FAIL"
    key_used = snapshot(rows=[row("<root_account>", access_key_2_last_used_date=stamp(1.5))])
    assert only(key_used, "iam_avoid_root_usage").status == "FAIL"
    assert (
        only(snapshot(rows=[row("<root_account>", password_last_used=stamp(10))]), "iam_avoid_root_usage").status
        == "PASS"
    )
    assert only(snapshot(rows=[row("<root_account>")]), "iam_avoid_root_usage").status == "PASS"
    assert only(snapshot(missing=DENIED_REPORT), "iam_avoid_root_usage").status == "UNKNOWN"
    assert only(snapshot(rows=[]), "iam_avoid_root_usage").status == "UNKNOWN"


# --- users and groups ---------------------------------------------------------------------------


def test_individual_users_exist():
    assert only(snapshot(), "iam_individual_users_exist").status == "FAIL"
    assert only(secured(), "iam_individual_users_exist").message == "The account has 1 IAM user."
    no_summary = {SUMMARY: "the caller lacks the permission iam:GetAccountSummary"}
    users = (UserDetail("a"), UserDetail("b"))
    assert only(snapshot(users=users, missing=no_summary), "iam_individual_users_exist").message == (
        "The account has 2 IAM users."
    )
    both = {**no_summary, AUTHORIZATION: "the caller lacks the permission iam:GetAccountAuthorizationDetails"}
    assert only(snapshot(missing=both), "iam_individual_users_exist").status == "UNKNOWN"


def test_policy_attached_only_to_group_or_roles():
    direct = (
        UserDetail("bob", attached_policies=("AdministratorAccess",), inline_policies=("extra",)),
        UserDetail("carol", groups=("g",)),
    )
    found = results(snapshot(users=direct), "iam_policy_attached_only_to_group_or_roles")
    assert [(f.status, f.resource) for f in found] == [
        ("FAIL", "bob/AdministratorAccess"),
        ("FAIL", "bob/extra"),
        ("PASS", "carol"),
    ]
    assert found[0].message == "User bob has the policy AdministratorAccess attached."
    assert statuses(secured(), "iam_policy_attached_only_to_group_or_roles") == ["PASS"]
    missing = {AUTHORIZATION: "the caller lacks the permission iam:GetAccountAuthorizationDetails"}
    unknown = only(snapshot(missing=missing), "iam_policy_attached_only_to_group_or_roles")
    assert unknown.status == "UNKNOWN" and "iam:GetAccountAuthorizationDetails" in unknown.message


def test_groups_checklist_item_needs_a_group_with_members_and_policies():
    item = {r.title: r for r in checklist(secured())}["Use groups to assign permissions"]
    assert item.status == "PASS" and "aml-packt-users" in item.message
    loner = secured(users=(UserDetail("AML@Packt"),))
    assert {r.title: r for r in checklist(loner)}["Use groups to assign permissions"].status == "FAIL"
    empty_group = secured(groups=(GroupDetail("aml-packt-users"),))
    assert {r.title: r for r in checklist(empty_group)}["Use groups to assign permissions"].status == "FAIL"


# --- password policy ----------------------------------------------------------------------------

POLICY_CASES = [
    ("iam_password_policy_minimum_length_14", {"MinimumPasswordLength": 8}),
    ("iam_password_policy_reuse_24", {"PasswordReusePrevention": 5}),
    ("iam_password_policy_lowercase", {"RequireLowercaseCharacters": False}),
    ("iam_password_policy_uppercase", {"RequireUppercaseCharacters": False}),
    ("iam_password_policy_number", {"RequireNumbers": False}),
    ("iam_password_policy_symbol", {"RequireSymbols": False}),
]


@pytest.mark.parametrize(("check_id", "weaker"), POLICY_CASES)
def test_password_policy_checks_pass_fail_and_unknown(check_id, weaker):
    assert only(secured(), check_id).status == "PASS"
    assert only(secured(policy={**GOOD_POLICY, **weaker}), check_id).status == "FAIL"
    none = only(secured(policy=None), check_id)
    assert (none.status, none.resource) == ("FAIL", "password_policy")
    assert none.message == "The account has no IAM password policy."
    denied = {PASSWORD_POLICY: "the caller lacks the permission iam:GetAccountPasswordPolicy"}
    assert "iam:GetAccountPasswordPolicy" in only(secured(missing=denied), check_id).message


def test_password_expiry_within_90_days():
    check_id = "iam_password_policy_expires_passwords_within_90_days_or_less"
    assert only(secured(), check_id).status == "FAIL"  # the lesson's CIS v3 policy does not expire passwords
    assert (
        only(secured(policy={**GOOD_POLICY, "ExpirePasswords": True, "MaxPasswordAge": 90}), check_id).status == "PASS"
    )
    long = only(secured(policy={**GOOD_POLICY, "ExpirePasswords": True, "MaxPasswordAge": 365}), check_id)
    assert long.status == "FAIL" and "365 days" in long.message
    assert only(secured(missing={PASSWORD_POLICY: "x"}), check_id).status == "UNKNOWN"


# --- per-user credentials -----------------------------------------------------------------------


def test_user_mfa_console_access_handles_the_roots_not_supported():
    rows = [
        row("<root_account>", password_enabled="not_supported"),
        row("ann", password_enabled="true", mfa_active="false"),
        row("ben", password_enabled="true", mfa_active="true"),
        row("cy", password_enabled="false"),
    ]
    found = results(snapshot(rows=rows), "iam_user_mfa_enabled_console_access")
    # The root user gets no verdict here ("does not have a console password" would be untrue).
    assert [(f.resource, f.status) for f in found] == [("ann", "FAIL"), ("ben", "PASS"), ("cy", "PASS")]
    assert found[0].message == "User ann has a console password but MFA disabled."
    assert only(snapshot(missing=DENIED_REPORT), "iam_user_mfa_enabled_console_access").status == "UNKNOWN"


def test_rotate_access_key_90_days():
    rows = [
        row("old", access_key_1_active="true", access_key_1_last_rotated=stamp(120)),
        row("new", access_key_2_active="true", access_key_2_last_rotated=stamp(10)),
        row("inactive", access_key_1_active="false", access_key_1_last_rotated=stamp(400)),
    ]
    found = results(snapshot(rows=rows), "iam_rotate_access_key_90_days")
    assert [(f.status, f.resource) for f in found] == [
        ("FAIL", "old/AccessKey1"),
        ("PASS", "new"),
        ("PASS", "inactive"),
    ]
    assert found[0].message == "User old has not rotated access key 1 in over 90 days (120 days)."
    assert only(snapshot(missing=DENIED_REPORT), "iam_rotate_access_key_90_days").status == "UNKNOWN"


def test_accesskey_unused_45_days_counts_never_used_keys_from_creation():
    rows = [
        row(
            "idle",
            access_key_1_active="true",
            access_key_1_last_rotated=stamp(100),
            access_key_1_last_used_date=stamp(50),
        ),
        row("never", access_key_2_active="true", access_key_2_last_rotated=stamp(60)),
        row(
            "busy",
            access_key_1_active="true",
            access_key_1_last_rotated=stamp(100),
            access_key_1_last_used_date=stamp(1),
        ),
        row("fresh", access_key_1_active="true", access_key_1_last_rotated=stamp(3)),
    ]
    found = results(snapshot(rows=rows), "iam_user_accesskey_unused")
    assert [(f.status, f.resource) for f in found] == [
        ("FAIL", "idle/AccessKey1"),
        ("FAIL", "never/AccessKey2"),
        ("PASS", "busy"),
        ("PASS", "fresh"),
    ]
    assert "never used, created 60 days ago" in found[1].message
    assert only(snapshot(missing=DENIED_REPORT), "iam_user_accesskey_unused").status == "UNKNOWN"


def test_two_active_access_keys():
    rows = [row("two", access_key_1_active="true", access_key_2_active="true"), row("one", access_key_1_active="true")]
    found = results(snapshot(rows=rows), "iam_user_two_active_access_key")
    assert [f.status for f in found] == ["FAIL", "PASS"]
    assert found[0].message == "User two has 2 active access keys."
    assert only(snapshot(missing=DENIED_REPORT), "iam_user_two_active_access_key").status == "UNKNOWN"


def test_an_unknown_part_leaves_the_other_checks_running():
    found = run_checks(secured(missing=DENIED_REPORT))
    by_status = {f.check_id: f.status for f in found}
    assert by_status["iam_user_two_active_access_key"] == "UNKNOWN"
    assert by_status["iam_no_root_access_key"] == "PASS"  # from the live summary
    assert by_status["iam_password_policy_minimum_length_14"] == "PASS"
    unknown = next(f for f in found if f.status == "UNKNOWN")
    assert re.search(
        r"credential report could not be read: the caller lacks the permission "
        r"iam:GenerateCredentialReport\.$",
        unknown.message,
    )


def test_report_value_parsers():
    assert [flag(v) for v in ("true", "false", "not_supported", "N/A")] == [True, False, None, None]
    assert when("N/A") is None and when("no_information") is None and when("not_supported") is None
    assert when("2026-11-29T13:06:47+00:00").tzinfo is not None

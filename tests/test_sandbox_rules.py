"""The sandbox's pure rules on a fixed clock: TOTP pairs, password policy sentences, the report row."""

from __future__ import annotations

import csv
import io

import pyotp

from helpers.sandbox import _totp
from helpers.sandbox.root import RootLayer, RootState, otpauth_uri, password_problems, qr_png

SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_000.0  # a fixed clock: step 60,000,000


def codes(step: int) -> tuple[str, str]:
    totp = pyotp.TOTP(SEED)
    return totp.at(step * 30), totp.at((step + 1) * 30)


def test_two_consecutive_codes_are_accepted_and_name_their_step():
    step = int(NOW // 30)
    assert _totp.matching_step(SEED, *codes(step - 1), now=NOW) == step
    assert _totp.consecutive_codes(SEED, now=NOW) == codes(step - 1)


def test_wrong_swapped_stale_and_reused_codes_are_refused():
    step = int(NOW // 30)
    first, second = codes(step - 1)
    assert _totp.matching_step(SEED, "000000", "000000", now=NOW) is None
    assert _totp.matching_step(SEED, second, first, now=NOW) is None
    assert _totp.matching_step(SEED, *codes(step - 20), now=NOW) is None  # ten minutes old
    assert _totp.matching_step(SEED, first, second, after_step=step, now=NOW) is None  # already used


def test_a_slow_learner_within_the_window_is_accepted():
    step = int(NOW // 30)
    assert _totp.matching_step(SEED, *codes(step - 3), now=NOW) == step - 2


def test_password_policy_sentences_name_the_rule():
    cis = {
        "MinimumPasswordLength": "14",
        "RequireSymbols": "true",
        "RequireNumbers": "true",
        "RequireUppercaseCharacters": "true",
        "RequireLowercaseCharacters": "true",
    }
    assert password_problems("Correct-Horse-Battery-9", cis) == []
    assert password_problems("short", cis) == [
        "Password should have a minimum length of 14",
        "Password should have at least one uppercase letter",
        "Password should have at least one number",
        "Password should have at least one symbol",
    ]
    # No policy: AWS's default (8 characters, three of four kinds).
    assert password_problems("abcdefgh", None)
    assert password_problems("Abcdefg1", None) == []


def test_root_report_row_has_aws_values():
    layer = RootLayer(app=None, account_id="381492058731", token="t", enable_auth=None, disable_auth=None)
    layer.root = RootState()
    row = next(csv.reader(io.StringIO(layer.root_report_row())))
    assert len(row) == 22
    assert row[:2] == ["<root_account>", "arn:aws:iam::381492058731:root"]
    assert row[3] == "not_supported" and row[5] == "not_supported" and row[6] == "not_supported"
    assert row[7:9] == ["false", "false"] and row[9:13] == ["N/A"] * 4
    key = layer.create_root_key()
    row = next(csv.reader(io.StringIO(layer.root_report_row())))
    assert row[8] == "true" and row[9] != "N/A" and row[10] == "N/A"
    assert key.secret not in layer.root_report_row() and key.secret not in repr(key)


def test_qr_png_encodes_the_otpauth_uri():
    uri = otpauth_uri("root-account-mfa-device", "381492058731", SEED)
    assert uri.startswith("otpauth://totp/root-account-mfa-device@381492058731?secret=" + SEED)
    assert qr_png(uri).startswith(b"\x89PNG\r\n\x1a\n")

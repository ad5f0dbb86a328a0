"""Issue 9, the bad-input corpus: every bad input the notebook issues name, and more a new user would try.

One table. Each case runs against a private practice account at a notebook's checkpoint, through
the form a learner uses (``Button.click()``) or the logic function a cell calls. For each: the
sentence the learner sees (its key words asserted) and proof that nothing changed, neither in the
account (users, keys, devices, policies, root) nor in the files (bytes of config, credentials and
the account choice).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from tests import lesson_support as ls

ACCOUNT_ID = "381492058731"
KEY_ID = "AKIAZ5ZXR3P6XDEMOKEY"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@dataclass
class Case:
    id: str
    at: str  # the checkpoint the account is reset to
    act: Callable  # (ctx) -> the text the learner sees
    expect: str  # the key sentence (a substring, case-sensitive)
    setup: Callable | None = None  # (ctx) -> None, before the "nothing changed" baseline


def out_text(output) -> str:
    if not hasattr(output, "outputs"):  # a ResultBox: its plain text, then its HTML (escaped forms searched too)
        return f"{output.text}\n{output.value}"
    parts = []
    for o in output.outputs:
        parts.append(o.get("text", "") or "")
        parts.extend(str(v) for v in (o.get("data") or {}).values())
    return "".join(parts)


def said(call: Callable) -> str:
    """What a cell shows for *call*: its result, or the sentence of the error it raised."""
    from helpers.errors import explain

    try:
        result = call()
    except Exception as exc:
        return explain(exc)
    return str(result)


# ------------------------------------------------------------------ 01: the credentials form
def typed(key_id: str, secret: str, profile: str = "root-keys", token: str = "", region: str | None = None) -> Callable:
    def act(ctx) -> str:
        from helpers.ui.credentials_form import CredentialsForm

        form = CredentialsForm()
        form._key_id.value, form._secret.value, form._token.value = key_id, secret, token
        form._name.value = profile
        if region is not None:
            form._region.value = region
        form._save.click()
        assert form._secret.value == "" and form._token.value == ""  # cleared even when refused
        return out_text(form._out)

    return act


def real_key(ctx) -> tuple[str, str]:
    lines = dict(line.split("=", 1) for line in ctx.paths.rootkey_csv.read_text().splitlines())
    return lines["AWSAccessKeyId"], lines["AWSSecretKey"]


def with_real_key(make: Callable) -> Callable:
    def act(ctx):
        key_id, secret = real_key(ctx)
        return make(key_id, secret)(ctx)

    return act


def uploaded(name: str, content: bytes) -> Callable:
    def act(ctx) -> str:
        from helpers.ui.credentials_form import CSV, CredentialsForm

        form = CredentialsForm()
        form._mode.value = CSV
        form._upload.value = (
            {
                "name": name,
                "type": "text/csv",
                "size": len(content),
                "content": memoryview(content),
                "last_modified": datetime.now(timezone.utc),
            },
        )
        form._save.click()
        return out_text(form._out)

    return act


def write_credentials(text: str) -> Callable:
    def setup(ctx) -> None:
        ctx.paths.credentials.write_text(text)

    return setup


def broken_credentials_file(case_id: str, text: str, expect: str) -> Case:
    """Notebook 01 saving a real key over a credentials file holding *text*: the form says *expect*."""
    return Case(case_id, "01", with_real_key(typed), expect, setup=write_credentials(text))


def saved_profile(ctx) -> None:
    from helpers.sandbox import files

    key_id, secret = real_key(ctx)
    files.write_profile(ctx.paths, "root-keys", key_id, secret, ctx.url)


# ------------------------------------------------------------------ 02: the set-up form (real-account path)
def setup_form(ctx):
    from helpers import account
    from helpers.ui.users_form import SetupForm

    chosen = account.current_account()
    return SetupForm(chosen.session(), chosen.files(), practice=False)


def password_check(password: str) -> Callable:
    def act(ctx) -> str:
        form = setup_form(ctx)
        form._password.value = password
        form._check.click()
        assert form._password.value == ""
        return out_text(form._out)

    return act


def apply_typed(account_id: str, mode_type: bool = False, password: str = "") -> Callable:
    def act(ctx) -> str:
        from helpers.ui.users_form import TYPE

        form = setup_form(ctx)
        if mode_type:
            form._mode.value = TYPE
            form._password.value = password
        form.confirm._typed.value = account_id
        form.confirm._button.click()
        return out_text(form.confirm._out) + out_text(form._out)

    return act


def service(name: str, add: bool = True) -> Callable:
    def act(ctx) -> str:
        from helpers import account, users

        session = account.current_account().session()
        return said(lambda: (users.add_service if add else users.remove_service)(session, name))

    return act


# ------------------------------------------------------------------ 03: the root keys form (real-account path)
def root_keys_delete(typed_ids: str) -> Callable:
    def act(ctx) -> str:
        from helpers import root_keys
        from helpers.ui.root_keys_form import RootKeysForm

        # The real-account path: key IDs typed to confirm.
        actions = dataclasses.replace(root_keys.actions_for_account(), practice=False)
        form = RootKeysForm(actions, auto=False)
        form._typed.value = typed_ids
        form._buttons["delete"].disabled = False  # as if the learner skipped Deactivate and Verify
        form._buttons["delete"].click()
        return form._results["delete"].value

    return act


# ------------------------------------------------------------------ 04: MFA
def device_form(ctx):
    from helpers.ui.mfa_form import DeviceForm

    return DeviceForm(ctx.owner, "AML@Packt", practice=False, account_id=ACCOUNT_ID)


def create_device(name: str, typed_id: str = ACCOUNT_ID) -> Callable:
    def act(ctx) -> str:
        form = device_form(ctx)
        form._name.value, form._typed.value = name, typed_id
        form._create.click()
        return out_text(form._out)

    return act


def created_device(ctx) -> None:
    form = device_form(ctx)
    form._name.value, form._typed.value = "aml-phone", ACCOUNT_ID
    form._create.click()
    assert form._device is not None, out_text(form._out)
    ctx.form = form


def enable_codes(code1, code2) -> Callable:
    def act(ctx) -> str:
        form = ctx.form
        c1 = code1(form._device.seed) if callable(code1) else code1
        c2 = code2(form._device.seed) if callable(code2) else code2
        form._code1.value, form._code2.value = c1, c2
        form._enable.click()
        return out_text(form._out)

    return act


def totp_at(offset: int) -> Callable:
    import time

    import pyotp

    return lambda seed: pyotp.TOTP(seed).at((int(time.time() // 30) + offset) * 30)


def root_console_codes(code1: str, code2: str) -> Callable:
    def act(ctx) -> str:
        from helpers.sandbox import console

        device = console.create_root_mfa_device(home=ctx.home)
        return said(lambda: console.enable_root_mfa(device.serial, code1, code2, home=ctx.home))

    return act


def someone_elses_unfinished_device(ctx) -> None:
    """Another IAM user started enrolling a device named taken-phone and never finished."""
    ctx.owner.client("iam").create_virtual_mfa_device(VirtualMFADeviceName="taken-phone")


def backups_after_saves(ctx) -> str:
    """Six saves of a scratch copy of the AWS files: what is left of their backups (issue 15)."""
    import stat

    from helpers import textfiles
    from helpers.credentials import files as cred_files
    from helpers.credentials.keys import KeyPair
    from helpers.sources import AwsFiles

    scratch = ctx.home / "scratch-aws"
    scratch.mkdir(exist_ok=True)
    files = AwsFiles(scratch / "config", scratch / "credentials")
    for n in range(6):
        cred_files.save_profile(files, f"run-{n}", KeyPair(f"AKIAZ5ZXR3P6XDEMOKE{n}", SECRET))
    kept = textfiles.backups_of(files.credentials_file)
    private = all(stat.S_IMODE(b.stat().st_mode) == 0o600 for b in kept)
    return f"{len(kept)} backups of the credentials file kept, {'all' if private else 'not all'} 0600."


# ------------------------------------------------------------------ 00 and 06
def choose(source: str, profile: str | None = None) -> Callable:
    def act(ctx) -> str:
        from helpers import account

        try:
            account.choose_account(source, profile)
        except account.AccountChoiceError as exc:  # notebook 00's picker shows this sentence
            return str(exc)
        return "accepted"

    return act


def reset_to(checkpoint: str) -> Callable:
    def act(ctx) -> str:
        from helpers.sandbox.source import SandboxAccount

        return said(lambda: SandboxAccount(ctx.home).reset_to(checkpoint))

    return act


def teardown_wrong_id(ctx) -> str:
    from helpers import cleanup
    from helpers.ui.confirm import ConfirmApply

    prepared = cleanup.prepare()
    assert not prepared.plan.empty
    form = ConfirmApply(prepared.plan, lambda p: pytest.fail("applied"), account_id=ACCOUNT_ID, practice=False)
    form._typed.value = "38149205873"  # one digit short
    form._button.click()
    return out_text(form._out)


TYPED_PASSWORDS = [
    "correct-horse-battery-9",
    "CORRECT-HORSE-BATTERY-9",
    "Correct-Horse-Battery",
    "CorrectHorseBattery9",
    "Correct-Horse\tBattery-9",
]

CASES = [
    # --- 01: keys typed into the form (issue 4)
    Case("keys-empty", "01", typed("", ""), "The access key ID is empty. Paste the 20-character ID"),
    Case("keys-empty-secret", "01", typed(KEY_ID, ""), "secret"),
    Case("keys-swapped", "01", typed(SECRET, KEY_ID), "look swapped"),
    Case("key-id-19-chars", "01", typed(KEY_ID[:-1], SECRET), "20"),
    Case("key-id-21-chars", "01", typed(KEY_ID + "A", SECRET), "20"),
    Case("secret-39-chars", "01", typed(KEY_ID, SECRET[:-1]), "40"),
    Case("secret-41-chars", "01", typed(KEY_ID, SECRET + "A"), "40"),
    Case("secret-odd-characters", "01", typed(KEY_ID, SECRET[:-1] + "!"), "characters a secret never has"),
    Case("key-id-lowercase", "01", typed(KEY_ID.lower(), SECRET), "Access key IDs are upper case: this one has"),
    # --- issue 15: look-alike letters, DEFAULT, a secret in the wrong box, taken device names, backups
    Case(
        "key-id-look-alike",
        "01",
        typed(KEY_ID[:6] + "\u0410" + KEY_ID[7:], SECRET),  # a Cyrillic A at character 7
        "Character 7 of the access key ID is not a Latin letter or digit: it is CYRILLIC CAPITAL LETTER A",
    ),
    Case("profile-DEFAULT", "01", typed(KEY_ID, SECRET, profile="DEFAULT"), "a [DEFAULT] section is special"),
    Case("profile-Default", "01", typed(KEY_ID, SECRET, profile="Default"), "a [DEFAULT] section is special"),
    Case("secret-in-key-id-box", "01", typed(SECRET, ""), "The secret access key is empty"),
    Case("secret-in-region-box", "01", typed(KEY_ID, SECRET, region=SECRET), "AWS region name"),
    Case("secret-in-profile-box", "01", typed(KEY_ID, SECRET, profile=SECRET), "looks like an access key ID or a"),
    Case(
        "device-name-taken",
        "04",
        create_device("taken-phone"),
        "The device name taken-phone is taken (an unfinished enrolment); choose another name.",
        setup=someone_elses_unfinished_device,
    ),
    Case("backups-capped", "01", backups_after_saves, "3 backups of the credentials file kept, all 0600."),
    Case("asia-without-token", "01", typed("ASIA" + KEY_ID[4:], SECRET), "session token"),
    Case("akia-with-token", "01", typed(KEY_ID, SECRET, token="FwoGZXIvYXdzEXAMPLE"), "Leave the session token empty"),
    Case("profile-with-space", "01", typed(KEY_ID, SECRET, profile="my keys"), "profile name"),
    Case("profile-with-brackets", "01", typed(KEY_ID, SECRET, profile="[root]"), "profile name"),
    Case("profile-with-hash", "01", typed(KEY_ID, SECRET, profile="root#1"), "profile name"),
    Case("profile-empty", "01", typed(KEY_ID, SECRET, profile=""), "profile name"),
    Case("unknown-key", "01", typed(KEY_ID, SECRET), "AWS does not know this access key ID"),
    Case(
        "wrong-secret",
        "01",
        with_real_key(lambda key_id, secret: typed(key_id, secret[::-1])),
        "secret",
    ),
    Case(
        "profile-exists-other-key",
        "01",
        with_real_key(lambda key_id, secret: typed(KEY_ID, SECRET)),
        "already",
        setup=saved_profile,
    ),
    broken_credentials_file(
        "credentials-duplicate-section",
        "[a]\naws_access_key_id = x\n[a]\naws_access_key_id = y\n",
        "the section [a] appears twice (again at line 3",
    ),
    broken_credentials_file(
        "credentials-not-ini",
        "this is not an ini file\n= = =\n",
        "comes before any [section] header, so this is not an INI file",
    ),
    # --- 01: the CSV import
    Case("csv-empty", "01", uploaded("accessKeys.csv", b""), "is empty"),
    Case("csv-not-text", "01", uploaded("accessKeys.csv", b"\xff\xfe\x00\x81binary"), "not a text file"),
    Case("csv-wrong-columns", "01", uploaded("users.csv", b"User name,Password\nbob,x\n"), "not an access key file"),
    Case(
        "csv-two-keys",
        "01",
        uploaded("accessKeys.csv", f"Access key ID,Secret access key\n{KEY_ID},{SECRET}\n{KEY_ID},{SECRET}\n".encode()),
        "holds 2 keys",
    ),
    Case("csv-header-only", "01", uploaded("accessKeys.csv", b"Access key ID,Secret access key\n"), "no key in it"),
    Case(
        "rootkey-missing-secret", "01", uploaded("rootkey.csv", f"AWSAccessKeyId={KEY_ID}\n".encode()), "AWSSecretKey="
    ),
    Case(
        "csv-bad-secret",
        "01",
        uploaded("accessKeys.csv", f"Access key ID,Secret access key\n{KEY_ID},short\n".encode()),
        "does not look right",
    ),
    # --- 02: AML@Packt's password and the confirmation (issue 5)
    Case("password-too-short", "02", password_check("Ab1!"), "at least 14"),
    Case("password-no-upper", "02", password_check("correct-horse-battery-9"), "upper-case"),
    Case("password-no-lower", "02", password_check("CORRECT-HORSE-BATTERY-9"), "lower-case"),
    Case("password-no-digit", "02", password_check("Correct-Horse-Battery"), "digit"),
    Case("password-no-symbol", "02", password_check("CorrectHorseBattery9"), "symbols"),
    Case("password-control-char", "02", password_check("Correct-Horse\tBattery-9"), "control character"),
    Case("password-empty", "02", password_check(""), "Type a password first"),
    Case("apply-wrong-account-id", "02", apply_typed("123456789012"), "does not match"),
    Case("apply-empty-account-id", "02", apply_typed(""), "does not match"),
    Case("apply-typed-mode-no-password", "02", apply_typed(ACCOUNT_ID, mode_type=True), "Type a password first"),
    Case("apply-typed-weak-password", "02", apply_typed(ACCOUNT_ID, mode_type=True, password="weak"), "14"),
    Case("service-unknown", "02", service("redshift"), "Unknown service 'redshift': choose one of"),
    # --- 03: delete root keys, real-account path (issue 6)
    Case("delete-without-verify", "03", root_keys_delete(""), "Nothing was deleted: first run Verify"),
    Case("delete-wrong-key-id", "03", root_keys_delete("AKIAWRONGWRONGWRONG1"), "Nothing was deleted"),
    # --- 04: MFA (issue 7)
    Case("device-name-with-space", "04", create_device("my phone"), "cannot be a device name"),
    Case("device-name-empty", "04", create_device(""), "cannot be a device name"),
    Case("device-name-too-long", "04", create_device("x" * 300), "cannot be a device name"),
    Case("device-wrong-account-id", "04", create_device("aml-phone", typed_id="000000000000"), "Nothing was changed"),
    Case("code-five-digits", "04", enable_codes("12345", "123456"), "exactly 6", setup=created_device),
    Case("code-seven-digits", "04", enable_codes("123456", "1234567"), "exactly 6", setup=created_device),
    Case("code-letters", "04", enable_codes("12a456", "123456"), "letters or symbols", setup=created_device),
    Case("code-empty", "04", enable_codes("", "123456"), "is empty", setup=created_device),
    Case("code-same-twice", "04", enable_codes("123456", "123456"), "same code twice", setup=created_device),
    Case("codes-swapped", "04", enable_codes(totp_at(0), totp_at(-1)), "wrong order", setup=created_device),
    Case("codes-far-apart", "04", enable_codes(totp_at(-3), totp_at(0)), "not consecutive", setup=created_device),
    Case(
        "codes-not-this-device",
        "04",
        enable_codes("000001", "000002"),
        "Neither code comes from this device",
        setup=created_device,
    ),
    Case("root-console-bad-codes", "04", root_console_codes("000000", "111111"), "not valid"),
    Case("root-console-letters", "04", root_console_codes("abcdef", "123456"), "not valid"),
    # --- 00 and 06 (issue 10)
    Case(
        "choose-unknown-account", "02", choose("moon-account"), "Unknown account 'moon-account': choose one of sandbox"
    ),
    Case("reset-to-unknown-checkpoint", "06", reset_to("99"), "There is no checkpoint '99': choose one of 00"),
    Case("teardown-wrong-account-id", "06", teardown_wrong_id, "does not match"),
]


class Ctx:
    """The module's practice account and where it stands."""

    def __init__(self, practice: ls.Practice):
        self.practice = practice
        self.home, self.url, self.paths = practice.home, practice.url, practice.paths
        self.at: str | None = None
        self.form = None


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    with ls.practice(tmp_path_factory.mktemp("corpus") / "state") as practice:
        yield Ctx(practice)


def test_corpus_is_big_enough():
    assert len(CASES) >= 40 and len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", sorted(CASES, key=lambda c: c.at), ids=lambda c: c.id)
def test_bad_input_says_what_to_do_and_changes_nothing(case: Case, ctx: Ctx):
    if ctx.at != case.at:
        ctx.practice.reset(at=case.at)
        ctx.at = case.at
    saved = ls.file_bytes(ctx.practice)
    try:
        with contextlib.ExitStack() as ctx.stack:
            if case.at == "04":
                from helpers.sandbox.practice import owner_session

                # The account's owner drives the device form, as an admin would: the cases then check
                # the form's sentences, not AML@Packt's self-service rights (tested in test_mfa_sandbox).
                ctx.owner = ctx.stack.enter_context(owner_session(home=ctx.home))
            if case.setup is not None:
                case.setup(ctx)
            before = (ls.iam_snapshot(ctx.practice), ls.file_bytes(ctx.practice))
            shown = case.act(ctx)
            after = (ls.iam_snapshot(ctx.practice), ls.file_bytes(ctx.practice))
    finally:
        if case.setup is not None:
            ctx.at = None  # the set-up changed the account: the next case starts from a fresh reset
            for path in (ctx.paths.config, ctx.paths.credentials):
                path.write_bytes(saved[path.name])
    print(f"{case.id}: {shown.strip()}")
    assert case.expect in shown, shown
    assert "Traceback" not in shown
    # Whatever secret was typed, the sentence never repeats it.
    typed_secrets = [SECRET, SECRET[:20], *TYPED_PASSWORDS]
    if ctx.paths.rootkey_csv.exists():
        typed_secrets.append(real_key(ctx)[1])
    assert not [s for s in typed_secrets if s in shown]
    assert after[0] == before[0], "the account changed"
    assert after[1] == before[1], "the files changed"

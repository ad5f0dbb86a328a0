"""Notebook 01's steps end to end: check a key pair, prove it, save it; set up or verify the active profile."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from helpers import account as account_mod
from helpers.account import Account
from helpers.auto import walkthrough_auto
from helpers.credentials.files import (
    DEFAULT_PROFILE,
    SaveResult,
    check_profile_name,
    plan_save_profile,
    save_profile,
)
from helpers.credentials.identity import Identity, prove_key_pair, prove_profile
from helpers.credentials.keys import CheckedKeys, check_key_pair, read_keys_csv
from helpers.credentials.profiles import list_profiles, saved_key_id
from helpers.errors import WalkthroughError, cell_guard, explain
from helpers.plan import Plan
from helpers.sources import AwsFiles

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


def check_region(region: str | None) -> str | None:
    """A tidy region name, None when left empty; raise with an example when malformed (notebook 01)."""
    value = (region or "").strip().strip("\"'")
    if not value:
        return None
    if not _REGION.match(value):
        # Never quote what was typed: a secret pasted into the wrong box would be shown back (issue 15).
        looks = ""
        if len(value) >= 16 and any(ch.isdigit() for ch in value) and any(ch.isupper() for ch in value):
            looks = " It looks like a key or a secret: clear the region box and paste that value where it belongs."
        raise WalkthroughError(
            f"The region is not an AWS region name (what was typed has {len(value)} characters).{looks} Type one "
            "such as us-east-1 or eu-west-1, or leave it empty."
        )
    return value


@dataclass(frozen=True)
class SaveOutcome:
    """What "Check and save" did: who the keys are, what changed, and notes on tidied input."""

    identity: Identity
    plan: Plan
    result: SaveResult
    notes: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        return [*self.notes, *self.result.lines()]


def check_and_save(
    files: AwsFiles,
    profile: str = DEFAULT_PROFILE,
    *,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
    session_token: str | None = None,
    checked: CheckedKeys | None = None,
    region: str | None = None,
    make_default: bool = False,
    overwrite: bool = False,
) -> SaveOutcome:
    """Shape check, then every file check, then STS, then save (notebook 01's "Check and save").

    Each step raises ``WalkthroughError`` with the fix; nothing is written unless all pass.
    """
    if checked is None:
        checked = check_key_pair(access_key_id, secret_access_key, session_token)
    profile = check_profile_name(profile)
    region = check_region(region)
    # The plan runs every file check (name taken, malformed, read-only) before the network call.
    plan = plan_save_profile(
        files, profile, checked.pair, region=region, make_default=make_default, overwrite=overwrite
    )
    identity = prove_key_pair(checked.pair, files, region)
    result = save_profile(files, profile, checked.pair, region=region, make_default=make_default, overwrite=overwrite)
    return SaveOutcome(identity, plan, result, checked.notes)


def use_existing_profile(account: Account, profile: str) -> Identity:
    """Prove a saved profile live and make it the active one (notebook 01's profile picker)."""
    identity = prove_profile(account.files(), profile)
    account_mod.use_profile(profile)
    return identity


@dataclass(frozen=True)
class CredentialsReport:
    """What the set-up or verification cell found; shows as sentences plus the "who you are" card."""

    ok: bool
    lines: tuple[str, ...]
    identity: Identity | None = None
    profile: str | None = None

    def __str__(self) -> str:
        parts = list(self.lines)
        if self.identity is not None:
            parts.append(str(self.identity))
        return "\n".join(parts)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = "" if self.ok else ' style="color:#b00020"'
        text = "".join(f"<p{colour}>{html.escape(line)}</p>" for line in self.lines)
        card = self.identity._repr_html_() if self.identity is not None else ""
        return f'<div class="aml-cred-report">{text}{card}</div>'


@cell_guard
def standing(account: Account | None = None) -> CredentialsReport:
    """Where notebook 01 starts from: the account, its saved profiles, the active one and whether it works."""
    account = account or account_mod.current_account()
    files = account.files()
    lines = [f"Account: {account.source.label}.", f"Its files: {files.credentials_file} and {files.config_file}."]
    try:
        profiles = list_profiles(files)
    except WalkthroughError as exc:
        profiles = []
        lines.append(str(exc))
    lines.append("Saved profiles: " + ("; ".join(p.describe() for p in profiles) or "none yet") + ".")
    identity = None
    if account.profile:
        try:
            identity = prove_profile(files, account.profile)
        except WalkthroughError as exc:
            lines.append(f"Active profile: {account.profile}, but it does not work: {exc}")
        else:
            lines.append(f"Active profile: {account.profile}, and it works: nothing to set up unless you want to.")
    else:
        lines.append("Active profile: none yet. This notebook sets one up.")
    if account.practice and account.source.handed_over_keys() is not None:
        lines.append(
            "In this practice account you have already created a root access key, as the book does "
            "(rootkey.csv): the form's 'Use the root key I created (rootkey.csv)' brings it in."
        )
    return CredentialsReport(True, tuple(lines), identity, account.profile)


@cell_guard
def verify_credentials(account: Account | None = None) -> CredentialsReport:
    """Who am I, for the active profile; safe to re-run any time (notebook 01's last cell, and later ones)."""
    account = account or account_mod.current_account()
    if not account.profile:
        return CredentialsReport(
            False, ("No profile is active yet. Run the set-up cell above, or use the form, then run this again.",)
        )
    try:
        identity = prove_profile(account.files(), account.profile)
    except WalkthroughError as exc:
        return CredentialsReport(False, (f"Profile {account.profile} does not work: {exc}",), profile=account.profile)
    return CredentialsReport(True, (f"Profile {account.profile} works.",), identity=identity, profile=account.profile)


@cell_guard
def set_up_credentials(account: Account | None = None, profile: str = DEFAULT_PROFILE) -> CredentialsReport:
    """Notebook 01's check after the form: says what is missing; imports the handed-over keys only under auto.

    In the practice account with ``AML_WALKTHROUGH_AUTO=1`` (tests, catching up) it saves the
    handed-over keys and makes them active; otherwise the learner presses the form's button.

    On a real account it only verifies the active profile and points to the form. Re-running
    converges: a working profile is left as it is, a saved one is reused, never duplicated.
    """
    account = account or account_mod.current_account()
    files = account.files()
    if account.profile:
        try:
            identity = prove_profile(files, account.profile)
        except WalkthroughError as exc:
            problem = str(exc)
        else:
            return CredentialsReport(
                True,
                (f"Profile {account.profile} is already set up and works: nothing to change.",),
                identity,
                account.profile,
            )
    else:
        problem = ""
    if not account.practice:
        first = (
            f"The active profile {account.profile} does not work: {problem}"
            if account.profile
            else "No profile is active yet."
        )
        return CredentialsReport(
            False,
            (
                first,
                "Use the form above to import or type your keys (or pick a profile that works), then run "
                "this cell again.",
            ),
        )
    if not walkthrough_auto():
        # The learner presses the form's button; this cell only imports by itself when catching up.
        return CredentialsReport(
            False,
            (
                "No working profile yet: in the form above, open 'Import the CSV file' and press 'Use the root "
                "key I created (rootkey.csv)', then run this cell again to check.",
                'Catching up instead? Run aml.progress.start_from("02") to put the practice account at the '
                "start of notebook 02.",
            ),
        )
    try:
        return _set_up_practice(account, files, profile)
    except WalkthroughError as exc:
        return CredentialsReport(False, (str(exc),), profile=profile)
    except OSError as exc:
        return CredentialsReport(False, (explain(exc),), profile=profile)


def _set_up_practice(account: Account, files: AwsFiles, profile: str) -> CredentialsReport:
    notes: list[str] = []
    overwrite = False
    if saved_key_id(files, profile):
        try:
            identity = prove_profile(files, profile)
        except WalkthroughError:
            # Keys from an earlier practice run that no longer exist: replace them (a backup is kept).
            overwrite = True
            notes.append(f"Profile {profile} held keys that no longer work; replacing them.")
        else:
            account_mod.use_profile(profile)
            return CredentialsReport(
                True,
                (f"Profile {profile} was already saved and works; it is now the active profile.",),
                identity,
                profile,
            )
    path = account.source.handed_over_keys()
    if path is None:
        return CredentialsReport(
            False,
            (
                "This practice account has no key file to hand over: its root keys were deleted (notebook 03, or "
                "the clean-up), so there is nothing left to import. To do the lesson again, start the practice "
                'account over: run aml.progress.start_from("01") in a cell, then run this notebook again.',
            ),
        )
    checked = read_keys_csv(path)
    outcome = check_and_save(files, profile, checked=checked, region=account.source.default_region, overwrite=overwrite)
    account_mod.use_profile(profile)
    lines = [
        f"Imported the root key you created ({path.name}, key {checked.pair.masked_id}).",
        *notes,
        *outcome.lines(),
        f"Profile {profile} is now the active profile for the next notebooks.",
    ]
    return CredentialsReport(True, tuple(lines), outcome.identity, profile)

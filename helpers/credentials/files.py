"""Save and remove profiles in the AWS shared files: the one writer of them (notebooks 01, 02, 03, 06).

A plan first (``plan_save_profile``), then ``save_profile``; ``remove_profile`` takes one out. The
bytes are handled by ``helpers.credentials.ini`` (every other profile, comment and blank line kept;
atomic 0600 writes after a timestamped backup); reads are in ``helpers.credentials.profiles``. In the
config file a non-default profile is ``[profile x]``; in the credentials file it is ``[x]`` (AWS CLI rules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from configupdater.section import Section

from helpers.credentials import ini
from helpers.credentials.keys import KeyPair, mask_key_id
from helpers.errors import WalkthroughError
from helpers.names import ROOT_PROFILE
from helpers.plan import Change, Plan
from helpers.sources import AwsFiles

DEFAULT_PROFILE = ROOT_PROFILE  # notebook 01 saves the root user's keys under this name
# Letters, digits and a few safe marks: no spaces, brackets, '#', ';' or '=' which would
# break the INI section header or be read as a comment.
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
_LOOKS_LIKE_KEY_ID = re.compile(r"^(AKIA|ASIA)[A-Z0-9]{16}$", re.IGNORECASE)
_LOOKS_LIKE_SECRET = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])[A-Za-z0-9/+]{40}$")


class ProfileExistsError(WalkthroughError):
    """The profile already exists with other keys and overwrite was not asked for."""


@dataclass(frozen=True)
class _Written:
    """The files a save or removal wrote and their backups (none written: nothing had to change)."""

    profile: str
    written: tuple[Path, ...] = ()
    backups: tuple[Path, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    _did = "Changed profile {profile} in {files}."
    _nothing = "Profile {profile}: nothing to change."

    @property
    def changed(self) -> bool:
        return bool(self.written)

    def lines(self) -> list[str]:
        if not self.written:
            return [self._nothing.format(profile=self.profile)]
        out = [self._did.format(profile=self.profile, files=", ".join(str(p) for p in self.written))]
        if self.backups:
            out.append(f"The previous version is kept in {', '.join(str(p) for p in self.backups)}.")
        return out + list(self.notes)


@dataclass(frozen=True)
class SaveResult(_Written):
    """What ``save_profile`` did: the files written, their backups, or that nothing had to change."""

    _did = "Saved profile {profile} in {files}."
    _nothing = "Profile {profile} was already saved with these keys: nothing to change."


def check_profile_name(name: str | None) -> str:
    """Return a valid profile name or raise with the fix (notebook 01)."""
    value = name or ""
    if not value.strip():
        raise WalkthroughError(f"The profile name is empty. Type a name such as {DEFAULT_PROFILE}.")
    if value != value.strip() or any(ch.isspace() for ch in value):
        raise WalkthroughError(
            f"A profile name cannot contain spaces. Use letters, digits and - _ . (for example {DEFAULT_PROFILE})."
        )
    if _LOOKS_LIKE_SECRET.match(value) or _LOOKS_LIKE_KEY_ID.match(value):
        # A pasted key or secret would otherwise become a section name, written and shown in every list.
        raise WalkthroughError(
            "The profile name looks like an access key ID or a secret access key: clear the profile name box, "
            f"paste that value where it belongs, and name the profile e.g. {DEFAULT_PROFILE}."
        )
    if not _PROFILE_NAME.match(value):
        bad = sorted({ch for ch in value if not re.match(r"[A-Za-z0-9._@+-]", ch)})
        what = f"contain {' '.join(bad)}" if bad else "start that way or be that long"
        raise WalkthroughError(
            f"A profile name cannot {what}: brackets, '#', ';' and '=' would break the file. Use letters, "
            f"digits and - _ . (for example {DEFAULT_PROFILE})."
        )
    if value.lower() == "default" and value != "default":
        # configparser treats [DEFAULT] as the defaults of every section: its keys would apply to every profile.
        raise WalkthroughError(
            f"{value} cannot be a profile name: in these files a [DEFAULT] section is special (its settings would "
            "apply to every profile), and AWS names its default profile in lower case. Use default, or another "
            f"name such as {DEFAULT_PROFILE}."
        )
    if value.startswith("profile"):
        # "[profile profile-x]" works but confuses everyone reading the file.
        raise WalkthroughError(f"Choose a name that does not start with 'profile' (for example {DEFAULT_PROFILE}).")
    return value


def _exists_message(name: str, key_id: str, keys_known: bool) -> str:
    fix = (
        "choose another profile name, or replace it ('Replace the profile if it exists' in the form; a backup "
        "of the file is kept); nothing was changed."
    )
    if keys_known:
        return (
            f"The profile {name} already exists and holds another key ({mask_key_id(key_id)}). To save this one, {fix}"
        )
    return (
        f"The profile {name} already exists with key {mask_key_id(key_id)}. Saving that same key again changes "
        f"nothing; to save another key, {fix}"
    )


@dataclass(frozen=True)
class _Edit:
    config_old: str | None
    config_new: str
    creds_old: str | None
    creds_new: str
    changes: tuple[Change, ...]
    notes: tuple[str, ...]


def _existing_pair(section: Section | None) -> tuple[str | None, str | None, str | None]:
    return (
        ini.value(section, "aws_access_key_id"),
        ini.value(section, "aws_secret_access_key"),
        ini.value(section, "aws_session_token"),
    )


def _prepare(
    files: AwsFiles,
    profile: str,
    pair: KeyPair | None,
    region: str | None,
    make_default: bool,
    overwrite: bool,
    keys_known: bool = True,
) -> _Edit:
    """Compute both files' new text (nothing written); raise on any problem."""
    profile = check_profile_name(profile)
    config_old, config = ini.load(files.config_file)
    creds_old, creds = ini.load(files.credentials_file)
    targets = [profile] + (["default"] if make_default and profile != "default" else [])
    changes: list[Change] = []
    notes: list[str] = []
    for name in targets:
        conf_existing = ini.profiles_in_config(config).get(name)
        cred_existing = creds[name] if creds.has_section(name) else None
        # Keys may also sit in the config file (allowed, if unusual); the credentials file wins.
        holder = cred_existing if ini.value(cred_existing, "aws_access_key_id") else conf_existing
        existing_id, existing_secret, existing_token = _existing_pair(holder)
        existing_kind = ini.kind_of(conf_existing, cred_existing)[0]
        same_keys = pair is None or (
            existing_id is not None and pair.same_as(existing_id, existing_secret, existing_token)
        )
        if existing_kind not in (ini.KIND_NONE, ini.KIND_STATIC, ini.KIND_TEMPORARY):
            # SSO, role and process settings win over keys in botocore's lookup order: keys added
            # to such a profile would be silently ignored, so never mix them, even when asked to.
            raise ProfileExistsError(
                f"The profile {name} already gets its credentials as {existing_kind}; keys saved into it would "
                f"be ignored. Choose another profile name (for example {DEFAULT_PROFILE}); nothing was changed."
            )
        # A profile with only a region or endpoint has no credentials to lose.
        if existing_kind != ini.KIND_NONE and not same_keys and not overwrite:
            raise ProfileExistsError(_exists_message(name, existing_id or "", keys_known))
        if pair is not None and not same_keys:
            section = ini.ensure_section(creds, name)
            ini.set_option(section, "aws_access_key_id", pair.access_key_id)
            ini.set_option(section, "aws_secret_access_key", pair.secret_access_key)
            if pair.session_token:
                ini.set_option(section, "aws_session_token", pair.session_token)
            else:
                ini.remove_option(section, "aws_session_token")
            verb = "replace" if cred_existing is not None else "add"
            changes.append(
                Change(verb, "profile", name, f"access key {pair.masked_id} and its secret in {files.credentials_file}")
            )
        wanted = dict(files.new_profile_settings)
        if region:
            wanted["region"] = region
        conf_changes = [k for k, v in wanted.items() if ini.value(conf_existing, k) != v]
        if conf_changes:
            section = ini.ensure_section(config, ini.config_section(name))
            for key in conf_changes:
                ini.set_option(section, key, wanted[key])
            verb = "update" if conf_existing is not None else "add"
            changes.append(Change(verb, "profile", name, f"{', '.join(conf_changes)} in {files.config_file}"))
    return _Edit(config_old, str(config), creds_old, str(creds), tuple(changes), tuple(notes))


def plan_save_profile(
    files: AwsFiles,
    profile: str = DEFAULT_PROFILE,
    pair: KeyPair | None = None,
    *,
    region: str | None = None,
    make_default: bool = False,
    overwrite: bool = False,
) -> Plan:
    """Which files and profiles ``save_profile`` would change, before anything is written (notebook 01).

    Without *pair* the plan assumes new keys; it raises the same errors the save would
    (bad name, existing profile, malformed or read-only file).
    """
    if pair is None:
        pair = KeyPair("AKIA" + "0" * 16, "0" * 40)  # placeholder: only its masked ID could show
        edit = _prepare(files, profile, pair, region, make_default, overwrite, keys_known=False)
        changes = tuple(
            Change(c.verb, c.kind, c.name, c.detail.replace(f"access key {pair.masked_id}", "your access key"))
            for c in edit.changes
        )
    else:
        edit = _prepare(files, profile, pair, region, make_default, overwrite)
        changes = edit.changes
    for path, new in ((files.credentials_file, edit.creds_new), (files.config_file, edit.config_new)):
        old = edit.creds_old if path == files.credentials_file else edit.config_old
        if new != (old or ""):
            ini.check_writable(path)
    notes = list(edit.notes)
    for path, old in ((files.credentials_file, edit.creds_old), (files.config_file, edit.config_old)):
        if old is not None and any(str(path) in c.detail for c in changes):
            notes.append(f"A dated backup copy of {path} is made first.")
    return Plan(f"Save profile {profile}", changes, tuple(notes))


def save_profile(
    files: AwsFiles,
    profile: str,
    pair: KeyPair,
    *,
    region: str | None = None,
    make_default: bool = False,
    overwrite: bool = False,
) -> SaveResult:
    """Write *pair* (and region, and the account's profile settings) as *profile* (notebook 01).

    Converges: the same keys saved again change nothing. Any problem raises before a byte
    is written; if the second file cannot be written, the first is put back.
    """
    edit = _prepare(files, profile, pair, region, make_default, overwrite)
    jobs = [
        (files.credentials_file, edit.creds_old, edit.creds_new),
        (files.config_file, edit.config_old, edit.config_new),
    ]
    written, backups = ini.write_all([(path, old, new) for path, old, new in jobs if new != (old or "")])
    return SaveResult(check_profile_name(profile), tuple(written), tuple(backups), edit.notes)


@dataclass(frozen=True)
class RemoveResult(_Written):
    """What ``remove_profile`` did: the files changed and their backups (empty: nothing to remove)."""

    _did = "Removed profile {profile} from {files}."
    _nothing = "Profile {profile} was not in the AWS files: nothing to remove."


def remove_profile(files: AwsFiles, profile: str) -> RemoveResult:
    """Remove *profile* from both files (backup first); converges: an absent profile changes nothing."""
    jobs = []
    for path, section in ((files.credentials_file, profile), (files.config_file, ini.config_section(profile))):
        old, updater = ini.load(path)
        if updater.has_section(section):
            updater.remove_section(section)
            jobs.append((path, old, str(updater)))
    written, backups = ini.write_all(jobs)
    return RemoveResult(profile, tuple(written), tuple(backups))

"""The AWS shared config and credentials files: list profiles, plan and save one (notebook 01).

Edits go through configupdater, so every other profile, comment and blank line is kept byte
for byte. Writes are atomic, mode 0600, after a timestamped backup. In the config file a
non-default profile is ``[profile x]``; in the credentials file it is ``[x]`` (AWS CLI rules).
"""

from __future__ import annotations

import configparser
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from configupdater import ConfigUpdater
from configupdater.section import Section

from helpers.credentials.keys import KeyPair, mask_key_id
from helpers.errors import WalkthroughError
from helpers.names import ROOT_PROFILE
from helpers.plan import Change, Plan
from helpers.sources import AwsFiles
from helpers.textfiles import backup, write_atomic

DEFAULT_PROFILE = ROOT_PROFILE  # notebook 01 saves the root user's keys under this name
# Letters, digits and a few safe marks: no spaces, brackets, '#', ';' or '=' which would
# break the INI section header or be read as a comment.
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
_LOOKS_LIKE_KEY_ID = re.compile(r"^(AKIA|ASIA)[A-Z0-9]{16}$", re.IGNORECASE)
_LOOKS_LIKE_SECRET = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])[A-Za-z0-9/+]{40}$")
# Sections in the config file that are not profiles.
_NON_PROFILE_PREFIXES = ("sso-session ", "services ", "plugins")

KIND_STATIC = "static keys"
KIND_TEMPORARY = "temporary keys"
KIND_SSO = "IAM Identity Center (SSO)"
KIND_ROLE = "role"
KIND_LOGIN = "short-lived (aws login)"  # login_session, written by `aws login` (AWS CLI v2.32+)
KIND_PROCESS = "credential process"
KIND_NONE = "no credentials"


class CredentialsFileError(WalkthroughError):
    """A config or credentials file cannot be read or written; nothing was changed."""


class ProfileExistsError(WalkthroughError):
    """The profile already exists with other keys and overwrite was not asked for."""


@dataclass(frozen=True)
class ProfileInfo:
    """What one profile is, without its secrets (notebook 01's profile list)."""

    name: str
    kind: str
    region: str | None = None
    access_key_id: str | None = None  # masked, e.g. AKIA…ABCD
    in_config: bool = False
    in_credentials: bool = False

    def describe(self) -> str:
        extra = f", key {self.access_key_id}" if self.access_key_id else ""
        region = f", region {self.region}" if self.region else ""
        return f"{self.name} ({self.kind}{extra}{region})"


@dataclass(frozen=True)
class SaveResult:
    """What ``save_profile`` did: the files written, their backups, or that nothing had to change."""

    profile: str
    written: tuple[Path, ...] = ()
    backups: tuple[Path, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return bool(self.written)

    def lines(self) -> list[str]:
        if not self.written:
            return [f"Profile {self.profile} was already saved with these keys: nothing to change."]
        out = [f"Saved profile {self.profile} in {', '.join(str(p) for p in self.written)}."]
        if self.backups:
            out.append(f"The previous version is kept in {', '.join(str(p) for p in self.backups)}.")
        return out + list(self.notes)


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


def config_section(profile: str) -> str:
    """The config-file section name of *profile* (``default`` or ``profile <name>``)."""
    return "default" if profile == "default" else f"profile {profile}"


def _line_of(exc: configparser.Error) -> int | None:
    lineno = getattr(exc, "lineno", None)
    if lineno is None and getattr(exc, "errors", None):
        lineno = exc.errors[0][0]
    return lineno


def _parse(path: Path, text: str) -> ConfigUpdater:
    updater = ConfigUpdater()
    try:
        updater.read_string(text, source=str(path))
    except configparser.Error as exc:
        # Never str(exc): configparser quotes the offending line, which may hold a secret.
        line = _line_of(exc)
        where = f"line {line} of {path}" if line else str(path)
        if isinstance(exc, configparser.DuplicateSectionError):
            why = f"the section [{exc.section}] appears twice (again at {where})"
        elif isinstance(exc, configparser.DuplicateOptionError):
            why = f"the setting {exc.option!r} appears twice in [{exc.section}] (again at {where})"
        elif isinstance(exc, configparser.MissingSectionHeaderError):
            why = f"{where} comes before any [section] header, so this is not an INI file"
        else:
            why = f"{where} is neither a [section], a 'name = value' setting nor a comment"
        raise CredentialsFileError(
            f"{path} cannot be read: {why}. Fix or remove that line in a text editor (AWS tools refuse "
            "the file as it is); nothing was changed."
        ) from None
    return updater


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise CredentialsFileError(
            f"{path} is not a text file. Move it aside (or fix it) and try again; nothing was changed."
        ) from None
    except PermissionError:
        raise CredentialsFileError(
            f"{path} cannot be read (permission denied). Make it readable by you "
            f"(chmod u+rw {path}) and try again; nothing was changed."
        ) from None
    except IsADirectoryError:
        raise CredentialsFileError(f"{path} is a folder, not a file. Move it aside and try again.") from None


def _load(path: Path) -> tuple[str | None, ConfigUpdater]:
    text = _read_text(path)
    return text, _parse(path, text or "")


def _profiles_in_config(updater: ConfigUpdater) -> dict[str, Section]:
    found = {}
    for name in updater.sections():
        if name == "default":
            found["default"] = updater[name]
        elif name.startswith("profile "):
            found[name[len("profile ") :].strip()] = updater[name]
    return found


def _value(section: Section | None, key: str) -> str | None:
    if section is None:
        return None
    option = section.get(key)
    return None if option is None or option.value is None else option.value.strip()


def _kind(conf: Section | None, cred: Section | None) -> tuple[str, str | None]:
    for section in (cred, conf):
        key_id = _value(section, "aws_access_key_id")
        if key_id:
            temporary = bool(_value(section, "aws_session_token"))
            return (KIND_TEMPORARY if temporary else KIND_STATIC), mask_key_id(key_id)
    if _value(conf, "sso_session") or _value(conf, "sso_start_url"):
        return KIND_SSO, None
    if _value(conf, "role_arn"):
        return KIND_ROLE, None
    if _value(conf, "login_session"):
        return KIND_LOGIN, None
    if _value(conf, "credential_process"):
        return KIND_PROCESS, None
    return KIND_NONE, None


def list_profiles(files: AwsFiles) -> list[ProfileInfo]:
    """Every profile in the account's files with what it is, never a secret (notebook 01)."""
    _, config = _load(files.config_file)
    _, creds = _load(files.credentials_file)
    conf_sections = _profiles_in_config(config)
    cred_sections = {name: creds[name] for name in creds.sections()}
    names = list(dict.fromkeys([*conf_sections, *cred_sections]))
    out = []
    for name in names:
        conf, cred = conf_sections.get(name), cred_sections.get(name)
        kind, key_id = _kind(conf, cred)
        out.append(
            ProfileInfo(
                name=name,
                kind=kind,
                region=_value(conf, "region"),
                access_key_id=key_id,
                in_config=conf is not None,
                in_credentials=cred is not None,
            )
        )
    return sorted(out, key=lambda p: (p.name != "default", p.name.lower()))


def _check_writable(path: Path) -> None:
    if path.exists():
        mode = path.stat().st_mode
        # Check the owner's write bit too: for root, os.access says yes to any file.
        if not os.access(path, os.W_OK) or not mode & stat.S_IWUSR:
            raise CredentialsFileError(
                f"{path} is read-only. Make it writable (chmod u+w {path}) or save the profile "
                "yourself; nothing was changed."
            )
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CredentialsFileError(
            f"The folder {folder} is not writable, so {path.name} cannot be saved there. Make it "
            "writable and try again; nothing was changed."
        )


def _set(section: Section, key: str, value: str) -> None:
    option = section.get(key)
    if option is not None:
        option.value = value
        return
    options = section.option_blocks()
    if options:
        # After the last setting, not after trailing blank lines or comments.
        options[-1].add_after.option(key, value)
    else:
        section.set(key, value)


def _remove(section: Section, key: str) -> None:
    if section.get(key) is not None:
        del section[key]


def _section(updater: ConfigUpdater, name: str) -> Section:
    if not updater.has_section(name):
        text = str(updater)
        sections = updater.section_blocks()
        if sections and not text.endswith("\n\n"):
            sections[-1].add_after.space()
        updater.add_section(name)
    return updater[name]


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
        _value(section, "aws_access_key_id"),
        _value(section, "aws_secret_access_key"),
        _value(section, "aws_session_token"),
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
    config_old, config = _load(files.config_file)
    creds_old, creds = _load(files.credentials_file)
    targets = [profile] + (["default"] if make_default and profile != "default" else [])
    changes: list[Change] = []
    notes: list[str] = []
    for name in targets:
        conf_existing = _profiles_in_config(config).get(name)
        cred_existing = creds[name] if creds.has_section(name) else None
        # Keys may also sit in the config file (allowed, if unusual); the credentials file wins.
        holder = cred_existing if _value(cred_existing, "aws_access_key_id") else conf_existing
        existing_id, existing_secret, existing_token = _existing_pair(holder)
        existing_kind = _kind(conf_existing, cred_existing)[0]
        same_keys = pair is None or (
            existing_id is not None and pair.same_as(existing_id, existing_secret, existing_token)
        )
        if existing_kind not in (KIND_NONE, KIND_STATIC, KIND_TEMPORARY):
            # SSO, role and process settings win over keys in botocore's lookup order: keys added
            # to such a profile would be silently ignored, so never mix them, even when asked to.
            raise ProfileExistsError(
                f"The profile {name} already gets its credentials as {existing_kind}; keys saved into it would "
                f"be ignored. Choose another profile name (for example {DEFAULT_PROFILE}); nothing was changed."
            )
        # A profile with only a region or endpoint has no credentials to lose.
        if existing_kind != KIND_NONE and not same_keys and not overwrite:
            raise ProfileExistsError(_exists_message(name, existing_id or "", keys_known))
        if pair is not None and not same_keys:
            section = _section(creds, name)
            _set(section, "aws_access_key_id", pair.access_key_id)
            _set(section, "aws_secret_access_key", pair.secret_access_key)
            if pair.session_token:
                _set(section, "aws_session_token", pair.session_token)
            else:
                _remove(section, "aws_session_token")
            verb = "replace" if cred_existing is not None else "add"
            changes.append(
                Change(verb, "profile", name, f"access key {pair.masked_id} and its secret in {files.credentials_file}")
            )
        wanted = dict(files.new_profile_settings)
        if region:
            wanted["region"] = region
        conf_changes = [k for k, v in wanted.items() if _value(conf_existing, k) != v]
        if conf_changes:
            section = _section(config, config_section(name))
            for key in conf_changes:
                _set(section, key, wanted[key])
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
            _check_writable(path)
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
    jobs = [(path, old, new) for path, old, new in jobs if new != (old or "")]
    for path, _, _ in jobs:
        _check_writable(path)
    written: list[Path] = []
    backups: list[Path] = []
    try:
        for path, old, new in jobs:
            if old is not None:
                saved = backup(path)
                if saved is not None:
                    backups.append(saved)
            else:
                # ~/.aws holds secrets: create it private, as the AWS CLI does.
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomic(path, new)
            written.append(path)
    except OSError as exc:
        for path, old, _ in jobs:
            if path in written:
                if old is None:
                    path.unlink(missing_ok=True)
                else:
                    write_atomic(path, old)
        raise CredentialsFileError(
            f"Could not write {exc.filename or 'the AWS files'} ({exc.strerror or type(exc).__name__}). "
            "Check the folder's permissions and free space; nothing was changed."
        ) from None
    return SaveResult(check_profile_name(profile), tuple(written), tuple(backups), edit.notes)


def saved_key_id(files: AwsFiles, profile: str) -> str | None:
    """The masked key ID saved for *profile* in the credentials file, if any (notebooks 01 and 03)."""
    _, creds = _load(files.credentials_file)
    if not creds.has_section(profile):
        return None
    key_id = _value(creds[profile], "aws_access_key_id")
    return mask_key_id(key_id) if key_id else None


@dataclass(frozen=True)
class RemoveResult:
    """What ``remove_profile`` did: the files changed and their backups (empty: nothing to remove)."""

    profile: str
    written: tuple[Path, ...] = ()
    backups: tuple[Path, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.written)

    def lines(self) -> list[str]:
        if not self.written:
            return [f"Profile {self.profile} was not in the AWS files: nothing to remove."]
        out = [f"Removed profile {self.profile} from {', '.join(str(p) for p in self.written)}."]
        if self.backups:
            out.append(f"The previous version is kept in {', '.join(str(p) for p in self.backups)}.")
        return out


def has_profile(files: AwsFiles, profile: str) -> bool:
    """True when *profile* is in the config or the credentials file."""
    _, config = _load(files.config_file)
    _, creds = _load(files.credentials_file)
    return config.has_section(config_section(profile)) or creds.has_section(profile)


def remove_profile(files: AwsFiles, profile: str) -> RemoveResult:
    """Remove *profile* from both files (backup first); converges: an absent profile changes nothing."""
    jobs = []
    for path, section in ((files.credentials_file, profile), (files.config_file, config_section(profile))):
        old, updater = _load(path)
        if updater.has_section(section):
            updater.remove_section(section)
            jobs.append((path, old, str(updater)))
    for path, _, _ in jobs:
        _check_writable(path)
    written: list[Path] = []
    backups: list[Path] = []
    try:
        for path, _old, new in jobs:
            saved = backup(path)
            if saved is not None:
                backups.append(saved)
            write_atomic(path, new)
            written.append(path)
    except OSError as exc:
        for path, old, _ in jobs:
            if path in written and old is not None:
                write_atomic(path, old)
        raise CredentialsFileError(
            f"Could not write {exc.filename or 'the AWS files'} ({exc.strerror or type(exc).__name__}). "
            "Check the folder's permissions and free space; nothing was changed."
        ) from None
    return RemoveResult(profile, tuple(written), tuple(backups))

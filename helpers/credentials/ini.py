"""The AWS shared config and credentials files as INI text: read, parse, edit, write (notebooks 01, 02, 06).

The one place that touches these files' bytes. Edits go through configupdater, so every other
profile, comment and blank line is kept byte for byte; errors name the file and the line, never
its content (a line may hold a secret). ``write_all`` writes atomically, mode 0600, after a
timestamped backup, and puts the first file back if the second cannot be written.
"""

from __future__ import annotations

import configparser
import os
import stat
from pathlib import Path

from configupdater import ConfigUpdater
from configupdater.section import Section

from helpers.credentials.keys import mask_key_id
from helpers.errors import WalkthroughError
from helpers.textfiles import backup, write_atomic

KIND_STATIC = "static keys"
KIND_TEMPORARY = "temporary keys"
KIND_SSO = "IAM Identity Center (SSO)"
KIND_ROLE = "role"
KIND_LOGIN = "short-lived (aws login)"  # login_session, written by `aws login` (AWS CLI v2.32+)
KIND_PROCESS = "credential process"
KIND_NONE = "no credentials"


class CredentialsFileError(WalkthroughError):
    """A config or credentials file cannot be read or written; nothing was changed."""


def config_section(profile: str) -> str:
    """The config-file section name of *profile* (``default`` or ``profile <name>``)."""
    return "default" if profile == "default" else f"profile {profile}"


def line_of(exc: configparser.Error) -> int | None:
    """The line a configparser error points at (never its text, which may hold a secret)."""
    lineno = getattr(exc, "lineno", None)
    if lineno is None and getattr(exc, "errors", None):
        lineno = exc.errors[0][0]
    return lineno


def parse(path: Path, text: str) -> ConfigUpdater:
    """*text* (the content of *path*) parsed, or ``CredentialsFileError`` naming the bad line."""
    updater = ConfigUpdater()
    try:
        updater.read_string(text, source=str(path))
    except configparser.Error as exc:
        # Never str(exc): configparser quotes the offending line, which may hold a secret.
        line = line_of(exc)
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


def read_text(path: Path) -> str | None:
    """The file's text, None when it does not exist, or ``CredentialsFileError`` with the fix."""
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


def load(path: Path) -> tuple[str | None, ConfigUpdater]:
    """(the file's text or None, its parsed form): an absent file is an empty one."""
    text = read_text(path)
    return text, parse(path, text or "")


def profiles_in_config(updater: ConfigUpdater) -> dict[str, Section]:
    """Profile name -> its config-file section (``[default]`` and ``[profile x]``; not sso-session etc.)."""
    found = {}
    for name in updater.sections():
        if name == "default":
            found["default"] = updater[name]
        elif name.startswith("profile "):
            found[name[len("profile ") :].strip()] = updater[name]
    return found


def value(section: Section | None, key: str) -> str | None:
    """The stripped value of *key* in *section*, or None."""
    if section is None:
        return None
    option = section.get(key)
    return None if option is None or option.value is None else option.value.strip()


def kind_of(conf: Section | None, cred: Section | None) -> tuple[str, str | None]:
    """(how a profile gets its credentials, its masked key ID if it holds keys); the credentials file wins."""
    for section in (cred, conf):
        key_id = value(section, "aws_access_key_id")
        if key_id:
            temporary = bool(value(section, "aws_session_token"))
            return (KIND_TEMPORARY if temporary else KIND_STATIC), mask_key_id(key_id)
    if value(conf, "sso_session") or value(conf, "sso_start_url"):
        return KIND_SSO, None
    if value(conf, "role_arn"):
        return KIND_ROLE, None
    if value(conf, "login_session"):
        return KIND_LOGIN, None
    if value(conf, "credential_process"):
        return KIND_PROCESS, None
    return KIND_NONE, None


def check_writable(path: Path) -> None:
    """Raise ``CredentialsFileError`` with the fix when *path* (or the folder it would go in) is not writable."""
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


def set_option(section: Section, key: str, value: str) -> None:
    """Set *key* in place, or add it after the section's last setting (comments and blank lines kept)."""
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


def remove_option(section: Section, key: str) -> None:
    """Remove *key* from *section* if it is there."""
    if section.get(key) is not None:
        del section[key]


def ensure_section(updater: ConfigUpdater, name: str) -> Section:
    """The section *name*, added at the end (after a blank line) when missing."""
    if not updater.has_section(name):
        text = str(updater)
        sections = updater.section_blocks()
        if sections and not text.endswith("\n\n"):
            sections[-1].add_after.space()
        updater.add_section(name)
    return updater[name]


def write_all(jobs: list[tuple[Path, str | None, str]]) -> tuple[list[Path], list[Path]]:
    """Write each ``(path, old text or None, new text)``: backup, then atomic 0600; (written, backups).

    If a write fails, the files already written are put back (or removed when they were new) and
    ``CredentialsFileError`` says so: nothing was changed.
    """
    for path, _, _ in jobs:
        check_writable(path)
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
    return written, backups

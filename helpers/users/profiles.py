"""Writing AML@Packt's access key straight into a profile (notebook 02).

The secret goes from CreateAccessKey's answer to the credentials file and nowhere else:
configupdater keeps the learner's comments and order, ``write_atomic`` makes the file 0600
in one rename, and a timestamped backup of the previous file is kept.

Notebook 01's ``helpers.credentials`` saves profiles too; once it lands, ``write_key_profile``
can delegate to it (same files, same rules).
"""

from __future__ import annotations

import configparser
from pathlib import Path

from configupdater import ConfigUpdater

from helpers.errors import WalkthroughError
from helpers.sources import AwsFiles
from helpers.textfiles import backup, write_atomic
from helpers.users.passwords import Secret


def _config_section(profile: str) -> str:
    return "default" if profile == "default" else f"profile {profile}"


def read_profile_key_id(files: AwsFiles, profile: str) -> str | None:
    """The access key ID saved for *profile* (never the secret), or None; notebook 02."""
    parser = configparser.RawConfigParser()
    try:
        parser.read(files.credentials_file, encoding="utf-8")
    except configparser.Error:
        return None
    if not parser.has_section(profile):
        return None
    return parser.get(profile, "aws_access_key_id", fallback=None) or None


def _updated(path: Path, section: str, values: dict[str, str]) -> str:
    updater = ConfigUpdater()
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        updater.read_string(text)
    except configparser.Error as exc:
        # Never echo the file's lines: they may hold secrets. The line number is enough.
        line = getattr(exc, "lineno", None) or getattr(exc, "errors", [(None,)])[0][0]
        raise WalkthroughError(
            f"{path} is not a valid AWS INI file (near line {line}); fix or move it, then run the cell again."
        ) from None
    if not updater.has_section(section):
        if text and not text.endswith("\n"):
            updater.read_string(text + "\n")
        updater.add_section(section)
    for key, value in values.items():
        updater[section][key] = value
    out = str(updater)
    return out if out.endswith("\n") else out + "\n"


def write_key_profile(
    files: AwsFiles, profile: str, key_id: str, secret: Secret, region: str | None = None
) -> list[Path]:
    """Save a key pair as *profile* (credentials + config with the files' settings); returns backups."""
    backups = [b for b in (backup(files.credentials_file), backup(files.config_file)) if b]
    creds = _updated(
        files.credentials_file,
        profile,
        {"aws_access_key_id": key_id, "aws_secret_access_key": secret.reveal()},
    )
    settings = {"region": region} if region else {}
    settings.update(files.new_profile_settings)
    config = _updated(files.config_file, _config_section(profile), settings) if settings else None
    write_atomic(files.credentials_file, creds)
    if config is not None:
        write_atomic(files.config_file, config)
    return backups


def write_key_csv(path: str | Path, user: str, key_id: str, secret: Secret) -> Path:
    """A CSV like the console's "Download .csv file" (0600) at a path the learner picked."""
    target = Path(path).expanduser()
    if target.is_dir():
        target = target / f"{user.replace('@', '_')}_accessKeys.csv"
    backup(target)
    write_atomic(target, f"Access key ID,Secret access key\n{key_id},{secret.reveal()}\n")
    return target

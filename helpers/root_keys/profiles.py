"""Remove the root user's profile from the AWS config and credentials files, after a backup (notebook 03).

``helpers.credentials.files`` saves profiles but has no removal; this uses its reader and
checks (configupdater, so every other profile, comment and blank line is kept byte for byte).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers.credentials.files import CredentialsFileError, _check_writable, _load, config_section
from helpers.sources import AwsFiles
from helpers.textfiles import backup, write_atomic


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

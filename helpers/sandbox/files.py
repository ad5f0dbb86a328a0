"""The sandbox's own AWS config and credentials files (never the learner's ``~/.aws``).

They live in ``<state folder>/sandbox/``. Later notebooks add profiles to them through
``helpers.account``; this module writes only what the sandbox itself must: a scenario's
profiles, the ``endpoint_url`` of every profile (the port may change on restart) and the
``rootkey.csv`` AWS handed over at account creation. Secrets go straight to 0600 files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from configupdater import ConfigUpdater

from helpers.textfiles import write_atomic

REGION = "us-east-1"
_HEADER = "# Practice account (local sandbox) profiles. Safe to delete: `python -m helpers.sandbox reset`.\n"


@dataclass(frozen=True)
class SandboxPaths:
    """Where one sandbox keeps its files."""

    folder: Path

    @property
    def config(self) -> Path:
        return self.folder / "config"

    @property
    def credentials(self) -> Path:
        return self.folder / "credentials"

    @property
    def rootkey_csv(self) -> Path:
        return self.folder / "rootkey.csv"

    @property
    def server_json(self) -> Path:
        return self.folder / "server.json"

    @property
    def scenario_json(self) -> Path:
        return self.folder / "scenario.json"

    @property
    def state_file(self) -> Path:
        """moto's and the root layer's saved state (secrets inside: 0600), see ``persist``."""
        return self.folder / "account-state.pickle"

    @property
    def last_port(self) -> Path:
        """The port the server last listened on: a restart asks for it again, so profiles stay as they are."""
        return self.folder / "last-port"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    @property
    def lock(self) -> Path:
        return self.folder / ".start.lock"


def paths(home: Path) -> SandboxPaths:
    """The sandbox files under the state folder *home*."""
    return SandboxPaths(Path(home) / "sandbox")


def _read(path: Path) -> ConfigUpdater:
    updater = ConfigUpdater()
    if path.exists():
        updater.read(str(path), encoding="utf-8")
    return updater


def _write(path: Path, updater: ConfigUpdater) -> None:
    text = str(updater)
    if not text.startswith("#"):
        text = _HEADER + text
    write_atomic(path, text)


def _set_section(updater: ConfigUpdater, section: str, values: dict[str, str]) -> None:
    if not updater.has_section(section):
        if updater.sections():
            last = updater[updater.sections()[-1]]
            last.add_after.space(1)
        updater.add_section(section)
    for name, value in values.items():
        updater[section][name] = value


def ensure_files(p: SandboxPaths) -> None:
    """Create empty config and credentials files (0600) if missing."""
    for path in (p.config, p.credentials):
        if not path.exists():
            write_atomic(path, _HEADER)


def wipe(p: SandboxPaths) -> None:
    """Empty both files and remove ``rootkey.csv``: the keys they held died with the old account."""
    write_atomic(p.config, _HEADER)
    write_atomic(p.credentials, _HEADER)
    p.rootkey_csv.unlink(missing_ok=True)


def write_profile(p: SandboxPaths, name: str, key_id: str, secret: str, endpoint_url: str) -> None:
    """Save a profile as notebook 01 or 02 would: keys in credentials, region and endpoint in config."""
    creds = _read(p.credentials)
    _set_section(creds, name, {"aws_access_key_id": key_id, "aws_secret_access_key": secret})
    _write(p.credentials, creds)
    config = _read(p.config)
    section = "default" if name == "default" else f"profile {name}"
    _set_section(config, section, {"region": REGION, "endpoint_url": endpoint_url})
    _write(p.config, config)


def write_session_profile(p: SandboxPaths, name: str, key_id: str, secret: str, token: str, endpoint_url: str) -> None:
    """A profile holding temporary credentials (``aws_session_token``), as the CLI keeps ``aws login``'s."""
    write_profile(p, name, key_id, secret, endpoint_url)
    creds = _read(p.credentials)
    _set_section(creds, name, {"aws_session_token": token})
    _write(p.credentials, creds)


def remove_profile(p: SandboxPaths, name: str) -> None:
    """Remove a profile from both files (no-op when absent)."""
    for path, section in ((p.credentials, name), (p.config, "default" if name == "default" else f"profile {name}")):
        updater = _read(path)
        if updater.has_section(section):
            updater.remove_section(section)
            _write(path, updater)


def profile_names(p: SandboxPaths) -> list[str]:
    """The profiles that have keys in the sandbox credentials file."""
    return _read(p.credentials).sections()


def set_endpoint(p: SandboxPaths, endpoint_url: str) -> None:
    """Point every profile in the sandbox config file at *endpoint_url* (the port may have changed)."""
    config = _read(p.config)
    changed = False
    for section in config.sections():
        if config[section].get("endpoint_url") is None or config[section]["endpoint_url"].value != endpoint_url:
            config[section]["endpoint_url"] = endpoint_url
            changed = True
    if changed:
        _write(p.config, config)


def remove_backups(p: SandboxPaths) -> int:
    """Delete the timestamped backups of the sandbox's own config and credentials files; how many went.

    They hold keys of an account that a reset has just replaced: secrets that work nowhere, kept
    for nothing.
    """
    removed = 0
    for pattern in (f"{p.credentials.name}.bak-*", f"{p.config.name}.bak-*"):
        for backup in p.folder.glob(pattern):
            if backup.is_symlink() or backup.is_file():
                backup.unlink()
                removed += 1
    return removed


def write_rootkey_csv(p: SandboxPaths, key_id: str, secret: str) -> None:
    """The root's key pair as AWS's console handed it over (the old ``rootkey.csv`` format), 0600."""
    write_atomic(p.rootkey_csv, f"AWSAccessKeyId={key_id}\nAWSSecretKey={secret}\n")

"""What the profiles in the AWS files hold, never a secret shown (notebooks 01, 02 and 06).

Reads only (writing is ``helpers.credentials.files``); parsing through ``helpers.credentials.ini``,
so a broken file gets the same sentence whichever notebook reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from helpers.credentials import ini
from helpers.credentials.keys import KeyPair, mask_key_id
from helpers.sources import AwsFiles


@dataclass(frozen=True)
class ProfileInfo:
    """One profile: how it gets its credentials, its key ID (shown masked), and what AWS said of the key.

    Notebook 01 lists profiles with it; notebooks 02 and 06 add whose key it is (``owner_arn``, looked
    up only when it is not the lesson user's) and whether AWS refused it (``dead``).
    """

    name: str
    key_id: str | None = field(default=None, repr=False)  # not a secret, but lists show it masked
    owner_arn: str | None = None  # who STS says the key belongs to (looked up only when needed)
    dead: bool = False  # AWS refused the key (deleted or never valid)
    kind: str = ini.KIND_NONE
    region: str | None = None
    in_config: bool = False
    in_credentials: bool = False

    @property
    def access_key_id(self) -> str | None:
        """The key ID masked, e.g. AKIA…ABCD (what lists and sentences show)."""
        return mask_key_id(self.key_id) if self.key_id else None

    def describe(self) -> str:
        """``name (kind, key AKIA…ABCD, region r)``: notebook 01's profile list."""
        extra = f", key {self.access_key_id}" if self.access_key_id else ""
        region = f", region {self.region}" if self.region else ""
        return f"{self.name} ({self.kind}{extra}{region})"


def _infos(files: AwsFiles) -> dict[str, ProfileInfo]:
    _, config = ini.load(files.config_file)
    _, creds = ini.load(files.credentials_file)
    conf_sections = ini.profiles_in_config(config)
    cred_sections = {name: creds[name] for name in creds.sections()}
    out = {}
    for name in dict.fromkeys([*conf_sections, *cred_sections]):
        conf, cred = conf_sections.get(name), cred_sections.get(name)
        holder = cred if ini.value(cred, "aws_access_key_id") else conf
        out[name] = ProfileInfo(
            name=name,
            key_id=ini.value(holder, "aws_access_key_id"),
            kind=ini.kind_of(conf, cred)[0],
            region=ini.value(conf, "region"),
            in_config=conf is not None,
            in_credentials=cred is not None,
        )
    return out


def list_profiles(files: AwsFiles) -> list[ProfileInfo]:
    """Every profile in the account's files with what it is, never a secret (notebook 01)."""
    return sorted(_infos(files).values(), key=lambda p: (p.name != "default", p.name.lower()))


def profile_names(files: AwsFiles) -> list[str]:
    """Profile names in *files*, sorted; a file that cannot be read adds none (notebook 00: notebook 01 says why)."""
    names: set[str] = set()
    for path, in_config in ((files.config_file, True), (files.credentials_file, False)):
        try:
            _, updater = ini.load(path)
        except ini.CredentialsFileError:
            continue
        found = ini.profiles_in_config(updater) if in_config else updater.sections()
        names.update(name.strip() for name in found)
    return sorted(names)


def profile_info(files: AwsFiles, profile: str) -> ProfileInfo | None:
    """What *profile* holds, or None when it is in neither file (notebooks 02 and 06)."""
    return _infos(files).get(profile)


def saved_key_id(files: AwsFiles, profile: str, masked: bool = True) -> str | None:
    """The key ID saved for *profile* in the credentials file (masked unless asked), if any (notebooks 01-03)."""
    _, creds = ini.load(files.credentials_file)
    if not creds.has_section(profile):
        return None
    key_id = ini.value(creds[profile], "aws_access_key_id")
    if not key_id:
        return None
    return mask_key_id(key_id) if masked else key_id


def saved_key_pair(files: AwsFiles, profile: str) -> KeyPair | None:
    """The key pair saved as *profile* in the credentials file (to copy it file to file, never shown)."""
    _, creds = ini.load(files.credentials_file)
    section = creds[profile] if creds.has_section(profile) else None
    key_id, secret = ini.value(section, "aws_access_key_id"), ini.value(section, "aws_secret_access_key")
    if not key_id or not secret:
        return None
    return KeyPair(key_id, secret, ini.value(section, "aws_session_token"))


def has_profile(files: AwsFiles, profile: str) -> bool:
    """True when *profile* is in the config or the credentials file."""
    _, config = ini.load(files.config_file)
    _, creds = ini.load(files.credentials_file)
    return config.has_section(ini.config_section(profile)) or creds.has_section(profile)

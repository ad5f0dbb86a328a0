"""Backups of the credentials file that hold only keys which no longer exist (notebook 06, issue 15).

Every save of the credentials file keeps a dated backup (``helpers.textfiles.backup``, at most 3).
Once the keys in a backup are deleted in AWS, the backup is only a copy of dead secrets on disk:
the clean-up offers to delete it. A key counts as gone when AWS refuses it as unknown
(``InvalidClientTokenId``) and it is not a key the account still lists; a backup holding any key
that works, or that could not be checked (no network, the practice account stopped), is kept.
Only paths and key IDs leave this module, never a secret.
"""

from __future__ import annotations

import configparser
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from helpers import aws
from helpers.credentials.identity import session_from_keys
from helpers.credentials.keys import KeyPair
from helpers.errors import WalkthroughError, error_code
from helpers.sources import AwsFiles
from helpers.textfiles import backups_of

GONE_CODES = {"InvalidClientTokenId"}  # AWS: "The security token included in the request is invalid."


@dataclass(frozen=True)
class StaleBackup:
    """A backup of the credentials file whose every key no longer exists: its path and those key IDs."""

    path: Path
    key_ids: tuple[str, ...]


def key_pairs_in(path: Path) -> list[KeyPair]:
    """The access key pairs saved in a credentials file (any profile); empty if it cannot be read."""
    parser = configparser.RawConfigParser(strict=False, default_section="\x00none", interpolation=None)
    try:
        parser.read_string(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, configparser.Error):
        return []
    pairs = []
    for name in parser.sections():
        key_id = (parser.get(name, "aws_access_key_id", fallback="") or "").strip()
        secret = (parser.get(name, "aws_secret_access_key", fallback="") or "").strip()
        token = (parser.get(name, "aws_session_token", fallback="") or "").strip() or None
        if key_id and secret:
            pairs.append(KeyPair(key_id, secret, token))
    return pairs


def key_is_gone(pair: KeyPair, files: AwsFiles) -> bool:
    """True when AWS (the account behind *files*) refuses *pair* as unknown; False when it works or is unknown."""
    try:
        aws.client(session_from_keys(pair, files), "sts").get_caller_identity()
    except ClientError as exc:
        return error_code(exc) in GONE_CODES
    except (BotoCoreError, OSError):
        return False  # no answer: keep the backup
    return False


@dataclass(frozen=True)
class BackupSurvey:
    """The credentials file's backups holding only keys that no longer exist, and every key ID found gone."""

    stale: tuple[StaleBackup, ...] = ()
    gone_keys: frozenset[str] = frozenset()


def survey_backups(
    files: AwsFiles,
    still_exist: Iterable[str] = (),
    is_gone: Callable[[KeyPair], bool] | None = None,
) -> BackupSurvey:
    """Look at every backup of *files*' credentials file (oldest first) and ask AWS about each key once.

    *still_exist*: key IDs the account still lists (e.g. a user's inactive keys, which AWS also refuses).
    A key with two different secrets saved gets a verdict per secret: gone only when every one is refused.
    """
    known = set(still_exist)
    check = is_gone or (lambda pair: key_is_gone(pair, files))
    verdicts: dict[tuple[str, str], bool] = {}

    def gone(pair: KeyPair) -> bool:
        if pair.access_key_id in known:
            return False
        # The verdict is per key and secret; a digest keeps the secret itself out of this table.
        slot = (pair.access_key_id, hashlib.sha256(pair.secret_access_key.encode()).hexdigest())
        if slot not in verdicts:
            verdicts[slot] = check(pair)
        return verdicts[slot]

    stale = []
    seen: dict[str, bool] = {}
    for path in backups_of(files.credentials_file):
        pairs = key_pairs_in(path)
        results = [gone(p) for p in pairs]
        for pair, result in zip(pairs, results, strict=True):
            seen[pair.access_key_id] = seen.get(pair.access_key_id, True) and result
        if pairs and all(results):
            stale.append(StaleBackup(path, tuple(sorted({p.access_key_id for p in pairs}))))
    return BackupSurvey(tuple(stale), frozenset(k for k, g in seen.items() if g))


def stale_backups(
    files: AwsFiles,
    still_exist: Iterable[str] = (),
    is_gone: Callable[[KeyPair], bool] | None = None,
) -> list[StaleBackup]:
    """Backups of *files*' credentials file in which every key is gone (oldest first)."""
    return list(survey_backups(files, still_exist, is_gone).stale)


def delete_backup(files: AwsFiles, path: Path | str) -> bool:
    """Delete one backup of *files*' credentials file; False if it was already gone. Refuses any other path."""
    path = Path(path)
    credentials = Path(files.credentials_file)
    if path.parent != credentials.parent or not path.name.startswith(f"{credentials.name}.bak-"):
        raise WalkthroughError(f"{path} is not a backup of {credentials}: it was left alone.")
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def delete_backups_holding_only(files: AwsFiles, deleted_keys: Iterable[str]) -> list[Path]:
    """Delete every backup of *files*' credentials file whose keys are all in *deleted_keys* (keys this
    clean-up deleted moments ago, or found gone; e.g. the backup made when it removed the profile)."""
    deleted = set(deleted_keys)
    gone = []
    for path in backups_of(files.credentials_file):
        ids = {p.access_key_id for p in key_pairs_in(path)}
        if ids and ids <= deleted and delete_backup(files, path):
            gone.append(path)
    return gone

"""Access key pairs: a masked holder, shape checks before any AWS call, and CSV import (notebook 01).

Every message here is built from lengths, prefixes and names, never from the secret itself,
so any of them can be shown in a notebook.
"""

from __future__ import annotations

import csv
import hmac
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from helpers.errors import WalkthroughError

ID_LENGTH = 20
SECRET_LENGTH = 40
LONG_TERM_PREFIX = "AKIA"
TEMPORARY_PREFIX = "ASIA"
# A CSV of keys is a few hundred bytes; anything much larger is the wrong file.
MAX_CSV_BYTES = 64 * 1024

_ID_CHARS = re.compile(r"^[A-Z0-9]+$")
_SECRET_CHARS = re.compile(r"^[A-Za-z0-9/+]+$")
# Quotes people paste around values: straight, curly, and backticks from chat or docs.
_QUOTES = "\"'`\u2018\u2019\u201c\u201d"
# IDs of other IAM things that people mistake for access key IDs.
_OTHER_ID_PREFIXES = {
    "AIDA": "an IAM user ID",
    "AROA": "an IAM role ID",
    "AGPA": "an IAM group ID",
    "ANPA": "a managed policy ID",
    "ABIA": "an STS service bearer token",
}


class KeyShapeError(WalkthroughError):
    """The typed or imported key pair cannot be right; ``str()`` lists every problem and its fix."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


class KeyFileError(WalkthroughError):
    """A CSV of keys cannot be read; the message names the file and what to do (never its content)."""


def mask_key_id(access_key_id: str) -> str:
    """``AKIA…ABCD``: enough to recognise a key ID in lists (notebooks 01 and 03)."""
    if len(access_key_id) <= 8:
        return "…"
    return f"{access_key_id[:4]}…{access_key_id[-4:]}"


@dataclass(frozen=True, repr=False)
class KeyPair:
    """An access key pair whose ``repr`` and ``str`` never show the secret (notebook 01)."""

    access_key_id: str
    secret_access_key: str = field(compare=False)
    session_token: str | None = field(default=None, compare=False)

    @property
    def masked_id(self) -> str:
        return mask_key_id(self.access_key_id)

    @property
    def temporary(self) -> bool:
        return self.access_key_id.startswith(TEMPORARY_PREFIX)

    def same_as(self, access_key_id: str | None, secret: str | None, token: str | None = None) -> bool:
        """True when the given values are this pair (constant-time for the secrets)."""
        return (
            access_key_id == self.access_key_id
            and hmac.compare_digest((secret or "").encode(), self.secret_access_key.encode())
            and hmac.compare_digest((token or "").encode(), (self.session_token or "").encode())
        )

    def __repr__(self) -> str:
        token = ", session_token='****'" if self.session_token else ""
        return f"KeyPair(access_key_id={self.masked_id!r}, secret_access_key='****'{token})"

    __str__ = __repr__

    def __reduce__(self):
        # Pickling would copy the secret into whatever stores the pickle (caches, widget state).
        raise TypeError("A KeyPair is not picklable: it holds a secret.")


@dataclass(frozen=True)
class CheckedKeys:
    """A key pair that passed the shape checks, plus notes on what was tidied (notebook 01)."""

    pair: KeyPair
    notes: tuple[str, ...] = ()


def _tidy(value: str | None) -> tuple[str, list[str]]:
    """Strip whitespace anywhere and quotes around; say which of them were there."""
    raw = value or ""
    found: list[str] = []
    if any(ch in " \t\u00a0" for ch in raw):
        found.append("spaces")
    if any(ch in "\r\n" for ch in raw):
        found.append("a line break")
    cleaned = "".join(raw.split())
    stripped = cleaned.strip(_QUOTES)
    if stripped != cleaned:
        found.append("quotes")
    return stripped, found


def _tidy_note(what: str, found: list[str]) -> str:
    return f"Removed {' and '.join(found)} from the {what} (copying often adds them)."


def _looks_like_id(value: str) -> bool:
    return len(value) == ID_LENGTH and value[:4] in (LONG_TERM_PREFIX, TEMPORARY_PREFIX)


def _looks_like_secret(value: str) -> bool:
    return len(value) == SECRET_LENGTH and bool(_SECRET_CHARS.match(value))


def _id_problems(key_id: str) -> list[str]:
    if not key_id:
        return [
            "The access key ID is empty. Paste the 20-character ID that starts with AKIA (the first "
            "value in the CSV file)."
        ]
    odd = [(pos, ch) for pos, ch in enumerate(key_id, 1) if not ch.isascii()]
    if odd:
        return [_look_alike_problem(odd)]
    if key_id != key_id.upper() and key_id.upper().startswith((LONG_TERM_PREFIX, TEMPORARY_PREFIX)):
        first = next(pos for pos, ch in enumerate(key_id, 1) if ch.islower())
        case = [
            f"Access key IDs are upper case: this one has lower-case letters (the first at position {first}). "
            "Copy the ID again exactly as AWS shows it (it starts with AKIA), or import the CSV file."
        ]
        return case + _id_length_problem(key_id)
    problems = []
    prefix = key_id[:4].upper()
    if prefix in _OTHER_ID_PREFIXES:
        return [
            f"The access key ID starts with {prefix}, which is {_OTHER_ID_PREFIXES[prefix]}, not an "
            "access key. Copy the value labelled 'Access key ID' (it starts with AKIA)."
        ]
    problems += _id_length_problem(key_id)
    if not key_id.startswith((LONG_TERM_PREFIX, TEMPORARY_PREFIX)):
        problems.append(
            "An access key ID starts with AKIA (a long-term key) or ASIA (temporary credentials). "
            "Copy the value labelled 'Access key ID'."
        )
    elif not _ID_CHARS.match(key_id):
        problems.append(
            "The access key ID may contain only capital letters and digits. Copy it again, or import the CSV file."
        )
    return problems


def _id_length_problem(key_id: str) -> list[str]:
    if len(key_id) == ID_LENGTH:
        return []
    return [
        f"The access key ID has {len(key_id)} characters; it must have exactly {ID_LENGTH}. Check "
        "that nothing was cut off or added while copying."
    ]


def _look_alike_problem(odd: list[tuple[int, str]]) -> str:
    """Where a non-ASCII character sits in a key ID, and what it is when it mimics a Latin letter or digit."""
    pos, ch = odd[0]
    name = unicodedata.name(ch, "")
    # Name it only when it imitates one Latin letter or digit (e.g. CYRILLIC CAPITAL LETTER A): the name
    # then says no more than its position does.
    mimic = re.search(r"(LETTER|DIGIT) [A-Z0-9]+$", name)
    what = f"it is {name}, which only looks like one" if mimic else "it only looks like one"
    more = f" ({len(odd) - 1} more such character{'s follow' if len(odd) > 2 else ' follows'})" if len(odd) > 1 else ""
    return (
        f"Character {pos} of the access key ID is not a Latin letter or digit: {what}{more}. Access key IDs use "
        "only A to Z and 0 to 9: type it again on a Latin keyboard layout, or import the CSV file."
    )


def _secret_problems(secret: str) -> list[str]:
    if not secret:
        return [
            "The secret access key is empty. Paste the 40-character secret that was shown with the key "
            "ID (the second value in the CSV file)."
        ]
    problems = []
    if len(secret) != SECRET_LENGTH:
        problems.append(
            f"The secret access key has {len(secret)} characters; it must have exactly "
            f"{SECRET_LENGTH}. Check that nothing was cut off or added while copying."
        )
    if not _SECRET_CHARS.match(secret):
        problems.append(
            "The secret access key contains characters a secret never has (only letters, digits, "
            "/ and + appear in one). Copy it again, or import the CSV file."
        )
    return problems


def check_key_pair(
    access_key_id: str | None, secret_access_key: str | None, session_token: str | None = None
) -> CheckedKeys:
    """Check a key pair's shape before any AWS call (notebook 01); raise ``KeyShapeError`` listing fixes."""
    key_id, id_found = _tidy(access_key_id)
    secret, secret_found = _tidy(secret_access_key)
    token, token_found = _tidy(session_token)
    notes = []
    if id_found:
        notes.append(_tidy_note("access key ID", id_found))
    if secret_found:
        notes.append(_tidy_note("secret access key", secret_found))
    if token_found:
        notes.append(_tidy_note("session token", token_found))

    if key_id and secret and _looks_like_secret(key_id) and _looks_like_id(secret):
        raise KeyShapeError(
            [
                "The access key ID and the secret access key look swapped: the ID is the 20-character "
                "value starting with AKIA, the secret the 40-character one. Swap them and try again."
            ]
        )

    problems = _id_problems(key_id) + _secret_problems(secret)
    if key_id.startswith(TEMPORARY_PREFIX) and not token:
        problems.append(
            "This key ID starts with ASIA: it is a temporary key that works only with its session "
            "token. Paste the session token too, or use a long-term key (AKIA…)."
        )
    if key_id.startswith(LONG_TERM_PREFIX) and token:
        problems.append("A long-term key (AKIA…) has no session token. Leave the session token empty.")
    if problems:
        raise KeyShapeError(problems)
    return CheckedKeys(KeyPair(key_id, secret, token or None), tuple(notes))


def _decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise KeyFileError(f"{name} is empty. Download the key file again from the console.")
    if len(data) > MAX_CSV_BYTES:
        raise KeyFileError(
            f"{name} is {len(data):,} bytes, far larger than a key file. Choose the CSV file that "
            "AWS offered when the key was created (accessKeys.csv or rootkey.csv)."
        )
    try:
        # utf-8-sig drops the byte-order mark that Excel adds when it re-saves a CSV.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KeyFileError(
            f"{name} is not a text file. Choose the CSV file that AWS offered when the key was "
            "created (accessKeys.csv or rootkey.csv)."
        ) from None


def _parse_rootkey(text: str, name: str) -> tuple[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    missing = [k for k in ("AWSAccessKeyId", "AWSSecretKey") if not values.get(k)]
    if missing:
        raise KeyFileError(
            f"{name} looks like a root key file but has no {' or '.join(k + '=' for k in missing)} "
            "line. Download the key file again, or type the keys instead."
        )
    return values["AWSAccessKeyId"], values["AWSSecretKey"]


def _parse_access_keys_csv(text: str, name: str) -> tuple[str, str]:
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    header = [cell.strip().lower() for cell in rows[0]]
    try:
        id_col = header.index("access key id")
        secret_col = header.index("secret access key")
    except ValueError:
        raise KeyFileError(
            f"{name} is not an access key file: its first line should name the columns "
            "'Access key ID' and 'Secret access key'. Choose the CSV file that AWS offered when the "
            "key was created (accessKeys.csv or rootkey.csv)."
        ) from None
    data = rows[1:]
    if not data:
        raise KeyFileError(f"{name} has the column names but no key in it. Download the key file again.")
    if len(data) > 1:
        raise KeyFileError(
            f"{name} holds {len(data)} keys; keep only the row of the key you want to use, or type that key instead."
        )
    row = data[0]
    if len(row) <= max(id_col, secret_col):
        raise KeyFileError(f"{name}'s key row is cut short. Download the key file again.")
    return row[id_col], row[secret_col]


def parse_keys_csv(data: bytes | str, name: str = "The key file") -> CheckedKeys:
    """Read a console key download (``accessKeys.csv`` or ``rootkey.csv``) and shape-check it (notebook 01)."""
    text = _decode(data.encode() if isinstance(data, str) else bytes(data), name)
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if first.startswith(("AWSAccessKeyId", "AWSSecretKey")):
        key_id, secret = _parse_rootkey(text, name)
    else:
        key_id, secret = _parse_access_keys_csv(text, name)
    try:
        return check_key_pair(key_id, secret)
    except KeyShapeError as exc:
        raise KeyShapeError([f"{name} holds a key that does not look right."] + exc.problems) from None


def read_keys_csv(path: Path | str) -> CheckedKeys:
    """Read a key CSV from disk (notebook 01's "Use the root key I created (rootkey.csv)")."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"There is no file {path}. Check the name, or download the key file again.") from None
    except IsADirectoryError:
        raise KeyFileError(f"{path} is a folder, not a key file. Choose the CSV file inside it.") from None
    except PermissionError:
        raise KeyFileError(f"{path} cannot be read (permission denied). Make it readable, then try again.") from None
    return parse_keys_csv(data, path.name)

"""Notebook 00: the preflight check and where the chosen account stands.

Plain logic (no widgets): returns records; ``helpers.ui.account_form`` and the notebook
display them.
"""

from __future__ import annotations

import platform
import socket
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlparse

from helpers.account import Account, current_account
from helpers.credentials.profiles import profile_names
from helpers.errors import cell_guard, explain
from helpers.identity import Identity, who_am_i
from helpers.tables import learner_table

# The libraries the lesson's code path depends on, shown in the preflight table.
LIBRARIES = ("boto3", "botocore", "ipywidgets", "jupyterlab", "pandas", "pyotp", "segno", "configupdater")


@dataclass(frozen=True)
class Check:
    """One preflight line: what was checked, whether it is fine, and what was found."""

    name: str
    ok: bool
    detail: str


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".")[:3] if p.isdigit())


def _endpoint_reachable(url: str, timeout: float = 2.0) -> bool:
    parsed = urlparse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def preflight(account: Account | None = None) -> list[Check]:
    """Python and library versions, and whether the chosen account's files and endpoint are reachable."""
    checks = [
        Check(
            "Python",
            sys.version_info >= (3, 10),
            f"{platform.python_version()} (3.10 or newer needed)",
        )
    ]
    for lib in LIBRARIES:
        try:
            found = version(lib)
        except PackageNotFoundError:
            checks.append(Check(lib, False, "not installed: run `make lab` again to install it"))
            continue
        ok = _version_tuple(found) >= (1, 28) if lib == "boto3" else True
        checks.append(Check(lib, ok, found + ("" if ok else " (1.28 or newer needed)")))
    try:
        account = account or current_account()
        files = account.files()
    except Exception as exc:  # one sentence, never a traceback, in the first cell a learner runs
        checks.append(Check("Account", False, explain(exc)))
        return checks
    checks.append(Check("Account", True, account.source.label))
    endpoint = files.new_profile_settings.get("endpoint_url")
    if endpoint:
        ok = _endpoint_reachable(endpoint)
        checks.append(
            Check("Endpoint", ok, f"{endpoint} " + ("answers" if ok else "does not answer: run `make lab` again"))
        )
    else:
        checks.append(Check("Endpoint", True, "AWS's public endpoints"))
    return checks


@dataclass(frozen=True)
class Standing:
    """Where the chosen account stands: which account, which profile, and who that profile is."""

    label: str
    practice: bool
    description: str
    profile: str | None
    profiles: tuple[str, ...]
    identity: Identity | None
    problem: str | None  # one sentence when the profile could not be proven live

    def summary(self) -> str:
        """The standing in a few plain lines (what notebook 00 prints under Run All)."""
        lines = [f"Account: {self.label}"] + ([self.description] if self.description else [])
        if self.identity:
            lines.append(f"Active profile: {self.profile}")
            lines += self.identity.lines()
        elif self.problem:
            lines.append(self.problem)
        return "\n".join(lines)


@cell_guard
def preflight_table(account: Account | None = None):
    """The preflight as a table (notebook 00's first check)."""
    import pandas as pd

    rows = [{"check": c.name, "ok": "yes" if c.ok else "NO", "found": c.detail} for c in preflight(account)]
    return learner_table(pd.DataFrame(rows).set_index("check"), "Preflight checks")


def standing(account: Account | None = None) -> Standing:
    """Describe the chosen account and prove its active profile live (if it has one)."""
    try:
        account = account or current_account()
        files = account.files()
    except Exception as exc:  # notebook 00 prints the summary: a sentence, never a traceback
        return Standing("The chosen account", False, "", None, (), None, explain(exc))
    profiles = tuple(profile_names(files))
    identity = None
    problem = None
    if not account.profile:
        if profiles:
            problem = (
                f"No profile chosen yet. This account's files hold: {', '.join(profiles)}. "
                "Pick one above, or set one up in notebook 01."
            )
        else:
            problem = (
                "No profile yet: notebook 01 sets one up from a root access key you create (the book's way) "
                "or an `aws login` profile."
            )
    else:
        try:
            identity = who_am_i(account.session())
        except Exception as exc:  # shown as a sentence; the learner fixes and re-runs
            problem = f"Profile {account.profile!r} could not be used: {explain(exc)}"
    return Standing(
        account.source.label,
        account.practice,
        account.source.describe(),
        account.profile,
        profiles,
        identity,
        problem,
    )

"""The practice account as an account source (entry point ``sandbox`` in ``pyproject.toml``).

Notebook 00's account picker lists it first; every later notebook gets its AWS files from
``files()``, which starts the local server on demand (so a plain ``jupyter lab`` works too).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from helpers.sandbox import files, server
from helpers.sources import AwsFiles


class SandboxRestarted(UserWarning):
    """The practice account was rebuilt from its last reset (its saved state was missing or unreadable)."""


class SandboxAccount:
    """A brand-new AWS account on this computer (moto + a root user), safe to break."""

    key = "sandbox"
    label = "Practice account (a local sandbox, safe to break)"
    practice = True
    default_region = files.REGION

    def __init__(self, home: Path | None = None):
        self._home = home

    def files(self) -> AwsFiles:
        """The sandbox's config and credentials files, with the server running (notebooks 00-06)."""
        # A stopped or crashed account comes back from its saved state, profiles untouched; only
        # when that state could not be restored is it rebuilt, and the note says so.
        info = server.ensure_running(self._home)
        if info.note:
            # A notebook cell shows a warning as its own output: the learner learns why the user
            # they created a minute ago is gone, and which command jumps back to their notebook.
            warnings.warn(info.note, SandboxRestarted, stacklevel=2)
        p = files.paths(server.home_dir(self._home))
        return AwsFiles(p.config, p.credentials, new_profile_settings={"endpoint_url": info.url})

    def handed_over_keys(self) -> Path | None:
        """``rootkey.csv``: the root's key pair as AWS handed it over at creation (notebook 01)."""
        path = files.paths(server.home_dir(self._home)).rootkey_csv
        return path if path.exists() else None

    def describe(self) -> str:
        """One sentence for notebook 00's picker (and, after a start that lost the saved state, what was lost)."""
        who = {
            "console-login": "its root user has no access keys and signed in with `aws login` (temporary "
            "credentials in profile root-login)",
            "member-account": "a member of an AWS Organization whose root user has no keys and no password; "
            "you work as the administrator IAM user Admin (profile admin)",
        }.get(self._scenario(), "its root user has one access key and no MFA")
        text = (
            f"A brand-new AWS account (ID {server.ACCOUNT_ID}) simulated on this computer: {who}, nothing you do "
            "reaches real AWS, it keeps your work when stopped, and `python -m helpers.sandbox reset` starts it over."
        )
        try:
            lost = server.lost_note(self._home)
        except Exception:  # noqa: BLE001 - a description must never fail; the state folder check speaks elsewhere
            lost = ""
        return f"{text} {lost}" if lost else text

    def _scenario(self) -> str:
        """The scenario the practice account was last reset to ("" if unknown)."""
        try:
            path = files.paths(server.home_dir(self._home)).scenario_json
            return str(json.loads(path.read_text()).get("scenario", ""))
        except (OSError, ValueError, AttributeError):
            return ""

    # Optional hooks (see helpers.sources.PracticeHooks); callers reach them with getattr.

    def console_stand_in(self, step: str, **context):
        """The simulated console for a console-only step ("root-mfa", "authenticator"), notebook 04."""
        from helpers.sandbox import console_ui  # ipywidgets loads only when a notebook asks

        return console_ui.stand_in(step, home=self._home, **context)

    def checkpoints(self) -> dict[str, str]:
        """Notebook "NN" -> the account at its start (``aml.progress.start_from``, workshops)."""
        from helpers.sandbox import practice  # loads the root layer's client side: only when asked

        return practice.checkpoints()

    def reset_to(self, checkpoint: str) -> str:
        """Rebuild this account and its profiles as at the start of notebook *checkpoint*; one sentence back."""
        from helpers.sandbox import practice  # loads the root layer's client side: only when asked

        return practice.reset_to(checkpoint, home=self._home)

    def owner_session(self):
        """The root user "signed in to the console": a with-block's boto3 Session (notebook 06's teardown)."""
        from helpers.sandbox import practice  # loads the root layer's client side: only when asked

        return practice.owner_session(home=self._home)

    def running(self) -> bool:
        """True when the practice account answers now; never starts it (the workshop's room board)."""
        return server.status(self._home) is not None

    def __repr__(self) -> str:
        return "SandboxAccount()"

"""Terminal face: ``python -m helpers.status [--profile NAME] [--json]`` (instructors and scripts).

Prints the five-item checklist for the account chosen in notebook 00 (acting as its active profile,
or *--profile*), or every finding as JSON. Problems are one sentence on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys

from helpers.account import AccountChoiceError, current_account
from helpers.credential_report import WAIT_SECONDS
from helpers.errors import WalkthroughError, explain
from helpers.status.card_view import Card
from helpers.status.checks import checklist, run_checks
from helpers.status.model import Finding
from helpers.status.snapshot import take_snapshot
from helpers.status.views import freshness, results_document


def main(argv: list[str] | None = None) -> int:
    """Run the checks and print them; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.status",
        description="Show the security status of the account chosen in the walkthrough.",
    )
    parser.add_argument("--profile", help="act as this profile instead of the active one")
    parser.add_argument("--json", action="store_true", help="print every finding as JSON")
    parser.add_argument(
        "--max-wait", type=float, default=WAIT_SECONDS, help="seconds to wait for the credential report"
    )
    args = parser.parse_args(argv)

    try:
        account = current_account()
        if args.profile:
            account = account.with_profile(args.profile)
        snapshot = take_snapshot(account.session(), max_wait=args.max_wait, progress=_to_stderr)
    except (AccountChoiceError, WalkthroughError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a terminal user gets one sentence, never a traceback
        print(f"error: {explain(exc)}", file=sys.stderr)
        return 1

    findings = run_checks(snapshot)
    if args.json:
        document = results_document(snapshot, findings)
        document["profile"] = account.profile
        print(json.dumps(document, indent=2))
        return 0
    who = f"as {account.profile}" if account.profile else ""
    print(Card(tuple(checklist(snapshot, findings)), snapshot.account_id, who))
    print(_summary_line(findings))
    print(freshness(snapshot))
    return 0


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _summary_line(findings: list[Finding]) -> str:
    counts = {s: sum(f.status == s for f in findings) for s in ("PASS", "FAIL", "UNKNOWN")}
    unknown = f", {counts['UNKNOWN']} unknown" if counts["UNKNOWN"] else ""
    return f"All checks: {counts['PASS']} pass, {counts['FAIL']} fail{unknown} (run with --json to see every finding)."


if __name__ == "__main__":
    sys.exit(main())

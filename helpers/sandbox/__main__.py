"""``python -m helpers.sandbox start | status | reset [--scenario NAME | --at NN] | stop | env``.

The instructor's and learner's command-line face of the practice account. Every failure prints
one sentence saying what happened and the command that fixes it, and exits non-zero.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from helpers.errors import WalkthroughError
from helpers.sandbox import console, files, scenarios, server


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.sandbox",
        description="The practice AWS account (a local sandbox): start, check, reset or stop it.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    start = sub.add_parser("start", help="start the sandbox (or reuse the running one)")
    start.add_argument("--port", type=int, default=None, help="listen on this port (default: a free one)")
    start.add_argument(
        "--lag",
        type=float,
        default=None,
        metavar="SECONDS",
        help="lag like AWS: new keys usable only after SECONDS, credential report reused for 4 hours, "
        "AccountAccessKeysPresent settles late (0 turns it off; kept until changed)",
    )
    start.add_argument(
        "--mfa-sessions",
        choices=("on", "off"),
        default=None,
        help="an IAM user adding a second MFA device or deactivating one needs an MFA session, as on AWS "
        "(on by default; kept until changed)",
    )
    sub.add_parser("status", help="say whether it runs: port, pid, uptime, scenario")
    reset = sub.add_parser(
        "reset", help="start over (the only command that does) as a new account, a messy one, or a checkpoint"
    )
    group = reset.add_mutually_exclusive_group()
    group.add_argument(
        "--scenario",
        default="new-account",
        help="new-account (default), messy-account, console-login or member-account",
    )
    group.add_argument("--at", metavar="NN", default=None, help="the state at the start of notebook NN (00-06)")
    sub.add_parser("stop", help="stop the sandbox (its state is saved; start brings it back)")
    sub.add_parser("env", help="print export lines so the AWS CLI and boto3 use the sandbox's profiles")
    sub.add_parser("scenarios", help="list the scenarios and checkpoints")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "start":
            info = server.start(port=args.port)
            if info.note:
                print(info.note)
            changes = {}
            if args.lag is not None:
                changes["lag"] = max(0.0, args.lag)
            if args.mfa_sessions is not None:
                changes["mfa_sessions"] = args.mfa_sessions == "on"
            if changes:
                now = console.options(**changes)
                lag_text = f"lags {now['lag']:g} s like AWS" if now.get("lag") else "does not lag"
                mfa_text = "needs" if now.get("mfa_sessions") else "does not need"
                print(f"The practice account {lag_text}, and {mfa_text} MFA sessions for MFA device changes.")
            if info.reused:
                print(info.summary())
                lost = server.lost_note()
                if lost:
                    print(lost)
            elif info.restored:
                print(f"Started with your saved work. {info.summary()}")
            else:
                print(f"Started. {info.summary()}")
        elif args.command == "status":
            info = server.status()
            if info is None:
                stale = server.stale_note()
                saved = files.paths(server.home_dir()).state_file.exists()
                kept = " (your work in it is saved)" if saved else ""
                print(stale or f"The practice account is not running{kept}: start it with `{server.FIX_START}`.")
                return 3
            print(info.summary())
            lost = server.lost_note()
            if lost:
                print(lost)
        elif args.command == "reset":
            info = scenarios.reset(args.scenario, at=args.at)
            if info.note:
                print(info.note)
            name = info.scenario
            about = scenarios.SCENARIOS.get(name) or scenarios.CHECKPOINTS.get(name[-2:], "")
            about = about.rstrip(".")
            print(f"The practice account was reset to '{name}' ({about}); your earlier progress in it is gone.")
            if info.removed_backups:
                print(
                    f"Removed {info.removed_backups} backup(s) of its profile files: they held keys "
                    "that no longer exist."
                )
            else:
                print("There were no backups of its profile files to remove.")
        elif args.command == "stop":
            if server.stop():
                print(
                    "The practice account stopped; its state is saved, and `python -m helpers.sandbox start` "
                    "(or the next notebook cell) brings it back as you left it."
                )
            else:
                print("The practice account was not running: nothing to stop.")
        elif args.command == "env":
            info = server.ensure_running()
            if info.note:
                print(info.note, file=sys.stderr)
            p = files.paths(server.home_dir())
            print(f"export AWS_CONFIG_FILE={shlex.quote(str(p.config))}")
            print(f"export AWS_SHARED_CREDENTIALS_FILE={shlex.quote(str(p.credentials))}")
        elif args.command == "scenarios":
            for name, about in scenarios.SCENARIOS.items():
                print(f"--scenario {name}: {about}")
            for nn, about in scenarios.CHECKPOINTS.items():
                print(f"--at {nn}: {about}")
    except WalkthroughError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"The practice account could not be reached or its files written ({exc.strerror or type(exc).__name__}): "
            "run `python -m helpers.sandbox stop`, then `python -m helpers.sandbox start`.",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print("Interrupted: run the command again.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

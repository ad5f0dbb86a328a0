"""``python -m helpers.room`` (the room board) and ``python -m helpers.room put NAME NN``, as root on the hub.

The board: one row per learner, read as that learner. ``--every 30`` refreshes it every 30 s.
``put NAME NN`` puts one learner at the start of notebook NN (their practice account only).
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    """Print the board (or reset one learner); return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m helpers.room", description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=0, metavar="SECONDS", help="refresh every SECONDS")
    sub = parser.add_subparsers(dest="command")
    put = sub.add_parser("put", help="put one learner at the start of notebook NN")
    put.add_argument("learner")
    put.add_argument("notebook", metavar="NN")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("The room board reads each learner as that learner: run it as root (sudo) on the hub.", file=sys.stderr)
        return 1
    from helpers.room import board

    if args.command == "put":
        try:
            said = board.put_at(args.learner, args.notebook)
        except (LookupError, ValueError, RuntimeError) as exc:
            print(str(exc), file=sys.stderr)
            return 1
        print(f"{args.learner}: {said}")
        return 0
    try:
        while True:
            print(board.table(board.read_room()), flush=True)
            if not args.every:
                return 0
            time.sleep(args.every)
            print()
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())

"""The sandbox server process: ``python -m helpers.sandbox._serve --home DIR [--port N]``.

Started detached by ``helpers.sandbox.server.start``; never run by hand. It serves moto's own
server app (what ``ThreadedMotoServer`` serves) wrapped in the root layer on 127.0.0.1, and
writes ``<home>/sandbox/server.json`` once it answers. Environment (set by the parent before
moto is imported): MOTO_ACCOUNT_ID, MOTO_IAM_LOAD_MANAGED_POLICIES=true,
INITIAL_NO_AUTH_ACTION_COUNT=0 (moto's IAM authentication on) and AML_SANDBOX_TOKEN.
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import signal
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

from helpers.sandbox import files
from helpers.sandbox.persist import write_bytes_atomic
from helpers.sandbox.root import RootLayer
from helpers.sandbox.root.sessions import options_from_env
from helpers.textfiles import write_atomic

PORT_TAKEN_EXIT = 3
LOG_LIMIT = 1024 * 1024  # the log is cut at 1 MiB; the previous MiB stays in server.log.1

# Control characters (newlines above all) and Unicode line breaks: escaped, so a request can never
# forge a log line.
_UNSAFE = {c: f"\\x{c:02x}" for c in [*range(32), 127]} | {c: f"\\u{c:04x}" for c in (0x85, 0x2028, 0x2029)}


class EscapingFormatter(logging.Formatter):
    """One record, one line: control characters in the message (or a traceback) are escaped."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).translate(_UNSAFE)


class CappedStderrHandler(logging.StreamHandler):
    """Writes to stderr (the log file the parent opened); past LOG_LIMIT, keeps one old copy and starts over.

    The file is the child's inherited stderr (opened ``O_APPEND``), so it is truncated in place
    rather than renamed: every writer keeps writing to the same, capped file.
    """

    def __init__(self, log_path: Path, limit: int = LOG_LIMIT, stream=None):
        super().__init__(stream if stream is not None else sys.stderr)
        self.log_path = log_path
        self.limit = limit

    def emit(self, record: logging.LogRecord) -> None:
        super().emit(record)
        try:
            fd = self.stream.fileno()
            if os.fstat(fd).st_size <= self.limit:
                return
            self.flush()
        except (OSError, ValueError):
            return  # stderr is not a file (run by hand): nothing to cap
        try:
            self._keep_old_copy(fd)
        except OSError:
            pass  # the old copy is a convenience; the cap is not
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass

    def _keep_old_copy(self, fd: int) -> None:
        with open(f"/proc/self/fd/{fd}", "rb") as current:  # the file itself, whatever its name
            data = current.read()
        write_bytes_atomic(self.log_path.with_name(self.log_path.name + ".1"), data)


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM."""
    parser = argparse.ArgumentParser(prog="helpers.sandbox._serve")
    parser.add_argument("--home", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--strict-port", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(args.home) / "sandbox"

    handler = CappedStderrHandler(folder / "server.log")
    handler.setFormatter(EscapingFormatter("%(asctime)s %(levelname)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    # werkzeug's access log prints whole URLs (a presigned URL carries a signature) and moto's
    # debug log prints headers: neither may reach the log file.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("moto").setLevel(logging.WARNING)
    logging.getLogger("botocore").setLevel(logging.WARNING)
    log = logging.getLogger("helpers.sandbox.server")

    from moto.core import disable_iam_authentication, enable_iam_authentication
    from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    app = RootLayer(
        DomainDispatcherApplication(create_backend_app),
        account_id=os.environ["MOTO_ACCOUNT_ID"],
        token=os.environ.pop("AML_SANDBOX_TOKEN"),
        enable_auth=enable_iam_authentication,
        disable_auth=disable_iam_authentication,
        started_at=started_at,
        # AML_SANDBOX_NO_SAVE=1 only for `make bench`, to measure what saving costs.
        state_file=None if os.environ.get("AML_SANDBOX_NO_SAVE") == "1" else files.paths(Path(args.home)).state_file,
    )

    def bind(port: int):
        return make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)

    try:
        server = bind(args.port)
    except (OSError, SystemExit) as exc:
        # werkzeug turns EADDRINUSE into SystemExit(1) after printing its own hint.
        taken = isinstance(exc, SystemExit) or exc.errno == errno.EADDRINUSE
        if not taken:
            raise
        if args.strict_port or args.port == 0:
            log.error("PORT_TAKEN port %s is in use", args.port)
            return PORT_TAKEN_EXIT
        log.info("port %s is taken; using a free one", args.port)
        server = bind(0)
    port = server.server_address[1]

    app.warm_up()
    state, problem = app.restore()  # before serving: no request ever sees a half-restored account
    app.options.update(options_from_env())  # AML_SANDBOX_LAG / AML_SANDBOX_MFA_SESSIONS override the saved ones
    log.info("saved state: %s%s", state, f" ({problem})" if problem else "")

    def stop(_signum, _frame):
        # shutdown() waits for serve_forever to return, so it must run on another thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    info = {
        "pid": os.getpid(),
        "port": port,
        "url": f"http://127.0.0.1:{port}",
        "started_at": started_at,
        "account_id": app.account_id,
        "token": app.token,
        "state": state,
        "state_problem": problem,
    }
    write_atomic(folder / "server.json", json.dumps(info, indent=2) + "\n")
    log.info("sandbox listening on 127.0.0.1:%s (pid %s)", port, os.getpid())
    try:
        server.serve_forever()
    finally:
        with app.lock:  # what reads changed since the last save (keys' last use) is kept too
            app.save()
        log.info("sandbox stopped (pid %s)", os.getpid())
    return 0


if __name__ == "__main__":
    sys.exit(main())

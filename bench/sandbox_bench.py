"""`make bench`: the practice account's start time, call time and memory, against bare moto_server.

Figures only, never pass/fail. Goals from issue 3: start -> first answered call <= 1 s; server RSS
<= 150 MB. The baseline is moto's own server (same environment, no root layer) measured in the
same run, so the root layer's cost shows as a ratio.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

CALLS = 100
CONFIG = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _iam(url: str, key_id: str, secret: str, service: str = "iam"):
    session = boto3.Session(aws_access_key_id=key_id, aws_secret_access_key=secret, region_name="us-east-1")
    return session.client(service, endpoint_url=url, config=CONFIG)


def _hundred(iam) -> float:
    t0 = time.perf_counter()
    for _ in range(CALLS):
        iam.list_users()
    return time.perf_counter() - t0


def _sandbox() -> dict:
    from helpers.sandbox import files, scenarios, server

    home = Path(tempfile.mkdtemp(prefix="aml-sandbox-bench-"))
    try:
        t0 = time.perf_counter()
        info = server.start(home)
        started = time.perf_counter() - t0
        lines = dict(line.split("=", 1) for line in files.paths(home).rootkey_csv.read_text().splitlines())
        sts = _iam(info.url, lines["AWSAccessKeyId"], lines["AWSSecretKey"], "sts")
        sts.get_caller_identity()
        first = time.perf_counter() - t0
        root = _iam(info.url, lines["AWSAccessKeyId"], lines["AWSSecretKey"])
        root_calls = _hundred(root)
        t0 = time.perf_counter()
        scenarios.reset(at="03", home=home)
        reset_s = time.perf_counter() - t0
        creds = files.paths(home).credentials.read_text()
        section = creds.split("[aml-packt]", 1)[1]
        key_id = section.split("aws_access_key_id = ", 1)[1].split()[0]
        secret = section.split("aws_secret_access_key = ", 1)[1].split()[0]
        user_calls = _hundred(_iam(info.url, key_id, secret))
        rss = _rss_mb(info.pid)
    finally:
        server.stop(home)
    return {
        "start_s": started,
        "start_to_first_call_s": first,
        "root_100_calls_s": root_calls,
        "user_100_calls_s": user_calls,
        "reset_at_03_s": reset_s,
        "rss_mb": rss,
    }


def _bare_moto() -> dict:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(MOTO_IAM_LOAD_MANAGED_POLICIES="true", MOTO_ACCOUNT_ID="381492058731")
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        iam = _iam(url, "AKIAIOSFODNN7EXAMPLE", "x" * 40)
        while True:
            try:
                iam.list_users()
                break
            except Exception:  # not listening yet
                if time.perf_counter() - t0 > 60 or proc.poll() is not None:
                    raise
                time.sleep(0.02)
        first = time.perf_counter() - t0
        calls = _hundred(iam)
        rss = _rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {"start_to_first_call_s": first, "100_calls_s": calls, "rss_mb": rss}


def run() -> dict:
    """Measure, print and return the figures."""
    sandbox = _sandbox()
    bare = _bare_moto()
    print(
        f"  start -> first answered call: {sandbox['start_to_first_call_s']:.2f} s "
        f"(server ready {sandbox['start_s']:.2f} s; goal <= 1 s; bare moto_server "
        f"{bare['start_to_first_call_s']:.2f} s)"
    )
    print(
        f"  {CALLS} IAM calls (ListUsers): root {sandbox['root_100_calls_s']:.2f} s, "
        f"IAM user with auth on {sandbox['user_100_calls_s']:.2f} s; bare moto_server "
        f"{bare['100_calls_s']:.2f} s (ratio {sandbox['root_100_calls_s'] / bare['100_calls_s']:.2f}x)"
    )
    print(f"  reset --at 03: {sandbox['reset_at_03_s']:.2f} s")
    print(f"  server RSS: {sandbox['rss_mb']:.0f} MB (goal <= 150 MB; bare moto_server {bare['rss_mb']:.0f} MB)")
    return {"sandbox": sandbox, "bare_moto_server": bare}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    run()

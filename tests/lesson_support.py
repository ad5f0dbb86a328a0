"""The whole lesson, headless, in a private state folder: its own practice account, notebooks, snapshots.

Used by the notebook tests (tests/notebooks). A ``Practice`` is a state folder with its own sandbox
process; notebooks run with nbclient (``execute``) in kernels whose environment points at that folder
only, so nothing here touches the suite's shared practice account. ``execute`` without an environment
runs a notebook against the run's (the worker's) shared practice account instead.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import botocore.session
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[0-6]-*.ipynb"))
BASE32_RUN = re.compile(r"[A-Z2-7]{32,}")  # a TOTP seed: AWS's are 32 to 64 Base32 characters
NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30)


@dataclass
class Practice:
    """A private state folder and its running practice account."""

    home: Path
    url: str

    @property
    def paths(self):
        from helpers.sandbox import files

        return files.paths(self.home)

    def env(self) -> dict[str, str]:
        """The environment a kernel (or this process) needs to see only this practice account."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AML_WALKTHROUGH_"))}
        env.update(
            {
                "AML_WALKTHROUGH_HOME": str(self.home),
                "AWS_CONFIG_FILE": str(self.paths.config),
                "AWS_SHARED_CREDENTIALS_FILE": str(self.paths.credentials),
                "AWS_EC2_METADATA_DISABLED": "true",
            }
        )
        if "AML_WALKTHROUGH_AUTO" in os.environ:  # forms apply themselves, as under nbval (conftest.py)
            env["AML_WALKTHROUGH_AUTO"] = os.environ["AML_WALKTHROUGH_AUTO"]
        if "AML_WALKTHROUGH_TRACEBACKS" in os.environ:  # a failing cell stays an error, not a guarded sentence
            env["AML_WALKTHROUGH_TRACEBACKS"] = os.environ["AML_WALKTHROUGH_TRACEBACKS"]
        return env

    def reset(self, scenario: str = "new-account", at: str | None = None) -> None:
        """Rebuild the account (and forget the account choice), as ``python -m helpers.sandbox reset`` does."""
        from helpers.sandbox import scenarios

        scenarios.reset(scenario, at=at, home=self.home)

    def root_client(self, service: str = "iam"):
        """A client signing with the root's current key (created fresh through the console when none is usable)."""
        from helpers.sandbox import console

        state = console.root_state(home=self.home)
        key_id, secret = self._root_key_secret(state)
        # No shared files read: a bad-input case may have broken them on purpose.
        core = botocore.session.Session()
        core.set_config_variable("config_file", os.devnull)
        core.set_config_variable("credentials_file", os.devnull)
        session = boto3.Session(
            aws_access_key_id=key_id, aws_secret_access_key=secret, region_name="us-east-1", botocore_session=core
        )
        return session.client(service, endpoint_url=self.url, config=NO_RETRY)

    def _root_key_secret(self, state: dict) -> tuple[str, str]:
        # The handed-over rootkey.csv first; if that key is gone, read whichever profile holds a root key.
        import configparser

        from helpers.sandbox import console

        active = {k["access_key_id"] for k in state["access_keys"] if k["status"] == "Active"}
        candidates: list[tuple[str, str]] = []
        if self.paths.rootkey_csv.exists():
            lines = dict(line.split("=", 1) for line in self.paths.rootkey_csv.read_text().splitlines() if "=" in line)
            candidates.append((lines.get("AWSAccessKeyId", ""), lines.get("AWSSecretKey", "")))
        creds = configparser.RawConfigParser()
        try:
            creds.read(self.paths.credentials)
        except configparser.Error:  # a bad-input case broke the file on purpose
            creds = configparser.RawConfigParser()
        for section in creds.sections():
            candidates.append(
                (creds[section].get("aws_access_key_id", ""), creds[section].get("aws_secret_access_key", ""))
            )
        for key_id, secret in candidates:
            if key_id in active:
                return key_id, secret
        # No usable root key left (deleted in 03): a snapshot-only key, removed again by the caller's reset.
        new = console.create_root_access_key(home=self.home)
        self._spare_key = new.access_key_id
        return new.access_key_id, new.secret_access_key


@contextlib.contextmanager
def practice(home: Path, scenario: str = "new-account", at: str | None = None) -> Iterator[Practice]:
    """Start a private practice account in *home*, reset to *scenario* / checkpoint *at*; stop it afterwards."""
    from helpers.sandbox import server

    home.mkdir(parents=True, exist_ok=True)
    saved = {k: os.environ.get(k) for k in ("AML_WALKTHROUGH_HOME", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")}
    try:
        # This process (forms, logic functions) sees the same folder the kernels see; set first,
        # so a checkpoint's reset makes its profile the active one here too.
        os.environ.update({k: Practice(home, "").env()[k] for k in saved})
        info = server.start(home=home)
        p = Practice(home, info.url)
        p.reset(scenario, at=at)
        yield p
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        server.stop(home=home)


def iam_snapshot(p: Practice) -> dict:
    """The account as a comparable dict: users, groups, keys with status, MFA, policies, password policy, root."""
    from helpers.sandbox import console

    root = console.root_state(home=p.home)
    saved_spare = getattr(p, "_spare_key", None)
    iam = p.root_client()
    spare = getattr(p, "_spare_key", None)
    users = {}
    for user in iam.list_users()["Users"]:
        name = user["UserName"]
        try:
            iam.get_login_profile(UserName=name)
            login = True
        except iam.exceptions.NoSuchEntityException:
            login = False
        users[name] = {
            "keys": sorted(
                (k["AccessKeyId"], k["Status"]) for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
            ),
            "mfa": sorted(d["SerialNumber"] for d in iam.list_mfa_devices(UserName=name)["MFADevices"]),
            "groups": sorted(g["GroupName"] for g in iam.list_groups_for_user(UserName=name)["Groups"]),
            "attached": sorted(
                a["PolicyName"] for a in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]
            ),
            "inline": sorted(iam.list_user_policies(UserName=name)["PolicyNames"]),
            "login": login,
        }
    groups = {
        g["GroupName"]: {
            "attached": sorted(
                a["PolicyName"] for a in iam.list_attached_group_policies(GroupName=g["GroupName"])["AttachedPolicies"]
            ),
            "inline": sorted(iam.list_group_policies(GroupName=g["GroupName"])["PolicyNames"]),
        }
        for g in iam.list_groups()["Groups"]
    }
    try:
        password_policy = iam.get_account_password_policy()["PasswordPolicy"]
    except iam.exceptions.NoSuchEntityException:
        password_policy = None
    local = sorted(pol["PolicyName"] for pol in iam.list_policies(Scope="Local")["Policies"])
    devices = sorted(d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"])
    if spare and spare != saved_spare:
        console.delete_root_access_key(spare, home=p.home)
        p._spare_key = None
    return {
        "users": users,
        "groups": groups,
        "password_policy": password_policy,
        "local_policies": local,
        "virtual_mfa": devices,
        "root_keys": sorted((k["access_key_id"], k["status"]) for k in root["access_keys"]),
        "root_mfa": root["mfa_serial"],
        "profiles": profile_names(p),
    }


def profile_names(p: Practice) -> dict[str, list[str]]:
    """Profile names in the practice account's config and credentials files."""
    import configparser

    out = {}
    for kind, path in (("config", p.paths.config), ("credentials", p.paths.credentials)):
        parser = configparser.RawConfigParser()
        try:
            parser.read(path)
        except configparser.Error as exc:  # a bad-input case broke the file on purpose
            out[kind] = [f"unreadable: {type(exc).__name__}"]
            continue
        out[kind] = sorted(parser.sections())
    return out


def file_bytes(p: Practice) -> dict[str, bytes]:
    """The bytes of the AWS files and the account choice (what 'nothing changed in the files' compares)."""
    out = {}
    for path in (p.paths.config, p.paths.credentials, p.home / "account.json"):
        out[path.name] = path.read_bytes() if path.exists() else b""
    return out


def execute(path: Path, env: dict[str, str] | None = None, timeout: int = 120):
    """Run All of *path* headless in a fresh kernel, widget state saved (as a learner with "save widget state" on).

    *env*: the kernel's environment (default: this process's, so the run's shared practice account). Returns the
    executed notebook; read it with ``errors_of``, ``outputs_of``, ``printed_in_widgets``, ``widget_htmls``.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    if env is None:
        client.execute()
    else:
        client.execute(env=env)
    return nb


def run_notebook(path: Path, p: Practice, timeout: int = 180):
    """Execute *path* headless in a kernel that sees the practice account *p* only."""
    return execute(path, p.env(), timeout)


def outputs_of(nb, html: bool = False) -> list[str]:
    """Each cell output's text (a stream's text, else its text/plain; with *html* its text/html as well).

    Fails the test when any cell raised, even one tagged raises-exception: a Run All that completes raises nothing.
    """
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", out
            found.append(out.get("text") or out.get("data", {}).get("text/plain", ""))
            if html:
                found.append(out.get("data", {}).get("text/html", ""))
    return found


def widget_models(nb) -> dict:
    """The saved widget state: model ID -> model (its ``state`` holds ``_model_name``, ``value``, ``outputs``)."""
    return nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})


def printed_in_widgets(nb) -> list[str]:
    """Texts printed into Output widgets."""
    return [
        o.get("text", "")
        for model in widget_models(nb).values()
        if model.get("state", {}).get("_model_name") == "OutputModel"
        for o in model["state"].get("outputs", [])
    ]


def widget_htmls(nb) -> list[str]:
    """HTML widgets' values (forms show their results in one, helpers.ui.result; plan tables too)."""
    return [
        model["state"].get("value") or ""
        for model in widget_models(nb).values()
        if model.get("state", {}).get("_model_name") == "HTMLModel"
    ]


def errors_of(nb) -> list[str]:
    """Error outputs of an executed notebook (cells tagged raises-exception excepted)."""
    found = []
    for cell in nb.cells:
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"{out.get('ename')}: {out.get('evalue')}")
    return found


def widget_texts(nb) -> str:
    """Everything the saved widget state shows: Output widgets' texts, HTML/Label values, text fields."""
    parts = []
    for model in widget_models(nb).values():
        st = model.get("state", {})
        for out in st.get("outputs", []) or []:
            parts.append(out.get("text", "") or "")
            parts.extend(str(v) for v in (out.get("data") or {}).values())
        for key in ("value", "description", "placeholder"):
            if isinstance(st.get(key), str):
                parts.append(st[key])
    return "\n".join(parts)


def cell_texts(nb) -> str:
    """Every output of every cell as text (plain, HTML, streams, errors)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", "") or "")
            parts.extend(str(v) for v in (out.get("data") or {}).values())
            parts.append(str(out.get("evalue", "")))
    return "\n".join(parts)

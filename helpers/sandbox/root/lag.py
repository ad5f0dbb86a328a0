"""A stricter practice account that lags like AWS (option ``lag``, in seconds; 0 or absent: off).

Switched on by ``python -m helpers.sandbox start --lag SECONDS`` or the environment variable
``AML_SANDBOX_LAG=SECONDS`` of the process that starts the server; saved with the account's state
(a stop/start keeps it; ``--lag 0`` turns it off; a reset keeps it too). With it on:

- a new access key (the root's or an IAM user's, hence also a new user's first key) is refused with
  ``InvalidClientTokenId`` until *lag* seconds after its creation, as IAM's eventual consistency does;
- the credential report is reused for 4 hours: GenerateCredentialReport answers ``COMPLETE`` and
  GetCredentialReport the report made the first time (AWS regenerates at most every 4 hours);
- ``AccountAccessKeysPresent`` in GetAccountSummary keeps its old value until *lag* seconds after
  the root's key count changed.

Times are epochs from the layer's clock (the machine's plus the test offset), so the state means the
same after a restart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpers.sandbox.root.wire import Request, invalid_token, ok, raw

if TYPE_CHECKING:  # pragma: no cover
    from helpers.sandbox.root.layer import RootLayer

REPORT_REUSE_SECONDS = 4 * 3600


def seconds(layer: RootLayer) -> float:
    """The lag in seconds (0: the account does not lag)."""
    try:
        return float(layer.options.get("lag") or 0)
    except (TypeError, ValueError):
        return 0.0


def note_new_key(layer: RootLayer, key_id: str) -> None:
    """Remember when a new access key was made (only while the account lags)."""
    if seconds(layer) > 0 and key_id:
        layer.account.lag_state.setdefault("born", {})[key_id] = layer.clock()


def check_key(layer: RootLayer, key_id: str | None) -> None:
    """InvalidClientTokenId for a key younger than the lag (then it is forgotten)."""
    born = layer.account.lag_state.get("born") or {}
    if not key_id or key_id not in born:
        return
    if layer.clock() - born[key_id] < seconds(layer):
        raise invalid_token()
    del born[key_id]


def root_keys_changed(layer: RootLayer, before: int) -> None:
    """Remember the value AccountAccessKeysPresent showed before the root's keys changed."""
    if seconds(layer) <= 0:
        return
    shown = layer.account.lag_state.get("summary")
    if shown and layer.clock() < shown["until"]:
        before = shown["value"]  # still settling from an earlier change: the old value stays
    layer.account.lag_state["summary"] = {"value": 1 if before else 0, "until": layer.clock() + seconds(layer)}


def keys_present(layer: RootLayer, actual: int) -> int:
    """AccountAccessKeysPresent as the summary shows it: the old value while it settles."""
    shown = layer.account.lag_state.get("summary")
    if shown and layer.clock() < shown["until"]:
        return shown["value"]
    return actual


def answer_report(layer: RootLayer, req: Request):
    """GenerateCredentialReport / GetCredentialReport from the 4-hour-old report, if there is one."""
    if seconds(layer) <= 0 or req.service != "iam":
        return None
    report = layer.account.lag_state.get("report")
    fresh = report is not None and layer.clock() - report["generated"] < REPORT_REUSE_SECONDS
    if req.action == "GenerateCredentialReport" and fresh:
        return ok(req, "<State>COMPLETE</State><Description>No report generation needed.</Description>")
    if req.action == "GetCredentialReport" and fresh and report.get("payload"):
        return raw(200, "text/xml", report["payload"].encode("utf-8"))
    return None


def after_report(layer: RootLayer, req: Request, payload: bytes) -> None:
    """Remember when a report was generated, and the first report read after that."""
    if seconds(layer) <= 0:
        return
    if req.action == "GenerateCredentialReport":
        layer.account.lag_state["report"] = {"generated": layer.clock(), "payload": None}
    elif req.action == "GetCredentialReport":
        report = layer.account.lag_state.get("report")
        if report is None:
            report = layer.account.lag_state["report"] = {"generated": layer.clock(), "payload": None}
        if not report.get("payload"):
            report["payload"] = payload.decode("utf-8")

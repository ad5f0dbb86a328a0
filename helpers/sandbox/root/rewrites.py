"""moto's successful IAM answers, corrected with what only the layer knows (the root, dates, seeds)."""

from __future__ import annotations

import base64
import csv
import io
import re
from typing import TYPE_CHECKING

from helpers.sandbox.root import iam_rules, lag, mfa, root_user
from helpers.sandbox.root.state import iso
from helpers.sandbox.root.wire import Request, unescape, xml_all, xml_text

if TYPE_CHECKING:  # pragma: no cover
    from helpers.sandbox.root.layer import RootLayer


def after(layer: RootLayer, req: Request, payload: bytes) -> bytes:
    """moto's answer to a successful IAM request, as AWS would give it; the layer's books updated."""
    action, text = req.action, payload.decode("utf-8")
    account = layer.account
    if action == "CreateAccessKey":
        secret = xml_text(text, "SecretAccessKey")
        if secret:  # for the leak search only
            layer.issued_secrets.add(unescape(secret))
        lag.note_new_key(layer, unescape(xml_text(text, "AccessKeyId") or ""))
    elif action == "GetAccountSummary":
        text = _summary(layer, text)
    elif action == "GetCredentialReport":
        text = _report(layer, text)
    elif action == "ListVirtualMFADevices":
        text = _virtual_devices(layer, text, req.params.get("AssignmentStatus", "Any"))
    elif action == "CreateVirtualMFADevice":
        text = mfa.record_virtual_device(layer, text)
    elif action == "DeleteVirtualMFADevice":
        account.mfa_seeds.pop(req.params.get("SerialNumber", ""), None)
    elif action == "ListAccessKeys":
        text = _key_dates(layer, text)
    elif action == "UpdateAccessKey":
        key_id = req.params.get("AccessKeyId", "")
        if req.params.get("Status") == "Inactive":
            account.inactive_user_keys.add(key_id)
        else:
            account.inactive_user_keys.discard(key_id)
    elif action == "DeleteAccessKey":
        account.inactive_user_keys.discard(req.params.get("AccessKeyId", ""))
    elif action in ("CreateLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile"):
        text = iam_rules.fix_login_profile(layer, req, text)
    if action in ("GenerateCredentialReport", "GetCredentialReport"):
        lag.after_report(layer, req, text.encode("utf-8"))
    return text.encode("utf-8")


def _summary(layer: RootLayer, text: str) -> str:
    root = layer.account.root
    facts = {
        "AccountAccessKeysPresent": lag.keys_present(layer, 1 if root.keys else 0),
        "AccountMFAEnabled": 1 if root.mfa_enabled else 0,
        "AccountPasswordPresent": 1 if root.password_present else 0,
    }
    for name, value in facts.items():
        text, count = re.subn(rf"(<key>{name}</key>\s*<value>)\d+(</value>)", rf"\g<1>{value}\g<2>", text)
        if not count:
            text = text.replace(
                "</SummaryMap>", f"<entry><key>{name}</key><value>{value}</value></entry></SummaryMap>", 1
            )
    return text


def _report(layer: RootLayer, text: str) -> str:
    content = xml_text(text, "Content")
    if content is None:
        return text
    report = base64.b64decode(content).decode("utf-8")
    lines = report.splitlines(keepends=True)
    if not lines:
        return text
    header = lines[0] if lines[0].endswith("\n") else lines[0] + "\n"
    rows = [_backdate_row(layer, line) for line in lines[1:]]
    new = header + root_user.report_row(layer) + "".join(rows)
    text = text.replace(content, base64.b64encode(new.encode("utf-8")).decode("ascii"), 1)
    # moto answers a fixed 2015 date, which would make any freshness check call the report
    # stale; its content is computed on each call, so "now" is the honest time.
    return re.sub(r"<GeneratedTime>[^<]*</GeneratedTime>", f"<GeneratedTime>{iso(layer.now())}</GeneratedTime>", text)


def _backdate_row(layer: RootLayer, line: str) -> str:
    backdated = layer.account.backdated
    if not backdated:
        return line
    cells = next(csv.reader([line]))
    _status, body = layer.moto_query("iam", "ListAccessKeys", {"UserName": cells[0]})
    for index, key_id in enumerate(xml_all(body, "AccessKeyId")[:2]):
        if key_id in backdated:
            cells[9 + 5 * index] = backdated[key_id].strftime(root_user.REPORT_DATE)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def _key_dates(layer: RootLayer, text: str) -> str:
    for key_id, created in layer.account.backdated.items():
        text = re.sub(
            rf"(<AccessKeyId>{key_id}</AccessKeyId>.*?<CreateDate>)[^<]*(</CreateDate>)",
            rf"\g<1>{iso(created)}\g<2>",
            text,
            flags=re.S,
        )
    return text


def _virtual_devices(layer: RootLayer, text: str, assignment: str) -> str:
    root = layer.account.root
    if not root.mfa_enabled or assignment == "Unassigned":
        return text
    member = (
        f"<member><SerialNumber>{root.mfa_serial}</SerialNumber><User><UserId>{layer.account_id}</UserId>"
        f"<Arn>{root_user.arn(layer)}</Arn><CreateDate>{iso(root.created)}</CreateDate></User>"
        f"<EnableDate>{iso(root.mfa_enabled)}</EnableDate></member>"
    )
    if "</VirtualMFADevices>" in text:
        return text.replace("<VirtualMFADevices>", f"<VirtualMFADevices>{member}", 1)
    if "<VirtualMFADevices/>" in text:
        return text.replace("<VirtualMFADevices/>", f"<VirtualMFADevices>{member}</VirtualMFADevices>", 1)
    return text.replace("<IsTruncated>", f"<VirtualMFADevices>{member}</VirtualMFADevices><IsTruncated>", 1)

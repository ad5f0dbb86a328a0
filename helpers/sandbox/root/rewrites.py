"""moto's successful IAM answers, corrected with what only the layer knows (the root, dates, seeds)."""

from __future__ import annotations

import base64
import csv
import io
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from helpers.sandbox.root import iam_rules, lag, mfa, root_user
from helpers.sandbox.root.state import iso
from helpers.sandbox.root.wire import Request, child, find_all, parse_xml, to_text, xml_all, xml_text

if TYPE_CHECKING:  # pragma: no cover
    from helpers.sandbox.root.layer import RootLayer


def after(layer: RootLayer, req: Request, payload: bytes) -> bytes:
    """moto's answer to a successful IAM request, as AWS would give it; the layer's books updated."""
    tree = parse_xml(payload)
    if tree is None:
        return payload
    action, params, account = req.action, req.params, layer.account
    if action == "CreateAccessKey":
        secret = xml_text(tree, "SecretAccessKey")
        if secret:  # for the leak search only
            layer.issued_secrets.add(secret)
        lag.note_new_key(layer, xml_text(tree, "AccessKeyId") or "")
    elif action == "DeleteVirtualMFADevice":
        account.mfa_seeds.pop(params.get("SerialNumber", ""), None)
    elif action == "UpdateAccessKey":
        key_id = params.get("AccessKeyId", "")
        if params.get("Status") == "Inactive":
            account.inactive_user_keys.add(key_id)
        else:
            account.inactive_user_keys.discard(key_id)
    elif action == "DeleteAccessKey":
        account.inactive_user_keys.discard(params.get("AccessKeyId", ""))
    elif action == "DeleteLoginProfile":
        account.console_passwords.pop(params.get("UserName", ""), None)
    rewrite = _REWRITES.get(action)
    if rewrite is not None:
        rewrite(layer, req, tree)
        payload = to_text(tree).encode("utf-8")
    if action in ("GenerateCredentialReport", "GetCredentialReport"):
        lag.after_report(layer, req, payload)
    return payload


def _summary(layer: RootLayer, req: Request, tree: ET.Element) -> None:
    root = layer.account.root
    facts = {
        "AccountAccessKeysPresent": lag.keys_present(layer, 1 if root.keys else 0),
        "AccountMFAEnabled": 1 if root.mfa_enabled else 0,
        "AccountPasswordPresent": 1 if root.password_present else 0,
    }
    summary = find_all(tree, "SummaryMap")
    if not summary:
        return
    entries = {xml_text(entry, "key"): entry for entry in find_all(summary[0], "entry")}
    for name, value in facts.items():
        entry = entries.get(name)
        if entry is None:
            entry = child(summary[0], "entry")
            child(entry, "key", name)
            child(entry, "value")
        find_all(entry, "value")[0].text = str(value)


def _report(layer: RootLayer, req: Request, tree: ET.Element) -> None:
    content = find_all(tree, "Content")
    if not content or not content[0].text:
        return
    lines = base64.b64decode(content[0].text).decode("utf-8").splitlines(keepends=True)
    if not lines:
        return
    header = lines[0] if lines[0].endswith("\n") else lines[0] + "\n"
    rows = [_backdate_row(layer, line) for line in lines[1:]]
    new = header + root_user.report_row(layer) + "".join(rows)
    content[0].text = base64.b64encode(new.encode("utf-8")).decode("ascii")
    # moto answers a fixed 2015 date, which would make any freshness check call the report
    # stale; its content is computed on each call, so "now" is the honest time.
    for generated in find_all(tree, "GeneratedTime"):
        generated.text = iso(layer.now())


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


def _key_dates(layer: RootLayer, req: Request, tree: ET.Element) -> None:
    backdated = layer.account.backdated
    for member in find_all(tree, "member"):
        created = backdated.get(xml_text(member, "AccessKeyId") or "")
        if created is not None:
            for date in find_all(member, "CreateDate"):
                date.text = iso(created)


def _virtual_devices(layer: RootLayer, req: Request, tree: ET.Element) -> None:
    root = layer.account.root
    if not root.mfa_enabled or req.params.get("AssignmentStatus", "Any") == "Unassigned":
        return
    result = find_all(tree, "ListVirtualMFADevicesResult")
    if not result:
        return
    devices = find_all(result[0], "VirtualMFADevices")
    listed = devices[0] if devices else child(result[0], "VirtualMFADevices", index=0)
    member = child(listed, "member", index=0)
    child(member, "SerialNumber", root.mfa_serial)
    user = child(member, "User")
    child(user, "UserId", layer.account_id)
    child(user, "Arn", root_user.arn(layer))
    child(user, "CreateDate", iso(root.created))
    child(member, "EnableDate", iso(root.mfa_enabled))


_REWRITES = {
    "GetAccountSummary": _summary,
    "GetCredentialReport": _report,
    "ListVirtualMFADevices": _virtual_devices,
    "CreateVirtualMFADevice": lambda layer, req, tree: mfa.record_virtual_device(layer, tree),
    "ListAccessKeys": _key_dates,
    "CreateLoginProfile": iam_rules.fix_login_profile,
    "UpdateLoginProfile": iam_rules.fix_login_profile,
}

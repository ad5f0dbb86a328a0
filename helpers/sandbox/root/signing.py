"""Who is calling: SigV4 signatures checked against a known secret, and IAM users found by key."""

from __future__ import annotations

import hmac
import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from helpers.sandbox.root.wire import ApiError, Request, xml_all, xml_text

if TYPE_CHECKING:  # pragma: no cover
    from helpers.sandbox.root.layer import RootLayer


# Actions that act on the caller itself when UserName is left out (AWS: "If you do not specify a user
# name, IAM determines the user name implicitly based on the AWS access key ID"). The root answers
# some itself (``root_user.ROOT_SELF_ACTIONS``); for an IAM user's session the layer adds its name.
SELF_ACTIONS = frozenset(
    {
        "ListAccessKeys",
        "CreateAccessKey",
        "UpdateAccessKey",
        "DeleteAccessKey",
        "GetUser",
        "ListMFADevices",
        "GetLoginProfile",
        "EnableMFADevice",
        "DeactivateMFADevice",
        "ListGroupsForUser",
        "ListAttachedUserPolicies",
        "ListUserPolicies",
    }
)


def signature_ok(req: Request, secret: str) -> bool:
    """Whether *req*'s SigV4 signature was made with *secret* (botocore recomputes it)."""
    auth = req.environ.get("HTTP_AUTHORIZATION", "")
    given = re.search(r"Signature=([0-9a-f]+)", auth)
    signed = re.search(r"SignedHeaders=([^,\s]+)", auth)
    if not given or not signed:
        # Presigned URLs carry the signature in the query; the lesson never uses them
        # with root keys, so they are refused rather than half-checked.
        return False
    headers = {}
    for name in signed.group(1).split(";"):
        if name == "content-type":
            value = req.environ.get("CONTENT_TYPE", "")
        elif name == "content-length":
            value = req.environ.get("CONTENT_LENGTH", "")
        else:
            value = req.environ.get("HTTP_" + name.upper().replace("-", "_"), "")
        headers[name] = value
    raw_uri = req.environ.get("RAW_URI") or req.environ.get("REQUEST_URI")
    if not raw_uri:
        raw_uri = quote(req.path) + (f"?{req.query}" if req.query else "")
    url = f"http://{headers.get('host', '127.0.0.1')}{raw_uri}"
    request = AWSRequest(method=req.method, url=url, data=req.body, headers=headers)
    request.context["timestamp"] = headers.get("x-amz-date", "")
    signer_cls = S3SigV4Auth if req.service == "s3" else SigV4Auth
    signer = signer_cls(Credentials(req.key_id, secret), req.service, req.region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    return hmac.compare_digest(expected, given.group(1))


def require_signature(req: Request, secret: str) -> None:
    """SignatureDoesNotMatch, in AWS's words, unless *req* was signed with *secret*."""
    if not signature_ok(req, secret):
        raise ApiError(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service documentation "
            "for details.",
        )


def user_names(layer: RootLayer) -> list[str]:
    """Every IAM user's name (all of ListUsers' pages)."""
    names, marker = [], None
    while True:
        _status, body = layer.moto_query("iam", "ListUsers", {"Marker": marker} if marker else {})
        names += [n for n in xml_all(body, "UserName")]
        marker = xml_text(body, "Marker")
        if xml_text(body, "IsTruncated") != "true" or not marker:
            return names


def user_of_key(layer: RootLayer, key_id: str) -> str | None:
    """The IAM user who owns access key *key_id* (None: no user has it)."""
    for name in user_names(layer):
        _status, body = layer.moto_query("iam", "ListAccessKeys", {"UserName": name})
        if key_id in xml_all(body, "AccessKeyId"):
            return name
    return None

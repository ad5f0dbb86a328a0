"""Request and response plumbing: what a request says, and answers in the shape each AWS protocol uses."""

from __future__ import annotations

import hmac
import io
import json
import re
import uuid

# moto's answers come from moto inside this very process, never from the network: the standard
# parser is enough (it fetches no external entities; expat refuses entity-expansion bombs).
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs

from werkzeug.test import EnvironBuilder

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
TOKEN_HEADER = "HTTP_X_AML_SANDBOX_TOKEN"

# A WSGI answer: (status line, headers, body).
Response = tuple[str, list, bytes]

_ERROR_STATUS = {
    "InvalidClientTokenId": 403,
    "SignatureDoesNotMatch": 403,
    "MissingAuthenticationToken": 403,
    "InvalidAuthenticationCode": 403,
    "LimitExceeded": 409,
    "EntityAlreadyExists": 409,
    "DeleteConflict": 409,
    "NoSuchEntity": 404,
    "ValidationError": 400,
    "PasswordPolicyViolation": 400,
    "InternalFailure": 500,
}
_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict"}


class ApiError(Exception):
    """An AWS error to send back in the protocol's own shape (botocore parses it)."""

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or _ERROR_STATUS.get(code, 400)


def invalid_token() -> ApiError:
    """AWS's answer to an unknown, inactive or deleted key."""
    return ApiError("InvalidClientTokenId", "The security token included in the request is invalid.")


@dataclass
class Request:
    """One AWS API request as the layer sees it: who signed it, for which service and action."""

    environ: dict
    method: str
    path: str
    query: str
    body: bytes
    params: dict[str, str]
    key_id: str | None = None
    region: str = "us-east-1"
    service: str = ""
    action: str = ""


def is_form(environ: dict) -> bool:
    """Whether the body is a query-protocol form (``Action=...&...``)."""
    return environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded")


def read_body(environ: dict) -> bytes:
    """The whole body (ValueError/OSError when it cannot be read); ``wsgi.input`` is rewound for moto."""
    stream = environ.get("wsgi.input")
    length = environ.get("CONTENT_LENGTH")
    if length and (not length.isdigit() or not length.isascii()):
        raise ValueError("bad Content-Length")
    if stream is None:
        body = b""
    elif length:
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    if length or body:
        environ["CONTENT_LENGTH"] = str(len(body))
    return body


def parse(environ: dict, body: bytes) -> Request:
    """Who signed the request (key ID, region, service, from the credential scope) and what it asks."""
    query = environ.get("QUERY_STRING", "")
    params: dict[str, str] = {}
    for source in (query, body.decode("utf-8", "replace") if is_form(environ) else ""):
        for name, values in parse_qs(source, keep_blank_values=True).items():
            params[name] = values[0]
    req = Request(
        environ=environ,
        method=environ.get("REQUEST_METHOD", "GET"),
        path=environ.get("PATH_INFO", "/"),
        query=query,
        body=body,
        params=params,
        action=params.get("Action", ""),
    )
    auth = environ.get("HTTP_AUTHORIZATION", "")
    scope = None
    match = re.search(r"Credential=([^,\s]+)", auth)
    if match:
        scope = match.group(1)
    elif "X-Amz-Credential" in params:
        scope = params["X-Amz-Credential"]
    if scope:
        parts = scope.split("/")
        req.key_id = parts[0]
        if len(parts) >= 4:
            req.region, req.service = parts[2], parts[3]
    return req


def token_ok(environ: dict, token: str) -> bool:
    """Whether the request carries the sandbox token (the console endpoints' and moto-api's lock)."""
    # As bytes: compare_digest refuses non-ASCII str, and a header is any Latin-1 text.
    given = environ.get(TOKEN_HEADER, "").encode("latin-1", "replace")
    return hmac.compare_digest(given, token.encode("latin-1", "replace"))


# ---------------------------------------------------------------------------- answers
def raw(status: int, content_type: str, payload: bytes) -> Response:
    """An answer with *payload* as it is."""
    headers = [("Content-Type", content_type), ("Content-Length", str(len(payload)))]
    return f"{status} {_REASONS.get(status, '')}".strip(), headers, payload


def json_answer(status: int, data: dict) -> Response:
    """A JSON answer (the ``/_sandbox/`` endpoints')."""
    return raw(status, "application/json", json.dumps(data).encode())


def ok(req: Request, inner: str | None) -> Response:
    """A query-protocol (IAM, STS) success: ``<ActionResponse><ActionResult>inner</...>``."""
    ns = STS_NS if req.service == "sts" else IAM_NS
    result = f"<{req.action}Result>{inner}</{req.action}Result>" if inner is not None else ""
    xml = (
        f'<{req.action}Response xmlns="{ns}">{result}'
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        f"</{req.action}Response>"
    )
    return raw(200, "text/xml", xml.encode("utf-8"))


def error(req: Request | None, err: ApiError) -> Response:
    """*err* as the request's protocol spells errors (JSON, S3's XML, or the query protocol's XML)."""
    content_type = (req.environ.get("CONTENT_TYPE", "") if req else "") or ""
    service = req.service if req else ""
    request_id = str(uuid.uuid4())
    is_query = req is not None and (is_form(req.environ) or req.service in ("iam", "sts"))
    if "json" in content_type or (req is not None and service not in ("s3", "") and not is_query):
        body = json.dumps({"__type": err.code, "message": err.message}).encode()
        status, headers, payload = raw(err.status, "application/x-amz-json-1.1", body)
        headers.append(("x-amzn-ErrorType", err.code))
        return status, headers, payload
    if service == "s3":
        code = {"InvalidClientTokenId": "InvalidAccessKeyId"}.get(err.code, err.code)
        xml = (
            f"<Error><Code>{code}</Code><Message>{escape(err.message)}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        )
        return raw(err.status, "application/xml", xml.encode())
    ns = STS_NS if service == "sts" else IAM_NS
    kind = "Receiver" if err.status >= 500 else "Sender"
    xml = (
        f'<ErrorResponse xmlns="{ns}"><Error><Type>{kind}</Type><Code>{err.code}</Code>'
        f"<Message>{escape(err.message, quote=False)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return raw(err.status, "text/xml", xml.encode("utf-8"))


def internal_environ(path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> dict:
    """A WSGI environ for the layer's own POST to moto (werkzeug builds it as a server would)."""
    builder = EnvironBuilder(
        path=path,
        base_url="http://127.0.0.1/",
        method="POST",
        data=body,
        headers=headers,
        content_type="application/x-www-form-urlencoded; charset=utf-8" if body else None,
    )
    try:
        return builder.get_environ()
    finally:
        builder.close()


# ---------------------------------------------------------------------------- moto's XML
Xml = str | bytes | ET.Element


def parse_xml(body: str | bytes) -> ET.Element | None:
    """moto's XML answer as an element tree (None: not XML)."""
    try:
        return ET.fromstring(body)
    except ET.ParseError:
        return None


def _tree(body: Xml) -> ET.Element | None:
    return body if isinstance(body, ET.Element) else parse_xml(body)


def find_all(body: Xml, tag: str) -> list[ET.Element]:
    """Every element named *tag* (in any namespace) below the top of *body*."""
    tree = _tree(body)
    return [] if tree is None else tree.findall(f".//{{*}}{tag}")


def xml_text(body: Xml, tag: str) -> str | None:
    """The text of the first element named *tag* ("" when empty), None when there is none."""
    found = find_all(body, tag)
    return (found[0].text or "") if found else None


def xml_all(body: Xml, tag: str) -> list[str]:
    """The texts of every element named *tag*."""
    return [element.text or "" for element in find_all(body, tag)]


def child(parent: ET.Element, tag: str, text: str | None = None, index: int | None = None) -> ET.Element:
    """A new element *tag* in *parent*'s namespace (appended, or inserted at *index*)."""
    namespace = parent.tag[: parent.tag.index("}") + 1] if parent.tag.startswith("{") else ""
    element = ET.Element(namespace + tag)
    element.text = text
    if index is None:
        parent.append(element)
    else:
        parent.insert(index, element)
    return element


def to_text(tree: ET.Element) -> str:
    """*tree* as XML text again, its namespace the default one (as moto and AWS write it)."""
    namespace = tree.tag[1 : tree.tag.index("}")] if tree.tag.startswith("{") else None
    try:
        return ET.tostring(tree, encoding="unicode", default_namespace=namespace)
    except ValueError:  # an element outside the namespace: written with prefixes instead
        return ET.tostring(tree, encoding="unicode")

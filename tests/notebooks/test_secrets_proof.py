"""Issue 9, secret safety proven: the whole lesson run headless with widget state saved leaks no secret.

The practice account itself says which secrets went out (``console.issued_secrets``: every root
and IAM-user secret access key it created, every console password it was sent, every MFA seed
it made); the saved notebooks, the sandbox's log, the rest of the state folder and this test's
captured output are then searched for each exact value. A second test drives the helpers' error
paths with a known secret in the input and checks that no message repeats it.
"""

from __future__ import annotations

import base64
import binascii
import html
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import nbformat
import pytest

from tests import lesson_support as ls

# Files whose job is to hold a secret (0600): the credentials file and its dated backups, the
# handed-over rootkey.csv, and the practice account's own saved state (as AWS keeps its own).
# Everything else in the state folder is searched.
HOLDERS = ("credentials", "rootkey.csv", "account-state")


def _forms_of(secret: str) -> set[str]:
    """The exact value and every spelling it gets in JSON, HTML (escaped, with or without quotes), both
    together (HTML inside a saved notebook's JSON), and a URL (an otpauth URI carries the seed)."""
    html_forms = {html.escape(secret, quote=True), html.escape(secret, quote=False), secret.replace("'", "&#39;")}
    forms = {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote(secret)} | html_forms
    return forms | {json.dumps(form)[1:-1] for form in set(forms)}


def _hits(secrets: list[str], texts: dict[str, str]) -> list[str]:
    found = []
    for where, text in texts.items():
        for index, secret in enumerate(secrets):
            if any(form in text for form in _forms_of(secret)):
                found.append(f"secret #{index} ({len(secret)} chars) in {where}")
    return found


# ------------------------------------------------------------------ QR codes: images that encode a seed
_DATA_URI = re.compile(r"data:image/(?:png|svg\+xml);base64,([A-Za-z0-9+/=]+)")


def _b64(data: str) -> bytes:
    try:
        return base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        return b""


def image_buffers(nb) -> list[tuple[str, bytes]]:
    """Every image or binary buffer in a notebook: outputs' PNG/SVG, data: URIs anywhere (outputs,
    widget values), and the saved widget state's binary buffers (an Image widget's value)."""
    found: list[tuple[str, bytes]] = []
    for n, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            if "image/png" in data:
                found.append((f"cell {n} image/png", _b64(data["image/png"])))
            if "image/svg+xml" in data:
                svg = data["image/svg+xml"]
                found.append((f"cell {n} image/svg+xml", ("".join(svg) if isinstance(svg, list) else svg).encode()))
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model_id, model in state.items():
        for buffer in model.get("buffers", []) or []:
            found.append((f"widget {model_id} buffer {buffer.get('path')}", _b64(buffer.get("data", ""))))
    text = json.dumps(nb, default=str)
    found += [(f"data: URI #{i}", _b64(m.group(1))) for i, m in enumerate(_DATA_URI.finditer(text))]
    return found


def qr_images(seed: str, names: set[str], account_id: str) -> set[bytes]:
    """The QR images an issued *seed* could have been shown as: its otpauth URI for each device name, as
    the practice account draws it (segno PNG at scale 4), and segno's other usual renderings."""
    import segno

    from helpers.sandbox.root import otpauth_uri, qr_png

    images = set()
    for name in names:
        uri = otpauth_uri(name, account_id, seed)
        images.add(qr_png(uri))
        code = segno.make(uri, error="m")
        for scale in range(1, 11):
            for kind in ("png", "svg"):
                out = io.BytesIO()
                code.save(out, kind=kind, scale=scale)
                images.add(out.getvalue())
    return images


def qr_hits(seeds: list[str], names: set[str], account_id: str, buffers: list[tuple[str, bytes]]) -> list[str]:
    found = []
    for index, seed in enumerate(seeds):
        images = qr_images(seed, names, account_id)
        for where, data in buffers:
            if data in images or any(form.encode() in data for form in _forms_of(seed)):
                found.append(f"QR code of seed #{index} in {where}")
    return found


def _device_names(p) -> set[str]:
    from helpers.mfa.devices import DEFAULT_DEVICE_NAME
    from helpers.sandbox.root import ROOT_MFA_NAME

    iam = p.root_client()
    listed = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
    return {ROOT_MFA_NAME, DEFAULT_DEVICE_NAME, *(d["SerialNumber"].rsplit("/", 1)[-1] for d in listed)}


def test_the_whole_lesson_saved_with_widget_state_holds_no_issued_secret(tmp_path, capfd):
    from helpers.sandbox import console, server

    saved = tmp_path / "saved"
    saved.mkdir()
    buffers: list[tuple[str, bytes]] = []
    with ls.practice(tmp_path / "state") as p:
        for path in ls.NOTEBOOKS:
            nb = ls.run_notebook(path, p)
            assert ls.errors_of(nb) == [], path.name
            if "aml.ui." in path.read_text():  # a notebook with forms: their state is in the file
                assert nb.metadata.get("widgets"), f"{path.name}: widget state was not saved"
            nbformat.write(nb, saved / path.name)
            buffers += [(f"{path.name} {where}", data) for where, data in image_buffers(nb)]
        issued = console.issued_secrets(home=p.home)
        names = _device_names(p)
        # The list is for the holder of the server's token only (server.json, 0600).
        for headers in ({}, {"X-Aml-Sandbox-Token": "guess"}):
            request = urllib.request.Request(
                f"{p.url}/_sandbox/issued-secrets", data=b"{}", headers=headers, method="POST"
            )
            with pytest.raises(urllib.error.HTTPError) as refused:
                server.LOCAL_OPENER.open(request, timeout=10)
            assert refused.value.code == 403
        texts = {f"saved {f.name}": f.read_text() for f in sorted(saved.iterdir())}
        for f in sorted(p.home.rglob("*")):
            if f.is_file() and not f.name.startswith(HOLDERS):
                texts[f"state {f.relative_to(p.home)}"] = f.read_text(errors="replace")
        assert any(k.startswith("state sandbox/server.log") for k in texts), sorted(texts)
    captured = capfd.readouterr()
    texts["captured stdout"], texts["captured stderr"] = captured.out, captured.err

    # What the lesson hands out: two root keys (the handed-over one and 01's), AML@Packt's key and
    # password, the root's MFA seed from 04 (and the scenario's first root key).
    kinds = {"key secret": [s for s in issued if len(s) == 40], "seed": [s for s in issued if len(s) == 64]}
    assert len(kinds["key secret"]) >= 2 and len(kinds["seed"]) >= 1, {k: len(v) for k, v in kinds.items()}
    assert len(issued) > len(kinds["key secret"]) + len(kinds["seed"]), "no console password was issued"
    found = _hits(issued, texts)
    print(f"secrets searched: {len(issued)} in {len(texts)} files/streams; found: {len(found)}")
    assert found == []
    # No QR code of any issued seed in any image the saved notebooks hold (outputs and widget state).
    qr_found = qr_hits(kinds["seed"], names, ls_account_id(), buffers)
    print(f"QR codes rebuilt for {len(kinds['seed'])} seeds x {len(names)} names; {len(buffers)} image buffers")
    assert qr_found == []


def ls_account_id() -> str:
    from helpers.sandbox.server import ACCOUNT_ID

    return ACCOUNT_ID


# ------------------------------------------------------------------ error paths carry no secret
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1"  # 40 characters: shaped like a real secret key
PASSWORD = "Hunter2-Correct-Horse-9!"


def _message_of(call) -> str:
    try:
        result = call()
    except Exception as exc:  # every kind: the message is what the learner sees
        return f"{type(exc).__name__}: {exc} {exc!r}"
    return repr(result)


def test_error_paths_never_repeat_the_secret_they_were_given(tmp_path):
    from botocore.exceptions import ClientError

    from helpers import errors
    from helpers.credentials import files as cred_files
    from helpers.credentials import keys
    from helpers.credentials import profiles as cred_profiles
    from helpers.sources import AwsFiles
    from helpers.users import passwords
    from helpers.users.policies import wanted_password_policy

    key_id = "AKIA" + "A" * 16
    messages = [
        # Keys: one character too many or too few, swapped, a space inside, the secret twice, a bad file.
        _message_of(lambda: keys.check_key_pair(key_id, SECRET + "x")),
        _message_of(lambda: keys.check_key_pair(key_id, SECRET[:-3])),
        _message_of(lambda: keys.check_key_pair(SECRET, key_id)),
        _message_of(lambda: keys.check_key_pair(key_id, SECRET[:20] + "#" + SECRET[21:])),
        _message_of(lambda: keys.check_key_pair(SECRET, SECRET)),
        _message_of(lambda: keys.check_key_pair("", SECRET)),
        _message_of(lambda: keys.check_key_pair("ASIA" + "A" * 16, SECRET)),
        _message_of(lambda: keys.check_key_pair(key_id, SECRET, session_token=SECRET)),
        _message_of(lambda: keys.parse_keys_csv(f"AWSSecretKey={SECRET}\n")),
        _message_of(lambda: keys.parse_keys_csv(f"Access key ID,Secret access key\n{key_id},{SECRET}x\n")),
        _message_of(
            lambda: keys.parse_keys_csv(f"Access key ID,Secret access key\n{key_id},{SECRET}\n{key_id},{SECRET}\n")
        ),
        _message_of(lambda: keys.parse_keys_csv(f"User name,Password\nx,{SECRET}\n")),
        repr(keys.check_key_pair(key_id, SECRET)),
        repr(keys.check_key_pair(key_id, SECRET).pair),
    ]
    # Passwords: every policy sentence, the masked holder (repr, str, pickling).
    policy = wanted_password_policy(None)
    messages.append(" ".join(passwords.password_problems(PASSWORD[:5] + "\t", policy)))
    messages += [repr(passwords.Secret(PASSWORD)), str(passwords.Secret(PASSWORD))]
    messages.append(_message_of(lambda: __import__("pickle").dumps(passwords.Secret(PASSWORD))))
    # AWS errors that quote the request: explain() keeps only safe names from the message.
    for code in ("SignatureDoesNotMatch", "InvalidClientTokenId", "PasswordPolicyViolation", "ValidationError", "X"):
        exc = ClientError(
            {"Error": {"Code": code, "Message": f"bad value {SECRET} / {PASSWORD}"}}, "CreateLoginProfile"
        )
        messages.append(errors.explain(exc))
    # A credentials file that cannot be parsed, with the secret on the broken lines.
    files = AwsFiles(config_file=tmp_path / "config", credentials_file=tmp_path / "credentials")
    files.credentials_file.write_text(f"[root-keys\naws_secret_access_key = {SECRET}\n{SECRET}\n")
    messages.append(_message_of(lambda: cred_profiles.list_profiles(files)))
    messages.append(_message_of(lambda: cred_files.save_profile(files, "root-keys", keys.KeyPair(key_id, SECRET))))
    messages.append(_message_of(lambda: cred_profiles.saved_key_id(files, "root-keys")))
    assert len(messages) >= 25
    leaks = [m for m in messages if SECRET in m or PASSWORD in m or SECRET[:20] in m or PASSWORD[:12] in m]
    assert leaks == []
    # The cases really failed (a pass-through would prove nothing).
    assert sum("Error" in m for m in messages) >= 15, messages


# ------------------------------------------------------------------ failure paths (issue 15)
def _notebook(*sources: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _run(nb, p, folder):
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=180, kernel_name="python3", store_widget_state=True)
    client.execute(env=p.env())
    path = folder / f"failure-{len(list(folder.iterdir()))}.ipynb"
    nbformat.write(nb, path)
    return nb, path


# The secret is read inside the kernel, never written into a cell's source.
KEYS_CELLS = (
    "import helpers as aml\n"
    "from helpers import account\n"
    "from helpers.ui.credentials_form import CredentialsForm\n"
    "account.choose_account('sandbox', None)\n"
    "_csv = account.current_account().source.handed_over_keys()\n"
    "_pairs = dict(line.split('=', 1) for line in _csv.read_text().splitlines() if '=' in line)\n"
    "_key_id, _secret = _pairs['AWSAccessKeyId'], _pairs['AWSSecretKey']",
    # The secret pasted into the key-ID box (and nothing in the secret box).
    "typed_in_id = CredentialsForm()\ntyped_in_id._key_id.value = _secret\ntyped_in_id._save.click()\ntyped_in_id",
    # The right keys, and the secret pasted into the region box too.
    "in_region = CredentialsForm()\n"
    "in_region._key_id.value, in_region._secret.value, in_region._region.value = _key_id, _secret, _secret\n"
    "in_region._save.click()\nin_region",
    # A failed save: the profile holds another key and 'replace' is not ticked.
    "failed = CredentialsForm()\n"
    "failed._key_id.value, failed._secret.value, failed._name.value = _key_id, _secret, 'root-keys'\n"
    "failed._save.click()\nfailed",
    "print(typed_in_id._out.text, in_region._out.text, failed._out.text)",
)

MFA_CELLS = (
    "import helpers as aml\nfrom helpers.ui import mfa_form",
    # Wrong codes, then the learner moves on.
    "wrong = mfa_form.enable_form(auto=False)\n"
    "wrong._name.value = 'proof-phone'\n"
    "wrong._create.click()\n"
    "wrong._code1.value, wrong._code2.value = '000000', '111111'\n"
    "wrong._enable.click()\nwrong",
    # Created, then the form is left (closed) before any code.
    "left = mfa_form.enable_form(auto=False)\n"
    "left._name.value = 'proof-phone-2'\n"
    "left._create.click()\n"
    "left.close()\n"
    "print(wrong._out.text)",
)


def _texts_of(p, notebooks: list) -> dict[str, str]:
    texts = {f"saved {path.name}": path.read_text() for path in notebooks}
    for f in sorted(p.home.rglob("*")):
        if f.is_file() and not f.name.startswith(("rootkey.csv", "account-state")):
            texts[f"state {f.relative_to(p.home)}"] = f.read_text(errors="replace")
    return texts


def test_failure_paths_leave_no_secret_in_notebook_widget_state_logs_or_backups(tmp_path, capfd):
    from helpers.sandbox import console, files

    saved = tmp_path / "saved"
    saved.mkdir()
    with ls.practice(tmp_path / "state", at="01") as p:
        root_id, root_secret = (
            dict(line.split("=", 1) for line in p.paths.rootkey_csv.read_text().splitlines())[k]
            for k in ("AWSAccessKeyId", "AWSSecretKey")
        )
        # Another key already saved as root-keys, so the third save fails.
        files.write_profile(p.paths, "root-keys", "AKIAZ5ZXR3P6XOTHER01", "o" * 40, p.url)
        keys_nb, keys_path = _run(_notebook(*KEYS_CELLS), p, saved)
        assert ls.errors_of(keys_nb) == []
        said = "".join(o.get("text", "") for o in keys_nb.cells[-1].outputs)
        assert "AWS region name" in said and "already exists" in said, said
        assert keys_nb.metadata.get("widgets"), "widget state was not saved"
        # The root secret: only in rootkey.csv (its holder), nowhere else: not in the credentials file or its
        # backups (no save succeeded), not in the notebook, its widget state, or the practice account's log.
        root_texts = _texts_of(p, [keys_path])
        assert any(k.startswith("state sandbox/credentials") for k in root_texts)
        assert _hits([root_secret], root_texts) == []
        assert root_id in p.paths.rootkey_csv.read_text()

        p.reset(at="04")
        before = set(console.issued_secrets(home=p.home))
        mfa_nb, mfa_path = _run(_notebook(*MFA_CELLS), p, saved)
        assert ls.errors_of(mfa_nb) == []
        said = "".join(o.get("text", "") for o in mfa_nb.cells[-1].outputs)
        assert "AWS refused the codes" in said, said
        seeds = [s for s in console.issued_secrets(home=p.home) if s not in before and len(s) == 64]
        assert len(seeds) == 2, "both devices were created"
        names = _device_names(p) | {"proof-phone", "proof-phone-2"}
        texts = _texts_of(p, [mfa_path])
        buffers = image_buffers(mfa_nb)
    captured = capfd.readouterr()
    texts["captured stdout"], texts["captured stderr"] = captured.out, captured.err
    assert _hits([*seeds, root_secret], texts) == []
    assert qr_hits(seeds, names, ls_account_id(), buffers) == []
    print(f"failure paths: {len(buffers)} image buffers and {len(texts)} files/streams hold no secret")


def test_the_qr_search_finds_a_qr_code_that_is_on_the_page(tmp_path):
    """The detector itself: while a device waits for its codes its QR code is in the widget state, and found."""
    import ipywidgets as widgets
    from ipywidgets.embed import embed_data

    from helpers.sandbox.root import otpauth_uri, qr_png

    seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    image = widgets.Image(value=qr_png(otpauth_uri("proof-phone", ls_account_id(), seed)), format="png")
    state = embed_data(views=[widgets.VBox([image])])["manager_state"]
    nb = _notebook("1")
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": state}
    found = qr_hits([seed], {"other-name", "proof-phone"}, ls_account_id(), image_buffers(nb))
    assert found and found[0].startswith("QR code of seed #0 in widget ")
    assert qr_hits([seed[::-1]], {"proof-phone"}, ls_account_id(), image_buffers(nb)) == []
    # The same picture as an HTML data: URI (an <img> in an HTML widget or output) is found too.
    uri = base64.b64encode(image.value).decode()
    nb.metadata["widgets"] = {}
    nb.cells[0].outputs = [
        nbformat.v4.new_output("display_data", {"text/html": f"<img src='data:image/png;base64,{uri}'>"})
    ]
    assert qr_hits([seed], {"proof-phone"}, ls_account_id(), image_buffers(nb))
    # And HTML-escaped text: a seed shown as &-escaped HTML is still a hit.
    assert _hits(["a<b&c'd"], {"page": "x a&lt;b&amp;c&#x27;d y"}) == ["secret #0 (7 chars) in page"]

"""Issue 9, secret safety proven: the whole lesson run headless with widget state saved leaks no secret.

The practice account itself says which secrets went out (``console.issued_secrets``: every root
and IAM-user secret access key it created, every console password it was sent, every MFA seed
it made); the saved notebooks, the sandbox's log, the rest of the state folder and this test's
captured output are then searched for each exact value. A second test drives the helpers' error
paths with a known secret in the input and checks that no message repeats it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import nbformat
import pytest

from tests import lesson_support as ls

# Files whose job is to hold a secret (0600): the credentials file and its dated backups, the
# handed-over rootkey.csv. Everything else in the state folder is searched.
HOLDERS = ("credentials", "rootkey.csv")


def _forms_of(secret: str) -> set[str]:
    """The exact value and the spelling it gets inside JSON / HTML (a saved notebook is JSON)."""
    return {secret, json.dumps(secret)[1:-1], secret.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}


def _hits(secrets: list[str], texts: dict[str, str]) -> list[str]:
    found = []
    for where, text in texts.items():
        for index, secret in enumerate(secrets):
            if any(form in text for form in _forms_of(secret)):
                found.append(f"secret #{index} ({len(secret)} chars) in {where}")
    return found


def test_the_whole_lesson_saved_with_widget_state_holds_no_issued_secret(tmp_path, capfd):
    from helpers.sandbox import console, server

    saved = tmp_path / "saved"
    saved.mkdir()
    with ls.practice(tmp_path / "state") as p:
        for path in ls.NOTEBOOKS:
            nb = ls.run_notebook(path, p)
            assert ls.errors_of(nb) == [], path.name
            if "aml.ui." in path.read_text():  # a notebook with forms: their state is in the file
                assert nb.metadata.get("widgets"), f"{path.name}: widget state was not saved"
            nbformat.write(nb, saved / path.name)
        issued = console.issued_secrets(home=p.home)
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
    messages.append(_message_of(lambda: cred_files.list_profiles(files)))
    messages.append(_message_of(lambda: cred_files.save_profile(files, "root-keys", keys.KeyPair(key_id, SECRET))))
    messages.append(_message_of(lambda: cred_files.saved_key_id(files, "root-keys")))
    assert len(messages) >= 25
    leaks = [m for m in messages if SECRET in m or PASSWORD in m or SECRET[:20] in m or PASSWORD[:12] in m]
    assert leaks == []
    # The cases really failed (a pass-through would prove nothing).
    assert sum("Error" in m for m in messages) >= 15, messages

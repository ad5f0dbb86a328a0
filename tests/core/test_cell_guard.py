"""Issue 15: the sentences ``explain`` gives for bad states, the cells' guard, and the restarted kernel's hint."""

from __future__ import annotations

import configparser

import pytest
from botocore.exceptions import (
    ClientError,
    ConfigParseError,
    EndpointConnectionError,
    ProfileNotFound,
    ProxyConnectionError,
)

from helpers import errors
from helpers.errors import WalkthroughError, cell_guard, explain
from helpers.notice import Notice


def _raise_config_parse(path: str, text: str):
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=path)
    except configparser.Error:
        raise ConfigParseError(path=path)  # noqa: B904 - botocore raises it this way (implicit context)


def test_a_duplicate_section_names_the_file_line_and_section_and_never_the_secret(tmp_path):
    path = str(tmp_path / "credentials")
    text = "[aml-packt]\naws_secret_access_key = s3cr3tS3CR3T\n[aml-packt]\naws_access_key_id = AKIA1\n"
    with pytest.raises(ConfigParseError) as info:
        _raise_config_parse(path, text)
    said = explain(info.value)
    assert path in said and "line 3" in said and "[aml-packt] appears twice" in said
    assert "credentials file" in said and "s3cr3t" not in said and "Run the cell again" not in said


def test_a_line_that_is_not_a_setting_is_named_by_number_not_quoted(tmp_path):
    path = str(tmp_path / "config")
    with pytest.raises(ConfigParseError) as info:
        _raise_config_parse(path, "[default]\nregion = us-east-1\nwJalrXUtnFEMI/K7MDENG\n")
    said = explain(info.value)
    assert "line 3" in said and "wJalr" not in said and "config file" in said


def test_binary_junk_in_a_file_botocore_reads_names_that_file(tmp_path):
    import botocore.session

    config = tmp_path / "config"
    config.write_bytes(bytes(range(256)))
    session = botocore.session.Session()
    session.set_config_variable("config_file", str(config))
    with pytest.raises((ConfigParseError, UnicodeDecodeError)) as info:  # older botocore: the bare decode error
        session.full_config  # noqa: B018 - reading it is what fails
    said = explain(info.value)
    assert str(config) in said and "binary junk" in said


def test_a_missing_profile_says_where_to_choose_or_create_one():
    said = explain(ProfileNotFound(profile="aml-packt"))
    assert "'aml-packt' is not in your AWS files" in said and "notebook 00" in said and "notebook 01" in said


def test_a_dead_proxy_is_named_without_its_password():
    said = explain(ProxyConnectionError(proxy_url="http://me:hunter2@10.0.0.1:3128", error="refused"))
    assert "http://10.0.0.1:3128" in said and "hunter2" not in said and "NO_PROXY" in said


def test_a_dead_local_endpoint_is_the_practice_account_not_running():
    local = explain(EndpointConnectionError(endpoint_url="http://127.0.0.1:5123/"))
    remote = explain(EndpointConnectionError(endpoint_url="https://iam.amazonaws.com/"))
    assert "http://127.0.0.1:5123/" in local and "practice account is not running" in local
    assert "https://iam.amazonaws.com/" in remote and "network" in remote


def test_access_denied_without_details_names_the_call():
    exc = ClientError({"Error": {"Code": "AccessDenied", "Message": "denied"}}, "ListAttachedGroupPolicies")
    said = explain(exc)
    assert "not allowed to call ListAttachedGroupPolicies" in said


def test_an_unwritable_state_folder_says_how_to_fix_it(tmp_path):
    said = explain(PermissionError(13, "Permission denied", str(tmp_path / "account.json")))
    assert str(tmp_path / "account.json") in said and "AML_WALKTHROUGH_HOME" in said


def test_the_account_choice_error_is_a_sentence_for_the_learner():
    from helpers.account import AccountChoiceError

    said = explain(AccountChoiceError("No profile is active yet. Run notebook 01."))
    assert said == "No profile is active yet. Run notebook 01."


def test_the_guard_turns_an_exception_into_one_sentence(monkeypatch):
    monkeypatch.delenv("AML_WALKTHROUGH_TRACEBACKS", raising=False)

    @cell_guard
    def cell():
        raise ProfileNotFound(profile="gone")

    said = cell()
    assert isinstance(said, Notice) and not said.ok and "'gone' is not in your AWS files" in said


def test_the_guard_passes_results_through_and_only_the_outermost_converts(monkeypatch):
    monkeypatch.delenv("AML_WALKTHROUGH_TRACEBACKS", raising=False)
    seen = []

    @cell_guard
    def inner():
        raise WalkthroughError("Inner problem.")

    @cell_guard
    def outer():
        try:
            inner()
        except WalkthroughError as exc:
            seen.append(str(exc))
            return 42
        return 0

    assert outer() == 42 and seen == ["Inner problem."]
    assert inner() == "Inner problem."  # outermost now: converted


def test_tracebacks_wanted_lets_exceptions_through(monkeypatch):
    monkeypatch.setenv("AML_WALKTHROUGH_TRACEBACKS", "1")

    @cell_guard
    def cell():
        raise WalkthroughError("Shown as a traceback.")

    with pytest.raises(WalkthroughError):
        cell()
    assert errors._traceback_wanted()


# Calls whose result a cell uses further (``aml.lesson.standing().summary()``, the editable boto3 cell's
# ``aml.aws.client(aml.account.current_account().session(), "iam")``): guarding them would hand the
# next call a sentence instead of an object. lesson.standing never raises (its own test); the others'
# errors come from the helpers or botocore, which the lesson's kernel hook turns into the sentence.
BUILDING_BLOCKS = {"lesson.standing", "account.current_account", "aws.client", "aws.make_session"}


def test_every_notebook_facing_call_is_guarded():
    """The calls the notebooks' cells make today (read from the notebooks) are guarded functions."""
    import importlib
    import re

    import nbformat

    from tests.lesson_support import NOTEBOOKS

    calls = set()
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                calls |= set(re.findall(r"\baml\.([\w.]+)\(", cell.source))
    assert len(calls) > 15
    unguarded = []
    for call in sorted(calls):
        *mods, name = call.split(".")
        target = importlib.import_module(".".join(["helpers", *mods]))
        func = getattr(target, name)
        if isinstance(func, type):
            continue  # a form class: the kernel hook turns its errors into the sentence
        if call in BUILDING_BLOCKS:
            continue  # a cell chains on its result; what it raises reaches the kernel hook (below)
        if not hasattr(func, "__wrapped__") or func.__code__ is not cell_guard(lambda: None).__code__:
            unguarded.append(call)
    pure = {"mfa.policies.self_service_mfa_policy", "mfa.policies.require_mfa_policy"}
    assert set(unguarded) <= pure, f"not guarded: {sorted(set(unguarded) - pure)}"


def test_lesson_standing_never_raises(monkeypatch, tmp_path):
    from helpers import lesson

    monkeypatch.setenv("AML_WALKTHROUGH_ACCOUNT", "no-such-account")
    standing = lesson.standing()
    assert "Unknown account 'no-such-account'" in standing.summary()


def test_the_restarted_kernel_hint_and_the_raw_boto3_cell(capsys, monkeypatch):
    from helpers import kernel_hooks

    monkeypatch.delenv("AML_WALKTHROUGH_TRACEBACKS", raising=False)
    shown = []

    class Shell:
        user_ns: dict = {}

        def showtraceback(self, exc_tuple, tb_offset=None):
            shown.append(exc_tuple[0])

        def set_custom_exc(self, exc_tuple, handler):
            self.handler = handler

    shell = Shell()
    kernel_hooks.load_ipython_extension(shell)

    def fire(exc):
        try:
            raise exc
        except Exception as caught:
            shell.handler(shell, type(caught), caught, caught.__traceback__)

    fire(NameError("name 'aml' is not defined", name="aml"))
    assert capsys.readouterr().out.strip() == kernel_hooks.RESTART_SENTENCE  # display() outside a kernel prints
    fire(ProfileNotFound(profile="x"))
    assert "'x' is not in your AWS files" in capsys.readouterr().out
    fire(ZeroDivisionError("a learner's own bug"))
    shell.user_ns = {"aml": object()}
    fire(NameError("name 'sesion' is not defined", name="sesion"))
    assert shown == [ZeroDivisionError, NameError] and capsys.readouterr().out == ""


def test_the_lesson_environment_puts_the_kernel_spec_first():
    import json

    from helpers.kernel_hooks import KERNELSPEC_DIR, with_lesson_kernel

    env = with_lesson_kernel({"JUPYTER_PATH": "/elsewhere"})
    assert env["JUPYTER_PATH"].split(":") == [str(KERNELSPEC_DIR), "/elsewhere"]
    spec = json.loads((KERNELSPEC_DIR / "kernels" / "python3" / "kernel.json").read_text())
    assert spec["argv"][0] == "python" and "--ext=helpers.kernel_hooks" in spec["argv"]
    assert spec["display_name"] == "Python 3 (ipykernel)"  # the browser tests wait for this label


def test_make_lab_the_hub_and_the_browser_tests_get_the_lesson_kernel():
    import os

    from helpers.kernel_hooks import KERNELSPEC_DIR
    from helpers.lab_env import lesson_env

    env = lesson_env({"PATH": "/usr/bin", "JUPYTER_PATH": "/mine"}, pin_state=False)
    assert env["JUPYTER_PATH"].split(os.pathsep) == [str(KERNELSPEC_DIR), "/mine"]

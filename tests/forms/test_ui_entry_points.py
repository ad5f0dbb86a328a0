"""Every notebook reaches every form one way: ``aml.ui.<step>_form.<verb>_form()``, a guarded function."""

from __future__ import annotations

import json
import re
from pathlib import Path

import helpers as aml
from helpers.notice import Notice

ROOT = Path(__file__).resolve().parents[2]
UI_CALL = re.compile(r"aml\.ui\.[\w.]+\(")
FORM_CALL = re.compile(r"aml\.ui\.(\w+_form)\.(\w+_form)\(")
# step module -> its notebook-facing functions
FORMS = {
    "account_form": ["pick_form"],
    "credentials_form": ["set_up_form"],
    "users_form": ["set_up_form", "toggle_form", "rotate_form"],
    "root_keys_form": ["delete_form"],
    "mfa_form": ["check_form", "assign_form", "enable_form"],
    "cleanup_form": ["clean_up_form"],
}


def notebook_calls() -> list[str]:
    found = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                found += UI_CALL.findall("".join(cell["source"]))
    return found


def test_every_notebook_form_call_is_step_form_dot_verb_form():
    calls = notebook_calls()
    assert len(calls) >= 9  # 00, 01, 02 (two), 03, 04 (four), 06
    for call in calls:
        match = FORM_CALL.fullmatch(call)
        assert match, f"{call}: a notebook reaches a form as aml.ui.<step>_form.<verb>_form()"
        step, verb = match.groups()
        assert verb in FORMS[step], f"{call} is not listed in this test's FORMS"
    used = {FORM_CALL.fullmatch(c).groups() for c in calls}
    assert {(s, v) for s, verbs in FORMS.items() for v in verbs} - used == {("users_form", "rotate_form")}


def test_every_form_function_is_reached_from_the_package_and_guarded(monkeypatch):
    for step, verbs in FORMS.items():
        module = getattr(aml.ui, step)  # an attribute as soon as aml.ui is: no import in the notebook
        for verb in verbs:
            func = getattr(module, verb)
            assert callable(func) and func.__wrapped__.__name__ == verb  # wrapped by helpers.errors.cell_guard
    # Guarded: a failure becomes one sentence, not a traceback.
    monkeypatch.delenv("AML_WALKTHROUGH_TRACEBACKS", raising=False)
    monkeypatch.setattr(aml.ui.root_keys_form.root_keys, "actions_for_account", boom)
    shown = aml.ui.root_keys_form.delete_form()
    assert isinstance(shown, Notice) and not shown.ok


def test_the_old_entry_points_are_gone():
    assert not hasattr(aml.ui, "account_picker")
    for step, old in [
        ("credentials_form", "credentials_form"),
        ("users_form", "setup_form"),
        ("users_form", "service_toggles"),
        ("users_form", "rotation_form"),
        ("mfa_form", "root_mfa_check"),
        ("mfa_form", "root_console"),
        ("mfa_form", "device_form"),
        ("cleanup_form", "teardown_form"),
    ]:
        assert not hasattr(getattr(aml.ui, step), old), f"{step}.{old} is still there"


def boom():
    raise RuntimeError("the account could not be read")

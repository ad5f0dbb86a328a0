"""Notebook 02's forms driven with click() against moto in-process."""

from __future__ import annotations

import html

import pytest

from helpers import aws, users
from helpers.ui.users_form import GENERATE, TYPE, PasswordReveal, ServiceToggles, SetupForm
from tests.users_support import moto_account_fixture


@pytest.fixture
def moto_account(tmp_path, monkeypatch):
    yield from moto_account_fixture(tmp_path, monkeypatch)


def text(output) -> str:
    return "".join(o.get("text", "") for o in output.outputs)


def test_practice_applies_when_the_cell_runs_and_shows_password_once(moto_account):
    session, files = moto_account
    form = SetupForm(session, files, practice=True)
    assert form.value is not None and form.value.ok, form.value.error
    reveal = form._reveal_box.children[0]
    secret = form.value.password.reveal()
    # Applied by running the cell: the password stays off the page (and out of saved widget state)
    # until the learner asks for it.
    assert isinstance(reveal, PasswordReveal) and not reveal.showing
    assert html.escape(secret) not in reveal._secret.value and "Show it once" in reveal._secret.value
    reveal._show.click()
    assert reveal.showing and html.escape(secret) in reveal._secret.value
    assert secret not in text(form._out) + text(form.confirm._out)  # never in printed output
    assert "signin.aws.amazon.com/console" in reveal._secret.value
    reveal._stored.click()
    assert not reveal.showing and html.escape(secret) not in reveal._secret.value
    # Running the cell again: nothing to apply, no second key.
    again = SetupForm(session, files, practice=True)
    assert again.confirm.result is None and again.confirm._button not in again.confirm.children
    assert len(users.observe(session).keys) == 1


def test_real_account_typed_password_checked_then_applied(moto_account):
    session, files = moto_account
    form = SetupForm(session, files, practice=False)
    assert form.value is None and form._mode in form.children
    account_id = users.observe(session).account_id
    form._mode.value = TYPE
    form._password.value = "short"
    form._check.click()
    assert "at least 14" in text(form._out) and form._password.value == ""  # cleared once read
    form.confirm._typed.value = account_id
    form.confirm._button.click()
    assert "Type a password first" in text(form.confirm._out) and users.observe(session).user_name is None
    form._password.value = "Correct-Horse-42-Battery"
    form._check.click()
    assert "meets the policy" in text(form._out) and form._password.value == ""
    form.confirm._button.click()
    assert form.value.ok, form.value.error
    assert form.value.password is None and not form._reveal_box.children  # a typed one is not echoed
    assert "signs in at https://" in text(form._out)
    assert users.observe(session).login_profile


def test_bad_typed_password_applied_without_check_changes_nothing(moto_account):
    session, files = moto_account
    form = SetupForm(session, files, practice=False)
    form._mode.value = TYPE
    form._password.value = "alllowercase-and-long-enough-1"
    form.confirm._typed.value = users.observe(session).account_id
    form.confirm._button.click()
    out = text(form.confirm._out)
    assert "upper-case" in out and "Nothing was changed" in out
    assert form._password.value == "" and users.observe(session).user_name is None
    assert not form.confirm.applied and not form.confirm._button.disabled


def test_empty_typed_password_is_refused(moto_account):
    session, files = moto_account
    form = SetupForm(session, files, practice=False)
    form._mode.value = TYPE
    form.confirm._typed.value = users.observe(session).account_id
    form.confirm._button.click()
    assert "Type a password first" in text(form.confirm._out)
    assert users.observe(session).user_name is None
    form._mode.value = GENERATE
    form.confirm._button.click()
    assert form.value.ok


def test_double_click_apply_creates_one_key(moto_account):
    session, files = moto_account
    form = SetupForm(session, files, practice=False)
    form.confirm._typed.value = users.observe(session).account_id
    form.confirm._button.click()
    form.confirm._button.click()
    assert len(users.observe(session).keys) == 1


def test_profile_conflict_is_a_sentence_not_a_form(moto_account):
    session, files = moto_account
    files.credentials_file.write_text(
        files.credentials_file.read_text() + "\n[aml-packt]\naws_access_key_id = AKIAROOTKEY000000001\n"
        "aws_secret_access_key = rootsecretrootsecret\n"
    )
    form = SetupForm(session, files, practice=True)
    assert form.confirm is None and "Choose another profile name" in text(form._out)


def test_service_toggles_show_live_state_and_apply(moto_account):
    session, files = moto_account
    SetupForm(session, files, practice=True)
    toggles = ServiceToggles(session, practice=True)
    assert toggles.value["s3"] is True and toggles.value["athena"] is False
    toggles._toggles["athena"].value = True
    assert users.services_state(session)["athena"] is True and toggles.value["athena"] is True
    toggles._toggles["athena"].value = False
    assert users.services_state(session)["athena"] is False


def test_service_toggle_on_real_account_waits_for_typed_id(moto_account):
    session, files = moto_account
    SetupForm(session, files, practice=True)
    account_id = users.observe(session).account_id
    toggles = ServiceToggles(session, practice=False, account_id=account_id)
    toggles._toggles["lambda"].value = True
    assert users.services_state(session)["lambda"] is False
    assert toggles.confirm in toggles._slot.children and toggles.confirm.result is None
    assert "AWSLambda_FullAccess" in toggles.confirm._table.value and toggles.confirm._typed in toggles.confirm.children


def test_toggles_before_the_group_exists_explain_and_revert(moto_account):
    session, _ = moto_account
    toggles = ServiceToggles(session, practice=True)
    toggles._toggles["athena"].value = True
    assert "set-up cell" in text(toggles._out) and toggles.value["athena"] is False
    assert aws.client(session, "iam").list_groups()["Groups"] == []


def test_in_the_practice_account_the_plan_waits_for_apply(moto_account, monkeypatch):
    monkeypatch.delenv("AML_WALKTHROUGH_AUTO", raising=False)
    session, files = moto_account
    form = SetupForm(session, files, practice=True)
    assert form.value is None and users.observe(session).user_name is None  # running the cell changed nothing
    assert form.confirm._typed not in form.confirm.children  # no typed account ID in the practice account
    form.confirm._button.click()
    assert form.value.ok and users.observe(session).user_name == "AML@Packt"
    assert "Created user AML@Packt." in text(form.confirm._out)
    assert not form._reveal_box.children[0].showing  # hidden until "Show it once"


def test_on_a_real_account_the_generated_password_starts_hidden_too(moto_account):
    session, files = moto_account
    form = SetupForm(session, files, practice=False)
    form.confirm._typed.value = users.observe(session).account_id
    form.confirm._button.click()
    reveal = form._reveal_box.children[0]
    secret = form.value.password.reveal()
    assert not reveal.showing and html.escape(secret) not in reveal._secret.value
    reveal._show.click()
    assert reveal.showing


def test_service_toggles_wait_for_apply_and_say_what_changed(moto_account, monkeypatch):
    session, files = moto_account
    SetupForm(session, files, practice=True)
    monkeypatch.delenv("AML_WALKTHROUGH_AUTO", raising=False)
    toggles = ServiceToggles(session, practice=True)
    toggles._toggles["athena"].value = True
    assert users.services_state(session)["athena"] is False and "press Apply" in toggles._out.text
    toggles.confirm._button.click()
    assert users.services_state(session)["athena"] is True
    assert "Attached AmazonAthenaFullAccess" in text(toggles.confirm._out)
    assert "now on" in toggles._out.text
    toggles._toggles["athena"].value = False
    toggles.confirm._button.click()
    assert users.services_state(session)["athena"] is False and "now off" in toggles._out.text
    assert "Detached AmazonAthenaFullAccess" in text(toggles.confirm._out)

"""Notebook 06's one-call cells against a learner's own practice account (hooks as proposed for its source)."""

from __future__ import annotations

import pytest

from helpers import account
from helpers.cleanup import notebook
from helpers.errors import WalkthroughError
from helpers.sandbox import files
from helpers.ui.cleanup_form import teardown_form
from tests.sandbox_support import private_sandbox
from tests.test_progress import add_hooks


@pytest.fixture(scope="module")
def learner(tmp_path_factory):
    state = tmp_path_factory.mktemp("cleanup-notebook-state")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AML_WALKTHROUGH_HOME", str(state))
        mp.setenv("AML_WALKTHROUGH_ACCOUNT", "sandbox")
        mp.delenv("AML_WALKTHROUGH_PROFILE", raising=False)
        add_hooks(mp)
        with private_sandbox(state):
            yield state


def test_what_to_keep_says_the_book_goes_on_with_aml_packt():
    table = notebook.what_to_keep()
    assert table.loc["IAM user AML@Packt", "going on with the book"] == "keep"
    assert table.loc["IAM user AML@Packt", "done with the course"] == "remove"
    assert table.loc["Root MFA", "done with the course"] == "keep"


def test_console_steps_are_numbered_and_end_signed_out():
    text = notebook.CONSOLE_STEPS
    assert [f"{n}." in text for n in range(1, 8)] == [True] * 7
    assert "Deactivate" in text and "Sign out" in text


def test_the_form_in_a_practice_account_tears_down_at_once_and_converges(learner):
    account.current_account().source.reset_to("06")
    assert account.current_account().profile == "aml-packt"
    table = notebook.inventory_table()
    assert table.loc["User AML@Packt", "in the account now"] == "yes"
    assert "root user signed in to the console" in notebook.who_cleans_up()
    form = teardown_form()
    assert form.result is not None and form.result.ok, form.result.lines()
    assert "aml-packt" not in files.profile_names(files.paths(learner))
    assert account.current_account().profile is None  # the removed profile is no longer the active one
    assert notebook.verify().startswith("AML@Packt and its profile are gone")
    again = teardown_form()
    assert again.confirm._plan.empty and not again.confirm.applied  # teardown twice: nothing to do


def test_kept_group_and_policy_are_reported(learner):
    account.current_account().source.reset_to("05")
    notebook.teardown()
    said = notebook.verify()
    assert "Kept, as you chose: group aml-packt-users, the password policy." in said


def test_a_real_account_without_an_administrator_gets_the_reason(monkeypatch, isolated_home):
    monkeypatch.setenv("AML_WALKTHROUGH_ACCOUNT", "aws")
    with pytest.raises(WalkthroughError) as err, notebook.acting_session():
        pass
    assert "root user has no access keys" in str(err.value) and "console steps" in str(err.value)
    assert notebook.who_cleans_up() == notebook.NEEDS_ADMIN
    assert notebook.inventory_table() == notebook.NEEDS_ADMIN  # a sentence, not a traceback
    form = teardown_form()
    assert form.confirm is None  # a real account: nothing happens until the learner asks
    form._button.click()
    assert "".join(o.get("text", "") for o in form._out.outputs).strip() == notebook.NEEDS_ADMIN

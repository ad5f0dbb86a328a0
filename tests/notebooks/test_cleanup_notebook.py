"""Notebook 06's one-call cells against a learner's own practice account (hooks as proposed for its source)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from helpers import account
from helpers.cleanup import notebook
from helpers.errors import WalkthroughError
from helpers.sandbox import files
from helpers.ui.cleanup_form import clean_up_form
from tests import lesson_support as ls
from tests.sandbox_support import module_learner

learner = module_learner("cleanup-notebook-state")


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
    form = clean_up_form()
    assert form.result is not None and form.result.ok, form.result.lines()
    assert "aml-packt" not in files.profile_names(files.paths(learner))
    assert account.current_account().profile is None  # the removed profile is no longer the active one
    assert notebook.verify().startswith("AML@Packt and its profile are gone")
    again = clean_up_form()
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
    assert notebook.inventory_table().startswith("No profile is active yet")  # a sentence, not a traceback
    form = clean_up_form()
    assert form.confirm is None  # a real account: nothing happens until the learner asks
    form._button.click()
    assert "".join(o.get("text", "") for o in form._out.outputs).strip() == notebook.NEEDS_ADMIN


def test_real_account_path_reads_as_aml_packt_and_acts_only_as_an_administrator(learner, monkeypatch):
    """The learner's own files (here pointing at a practice account): no owner hook, typed ID needed."""
    account.current_account().source.reset_to("03")
    p = files.paths(learner)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(p.config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(p.credentials))
    monkeypatch.setenv("AML_WALKTHROUGH_ACCOUNT", "aws")
    monkeypatch.setenv("AML_WALKTHROUGH_PROFILE", "aml-packt")
    assert not account.current_account().practice
    table = notebook.inventory_table()  # AML@Packt may read IAM: the table needs no administrator
    assert table.loc["User AML@Packt", "in the account now"] == "yes"
    with pytest.raises(WalkthroughError):
        notebook.prepare()
    form = clean_up_form()
    assert form.confirm is None
    form._admin.value = "root-keys"  # an identity with IAM write rights
    form._boxes["remove_user"].value = form._boxes["remove_profile"].value = True  # unticked by default
    form._button.click()
    confirm = form.confirm
    assert confirm is not None and not confirm.applied and confirm._typed in confirm.children
    assert "delete" in confirm._table.value and "AML@Packt" in confirm._table.value
    confirm._typed.value = "381492058731"
    confirm._button.click()
    assert confirm.applied and form.result.ok, form.result.lines()
    assert notebook.inventory_table(admin_profile="root-keys").loc["User AML@Packt", "in the account now"] == "no"


# --- the notebook itself, headless, against the run's shared practice account ----------------------

NOTEBOOK = ls.ROOT / "notebooks" / "06-clean-up.ipynb"


def run_notebook() -> tuple[str, str]:
    """(every cell's text output, every widget's printed text and HTML) of one headless Run All."""
    nb = ls.execute(NOTEBOOK)
    return "\n".join(ls.outputs_of(nb, html=True)), "\n".join(ls.printed_in_widgets(nb) + ls.widget_htmls(nb))


@pytest.mark.parametrize("start", ["06", "03", "00"])
def test_notebook_06_runs_headless_in_whatever_state_then_again(start, monkeypatch):
    from helpers.sandbox import scenarios

    scenarios.reset(at=start)
    secrets = re.findall(
        r"aws_secret_access_key = (\S+)", files.paths(Path(os.environ["AML_WALKTHROUGH_HOME"])).credentials.read_text()
    )
    texts, printed = run_notebook()
    assert "You are here" in texts and "aml-status-card" in texts
    if start >= "03":
        assert "Deleted user AML@Packt." in printed and "Removed profile aml-packt" in printed
    assert "AML@Packt and its profile are gone" in texts
    assert not any(s in texts + printed for s in secrets)
    texts, printed = run_notebook()  # teardown twice: the second run finds nothing to do
    assert "nothing to change" in texts + printed and "Deleted" not in printed


def test_a_source_whose_owner_session_is_none_falls_back_to_reading_as_the_active_profile(learner, monkeypatch):
    """The contract for sources without owner access: ``owner_session()`` returns None."""
    from helpers.sandbox.source import SandboxAccount

    account.current_account().source.reset_to("04")
    monkeypatch.setattr(SandboxAccount, "owner_session", lambda self: None, raising=False)
    assert notebook.who_cleans_up() == notebook.NEEDS_ADMIN
    assert notebook.inventory_table().loc["User AML@Packt", "in the account now"] == "yes"  # read as aml-packt
    with pytest.raises(WalkthroughError):
        notebook.prepare()


def test_a_console_teardown_is_confirmed_by_the_profiles_dead_key(monkeypatch):
    """Real AWS after a console teardown: aml-packt's key is gone, so reading with it is InvalidClientTokenId."""
    from contextlib import contextmanager
    from types import SimpleNamespace

    from botocore.exceptions import ClientError

    dead = ClientError(
        {
            "Error": {
                "Code": "InvalidClientTokenId",
                "Message": "The security token included in the request is invalid.",
            }
        },
        "GetCallerIdentity",
    )

    @contextmanager
    def refused(admin_profile=None, write=True):
        raise dead
        yield  # pragma: no cover

    monkeypatch.setattr(notebook, "acting_session", refused)
    active = SimpleNamespace(profile="aml-packt")
    monkeypatch.setattr(notebook.account_logic, "current_account", lambda: active)
    said = notebook.verify()
    assert (
        said.ok and "the profile's key was deleted" in str(said) and "clean-up of AML@Packt is confirmed" in str(said)
    )
    assert "does not know" not in str(said)
    # Another profile's dead key is a real problem, said as such.
    active.profile = "my-admin"
    other = notebook.verify()
    assert not other.ok and "does not know this access key ID" in str(other)

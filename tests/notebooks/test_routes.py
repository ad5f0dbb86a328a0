"""Issue 14: both ways into a new account, end to end in a private practice account.

- the book's way (scenario ``new-account``): the learner created a root access key in the console
  and notebook 01 imports its CSV (the form's button; its check cell does it under
  AML_WALKTHROUGH_AUTO);
- today's way (scenario ``console-login``): ``aws login`` as the root user left short-lived
  credentials in profile root-login, the active one; notebook 01 uses that saved profile.

Notebooks 01 to 05 then run headless (AML_WALKTHROUGH_AUTO=1, as conftest.py sets it); an error
in any cell fails the test. At the end AML@Packt exists, its profile works and the root user has
no access keys; after ``aws login`` notebook 03 said no root keys exist and why that is good.
"""

from __future__ import annotations

import os

import pytest

from helpers.root_keys.observe import KEYS_GONE_LINE
from helpers.sandbox import console, scenarios
from tests import lesson_support as ls
from tests.sandbox_support import client

ROUTE_NOTEBOOKS = [p for p in ls.NOTEBOOKS if p.name[:2] in ("01", "02", "03", "04", "05")]


def _outputs_text(nb) -> str:
    """Every cell's printed or displayed text, and what the saved widgets show."""
    text = ls.cell_texts(nb) + "\n" + ls.widget_texts(nb)
    return text.replace("`", "").replace("<code>", "").replace("</code>", "")  # `code` however it was rendered


def _run_route(p: ls.Practice) -> dict[str, str]:
    texts = {}
    for path in ROUTE_NOTEBOOKS:
        nb = ls.run_notebook(path, p)
        assert ls.errors_of(nb) == [], f"{path.name}: {ls.errors_of(nb)}"
        texts[path.name[:2]] = _outputs_text(nb)
    return texts


def _assert_lesson_done(p: ls.Practice) -> None:
    # AML@Packt exists and its own profile works (signed as the user, not as root).
    arn = client(p.home, scenarios.USER_PROFILE, "sts").get_caller_identity()["Arn"]
    assert arn.endswith(":user/AML@Packt"), arn
    iam = client(p.home, scenarios.USER_PROFILE)
    assert scenarios.GROUP in [g["GroupName"] for g in iam.list_groups_for_user(UserName="AML@Packt")["Groups"]]
    # The root user has no access keys left, and the account summary agrees.
    assert console.root_state(home=p.home)["access_keys"] == []
    assert iam.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 0


@pytest.fixture()
def auto(monkeypatch):
    monkeypatch.setenv("AML_WALKTHROUGH_AUTO", "1")  # forms apply themselves in the kernels, as under nbval
    assert os.environ["AML_WALKTHROUGH_AUTO"] == "1"


def test_the_books_way_root_key_then_notebooks_01_to_05(tmp_path, auto):
    with ls.practice(tmp_path / "state", scenario="new-account") as p:
        assert [k["status"] for k in console.root_state(home=p.home)["access_keys"]] == ["Active"]
        texts = _run_route(p)
        _assert_lesson_done(p)
        assert "You signed in with aws login" not in texts["03"]  # the book's way: a key was deleted


def test_todays_way_aws_login_then_notebooks_01_to_05(tmp_path, auto):
    with ls.practice(tmp_path / "state", scenario="console-login") as p:
        assert console.root_state(home=p.home)["access_keys"] == []  # aws login: the root user never had keys
        texts = _run_route(p)
        assert f"Profile {scenarios.LOGIN_PROFILE}" in texts["01"]  # 01 used the saved (aws login) profile
        _assert_lesson_done(p)
        # Notebook 03 (as AML@Packt, the active profile after 02) found no root keys to delete and said why
        # that is the good outcome.
        assert KEYS_GONE_LINE.replace("`", "") in texts["03"], texts["03"][-3000:]

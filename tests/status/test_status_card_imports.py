"""The card on top of every notebook reads the account without pandas (about half a second per kernel).

Notebooks 00-04 and 06 show the card and no table of the status, so ``aml.status.card()`` must not import
pandas; notebook 05's tables still do. Run in a fresh interpreter, as a kernel is: another test's imports in
this process would hide the property.
"""

from __future__ import annotations

import subprocess
import sys

from tests import lesson_support as ls

CARD = """
import sys
import helpers as aml
aml.account.choose_account("sandbox", "aml-packt")
card = aml.status.card()
print(card.headline())
print("pandas loaded:", "pandas" in sys.modules)
table = aml.status.report_table()
print("table:", type(table.data).__module__.split(".")[0], "pandas loaded:", "pandas" in sys.modules)
"""


def test_the_card_of_a_practice_account_imports_no_pandas_and_the_tables_do(tmp_path):
    with ls.practice(tmp_path / "state", at="03") as p:
        run = subprocess.run(
            [sys.executable, "-c", CARD], capture_output=True, text=True, timeout=120, env=p.env(), cwd=ls.ROOT
        )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    headline = [line for line in lines if line.startswith("Security status of account ")]
    assert headline and headline[0].endswith("3 of 5 done."), run.stdout  # checkpoint 03: a real snapshot
    assert "pandas loaded: False" in lines, run.stdout
    assert "table: pandas pandas loaded: True" in lines, run.stdout

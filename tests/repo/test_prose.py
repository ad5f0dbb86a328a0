"""The lesson's prose stays lesson-sized and honest about what a learner does (issue 13).

Words are counted in markdown cells with HTML tags removed (a ``<details>`` wrapper is not prose);
a "stretch" is the markdown between two code cells. A button the prose asks the learner to press is
written ``press **Label**``: each such label must be a real button of a form.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TOTAL_WORDS = 5000
STRETCH_WORDS = 250
WORDS_PER_MINUTE = 200
# Notebooks whose step changes or proves something: their prose names the API actions it calls.
CALLING = ("01", "02", "03", "04", "06")
# Notebooks with the one short, editable, read-only boto3 cell.
SHOW_THE_CALL = ("01", "03", "04")
PRESS = re.compile(r"\b[Pp]ress \*\*(.+?)\*\*")
API_ACTION = re.compile(r"`(?:iam|sts):[A-Z][A-Za-z]+`")
FORM_FILES = [*sorted((ROOT / "helpers" / "ui").glob("*.py")), ROOT / "helpers" / "sandbox" / "console_ui.py"]


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def words(text: str) -> int:
    """Prose words: HTML tags removed, then whitespace-separated tokens."""
    return len(re.sub(r"<[^>]+>", " ", text).split())


def markdown(path: Path) -> str:
    return "\n\n".join(source(c) for c in cells(path) if c["cell_type"] == "markdown")


def stretches(path: Path) -> list[int]:
    """Words of markdown between consecutive code cells (and before the first, after the last)."""
    out, run = [], 0
    for c in cells(path):
        if c["cell_type"] == "code":
            out.append(run)
            run = 0
        else:
            run += words(source(c))
    return [*out, run]


def reading_minutes(path: Path) -> float:
    """Reading time of a notebook's prose at 200 words a minute (bench/run.py prints it)."""
    return words(markdown(path)) / WORDS_PER_MINUTE


def presses(path: Path) -> list[str]:
    """The button labels the prose asks the learner to press, in order (one click each)."""
    return PRESS.findall(markdown(path))


def _dict_values(tree: ast.AST) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            values = [v.value for v in node.value.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            for t in targets:
                if isinstance(t, ast.Name):
                    found[t.id] = values
    return found


def button_labels() -> set[str]:
    """Every label a button or toggle of a form can show: ``description=`` of each Button/ToggleButton call."""
    labels: set[str] = set()
    for path in FORM_FILES:
        tree = ast.parse(path.read_text())
        dicts = _dict_values(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "").endswith("Button")):
                continue
            for kw in node.keywords:
                if kw.arg == "description" and isinstance(kw.value, ast.Constant):
                    labels.add(kw.value.value)
                elif kw.arg == "description" and isinstance(kw.value, ast.Subscript):
                    if isinstance(kw.value.value, ast.Name):
                        labels.update(dicts.get(kw.value.value.id, []))
    from helpers.users import SERVICES  # the service toggles are labelled with the services' names

    return labels | {s.label for s in SERVICES}


def test_the_whole_lesson_reads_in_under_25_minutes():
    total = sum(words(markdown(p)) for p in NOTEBOOKS)
    assert 0 < total <= TOTAL_WORDS, f"{total} words of prose across the notebooks; the budget is {TOTAL_WORDS}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_stretch_of_prose_is_longer_than_250_words(path):
    longest = max(stretches(path))
    assert longest <= STRETCH_WORDS, f"{path.name}: {longest} words between two code cells (at most {STRETCH_WORDS})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opens_with_objectives_and_minutes_and_ends_with_key_points(path):
    first, last = source(cells(path)[0]), source(cells(path)[-1])
    assert re.search(r"\*\*About \d+ minutes\.\*\*", first), f"{path.name}: say how long it takes"
    assert "You will be able to" in first, f"{path.name}: open with objectives"
    assert last.startswith("## Key points"), f"{path.name}: end with key points"


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=lambda p: p.name)
def test_one_exercise_with_a_hidden_solution(path):
    exercises = [source(c) for c in cells(path) if c["cell_type"] == "markdown" and "## Exercise" in source(c)]
    assert len(exercises) == 1, f"{path.name}: one exercise, found {len(exercises)}"
    assert "<details><summary>Solution</summary>" in exercises[0] and "</details>" in exercises[0]


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:2] in CALLING], ids=lambda p: p.name)
def test_the_prose_names_the_api_actions_its_step_calls(path):
    assert API_ACTION.search(markdown(path)), f"{path.name}: name the API actions (e.g. `iam:CreateUser`)"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:2] in SHOW_THE_CALL], ids=lambda p: p.name)
def test_one_editable_read_only_call(path):
    calls = [source(c) for c in cells(path) if c["cell_type"] == "code" and "aml.aws.client(" in source(c)]
    assert len(calls) == 1, f"{path.name}: one cell that shows the call"
    assert "aml.account.current_account().session()" in calls[0], "show how the session is obtained"
    # A learner's own edit may fail (or no profile is active yet): the kernel hook then prints one sentence,
    # and with this tag JupyterLab's Run All (and nbclient) carry on past it.
    cell = next(c for c in cells(path) if c["cell_type"] == "code" and "aml.aws.client(" in source(c))
    assert "raises-exception" in cell["metadata"].get("tags", []), f"{path.name}: tag the call cell raises-exception"
    methods = re.findall(r"aml\.aws\.client\([^)]*\)\.(\w+)\(", calls[0])
    assert methods and all(m.startswith(("get_", "list_")) for m in methods), f"read-only calls only: {methods}"


def test_every_button_the_prose_names_exists():
    labels = button_labels()
    assert {"Apply", "1. Deactivate", "2. Verify", "3. Delete", "Add MFA"} <= labels  # the parser still finds them
    missing = {(p.name, b) for p in NOTEBOOKS for b in presses(p) if b not in labels}
    assert not missing, f"the prose asks to press buttons no form has: {sorted(missing)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_internal_names_glyphs_or_literal_backticks(path):
    text = markdown(path)
    assert "<root_account>" not in text and "📍" not in text
    for block in re.findall(r"<details>.*?</details>", text, flags=re.S):
        summary = re.search(r"<summary>(.*?)</summary>", block, flags=re.S)
        assert summary and "`" not in summary.group(1), f"{path.name}: backticks in a summary show literally"
        # Markdown inside an HTML block renders only after a blank line.
        assert re.search(r"</summary>\n\n", block), f"{path.name}: leave a blank line after <summary>"
    assert not re.search(r"CIS 1\.\d", text), f"{path.name}: cite CIS by title or current numbering"


def test_reading_time_and_clicks_are_counted():
    # What bench/run.py prints: the numbers must be real, not zero.
    assert sum(reading_minutes(p) for p in NOTEBOOKS) > 5
    assert sum(len(presses(p)) for p in NOTEBOOKS) >= 10


# ----------------------------------------------------------------------------- every plan line names its call

API_NAME = re.compile(r"^(iam|sts):[A-Z][A-Za-z]+$")
LOCAL_KINDS = {"profile", "credentials-file backups"}  # changes to the learner's files, not to the account


def _plans():
    from helpers.cleanup.inventory import GroupInventory, Inventory, UserInventory
    from helpers.cleanup.plan import ProfileState, TeardownOptions, plan_teardown
    from helpers.root_keys.observe import Observation, RootKey
    from helpers.root_keys.plan import plan_deactivate, plan_delete
    from helpers.users.key_plan import plan_key_rotation
    from helpers.users.plan import plan_service, plan_setup
    from helpers.users.records import KeyInfo, Observed

    account, root = "123456789012", "arn:aws:iam::123456789012:root"
    new = Observed(account_id=account, caller_arn=root)
    yield plan_setup(new)
    there = Observed(
        account_id=account,
        caller_arn=root,
        user_name="AML@Packt",
        user_arn=f"arn:aws:iam::{account}:user/AML@Packt",
        group_exists=True,
        user_in_group=True,
        group_policies=frozenset({"AmazonAthenaFullAccess"}),
        keys=(KeyInfo("AKIAOLDOLDOLDOLDOLD1", "Active"), KeyInfo("AKIAOLDOLDOLDOLDOLD2", "Active")),
    )
    yield plan_service(there, "athena", add=False)
    yield plan_key_rotation(there, retire="AKIAOLDOLDOLDOLDOLD1")
    keys = (
        RootKey("AKIAROOTROOTROOTROO1", "Active"),
        RootKey("AKIAROOTROOTROOTROO2", "Active", signs_this_session=True),
    )
    obs = Observation(account, root, True, "root", keys=keys, signing_key_id="AKIAROOTROOTROOTROO2")
    yield plan_deactivate(obs)
    yield plan_delete(obs)
    user = UserInventory(
        "AML@Packt",
        f"arn:aws:iam::{account}:user/AML@Packt",
        access_keys=("AKIAUSERUSERUSERUSE1",),
        login_profile=True,
        mfa_devices=(f"arn:aws:iam::{account}:mfa/AML-Packt-phone",),
        groups=("aml-packt-users",),
    )
    group = GroupInventory("aml-packt-users", ("AML@Packt",), ("arn:aws:iam::aws:policy/AmazonS3FullAccess",))
    inv = Inventory(account, root, user, group, password_policy=True)
    everything = TeardownOptions(remove_user=True, remove_group=True, remove_password_policy=True)
    yield plan_teardown(inv, ProfileState(present=True, key_id="AKIAUSERUSERUSERUSE1"), everything)


def test_every_plan_line_that_calls_aws_names_its_api_action():
    seen = set()
    for plan in _plans():
        assert not plan.empty, plan.title
        for change, line in zip(plan.changes, plan.lines(), strict=True):
            if change.kind in LOCAL_KINDS and change.verb != "check":
                assert not change.api_action, f"{change} changes local files only: no AWS call"
                continue
            assert API_NAME.match(change.api_action), f"{plan.title}: {change} names no API action"
            assert line.endswith(f"Calls {change.api_action}."), line
            seen.add(change.api_action)
    assert {"iam:CreateUser", "iam:UpdateAccessKey", "iam:DeleteAccessKey", "iam:DeleteUser"} <= seen


def test_start_here_says_the_learner_presses_and_how_to_recover_from_a_restart():
    text = markdown(NOTEBOOKS[0])
    assert "nothing changes until you press" in text
    assert "kernel restart" in text and "import helpers as aml" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_cell_exists_only_to_make_run_all_finish(path):
    # Under AML_WALKTHROUGH_AUTO=1 the forms apply themselves; a notebook never forces it.
    assert not [source(c) for c in cells(path) if c["cell_type"] == "code" and "auto=True" in source(c)]


def test_the_plan_table_shows_each_lines_api_action():
    from helpers.plan import Change, Plan
    from helpers.ui.confirm import plan_table_html

    plan = Plan("Set up", (Change("create", "user", "AML@Packt", api_action="iam:CreateUser"),))
    shown = plan_table_html(plan)
    assert "API call" in shown and ">iam:CreateUser</td>" in shown


def test_notebook_05_shows_a_shared_fix_once():
    from helpers.status.views import explain_checks

    text = explain_checks("password").data
    assert text.count("How to fix it:\n\n1.") == 1 and "How to fix it: as for `" in text

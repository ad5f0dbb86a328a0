"""The lesson's names and the CIS password policy have one home each (helpers/names.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import names

HELPERS = Path(__file__).resolve().parents[2] / "helpers"
# status/samples.py is test data (a GetAccountPasswordPolicy answer), on its way to tests/.
SKIP = {"names.py", "status/samples.py"}
FACTS = {"AML@Packt", "aml-packt-users", "root-keys", "aml-packt", "aml-packt-self-service-mfa"}


def test_the_cli_command_sets_every_cis_setting():
    command = names.password_policy_cli()
    assert command.startswith("aws iam update-account-password-policy ")
    assert "--minimum-password-length 14" in command
    assert "--password-reuse-prevention 24" in command
    for flag in ("uppercase-characters", "lowercase-characters", "numbers", "symbols"):
        assert f"--require-{flag}" in command
    assert "--allow-users-to-change-password" in command
    assert "hard-expiry" not in command  # False is the CLI's default: left out


def test_the_cli_command_follows_the_policy_it_is_given():
    command = names.password_policy_cli({"MinimumPasswordLength": 20, "HardExpiry": True})
    assert command == "aws iam update-account-password-policy --minimum-password-length 20 --hard-expiry"


def test_no_other_module_assigns_a_lesson_name_or_a_password_policy():
    homes = []
    for path in sorted(HELPERS.rglob("*.py")):
        if path.relative_to(HELPERS).as_posix() in SKIP:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                continue
            value = node.value
            if isinstance(value, ast.Constant) and value.value in FACTS:
                homes.append(f"{path.relative_to(HELPERS)}:{node.lineno}")
            if isinstance(value, ast.Dict) and any(
                isinstance(k, ast.Constant) and k.value == "PasswordReusePrevention" for k in value.keys
            ):
                homes.append(f"{path.relative_to(HELPERS)}:{node.lineno}")
    assert homes == [], f"define these in helpers/names.py and import them: {homes}"

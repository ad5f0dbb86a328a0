"""Issue 13: a learner's full run in a real browser, 00 -> 06 in order, pressing every button themselves.

One JupyterLab started WITHOUT ``AML_WALKTHROUGH_AUTO`` (forms wait for clicks), its own state folder
(so its own practice account, starting as a new account), one headless Chromium page. Each notebook is
run as the prose says, each button the prose names is clicked in order, every message a click gives is
checked to be on the page and still there two seconds later (issue 13: results used to vanish), and
the account itself is checked after each step. Outcomes the prose mentions are grouped here, one page
session: notebook 01's refusals (a 19-character key ID, a swapped pair, unknown keys), 02's Apply and a
service toggled on and off, 03's three steps, 04's wrong codes (the QR code leaves the page) then two
codes typed from the simulated app, 06's plan then Apply. Screenshots: ``test-output/browser/lesson-*.png``.
"""

from __future__ import annotations

import json
import secrets
import string
import time

import pytest

from tests.browser_support import (
    NOTEBOOK,
    browser_page,
    button,
    close_kernels,
    code_cell,
    next_code,
    open_alone,
    require_browser,
    run_above_and_this,
    run_all,
    run_from,
    running_lab,
    screenshot,
    shown_code,
    stays,
)

pytestmark = pytest.mark.browser


def iam(lab, profile: str):
    """An IAM client on the lab's own practice account, as *profile* (to check the account after a step)."""
    from helpers import aws
    from helpers.sandbox.source import SandboxAccount

    return aws.client(aws.make_session(SandboxAccount(lab.state).files(), profile), "iam")


def user_exists(lab, profile: str) -> bool:
    return any(u["UserName"] == "AML@Packt" for u in iam(lab, profile).list_users()["Users"])


def group_policies(lab) -> set[str]:
    attached = iam(lab, "aml-packt").list_attached_group_policies(GroupName="aml-packt-users")
    return {p["PolicyName"] for p in attached["AttachedPolicies"]}


def test_a_learner_goes_from_00_to_06_pressing_every_button(tmp_path):
    require_browser()
    from helpers.sandbox import console

    started = time.monotonic()
    times: dict[str, float] = {}
    with running_lab(tmp_path, auto=False) as lab, browser_page() as page:

        def lesson(nn: str, name: str):
            if times:
                close_kernels(lab)
            times[nn] = time.monotonic()
            open_alone(page, lab, name, f"lesson-{nn}")
            return page.locator(NOTEBOOK)

        def done(nn: str) -> None:
            screenshot(page, f"lesson-{nn}")
            times[nn] = time.monotonic() - times[nn]

        # 00: choose the practice account; the who-you-are card says what comes next, and stays.
        notebook = lesson("00", "00-start-here.ipynb")
        run_all(page)
        form = notebook.locator(".aml-account-form")
        form.wait_for()
        assert "Practice" in form.locator(".aml-account-source label:has(input:checked)").inner_text()
        button(form, "aml-account-use").click()
        assert "notebook 01" in stays(form, ".aml-account-out", "notebook 01")
        assert json.loads((lab.state / "account.json").read_text())["source"] == "sandbox"
        done("00")

        # 01: the refusals the prose names, each message staying; then the keys the account handed over.
        notebook = lesson("01", "01-set-up-credentials.ipynb")
        run_all(page)
        lines = dict(line.split("=", 1) for line in (lab.state / "sandbox" / "rootkey.csv").read_text().splitlines())
        key_id, secret = lines["AWSAccessKeyId"], lines["AWSSecretKey"]
        form = notebook.locator(".aml-cred-form")
        form.wait_for()
        key_box, secret_box = form.locator(".aml-cred-key-id input"), form.locator(".aml-cred-secret input")

        def attempt(typed_id: str, typed_secret: str, expect: str) -> str:
            key_box.fill(typed_id)
            secret_box.fill(typed_secret)
            button(form, "aml-cred-save").click()
            said = stays(form, ".aml-cred-out", expect)
            assert key_box.input_value() == "" and secret_box.input_value() == ""  # emptied after the attempt
            return said

        attempt(key_id[:19], secret, "has 19 characters")
        attempt(secret, key_id, "look swapped")
        rng = secrets.SystemRandom()
        unknown_id = "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
        unknown_secret = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(40))
        profile = form.locator(".aml-cred-profile input")
        profile.fill("tried-keys")  # a new name: the refusal must come from AWS, not from a taken profile
        profile.press("Tab")
        attempt(unknown_id, unknown_secret, "AWS does not know this access key ID")  # AWS refused it
        assert "[tried-keys]" not in (lab.state / "sandbox" / "credentials").read_text()
        profile.fill("root-keys")
        profile.press("Tab")
        key_box.fill(key_id)
        secret_box.fill(secret)
        button(form, "aml-cred-save").click()
        stays(form, ".aml-cred-out", "arn:aws:iam::381492058731:root")
        form.locator(".aml-cred-out .aml-cred-card").wait_for()
        assert secret not in page.content()
        assert "[root-keys]" in (lab.state / "sandbox" / "credentials").read_text()
        form.locator(".aml-cred-out").scroll_into_view_if_needed()
        done("01")

        # 02: the plan waits; Apply creates AML@Packt; the password only on request; Athena on, then off.
        notebook = lesson("02", "02-create-aml-packt.ipynb")
        run_all(page)
        form = notebook.locator(".aml-users-form")
        form.wait_for()
        stays(form, ".aml-confirm-out", "press Apply")
        assert not user_exists(lab, "root-keys")  # running the cells changed nothing
        assert form.locator(".aml-confirm-account").count() == 0  # no typed account ID in the practice account
        button(form, "aml-confirm-apply").click()
        applied = stays(form, ".aml-confirm-out", "Created user AML@Packt.")
        assert "saved it in profile aml-packt" in applied
        assert user_exists(lab, "root-keys")
        assert form.locator(".aml-users-secret-value").count() == 0  # not on the page unasked
        button(form, "aml-users-show").click()
        shown = form.locator(".aml-users-secret-value")
        shown.wait_for()
        password = shown.inner_text()
        assert len(password) >= 14
        button(form, "aml-users-stored").click()
        shown.wait_for(state="detached")
        assert password not in page.content()
        run_from(page, code_cell(notebook, "aml.users.switch()"))  # the cells after the form, now it has worked
        assert json.loads((lab.state / "account.json").read_text())["profile"] == "aml-packt"
        toggles = notebook.locator(".aml-users-services")
        toggles.locator(".aml-users-service-athena").first.click()
        stays(toggles, ".aml-users-services-out", "press Apply")
        assert "AmazonAthenaFullAccess" not in group_policies(lab)
        button(toggles, "aml-confirm-apply").click()
        stays(toggles, ".aml-confirm-out", "Attached AmazonAthenaFullAccess")
        stays(toggles, ".aml-users-services-out", "now on")
        assert "AmazonAthenaFullAccess" in group_policies(lab)
        toggles.locator(".aml-users-service-athena").first.click()
        button(toggles, "aml-confirm-apply").click()
        stays(toggles, ".aml-confirm-out", "Detached AmazonAthenaFullAccess")
        stays(toggles, ".aml-users-services-out", "now off")
        assert "AmazonAthenaFullAccess" not in group_policies(lab)
        toggles.scroll_into_view_if_needed()
        done("02")

        # 03: 1. Deactivate, 2. Verify, 3. Delete: each its own click, each enabled only after the one before.
        notebook = lesson("03", "03-delete-root-keys.ipynb")
        run_all(page)
        form = notebook.locator(".aml-rootkeys-form").first
        form.wait_for()
        assert len(console.root_state(home=lab.state)["access_keys"]) == 1  # running the cells changed nothing
        assert button(form, "aml-rootkeys-verify").is_disabled() and button(form, "aml-rootkeys-delete").is_disabled()
        button(form, "aml-rootkeys-deactivate").click()
        stays(form, ".aml-rootkeys-result-deactivate", "reactivate the key")
        assert button(form, "aml-rootkeys-delete").is_disabled()
        button(form, "aml-rootkeys-verify").click()
        stays(form, ".aml-rootkeys-result-verify", "You will not be locked out")
        button(form, "aml-rootkeys-delete").click()
        stays(form, ".aml-rootkeys-result-delete", "Deleted root access key")
        stays(form, ".aml-rootkeys-result-check", "PASS")
        assert console.root_state(home=lab.state)["access_keys"] == []
        run_from(page, code_cell(notebook, "aml.root_keys.closing_check()"))
        form.scroll_into_view_if_needed()
        done("03")

        # 04: the simulated console by hand; then AML@Packt's device: wrong codes (the QR code goes), then right.
        notebook = lesson("04", "04-mfa.ipynb")
        run_above_and_this(page, code_cell(notebook, "aml.ui.mfa_form.assign_form()"))
        notebook.locator(".aml-mfa-check .aml-mfa-verdict", has_text="FAIL").first.wait_for()
        root = notebook.locator(".aml-console").first
        assert "No MFA device assigned" in root.inner_text()  # nothing assigned by running the cell
        root.locator(".aml-console-assign").click()
        root.locator(".aml-console-scan").click()
        app = root.locator(".aml-authenticator")
        app.wait_for()
        root.locator(".aml-console-code1 input").fill(shown_code(app))
        root.locator(".aml-console-code2 input").fill(next_code(app, lab))
        root.locator(".aml-console-add").click()
        stays(root, ".aml-console-out", "MFA is on for the root user")
        assert console.root_state(home=lab.state)["mfa_enabled"]
        run_from(page, code_cell(notebook, "aml.ui.mfa_form.check_form()", nth=1))
        check = notebook.locator(".aml-mfa-check").nth(1)
        check.locator(".aml-mfa-verdict", has_text="PASS").wait_for()
        device = notebook.locator(".aml-mfa-device-form").first
        device.wait_for()
        mfa_devices = iam(lab, "aml-packt").list_mfa_devices(UserName="AML@Packt")["MFADevices"]
        assert mfa_devices == []  # the cell created nothing
        button(device, "aml-mfa-create").click()
        device.locator("img.aml-mfa-qr, .aml-mfa-qr img").first.wait_for()
        app = device.locator(".aml-authenticator")
        app.wait_for()
        device.locator(".aml-mfa-code1 input").fill("000000")
        device.locator(".aml-mfa-code2 input").fill("111111")
        button(device, "aml-mfa-enable").click()
        stays(device, ".aml-mfa-out", "AWS refused the codes")
        assert device.locator(".aml-mfa-qr").count() == 0  # the QR code (the seed) left the page
        assert device.locator(".aml-mfa-code1 input").input_value() == ""
        button(device, "aml-mfa-qr-again").click()
        device.locator(".aml-mfa-qr").first.wait_for()
        device.locator(".aml-mfa-code1 input").fill(shown_code(app))
        device.locator(".aml-mfa-code2 input").fill(next_code(app, lab))
        button(device, "aml-mfa-enable").click()
        stays(device, ".aml-mfa-out", "is enabled for AML@Packt")
        assert device.locator(".aml-mfa-qr").count() == 0
        mfa_devices = iam(lab, "aml-packt").list_mfa_devices(UserName="AML@Packt")["MFADevices"]
        assert [d["SerialNumber"].rsplit("/", 1)[-1] for d in mfa_devices] == ["AML-Packt-phone"]
        device.scroll_into_view_if_needed()
        done("04")

        # 05: the status card.
        notebook = lesson("05", "05-security-status.ipynb")
        run_all(page)
        card = notebook.locator(".aml-status-card").first
        card.wait_for()
        status = card.inner_text()
        card.scroll_into_view_if_needed()
        done("05")

        # 06: nothing goes until the learner ticks, plans and presses Apply.
        notebook = lesson("06", "06-clean-up.ipynb")
        run_all(page)
        form = notebook.locator(".aml-cleanup-form")
        form.wait_for()
        stays(form, ".aml-cleanup-out", "Nothing is removed yet")
        assert user_exists(lab, "aml-packt")  # the book's user is still there after running every cell
        form.locator(".aml-cleanup-remove-user input").check()
        form.locator(".aml-cleanup-remove-profile input").check()
        button(form, "aml-cleanup-plan").click()
        stays(form, ".aml-cleanup-out", "nothing is removed until you press Apply")
        assert user_exists(lab, "aml-packt")
        button(form, "aml-confirm-apply").click()
        out = stays(form, ".aml-confirm-out", "Deleted user AML@Packt.")
        assert "Removed profile aml-packt" in out
        assert "[aml-packt]" not in (lab.state / "sandbox" / "credentials").read_text()
        run_from(page, code_cell(notebook, "aml.cleanup.verify()"))
        form.scroll_into_view_if_needed()
        done("06")
    total = time.monotonic() - started
    print(f"\nstatus card at 05: {status.splitlines()[0] if status else '?'}")
    print(
        "browser lesson 00 -> 06: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()) + f"; total {total:.1f} s"
    )

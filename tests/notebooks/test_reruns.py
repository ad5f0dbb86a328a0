"""Issue 9, re-runs: every notebook run twice ends where one run ends; a double click acts once.

Also the sandbox's "reused code" memory: a device removed and created again under the same
name (a learner practising notebook 04 twice within a minute) accepts its fresh codes.
"""

from __future__ import annotations

import time

import pyotp
import pytest

from tests import lesson_support as ls


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    with ls.practice(tmp_path_factory.mktemp("reruns") / "state") as practice:
        yield practice


def test_every_notebook_twice_ends_as_once(lesson):
    """00 -> 06 in order, each run twice in a row: the second run changes nothing at all."""
    for path in ls.NOTEBOOKS:
        nb = ls.run_notebook(path, lesson)
        assert ls.errors_of(nb) == [], path.name
        once = ls.iam_snapshot(lesson)
        nb = ls.run_notebook(path, lesson)
        assert ls.errors_of(nb) == [], path.name
        twice = ls.iam_snapshot(lesson)
        assert twice == once, path.name
    # The lesson really ran: AML@Packt was created in 02 and removed again by 06's clean-up.
    assert once["users"] == {} and once["root_keys"] == [] and once["root_mfa"]


def _codes(seed: str, step: int) -> tuple[str, str]:
    totp = pyotp.TOTP(seed)
    return totp.at(step * 30), totp.at((step + 1) * 30)


def test_a_device_created_again_under_its_old_name_accepts_fresh_codes(lesson):
    from helpers.sandbox import console

    lesson.reset(at="04")
    iam = lesson.root_client()
    iam.create_user(UserName="twice")
    step = int(time.time() // 30) - 1
    for _round in range(2):  # the same name, twice within the same minute
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName="phone")["VirtualMFADevice"]
        serial, seed = device["SerialNumber"], device["Base32StringSeed"].decode()
        code1, code2 = _codes(seed, step)
        iam.enable_mfa_device(
            UserName="twice", SerialNumber=serial, AuthenticationCode1=code1, AuthenticationCode2=code2
        )
        iam.deactivate_mfa_device(UserName="twice", SerialNumber=serial)
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    # The root's device in the simulated console: assigned, removed, assigned again.
    for _round in range(2):
        root_device = console.create_root_mfa_device(home=lesson.home)
        console.enable_root_mfa(root_device.serial, *_codes(root_device.seed, step), home=lesson.home)
        assert console.remove_root_mfa(home=lesson.home)


def _form_out(form) -> str:
    return "".join(o.get("text", "") for o in form._out.outputs)


def test_double_clicking_the_action_buttons_acts_once(lesson):
    from helpers import account
    from helpers.sandbox.practice import owner_session
    from helpers.ui.credentials_form import CredentialsForm
    from helpers.ui.mfa_form import DeviceForm
    from helpers.ui.users_form import SetupForm

    # 01: "Use the root key I created (rootkey.csv)", twice.
    lesson.reset(at="01")
    form = CredentialsForm()
    form._handed.click()
    form._handed.click()
    snap = ls.iam_snapshot(lesson)
    assert snap["profiles"]["credentials"] == ["root-keys"] and len(snap["root_keys"]) == 1

    # 02: Apply (real-account path: account ID typed), twice.
    lesson.reset(at="02")
    chosen = account.current_account()
    form = SetupForm(chosen.session(), chosen.files(), practice=False)
    form.confirm._typed.value = "381492058731"
    form.confirm._button.click()
    form.confirm._button.click()
    snap = ls.iam_snapshot(lesson)
    assert len(snap["users"]["AML@Packt"]["keys"]) == 1, snap["users"]
    assert form.confirm.applied

    # 04: Create device, twice (a second click creates no second device).
    lesson.reset(at="04")
    with owner_session(home=lesson.home) as session:
        form = DeviceForm(session, "AML@Packt", practice=False, account_id="381492058731")
        form._typed.value = "381492058731"
        form._create.click()
        first = form._device.serial
        form._create.click()
        devices = ls.iam_snapshot(lesson)["virtual_mfa"]
    assert devices.count(first) == 1 and len(devices) == 1, (devices, _form_out(form))

    # 03: Deactivate, Verify, Delete on the real-account path, each clicked twice.
    import dataclasses

    from helpers import root_keys
    from helpers.sandbox import console
    from helpers.ui.root_keys_form import RootKeysForm

    lesson.reset(at="03")
    form = RootKeysForm(dataclasses.replace(root_keys.actions_for_account(), practice=False), auto=False)
    key_id = console.root_state(home=lesson.home)["access_keys"][0]["access_key_id"]
    form._typed.value = key_id
    for step in ("deactivate", "verify", "delete"):
        form._buttons[step].click()
        form._buttons[step].click()
    assert console.root_state(home=lesson.home)["access_keys"] == [], form._results["delete"].value
    assert "Deleted root access key" in form._results["delete"].value

    # 06: the clean-up's Apply (account ID typed), twice.
    from helpers.cleanup.notebook import apply_cleanup, prepare
    from helpers.ui.cleanup_form import CleanupForm

    lesson.reset(at="06")
    form = CleanupForm(prepare, lambda plan, admin: apply_cleanup(plan, admin), practice=False)
    form._boxes["remove_user"].value = form._boxes["remove_profile"].value = True  # unticked by default
    form._button.click()
    form._button.click()  # planning twice shows one plan
    confirm = form.confirm
    confirm._typed.value = "381492058731"
    confirm._button.click()
    confirm._button.click()
    out = "".join(o.get("text", "") for o in confirm._out.outputs)
    assert out.count("Deleted user AML@Packt.") == 1 and "AML@Packt" not in ls.iam_snapshot(lesson)["users"]

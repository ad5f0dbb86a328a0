"""The practice account's simulated console and authenticator app (notebook 04), driven with click()."""

from __future__ import annotations

import json
import threading
import time

import ipywidgets as widgets
import pyotp
import pytest

from helpers.sandbox import clock, console, console_ui
from tests.forms_support import enter_codes, said
from tests.sandbox_support import module_sandbox, reset_at

sandbox = module_sandbox("sandbox-console-ui")


@pytest.fixture
def home(sandbox):
    return reset_at(sandbox, "04")


def add_with(form, first: str, second: str) -> str:
    """Type *first* and *second* into the stand-in console's two code boxes, press Add MFA: what it says."""
    return enter_codes(form, form._add, first, second)


def everything_shown(form) -> str:
    """Every output and every widget's state in this kernel, as text."""
    state = widgets.Widget.get_manager_state(drop_defaults=False)
    return said(form) + json.dumps(state, default=str) + repr(form)


def test_the_authenticator_shows_the_rolling_code_and_seconds_left():
    seed = pyotp.random_base32()
    now = 1_800_000_010.0
    app = console_ui.SimulatedAuthenticator(seed, "root", clock=lambda: now, live=False)
    code = pyotp.TOTP(seed).at(now)
    assert f"{code[:3]} {code[3:]}" in app._code.value
    assert app._seconds.value == "20 s left" and app._left.value == 20
    assert app.consecutive_codes() == (code, pyotp.TOTP(seed).at(now + 30))
    assert seed not in repr(app) and seed not in json.dumps(widgets.Widget.get_manager_state(), default=str)


def test_a_live_authenticator_ticks_on_a_daemon_thread_and_stops():
    seed = pyotp.random_base32()
    ticked = threading.Event()
    moments = [1_800_000_010.0, 1_800_000_040.0]  # shown, then the next step's code on the first tick

    def clock_now() -> float:
        if len(moments) == 1:
            ticked.set()
        return moments.pop(0) if len(moments) > 1 else moments[0]

    app = console_ui.SimulatedAuthenticator(seed, "root", clock=clock_now, live=True, live_seconds=60)
    first = pyotp.TOTP(seed).at(1_800_000_010.0)
    assert f"{first[:3]} {first[3:]}" in app._code.value
    assert app.ticker is not None and app.ticker.daemon  # never keeps a kernel alive
    assert ticked.wait(10), "the app did not refresh by itself"
    app.stop()
    app.ticker.join(10)
    assert not app.ticker.is_alive()
    second = pyotp.TOTP(seed).at(1_800_000_040.0)
    assert f"{second[:3]} {second[3:]}" in app._code.value
    app.close()


def test_the_app_shows_the_next_code_as_soon_as_the_accounts_clock_moves(home):
    seed = pyotp.random_base32()
    totp = pyotp.TOTP(seed)
    app = console_ui.SimulatedAuthenticator(seed, "AML@Packt", clock=clock.SandboxClock(home, every=0), live=False)
    assert clock.SandboxClock(home).offset() == 0.0  # a reset puts the account's clock back
    assert clock.advance(30, home=home) == 30.0
    before = time.time()
    app.refresh()
    after = time.time()
    shown = app.current()[0]
    assert shown in {totp.at(before + 30), totp.at(after + 30)}
    assert f"{shown[:3]} {shown[3:]}" in app._code.value


def test_the_learner_assigns_scans_types_and_wrong_codes_are_refused(home):
    form = console_ui.SimulatedRootConsole(home, live=False)
    assert form.value is False and "No MFA device" in form._status.value
    form._assign.click()
    assert bytes(form._qr.value).startswith(b"\x89PNG")
    form._scan.click()
    app = form._app
    assert app is not None
    code, _left = app.current()
    assert "same code twice" in add_with(form, code, code)
    assert "has 5 digits" in add_with(form, "12345", "123456")
    assert "AWS refused the codes. Neither code comes from this device" in add_with(form, "000000", "111111")
    assert form.value is False and console.root_state(home)["mfa_enabled"] is None
    first, second = app.consecutive_codes()
    assert "spaces in the codes were removed" in add_with(form, f" {first[:3]} {first[3:]}", second)
    assert "MFA is on for the root user" in said(form)
    assert form.value is True and bytes(form._qr.value) == b""
    assert console.root_state(home)["mfa_enabled"]
    seed_free(form, app)


def seed_free(form, app) -> None:
    # The seed is only in the app's private TOTP object: never in an output, a widget state or a repr.
    seed = app._SimulatedAuthenticator__totp.secret
    assert seed not in everything_shown(form)


def test_run_all_assigns_without_anyone_typing_and_converges(home):
    stale = console_ui.SimulatedRootConsole(home, live=False)  # a page that still offers Assign...
    form = console_ui.SimulatedRootConsole(home, auto=True, live=False)  # ...while Run All assigns
    assert form.value is True
    assert "the simulated app typed its current code and the next one" in said(form)
    seed_free(form, form._app)
    stale._assign.click()
    assert "already has an MFA device: choose 'Remove MFA device' first" in said(stale)
    assert "MFA device assigned" in stale._status.value and stale._device is None
    again = console_ui.SimulatedRootConsole(home, auto=True, live=False)
    assert again.value is True and said(again) == ""  # already assigned: nothing to do
    again._remove.click()
    assert "was removed" in said(again) and again.value is False
    assert console.root_state(home)["mfa_enabled"] is None


def test_codes_from_a_slow_clock_are_refused_with_the_reason(home):
    form = console_ui.SimulatedRootConsole(home, live=False)
    form._assign.click()
    form._scan.click()
    seed = form._app._SimulatedAuthenticator__totp.secret
    totp = pyotp.TOTP(seed)
    now = time.time()
    assert "too old" in add_with(form, totp.at(now - 600), totp.at(now - 570)) and form.value is False


def test_stand_in_hands_out_forms_only_for_known_steps(home):
    assert isinstance(console_ui.stand_in("root-mfa", home=home, live=False), console_ui.SimulatedRootConsole)
    app = console_ui.stand_in("authenticator", seed=pyotp.random_base32(), label="AML@Packt", live=False)
    assert isinstance(app, console_ui.SimulatedAuthenticator)
    assert console_ui.stand_in("root-keys", home=home) is None
    assert console_ui.stand_in("authenticator") is None


def test_wrong_codes_take_the_qr_code_off_the_page_and_empty_the_boxes(home):
    form = console_ui.SimulatedRootConsole(home, live=False)
    form._assign.click()
    form._scan.click()
    assert "AWS refused the codes" in add_with(form, "000000", "111111") and "000000" not in form._out.value
    assert bytes(form._qr.value) == b"" and form._code1.value == "" and form._code2.value == ""
    assert form._qr_panel._again in form._qr_panel.children
    form._qr_panel._again.click()
    assert bytes(form._qr.value).startswith(b"\x89PNG")
    form.close()
    assert bytes(form._qr.value) == b""

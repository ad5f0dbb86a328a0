"""The simulated console and authenticator app for the practice account (notebook 04).

On AWS the root user's MFA device is assigned in the web console and scanned with a phone app.
Here the same gesture is practised against the sandbox: ``SimulatedRootConsole`` plays the
console's "Assign MFA device" page (QR code, two codes, "Add MFA"), and ``SimulatedAuthenticator``
plays the phone app (rolling 6-digit code and the seconds left). The Base32 seed stays in Python
memory (the device object and the app widget); it never goes into a widget's state or an output.
The learner presses each button and types the codes; with ``auto`` (``AML_WALKTHROUGH_AUTO=1``)
the console assigns itself and the app types its own codes. The QR code leaves the page after
wrong codes, a timeout, success or closing; the code boxes are emptied after each attempt; each
result replaces the last in one ``ResultBox``.

The app shows codes for the practice account's clock (``clock.SandboxClock``: the machine's time plus
the offset a test set), so a test that skips the account's clock ahead sees the next code at once.

Notebooks reach this through the account source's ``console_stand_in(step)``; ``stand_in`` below
is what ``SandboxAccount.console_stand_in`` returns.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pyotp

from helpers.errors import WalkthroughError, explain
from helpers.mfa.codes import STEP, clean_pair, refusal_reason
from helpers.sandbox import clock as sandbox_clock
from helpers.sandbox import console, process
from helpers.ui.qr import QrPanel
from helpers.ui.result import ResultBox

# The app keeps ticking for this long after it is shown; then a Refresh click updates it.
LIVE_SECONDS = 15 * 60


class SimulatedAuthenticator(widgets.VBox):
    """A phone authenticator app stand-in: one account entry, its rolling code and seconds left."""

    def __init__(
        self,
        seed: str,
        label: str,
        clock: Callable[[], float] = time.time,
        live: bool = True,
        live_seconds: float = LIVE_SECONDS,
    ) -> None:
        self.__totp = pyotp.TOTP(seed)  # memory only: never a trait, so never in widget state
        self._clock = clock
        self._stop = threading.Event()
        self._title = widgets.HTML(f"<b>Authenticator app (simulated)</b> · {html.escape(label)}")
        self._code = widgets.HTML()
        self._code.add_class("aml-authenticator-code")
        self._left = widgets.IntProgress(min=0, max=STEP, description="", layout=widgets.Layout(width="12em"))
        self._left.add_class("aml-authenticator-timer")
        self._seconds = widgets.Label()
        self._seconds.add_class("aml-authenticator-seconds")
        self._refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self._refresh_button.add_class("aml-authenticator-refresh")
        self._refresh_button.on_click(lambda _b: self.refresh())
        super().__init__(
            [self._title, self._code, widgets.HBox([self._left, self._seconds, self._refresh_button])],
            layout=widgets.Layout(border="1px solid #bbb", padding="4px", width="fit-content"),
        )
        self.add_class("aml-authenticator")
        self.refresh()
        self.ticker: threading.Thread | None = None
        if live:
            # A daemon thread: it never keeps a headless run (or the kernel) alive, and stops by itself.
            self.ticker = threading.Thread(target=self._tick, args=(live_seconds,), daemon=True)
            self.ticker.start()

    def __repr__(self) -> str:
        return "SimulatedAuthenticator(seed='****')"

    def current(self) -> tuple[str, int]:
        """(the code shown now, seconds until it changes)."""
        now = self._clock()
        return self.__totp.at(now), STEP - int(now % STEP)

    def consecutive_codes(self) -> tuple[str, str]:
        """Two consecutive codes without waiting: this window's and the next (AWS accepts one step ahead)."""
        now = self._clock()
        return self.__totp.at(now), self.__totp.at(now + STEP)

    def refresh(self) -> None:
        """Show the current code and the seconds left."""
        code, left = self.current()
        self._code.value = (
            f"<span style='font-size:2em;font-family:monospace;letter-spacing:.1em'>{code[:3]} {code[3:]}</span>"
        )
        self._left.value = left
        self._seconds.value = f"{left} s left"

    def _tick(self, live_seconds: float) -> None:
        deadline = time.monotonic() + live_seconds
        while not self._stop.wait(1.0) and time.monotonic() < deadline:
            try:
                self.refresh()
            except Exception:  # a closed widget or a gone kernel: stop ticking quietly
                return

    def stop(self) -> None:
        """Stop the ticking (the Refresh button still works)."""
        self._stop.set()

    def close(self) -> None:
        self.stop()
        super().close()


class SimulatedRootConsole(widgets.VBox):
    """The console's "Assign MFA device" page for the sandbox's root user; *auto*: the app types the codes."""

    def __init__(
        self,
        home: Path | None = None,
        auto: bool = False,
        clock: Callable[[], float] | None = None,
        live: bool = True,
    ) -> None:
        self._home = home
        self._clock = clock or sandbox_clock.SandboxClock(home)
        self._live = live
        self._device: console.RootMfaDevice | None = None  # seed inside, masked repr; memory only
        self._app: SimulatedAuthenticator | None = None
        self.enabled = False
        self._header = widgets.HTML(
            "<b>AWS console (simulated)</b> · signed in as the <b>root user</b> of account "
            f"<code>{process.ACCOUNT_ID}</code> · Security credentials › Multi-factor authentication (MFA)"
        )
        self._status = widgets.HTML()
        self._status.add_class("aml-console-status")
        self._assign = widgets.Button(
            description="Assign MFA device", layout=widgets.Layout(width="auto"), button_style="primary", icon="plus"
        )
        self._assign.add_class("aml-console-assign")
        self._assign.on_click(lambda _b: self._run(self.assign))
        self._remove = widgets.Button(
            description="Remove MFA device", layout=widgets.Layout(width="auto"), icon="trash"
        )
        self._remove.add_class("aml-console-remove")
        self._remove.on_click(lambda _b: self._run(self.remove))
        self._qr_panel = QrPanel("aml-console-qr")
        self._qr = self._qr_panel.image
        self._scan = widgets.Button(description="Scan with the app", layout=widgets.Layout(width="auto"), icon="camera")
        self._scan.add_class("aml-console-scan")
        self._scan.on_click(lambda _b: self._run(self.scan))
        self._code1 = widgets.Text(description="MFA code 1", placeholder="6 digits")
        self._code1.add_class("aml-console-code1")
        self._code2 = widgets.Text(description="MFA code 2", placeholder="the next 6 digits")
        self._code2.add_class("aml-console-code2")
        self._add = widgets.Button(description="Add MFA", button_style="success", icon="check")
        self._add.add_class("aml-console-add")
        self._add.on_click(lambda _b: self._run(self.add_mfa))
        self._app_box = widgets.VBox()
        self._device_box = widgets.VBox()
        self._out = ResultBox("aml-console-out")
        self._said: list[str] = []
        super().__init__([self._header, self._status, self._device_box, self._out])
        self.add_class("aml-console")
        self._show_state()
        if auto and not self.enabled:
            self._run(self.run_all)

    @property
    def value(self) -> bool:
        """True once the root user has an MFA device."""
        return self.enabled

    def _say(self, text: str) -> None:
        """Add a line to this action's message (shown whole, in one replacement, when the action ends)."""
        self._said.append(text.rstrip("\n"))

    def _buttons(self, disabled: bool) -> None:
        for button in (self._assign, self._remove, self._scan, self._add):
            button.disabled = disabled

    def _run(self, action: Callable[[], Any]) -> None:
        if self._add.disabled and self._assign.disabled:
            return  # an action is running: no double submit
        self._buttons(True)
        self._said = []
        try:
            action()
            if self._said:
                self._out.show(self._said, "ok")
        except Exception as exc:  # the learner sees a sentence, never a traceback
            self._out.show([*self._said, explain(exc)], "error")
        finally:
            self._buttons(False)

    def close(self) -> None:
        """Leaving the page: the QR code and the seed go."""
        self._qr_panel.forget()
        self._device = None
        self._drop_app()
        super().close()

    def _drop_app(self) -> None:
        """Take the simulated app off the page, then close it (a closed widget left in a box breaks the page)."""
        app, self._app = self._app, None
        self._app_box.children = []
        if app is not None:
            app.close()

    def _show_state(self) -> None:
        state = console.root_state(self._home)
        self.enabled = bool(state.get("mfa_enabled"))
        if self.enabled:
            self._status.value = (
                f"<span style='color:green'>✔ MFA device assigned</span>: <code>{html.escape(state['mfa_serial'])}"
                f"</code> (since {html.escape(state['mfa_enabled'])})"
            )
            self._device_box.children = [self._remove]
        else:
            self._status.value = "<span style='color:#b00'>✘ No MFA device assigned to the root user.</span>"
            self._device_box.children = [self._assign]

    def assign(self) -> None:
        """Step 1: create the device; the page shows its QR code."""
        self._show_state()  # another cell (or a learner in another tab) may have assigned one meanwhile
        if self.enabled:
            raise WalkthroughError(
                "The root user already has an MFA device: choose 'Remove MFA device' first to practise again."
            )
        self._device = console.create_root_mfa_device(self._home)
        self._qr_panel.show(self._device.qr_png)
        self._drop_app()
        self._code1.value = self._code2.value = ""
        self._device_box.children = [
            widgets.HTML("Scan this QR code with your authenticator app, then type two consecutive codes."),
            widgets.HBox([self._qr_panel, widgets.VBox([self._scan, self._app_box])]),
            self._code1,
            self._code2,
            self._add,
        ]
        self._say(f"Virtual MFA device created ({self._device.serial}); waiting for two codes.")

    def scan(self) -> None:
        """Step 2: the simulated phone app "scans" the QR code and starts showing codes."""
        if self._device is None:
            raise WalkthroughError("Choose 'Assign MFA device' first: there is no QR code to scan yet.")
        if self._app is None:
            self._app = SimulatedAuthenticator(
                self._device.seed, f"Amazon Web Services · root @ {process.ACCOUNT_ID}", self._clock, self._live
            )
            self._app_box.children = [self._app]
        self._say("The app added the account: type the code it shows, wait for the next one, and type that too.")

    def add_mfa(self) -> None:
        """Step 3: send the two codes; refused codes get the reason, as far as the seed can tell."""
        typed1, typed2 = self._code1.value, self._code2.value
        self._code1.value = self._code2.value = ""  # emptied after each attempt, never quoted back
        if self._device is None:
            raise WalkthroughError("Choose 'Assign MFA device' first.")
        code1 = code2 = ""
        try:
            code1, code2, notes = clean_pair(typed1, typed2)
            for note in notes:
                self._say(note)
            console.enable_root_mfa(self._device.serial, code1, code2, home=self._home)
        except WalkthroughError as exc:
            self._qr_panel.hide()  # the QR code encodes the seed: off the page after a failed attempt
            if "authentication code" in str(exc).lower():
                raise WalkthroughError(
                    "AWS refused the codes. " + refusal_reason(self._device.seed, code1, code2, self._clock())
                ) from None
            raise
        self._qr_panel.forget()  # the QR code encodes the seed: gone from the page once used
        self._device = None
        self._show_state()
        self._say(
            "MFA is on for the root user. From now on the console asks the root user for a code at every "
            "sign-in. Now verify it from the API as AML@Packt (the next cells)."
        )

    def remove(self) -> None:
        """Remove the root's MFA device (to practise the gesture again)."""
        removed = console.remove_root_mfa(self._home)
        self._drop_app()
        self._show_state()
        self._say("The root user's MFA device was removed." if removed else "There was no MFA device to remove.")

    def run_all(self) -> None:
        """The whole gesture with nobody at the keyboard: assign, scan, the app types two codes, add."""
        self.assign()
        self.scan()
        assert self._app is not None
        self._code1.value, self._code2.value = self._app.consecutive_codes()
        self._say("Nobody typed: the simulated app typed its current code and the next one.")
        self.add_mfa()


def stand_in(step: str, home: Path | None = None, **context: Any) -> widgets.Widget | None:
    """The simulated console for *step* ("root-mfa", or "authenticator" with seed= and label=), else None."""
    if step == "root-mfa":
        return SimulatedRootConsole(home, auto=bool(context.get("auto", False)), live=context.get("live", True))
    if step == "authenticator" and context.get("seed"):
        return SimulatedAuthenticator(
            str(context["seed"]),
            str(context.get("label", "")),
            clock=sandbox_clock.SandboxClock(home),
            live=bool(context.get("live", True)),
        )
    return None

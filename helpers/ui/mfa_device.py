"""AML@Packt's own virtual MFA device (notebook 04): create, scan, two codes, enable; list, resync, remove.

No boto3 here: the form calls ``helpers.mfa.devices`` (logic) and shows its sentences, each result
replacing the last in one ``ResultBox``. A virtual device's seed lives in the ``NewDevice`` object
this form holds in memory (and in the practice account's simulated app); it is never written into
a widget, an output or a file. The QR code picture (``helpers.ui.qr.QrPanel``) is on the page only
while it is needed: removed after wrong codes, after a timeout, once enabled and when the form
closes. The code boxes are emptied after each attempt. The notebook reaches this form through
``helpers.ui.mfa_form.enable_form``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from helpers import mfa
from helpers.errors import WalkthroughError
from helpers.mfa import devices
from helpers.plan import Plan
from helpers.ui.confirm import plan_table_html
from helpers.ui.qr import QrPanel
from helpers.ui.result import ResultBox


class DeviceForm(widgets.VBox):
    """An IAM user's own virtual MFA device: create, scan, two codes, enable; list, resync, remove."""

    def __init__(
        self,
        session: Any,
        user_name: str,
        practice: bool,
        account_id: str = "",
        authenticator: Callable[[str, str], widgets.Widget | None] | None = None,
        auto: bool = False,
    ) -> None:
        self._session = session
        self._user = user_name
        self._practice = practice
        self._account_id = account_id
        self._authenticator = authenticator or (lambda _seed, _label: None)
        self._device: devices.NewDevice | None = None  # seed inside, memory only
        self._app: widgets.Widget | None = None
        self.enabled_device: str | None = None
        self._busy = False
        self._devices: list[devices.UserDevice] = []

        self._name = widgets.Text(
            value=devices.DEFAULT_DEVICE_NAME, description="Device name", style={"description_width": "initial"}
        )
        self._name.add_class("aml-mfa-device-name")
        self._typed = widgets.Text(
            description="Type the account ID to confirm:",
            placeholder=account_id,
            style={"description_width": "initial"},
        )
        self._typed.add_class("aml-mfa-account")
        self._create = widgets.Button(
            description="Create device", layout=widgets.Layout(width="auto"), button_style="primary", icon="plus"
        )
        self._create.add_class("aml-mfa-create")
        self._create.on_click(lambda _b: self._run(self.create))
        # Shown only when the name is this notebook's own unfinished attempt (devices.NameTaken.own).
        self._start_over = widgets.Button(description="Start over", icon="undo", layout=widgets.Layout(width="auto"))
        self._start_over.add_class("aml-mfa-start-over")
        self._start_over.layout.display = "none"
        self._start_over.on_click(lambda _b: self._run(lambda: self.create(start_over=True)))
        self._plan = widgets.HTML()
        self._plan.add_class("aml-mfa-plan")
        self._qr_panel = QrPanel("aml-mfa-qr")
        self._qr = self._qr_panel.image
        self._code1 = widgets.Text(description="Code 1", placeholder="6 digits")
        self._code1.add_class("aml-mfa-code1")
        self._code2 = widgets.Text(description="Code 2", placeholder="the next 6 digits")
        self._code2.add_class("aml-mfa-code2")
        self._enable = widgets.Button(description="Enable", button_style="success", icon="check")
        self._enable.add_class("aml-mfa-enable")
        self._enable.on_click(lambda _b: self._run(self.enable))
        self._pending = widgets.VBox()
        self._list = widgets.HTML()
        self._list.add_class("aml-mfa-devices")
        self._pick = widgets.Dropdown(description="Device", options=[])
        self._pick.add_class("aml-mfa-pick")
        self._r1 = widgets.Text(description="Code 1", placeholder="6 digits")
        self._r1.add_class("aml-mfa-resync1")
        self._r2 = widgets.Text(description="Code 2", placeholder="the next 6 digits")
        self._r2.add_class("aml-mfa-resync2")
        self._resync = widgets.Button(description="Resync", icon="clock-o")
        self._resync.add_class("aml-mfa-resync")
        self._resync.on_click(lambda _b: self._run(self.resync))
        # AWS wants an MFA session (GetSessionToken with a code from an existing device) for a second device
        # and for removing one: one code, from the device picked above; emptied after each attempt.
        self._session_code = widgets.Text(
            description="Code from an existing device", placeholder="6 digits", style={"description_width": "initial"}
        )
        self._session_code.add_class("aml-mfa-session-code")
        self._apps: dict[str, Any] = {}  # serial -> the simulated app of a device enabled here (practice only)
        self._auto = auto
        self._remove = widgets.Button(description="Remove", button_style="danger", icon="trash")
        self._remove.add_class("aml-mfa-remove")
        self._remove.on_click(lambda _b: self._run(self.remove))
        self._refresh = widgets.Button(description="Refresh list", icon="refresh")
        self._refresh.add_class("aml-mfa-refresh")
        self._refresh.on_click(lambda _b: self._run(self.show_devices))
        self._out = ResultBox("aml-mfa-out")
        self._said: list[str] = []
        create_row = [self._name] + ([] if practice else [self._typed]) + [self._create, self._start_over]
        manage = widgets.VBox(
            [
                widgets.HTML(
                    "<b>Your devices</b> · if AWS refuses a device's codes later (its clock drifted), resync it "
                    "with two consecutive codes; remove a device you no longer have."
                ),
                self._list,
                widgets.HBox([self._pick, self._refresh]),
                widgets.HBox([self._r1, self._r2, self._resync]),
                widgets.HTML(
                    "To add a second device or remove one, AWS asks for an MFA session: type the code the picked "
                    "device shows now."
                ),
                widgets.HBox([self._session_code, self._remove]),
            ]
        )
        super().__init__(
            [
                widgets.HTML(f"<b>MFA device for {html.escape(user_name)}</b>"),
                widgets.HBox(create_row),
                self._plan,
                self._pending,
                manage,
                self._out,
            ]
        )
        self.add_class("aml-mfa-device-form")
        self._run(self.show_devices)
        self._run(self.show_plan)
        if auto:
            self._run(self.run_all)

    @property
    def value(self) -> str | None:
        """The serial of the device this form enabled (None until then)."""
        return self.enabled_device

    def _say(self, text: str) -> None:
        """Add a line to this action's message (shown whole, in one replacement, when the action ends)."""
        self._said.append(text.rstrip("\n"))

    def _run(self, action: Callable[[], Any]) -> None:
        if self._busy:
            return  # no double submit while an action runs
        self._busy = True
        self._said = []
        buttons = (self._create, self._start_over, self._enable, self._resync, self._remove, self._refresh)
        for b in buttons:
            b.disabled = True
        try:
            action()
            if self._said:
                self._out.show(self._said, "ok")
        except Exception as exc:  # a sentence, never a traceback
            self._out.show([*self._said, mfa.sentence(exc)], "error")
        finally:
            for b in buttons:
                b.disabled = False
            self._busy = False

    def close(self) -> None:
        """Leaving the form: the QR code and the seed go (a device not yet enabled stays unassigned)."""
        self._qr_panel.forget()
        self._device = None
        stop = getattr(self._app, "stop", None)
        if callable(stop):
            stop()
        super().close()

    def show_devices(self) -> None:
        """List the user's devices (every kind) in the table and the picker."""
        found = devices.list_devices(self._session, self._user)
        if found:
            rows = "".join(
                f"<tr><td>{html.escape(d.name)}</td><td>{html.escape(d.kind)}</td>"
                f"<td>{d.enabled_at:%Y-%m-%d %H:%M} UTC</td></tr>"
                if d.enabled_at
                else f"<tr><td>{html.escape(d.name)}</td><td>{html.escape(d.kind)}</td><td>?</td></tr>"
                for d in found
            )
            self._list.value = (
                "<table><tr><th style='text-align:left'>name</th><th style='text-align:left'>kind</th>"
                f"<th style='text-align:left'>enabled</th></tr>{rows}</table>"
                f"<p>{len(found)} of at most {devices.MAX_DEVICES} devices.</p>"
            )
        else:
            self._list.value = f"<p>{html.escape(self._user)} has no MFA device yet.</p>"
        self._pick.options = [(d.name, d.serial) for d in found]
        serials = [d.serial for d in found]
        if serials and self._pick.value not in serials:
            self._pick.value = self.enabled_device if self.enabled_device in serials else serials[0]
        self._devices = found

    def show_plan(self, start_over: bool = False) -> Plan:
        """The plan for the typed device name (shown before anything changes)."""
        plan = devices.plan_new_device(self._session, self._user, self._name.value, start_over=start_over)
        self._plan.value = plan_table_html(plan)
        return plan

    def create(self, start_over: bool = False) -> Plan:
        """Plan, confirm (typed account ID on a real account), then create; shows the QR code.

        *start_over*: replace this notebook's own unfinished device of that name (never anyone else's).
        """
        plan = self.show_plan(start_over=start_over)
        if not self._practice and self._typed.value.strip() != self._account_id:
            self._typed.value = ""
            raise WalkthroughError(
                f"Type the account ID {self._account_id} above to confirm, then choose 'Create device' again. "
                "Nothing was changed."
            )
        try:
            device, notes = devices.create_device(self._session, self._user, self._name.value, start_over=start_over)
        except devices.NameTaken as exc:
            self._start_over.layout.display = None if exc.own else "none"
            raise
        self._start_over.layout.display = "none"
        for note in notes:
            self._say(note)
        self._device = device
        self._qr_panel.show(device.qr_png)
        self._code1.value = self._code2.value = ""
        stop = getattr(self._app, "stop", None)
        if callable(stop):
            stop()
        self._app = self._authenticator(device.seed, f"Amazon Web Services · {self._user}")
        side = [self._app] if self._app is not None else []
        app_said = (
            " The simulated app next to it has scanned it: type the code it shows, wait for the next one, type that."
            if side
            else ""
        )
        self._pending.children = [
            widgets.HTML(
                "Scan the QR code with your authenticator app (it is shown only here, and only until the device "
                f"is enabled), then type two consecutive codes and choose Enable.{html.escape(app_said)}"
            ),
            widgets.HBox([self._qr_panel, *side]),
            widgets.HBox([self._code1, self._code2, self._enable]),
        ]
        self._say(f"Created virtual MFA device {device.name}; waiting for two consecutive codes.")
        return plan

    def enable(self) -> None:
        """Enable the device just created with the two typed codes."""
        if self._device is None:
            self._code1.value = self._code2.value = ""
            raise WalkthroughError("Create a device first (choose 'Create device').")
        code1, code2 = self._code1.value, self._code2.value
        self._code1.value = self._code2.value = ""  # emptied after each attempt, never quoted back
        signed_in = None
        if devices.needs_mfa_session(self._devices, "EnableMFADevice", self._device.serial):
            signed_in = self._signed_in([d.serial for d in self._devices if d.serial != self._device.serial])
        try:
            lines = devices.enable_device(self._session, self._user, self._device, code1, code2, signed_in)
        except Exception:
            self._qr_panel.hide()  # the QR code encodes the seed: off the page after a failed attempt
            raise
        for line in lines:
            self._say(line)
        self.enabled_device = self._device.serial
        if self._app is not None:
            self._apps[self._device.serial] = self._app
        self._device = None
        self._qr_panel.forget()  # the QR code encodes the seed: off the page once used
        stop = getattr(self._app, "stop", None)
        if callable(stop):
            stop()
        self._pending.children = [
            widgets.HTML("Enabled. Keep the app entry: it is how you will sign in with MFA from now on.")
        ]
        self.show_devices()

    def resync(self) -> None:
        """Resync the picked device with two consecutive codes."""
        code1, code2 = self._r1.value, self._r2.value
        self._r1.value = self._r2.value = ""  # emptied after each attempt, never quoted back
        if not self._pick.value:
            raise WalkthroughError("There is no device to resync: create and enable one first.")
        for line in devices.resync_device(self._session, self._user, self._pick.value, code1, code2):
            self._say(line)

    def remove(self) -> None:
        """Deactivate and delete the picked device."""
        if not self._pick.value:
            raise WalkthroughError("There is no device to remove.")
        signed_in = None
        if devices.needs_mfa_session(self._devices, "DeactivateMFADevice"):
            signed_in = self._signed_in([self._pick.value])
        for line in devices.remove_device(self._session, self._user, self._pick.value, signed_in):
            self._say(line)
        self.show_devices()

    def _signed_in(self, existing: list[str]) -> Any:
        """An MFA session from the code typed for an existing device (the picked one when it qualifies).

        Under AML_WALKTHROUGH_AUTO the simulated app of a device enabled in this form types the code.
        """
        serial = self._pick.value if self._pick.value in existing else (existing[0] if existing else None)
        code = self._session_code.value
        self._session_code.value = ""  # emptied after each attempt, never quoted back
        if self._auto and not code.strip() and serial in self._apps:
            typed = getattr(self._apps[serial], "consecutive_codes", None)
            if callable(typed):
                code = typed()[0]
                self._say("Nobody typed: the simulated app typed the existing device's code for the MFA session.")
        if serial is None or not code.strip():
            raise WalkthroughError(devices.NEEDS_MFA_SESSION)
        return devices.mfa_session(self._session, serial, code)

    def run_all(self) -> None:
        """Practice account with nobody typing: create, let the simulated app type the codes, enable."""
        name = devices.check_device_name(self._name.value)
        if any(d.name == name for d in self._devices):
            self._say(f"{self._user} already has the device {name}: nothing to do.")
            return
        self.create(start_over=True)  # replaces only this notebook's own unfinished attempt, if any
        codes = getattr(self._app, "consecutive_codes", None)
        if not callable(codes):
            self._say("No simulated app here: type two codes from your authenticator app, then choose Enable.")
            return
        self._code1.value, self._code2.value = codes()
        self._say("Nobody typed: the simulated app typed its current code and the next one.")
        self.enable()

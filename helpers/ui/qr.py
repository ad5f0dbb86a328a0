"""The QR code of a new MFA device, shown only while it is needed (notebook 04).

The picture encodes the device's seed, so it is on the page (and in the widget state a notebook
may save) only while the learner scans: it is removed after a failed attempt (wrong codes), after
``QR_SECONDS`` without success, once the device is enabled, and when the form is closed. "Show QR
code again" puts it back from memory while the device still waits for its codes.
"""

from __future__ import annotations

import threading

import ipywidgets as widgets

QR_SECONDS = 5 * 60

GONE_AFTER_FAILURE = (
    "The QR code was removed from the page (it holds the device's secret). Your app already has the account: "
    "type its next two codes. Not scanned yet? Press 'Show QR code again'."
)
GONE_AFTER_TIMEOUT = (
    "The QR code was removed from the page after {minutes} minutes (it holds the device's secret). "
    "Press 'Show QR code again' to scan it."
)


class QrPanel(widgets.VBox):
    """A QR picture (class *css*), a note and a "Show QR code again" button (class *css*-again)."""

    def __init__(self, css: str, seconds: float = QR_SECONDS) -> None:
        self.__png: bytes | None = None  # memory only: never a trait while hidden
        self._seconds = seconds
        self._timer: threading.Timer | None = None
        self.image = widgets.Image(format="png", width=180, height=180)
        self.image.add_class(css)
        self._note = widgets.HTML()
        self._note.add_class(f"{css}-note")
        self._again = widgets.Button(description="Show QR code again", icon="qrcode", layout={"width": "auto"})
        self._again.add_class(f"{css}-again")
        self._again.on_click(lambda _b: self.show_again())
        super().__init__([])

    def __repr__(self) -> str:
        return f"QrPanel(showing={self.showing})"

    @property
    def showing(self) -> bool:
        """True while the picture is on the page."""
        return bool(self.image.value)

    def show(self, png: bytes) -> None:
        """Put *png* on the page (kept in memory for "Show again") and start the timeout."""
        self.__png = bytes(png)
        self.show_again()

    def show_again(self) -> None:
        if self.__png is None:
            return
        self.image.value = self.__png
        self._note.value = ""
        self.children = [self.image]
        self._start_timer()

    def hide(self, why: str = GONE_AFTER_FAILURE) -> None:
        """Take the picture off the page (and out of widget state); offer to show it again."""
        self._cancel_timer()
        self.image.value = b""
        self._note.value = f"<p>{why}</p>"
        self.children = [self._note, self._again] if self.__png is not None else [self._note]

    def forget(self) -> None:
        """The device is enabled (or gone): nothing to show again."""
        self._cancel_timer()
        self.__png = None
        self.image.value = b""
        self._note.value = ""
        self.children = []

    def close(self) -> None:
        self.forget()
        super().close()

    def _start_timer(self) -> None:
        self._cancel_timer()
        if self._seconds and self._seconds > 0:
            minutes = max(1, round(self._seconds / 60))
            self._timer = threading.Timer(self._seconds, self._timed_out, args=(minutes,))
            self._timer.daemon = True  # never keeps a kernel or a headless run alive
            self._timer.start()

    def _timed_out(self, minutes: int) -> None:
        try:
            self.hide(GONE_AFTER_TIMEOUT.format(minutes=minutes))
        except Exception:  # a closed widget or a gone kernel: nothing left to hide
            return

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

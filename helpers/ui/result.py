"""One widget per form for its result: a message that replaces the last one and never vanishes.

Clearing an ``Output`` from a button handler and appending to it races in the browser: the clear
can arrive after the text and wipe it (issue 13). A ``ResultBox`` is an ``HTML`` widget whose
*value* is replaced in one step, so what the learner sees is always the last message, whole.
Every form in ``helpers.ui`` (and the practice account's simulated console) shows its results here.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets

from helpers.notice import sentence_html

KINDS = ("ok", "error", "info")


def escape(text: str) -> str:
    """Text for HTML element content (apostrophes kept: "AML@Packt's" stays readable in saved state)."""
    return html.escape(text, quote=False)


def rich_html(obj: Any) -> str:
    """An object's HTML (``_repr_html_``, or an HTML widget's value), else its escaped text."""
    if isinstance(obj, widgets.HTML):
        return obj.value
    to_html = getattr(obj, "_repr_html_", None)
    if callable(to_html):
        return to_html() or ""
    return f"<pre>{escape(str(obj))}</pre>"


class ResultBox(widgets.HTML):
    """A form's result: ``show(lines, kind)`` replaces the message; ``text`` reads it back as plain text."""

    def __init__(self, *css: str) -> None:
        super().__init__()
        self.add_class("aml-result")
        for name in css:
            self.add_class(name)
        self._lines: list[str] = []
        self._extra = ""
        self.kind = "info"

    def show(self, lines: str | Iterable[str], kind: str = "ok", extra_html: str = "") -> None:
        """Replace the message with *lines* (escaped) and optional trusted *extra_html* (a card, a table)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if isinstance(lines, str):
            lines = [lines]
        self._lines = [line.rstrip("\n") for line in lines if line is not None and line.strip()]
        self._extra = extra_html
        self.kind = kind
        # sentence_html: a sentence's `code` shows as code, not as literal backticks (issue 13).
        body = "".join(f"<p class='aml-result-line'>{sentence_html(line)}</p>" for line in self._lines)
        self.value = (
            f"<div class='aml-result-{kind}' role='{'alert' if kind == 'error' else 'status'}'>{body}{extra_html}</div>"
            if body or extra_html
            else ""
        )

    def add(self, lines: str | Iterable[str], kind: str | None = None, extra_html: str = "") -> None:
        """Show *lines* below the current ones (one replacement of the value, never a clear then an append)."""
        more = [lines] if isinstance(lines, str) else list(lines)
        self.show([*self._lines, *more], kind or self.kind, self._extra + extra_html)

    def clear(self) -> None:
        """No message."""
        self.show([], "info")

    @property
    def lines(self) -> list[str]:
        """The message's lines, as plain text."""
        return list(self._lines)

    @property
    def text(self) -> str:
        """The message as plain text, one line each (the extra HTML not included)."""
        return "".join(line + "\n" for line in self._lines)

    @property
    def outputs(self) -> tuple[dict, ...]:
        """The message in ``Output.outputs`` shape, for tests written against the former Output widgets."""
        found: list[dict] = []
        if self._lines:
            found.append({"output_type": "stream", "name": "stdout", "text": self.text})
        if self._extra:
            found.append({"output_type": "display_data", "data": {"text/html": self._extra}, "metadata": {}})
        return tuple(found)

"""A sentence for a cell's output: a ``str`` everywhere, a plain paragraph (no quotes) in Jupyter."""

from __future__ import annotations

import html
import re

_CODE = re.compile(r"`([^`\n]+)`")


def sentence_html(text: str) -> str:
    """*text* as HTML: escaped, and markdown's `code` shown as code instead of literal backticks."""
    return _CODE.sub(r"<code>\1</code>", html.escape(text, quote=False))


class Notice(str):
    """One or two sentences a helper returns to a notebook cell (notebooks 03 to 06)."""

    ok: bool

    def __new__(cls, text: str, ok: bool = True) -> Notice:
        made = super().__new__(cls, text)
        made.ok = ok
        return made

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = "#2e7d32" if self.ok else "#ef6c00"
        return (
            f"<p class='aml-notice' style='border-left:4px solid {colour};padding-left:0.5em'>"
            f"{sentence_html(str(self))}</p>"
        )

"""Driving a form as the learner does, for the forms tests: what it said, two MFA codes typed and a button pressed."""

from __future__ import annotations


def said(form) -> str:
    """The plain text the form's Output shows."""
    return "".join(o.get("text", "") for o in form._out.outputs)


def enter_codes(form, button, first: str, second: str) -> str:
    """Type *first* and *second* into the form's two code boxes and press *button*: what the form says."""
    form._code1.value, form._code2.value = first, second
    button.click()
    return said(form)

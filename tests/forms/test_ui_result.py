"""The one result widget every form writes to: a replaced value, escaped text (issue 13)."""

from __future__ import annotations

import ipywidgets as widgets

from helpers.ui.result import ResultBox, rich_html


def test_show_replaces_the_message_and_escapes_it():
    box = ResultBox("aml-x-out")
    assert isinstance(box, widgets.HTML) and {"aml-result", "aml-x-out"} <= set(box._dom_classes)
    box.show(["first <b>", "second"], "error")
    assert "&lt;b&gt;" in box.value and "<b>" not in box.value and "aml-result-error" in box.value
    assert box.text == "first <b>\nsecond\n" and "role='alert'" in box.value
    box.show("only this", "ok")
    assert box.text == "only this\n" and "first" not in box.value and box.kind == "ok"
    box.add("and this")
    assert box.lines == ["only this", "and this"]
    box.clear()
    assert box.value == "" and box.outputs == ()


def test_extra_html_is_kept_as_is_and_reported_as_display_data():
    box = ResultBox()
    box.show("Saved.", "ok", "<div class='aml-card'>card</div>")
    assert "<div class='aml-card'>card</div>" in box.value
    assert [o["output_type"] for o in box.outputs] == ["stream", "display_data"]


def test_rich_html_of_objects():
    class Card:
        def _repr_html_(self):
            return "<i>card</i>"

    assert rich_html(Card()) == "<i>card</i>"
    assert rich_html(widgets.HTML("<b>x</b>")) == "<b>x</b>"
    assert rich_html("a<b") == "<pre>a&lt;b</pre>"

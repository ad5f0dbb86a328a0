"""Notebook 00's account picker, driven with Button.click() (no kernel, no browser)."""

import pytest

from helpers import account, lesson
from helpers.ui import account_form
from tests.fakes import KEY_A, FakeSource


@pytest.fixture
def fake(tmp_path, isolated_home, monkeypatch):
    src = FakeSource(tmp_path)
    (tmp_path / "config").write_text("[profile a]\nregion = eu-west-1\n[profile b]\n")
    (tmp_path / "credentials").write_text(f"[a]\naws_access_key_id = {KEY_A}\naws_secret_access_key = {'s' * 40}\n")
    from helpers.sources import YourAwsFiles

    sources = {"fake": src, "aws": YourAwsFiles()}
    monkeypatch.setattr(account, "available_sources", lambda: sources)
    monkeypatch.setattr(account_form, "available_sources", lambda: sources)
    return src


def _texts(out):
    return " ".join(o.get("text", "") + str(o.get("data", {})) for o in out.outputs)


def test_picker_lists_sources_and_profiles(fake):
    form = account_form.pick_form()
    assert form._source.value == "fake"
    assert list(form._profile.options) == ["a", "b"]
    assert "aml-account-form" in form._dom_classes


def test_use_remembers_the_choice_and_shows_a_card(fake, monkeypatch):
    from helpers.identity import Identity

    monkeypatch.setattr(
        lesson, "who_am_i", lambda s: Identity("123456789012", "arn:aws:iam::123456789012:root", "root")
    )
    form = account_form.pick_form()
    form._profile.value = "a"
    form._use.click()
    assert account.current_account().profile == "a"
    assert "aml-card-warning" in form._out.value and "123456789012" in form._out.value  # the card, in the result
    card = account_form.standing_html(lesson.standing())
    assert "123456789012" in card and "the root user" in card and "aml-card-warning" in card
    assert not form._use.disabled


def test_a_failing_profile_gives_a_sentence_not_a_traceback(fake):
    form = account_form.pick_form()
    form._profile.value = "b"  # no keys for b, endpoint dead
    form._use.click()
    card = account_form.standing_html(lesson.standing())
    assert "could not be used" in card
    assert "could not be used" in form._out.value
    assert "Traceback" not in _texts(form._out)


def test_no_profiles_yet_says_notebook_01(tmp_path, isolated_home, monkeypatch):
    src = FakeSource(tmp_path)
    from helpers.sources import YourAwsFiles

    sources = {"fake": src, "aws": YourAwsFiles()}
    monkeypatch.setattr(account, "available_sources", lambda: sources)
    monkeypatch.setattr(account_form, "available_sources", lambda: sources)
    form = account_form.pick_form()
    assert list(form._profile.options) == [account_form.NO_PROFILE]
    assert form.value == ("fake", None)
    assert "notebook 01" in lesson.standing().summary()

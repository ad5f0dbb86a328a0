"""The card, the tables and the instructor's export (snapshots built by hand, or moto in-process)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from moto import mock_aws

import helpers.status as status
from helpers import account
from helpers.errors import WalkthroughError
from helpers.status import card_view, views
from helpers.status.checks import CHECKS, groups
from helpers.status.model import REPORT
from tests.status.samples import row, secured, snapshot


def test_card_of_a_new_account_is_all_red_and_of_a_secured_one_all_green():
    red = card_view.card(snapshot())
    assert red.done == 0 and red.headline() == "Security status of account 123456789012: 0 of 5 done."
    html = red._repr_html_()
    assert html.count('class="aml-status-fail"') == 5 and "aml-status-card" in html
    green = card_view.card(secured())
    assert green.done == 5 and green._repr_html_().count('class="aml-status-pass"') == 5
    assert "123456789012" in green.headline()
    text = str(green)
    assert "[PASS   ] Delete your root access keys: The root user has no access keys." in text


def test_card_escapes_names_from_the_account():
    snap = secured(rows=[row("<root_account>"), row("<b>x</b>", password_enabled="true")])
    html = card_view.card(snap)._repr_html_()
    assert "<b>x</b>" not in html


def test_card_says_so_in_one_line_when_no_profile_is_active(fake_account):
    result = card_view.card()
    assert result.items == () and "no profile is active yet" in str(result)
    assert "\n" not in str(result) and "notebook 01" in result._repr_html_()


def test_card_says_so_in_one_line_when_the_profile_is_missing(fake_account):
    account.choose_account("fake", "no-such-profile")
    result = card_view.card()
    assert str(result).startswith("Security status unavailable: ") and "'no-such-profile'" in str(result)


def test_card_reads_the_chosen_account_and_profile(fake_account):
    account.choose_account("fake", "aml-packt")
    with mock_aws():
        result = card_view.card()
    assert result.who == "as aml-packt" and len(result.items) == 5
    assert [i.status for i in result.items] == ["PASS", "FAIL", "FAIL", "FAIL", "FAIL"]


def test_partial_card_says_what_it_could_not_read():
    result = card_view.card(secured(missing={REPORT: "the caller lacks the permission iam:GenerateCredentialReport"}))
    assert "Partial view: could not read the credential report" in str(result)


def test_assets_table_counts_from_the_summary():
    table = views.assets_table(secured()).data.set_index("resource")
    assert table.loc["Users", "count"] == 1 and table.loc["User groups", "count"] == 1
    assert list(table.index) == [
        "Users",
        "User groups",
        "Roles",
        "Customer managed policies",
        "Identity providers",
        "MFA devices in use",
    ]
    unknown = views.assets_table(replace(secured(), summary=None, missing={"account_summary": "x"}))
    assert unknown.data["count"].isna().all() and "unknown" in unknown.to_html()


def test_checks_table_is_styled_and_complete():
    styler = views.checks_table(snapshot())
    assert list(styler.data["check_id"].unique()) == list(CHECKS)
    html = styler.to_html()
    assert "#ffebe9" in html and "iam_no_root_access_key" in html
    assert "AWS reuses a report for up to 4 hours" in html


def test_report_table_keeps_only_its_allow_list():
    rows = tuple({**r, "secret_access_key": "SHOULD-NOT-SHOW"} for r in secured().report_rows())
    snap = replace(secured(), credential_report=rows)
    frame = views.report_table(snap).data
    assert list(frame.columns) == list(views.REPORT_COLUMNS)
    assert "SHOULD-NOT-SHOW" not in views.report_table(snap).to_html()
    assert "arn" not in frame.columns


def test_freshness_says_when_the_report_was_generated():
    text = views.freshness(secured())
    assert "generated 2026-11-29 11:55 UTC (5 minutes before this check)" in text


def test_explain_checks_lists_each_check_with_numbered_steps():
    markdown = views.explain_checks(["iam_root_mfa_enabled"]).data
    assert "`iam_root_mfa_enabled` (critical)" in markdown and "\n1. " in markdown and "\n4. " in markdown
    link = "[Prowler's page for iam_root_mfa_enabled](https://hub.prowler.com/check/iam_root_mfa_enabled)"
    assert f"\n\n{link}\n" in markdown  # a paragraph of its own (axe: link-in-text-block)


def test_checks_table_links_each_check_to_its_page_in_the_tables_own_colour():
    shown = views.checks_table(snapshot())._repr_html_()
    assert (
        '<a href="https://hub.prowler.com/check/iam_avoid_root_usage" target="_blank" rel="noopener" '
        'style="color:inherit;text-decoration:underline">iam_avoid_root_usage</a>'
    ) in shown
    assert ">critical<" in shown and ">medium<" in shown  # the severity column stays


def test_export_writes_csv_and_json_for_an_instructor(tmp_path):
    paths = views.export(secured(), folder=tmp_path)
    assert paths["csv"].name == "security-status-123456789012-20261129T120000Z.csv"
    document = json.loads(paths["json"].read_text())
    assert document["account_id"] == "123456789012"
    assert [i["status"] for i in document["checklist"]] == ["PASS"] * 5
    assert {f["check_id"] for f in document["findings"]} >= {"iam_no_root_access_key", "iam_avoid_root_usage"}
    header = paths["csv"].read_text().splitlines()[0]
    assert header == "account_id,checked_at,status,check_id,severity,resource,message"


def test_export_defaults_to_the_state_folder(isolated_home):
    paths = views.export(snapshot())
    assert paths["json"].parent == isolated_home / "status"


def test_freshness_counts_days_for_an_old_report():
    snap = replace(secured(), report_generated=datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc))
    assert "(9 days before this check)" in views.freshness(snap)
    assert "could not be read" in views.freshness(replace(secured(), report_generated=None))


def test_check_groups_cover_every_check_once():
    by_group = groups()
    assert list(by_group) == ["root", "users", "password", "keys"]
    assert by_group["root"] == ("iam_no_root_access_key", "iam_root_mfa_enabled", "iam_avoid_root_usage")
    grouped = [c for group in by_group.values() for c in group]
    assert sorted(grouped) == sorted(CHECKS) and len(grouped) == len(set(grouped))
    assert "`iam_password_policy_symbol`" in views.explain_checks("password").data
    with pytest.raises(WalkthroughError, match="choose one of root, users, password, keys"):
        views.explain_checks("nope")


@pytest.mark.parametrize("view", ["assets_table", "checks_table", "report_table", "export", "card"])
def test_every_view_says_one_sentence_instead_of_failing_without_a_profile(fake_account, view):
    result = getattr(status, view)()  # as notebooks reach them: aml.status.<view>
    assert isinstance(result, card_view.Card) and str(result) == card_view.NO_PROFILE


def test_dashboard_without_a_profile_shows_one_line(fake_account, capsys):
    views.dashboard()
    assert "no profile is active yet" in capsys.readouterr().out


def test_export_shows_as_one_sentence(tmp_path):
    paths = views.export(secured(), folder=tmp_path)
    assert repr(paths).startswith("Wrote the results to ") and str(tmp_path) in paths._repr_html_()


def test_html_views_name_the_root_user_and_escape_angle_brackets():
    for table in (views.checks_table(snapshot()), views.report_table(snapshot())):
        shown = table._repr_html_()
        assert "the root user" in shown
        assert "root_account" not in shown and "password_policy</td>" not in shown
    snap = secured(rows=[row("<b>x</b>", password_enabled="true")])
    assert "&lt;b&gt;x&lt;/b&gt;" in views.report_table(snap)._repr_html_()
    markdown = views.explain_checks("keys").data
    assert "&lt;user&gt;" in markdown and "<user>" not in markdown


def test_waiting_line_outside_jupyter_prints_then_clears(capsys):
    waiting = card_view._Waiting()
    waiting("Waiting for AWS to generate the credential report (0 s so far)...")
    waiting.done()
    assert "Waiting for AWS" in capsys.readouterr().out


def test_wide_tables_scroll_in_a_region_a_keyboard_can_reach():
    """axe's scrollable-region-focusable: the scrolling container is focusable and labelled; no index column."""
    for table in (views.checks_table(snapshot()), views.report_table(snapshot()), views.assets_table(secured())):
        shown = table._repr_html_()
        assert shown.startswith('<div class="aml-table" role="region" aria-label="')
        assert 'tabindex="0"' in shown and "overflow-x:auto" in shown
        assert 'class="blank' not in shown and "row_heading" not in shown  # no empty index header
        assert repr(table).split()[0] in {"status", "user", "resource"}  # a terminal gets plain text


def test_the_dashboard_says_checked_at_once(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **_: shown.append(obj))
    views.dashboard(secured())
    html_parts = [getattr(o, "_repr_html_", lambda: "")() or getattr(o, "data", "") for o in shown]
    assert sum("Checked at" in str(part) for part in html_parts) == 1


def test_sentences_show_markdown_code_as_code_not_backticks():
    shown = card_view.Card(note="Nothing answers: start it with `make lab`, then run the cell again.")._repr_html_()
    assert "<code>make lab</code>" in shown and "`" not in shown
    from helpers.notice import Notice

    assert "<code>x &lt;y&gt;</code>" in Notice("Run `x <y>` now.")._repr_html_()


def test_learner_tables_have_no_empty_header_and_stay_dataframes():
    import pandas as pd

    from helpers.tables import learner_table

    blank = learner_table(pd.DataFrame([("Account", "1234")], columns=["", "now"]).set_index(""), "Where it stands")
    named = learner_table(pd.DataFrame([{"check": "boto3", "ok": "yes"}]).set_index("check"), "Preflight checks")
    plain = learner_table(pd.DataFrame({"check": ["x"], "result": ["<PASS>"]}), "The closing check")
    for table in (blank, named, plain):
        shown = table._repr_html_()
        assert "<th></th>" not in shown and 'role="region"' in shown and 'tabindex="0"' in shown
        assert isinstance(table, pd.DataFrame)
    assert blank.loc["Account", "now"] == "1234" and "<th>item</th>" in blank._repr_html_()
    assert "<th>check</th>" in named._repr_html_() and "&lt;PASS&gt;" in plain._repr_html_()
    assert 'aria-label="Preflight checks"' in named._repr_html_()


def test_form_results_show_markdown_code_as_code():
    from helpers.ui.result import ResultBox

    box = ResultBox("aml-test-out")
    box.show("Start it with `make lab`, then run the cell again.", "error")
    assert "<code>make lab</code>" in box.value and "`" not in box.value
    assert box.text == "Start it with `make lab`, then run the cell again.\n"  # the plain text keeps the sentence

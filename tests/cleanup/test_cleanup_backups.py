"""Issue 15: notebook 06 offers to delete credentials-file backups that hold only keys which no longer exist.

Unit tests decide "gone" with a stand-in; the last test asks a practice account of its own, where an
unknown key is refused as AWS refuses a deleted one (InvalidClientTokenId).
"""

from __future__ import annotations

import stat
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from helpers import textfiles
from helpers.cleanup.apply import apply_teardown
from helpers.cleanup.backups import delete_backup, key_pairs_in, survey_backups
from helpers.cleanup.inventory import Inventory, take_inventory
from helpers.cleanup.plan import TeardownOptions, plan_teardown
from helpers.cleanup.profile import profile_state
from helpers.errors import WalkthroughError
from helpers.sandbox import files as sandbox_files
from helpers.sandbox import practice
from helpers.sources import AwsFiles
from tests.sandbox_support import private_sandbox

DEAD_ID, LIVE_ID = "AKIADEADDEADDEAD0001", "AKIALIVELIVELIVE0002"
DEAD_SECRET = "deadDEADdeadDEADdeadDEADdeadDEAD/+dead01"
LIVE_SECRET = "liveLIVEliveLIVEliveLIVEliveLIVE/+live02"
START = datetime(2026, 11, 29, 20, 0, tzinfo=timezone.utc)


def profile(name: str, key_id: str, secret: str) -> str:
    return f"[{name}]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"


def make_backups(aws_files: AwsFiles, *texts: str) -> list:
    made = []
    for n, text in enumerate(texts):
        aws_files.credentials_file.write_text(text)
        made.append(textfiles.backup(aws_files.credentials_file, now=START + timedelta(seconds=n)))
    aws_files.credentials_file.write_text(profile("aml-packt", LIVE_ID, LIVE_SECRET))
    return made


@pytest.fixture
def aws_files(tmp_path):
    return AwsFiles(tmp_path / "config", tmp_path / "credentials")


def is_gone(pair) -> bool:
    return pair.access_key_id == DEAD_ID


def test_only_backups_whose_every_key_is_gone_are_listed_by_path_and_key_id(aws_files):
    dead, mixed, empty = make_backups(
        aws_files,
        profile("root-keys", DEAD_ID, DEAD_SECRET),
        profile("root-keys", DEAD_ID, DEAD_SECRET) + profile("aml-packt", LIVE_ID, LIVE_SECRET),
        "[default]\nregion = us-east-1\n",
    )
    asked = []
    survey = survey_backups(aws_files, is_gone=lambda pair: asked.append(pair.access_key_id) or is_gone(pair))
    assert [(b.path, b.key_ids) for b in survey.stale] == [(dead, (DEAD_ID,))]
    assert survey.gone_keys == {DEAD_ID}
    assert sorted(asked) == [DEAD_ID, LIVE_ID]  # each key (and secret) asked about once
    # A key the account still lists (an inactive key AWS refuses) keeps its backups.
    assert survey_backups(aws_files, still_exist=[DEAD_ID], is_gone=is_gone).stale == ()
    assert DEAD_SECRET not in repr(survey) and LIVE_SECRET not in repr(key_pairs_in(mixed))
    assert empty.exists() and mixed.exists()


def inventory(user_keys=()):
    from helpers.cleanup.inventory import UserInventory

    user = UserInventory("AML@Packt", "arn:aws:iam::123456789012:user/AML@Packt", access_keys=tuple(user_keys))
    return Inventory("123456789012", "arn:aws:iam::123456789012:root", user=user)


def test_the_plan_names_each_backup_and_applying_deletes_only_those(aws_files):
    dead, mixed = make_backups(
        aws_files,
        profile("root-keys", DEAD_ID, DEAD_SECRET),
        profile("root-keys", DEAD_ID, DEAD_SECRET) + profile("aml-packt", LIVE_ID, LIVE_SECRET),
    )
    survey = survey_backups(aws_files, is_gone=is_gone)
    plan = plan_teardown(inventory([LIVE_ID]), None, TeardownOptions(remove_user=False), survey)
    assert [str(c) for c in plan.changes] == [
        f"Would delete credentials-file backup {dead} (it holds only key {DEAD_ID}, which no longer exists: "
        "the secret goes from this disk)."
    ]
    text = "\n".join(plan.lines() + list(plan.notes))
    assert DEAD_SECRET not in text and LIVE_SECRET not in text
    session = boto3.Session(aws_access_key_id="AKIAFAKEFAKEFAKEFAKE", aws_secret_access_key="x" * 40)
    result = apply_teardown(session, plan, aws_files)
    assert result.ok and result.done == [
        f"Deleted credentials-file backup {dead} (it holds only key {DEAD_ID}, which no longer exists: "
        "the secret goes from this disk)."
    ]
    assert textfiles.backups_of(aws_files.credentials_file) == [mixed]
    assert stat.S_IMODE(mixed.stat().st_mode) == 0o600
    # Again: the backup is already gone, and that is said, not an error.
    again = apply_teardown(session, plan, aws_files)
    assert again.ok and "was already gone" in again.done[0]


def test_unticked_the_backups_are_listed_in_a_note_and_kept(aws_files):
    (dead,) = make_backups(aws_files, profile("root-keys", DEAD_ID, DEAD_SECRET))
    survey = survey_backups(aws_files, is_gone=is_gone)
    plan = plan_teardown(inventory(), None, TeardownOptions(remove_user=False, remove_old_backups=False), survey)
    assert plan.empty
    assert any(str(dead) in n and DEAD_ID in n and "tick 'Delete credentials-file backups" in n for n in plan.notes)


def test_delete_backup_refuses_a_path_that_is_not_a_backup_of_the_credentials_file(aws_files):
    aws_files.credentials_file.write_text("keep me")
    other = aws_files.credentials_file.parent / "notes.bak-20261129"
    other.write_text("keep me too")
    for path in (aws_files.credentials_file, other):
        with pytest.raises(WalkthroughError, match="is not a backup of"):
            delete_backup(aws_files, path)
        assert path.exists()


def test_in_the_practice_account_the_teardown_leaves_no_backup_holding_a_deleted_key(tmp_path):
    home = tmp_path / "sandbox"
    with private_sandbox(home) as info:
        practice.reset_to("05", home=home)
        p = sandbox_files.paths(home)
        aws_files = AwsFiles(p.config, p.credentials, {"endpoint_url": info.url})
        current = p.credentials.read_text()
        user_key = current.split("[aml-packt]")[1].split("aws_access_key_id = ")[1].split()[0]
        for stale_file in textfiles.backups_of(p.credentials):
            stale_file.unlink()
        # A backup of a key AWS does not know (deleted), and one of AML@Packt's key (deleted by the teardown).
        dead, users = make_backups(aws_files, profile("root-keys", DEAD_ID, DEAD_SECRET), current)
        p.credentials.write_text(current)
        with practice.owner_session(home) as owner:
            inv = take_inventory(owner)
            survey = survey_backups(aws_files, inv.user.access_keys)
            assert [b.path for b in survey.stale] == [dead] and survey.gone_keys == {DEAD_ID}
            plan = plan_teardown(inv, profile_state(aws_files, "aml-packt", inv.user.access_keys), None, survey)
            lines = [str(c) for c in plan.changes]
            assert lines[-2].startswith(f"Would delete credentials-file backup {dead} (it holds only key {DEAD_ID}")
            assert lines[-1] == (
                f"Would delete credentials-file backups holding only key {user_key} or keys that no longer exist "
                "(deleted above; including the backup made when the profile is removed)."
            )
            result = apply_teardown(owner, plan, aws_files)
        assert result.ok, result.lines()
        assert textfiles.backups_of(p.credentials) == []  # the dead key's, the user's, and the one made just now
        assert not users.exists()
        said = "\n".join(result.lines())
        assert f"Deleted credentials-file backup {dead}" in said
        assert DEAD_SECRET not in said and current.split("aws_secret_access_key = ")[1].split()[0] not in said

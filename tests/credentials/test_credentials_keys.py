"""Key-pair shape checks and CSV import (notebook 01): every bad input gets its own sentence."""

from __future__ import annotations

import pickle

import pytest

from helpers.credentials import keys  # the module under test

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TEMP_ID = "ASIAIOSFODNN7EXAMPLE"


def problems(key_id, secret, token=None) -> str:
    with pytest.raises(keys.KeyShapeError) as info:
        keys.check_key_pair(key_id, secret, token)
    assert SECRET not in str(info.value)
    return str(info.value)


def test_a_good_pair_passes_without_notes():
    checked = keys.check_key_pair(KEY_ID, SECRET)
    assert checked.pair.access_key_id == KEY_ID
    assert checked.pair.secret_access_key == SECRET
    assert checked.notes == ()


def test_spaces_newlines_and_quotes_are_trimmed_with_a_note():
    checked = keys.check_key_pair(f"  {KEY_ID}\t", f'"{SECRET}"\r\n')
    assert checked.pair.access_key_id == KEY_ID
    assert checked.pair.secret_access_key == SECRET
    assert checked.notes == (
        "Removed spaces from the access key ID (copying often adds them).",
        "Removed a line break and quotes from the secret access key (copying often adds them).",
    )


def test_curly_quotes_from_a_document_are_trimmed():
    checked = keys.check_key_pair(f"\u201c{KEY_ID}\u201d", f"'{SECRET}'")
    assert checked.pair.access_key_id == KEY_ID
    assert any("quotes" in note for note in checked.notes)


def test_empty_fields_each_say_what_to_paste():
    message = problems("", "   ")
    assert "The access key ID is empty." in message
    assert "The secret access key is empty." in message


def test_swapped_fields_are_detected():
    message = problems(SECRET, KEY_ID)
    assert message.startswith("The access key ID and the secret access key look swapped")
    assert "Swap them" in message


@pytest.mark.parametrize("length", [19, 21])
def test_a_key_id_of_the_wrong_length(length):
    message = problems((KEY_ID * 2)[:length], SECRET)
    assert f"The access key ID has {length} characters; it must have exactly 20." in message


@pytest.mark.parametrize("length", [39, 41])
def test_a_secret_of_the_wrong_length_never_shows_the_secret(length):
    secret = (SECRET * 2)[:length]
    message = problems(KEY_ID, secret)
    assert f"The secret access key has {length} characters; it must have exactly 40." in message
    assert secret[:10] not in message


def test_a_key_id_with_a_foreign_prefix():
    assert "starts with AKIA (a long-term key) or ASIA" in problems("XKIAIOSFODNN7EXAMPLE", SECRET)


def test_a_lower_case_key_id_is_told_that_ids_are_upper_case():
    message = problems(KEY_ID.lower(), SECRET)
    assert message.startswith(
        "Access key IDs are upper case: this one has lower-case letters (the first at position 1)."
    )
    assert "starts with AKIA (a long-term key) or ASIA" not in message  # the real problem, not a wrong guess
    assert "The access key ID has 4 characters" in problems("akia", SECRET)


@pytest.mark.parametrize(
    ("char", "name"),
    [("\u0410", "CYRILLIC CAPITAL LETTER A"), ("\u039f", "GREEK CAPITAL LETTER OMICRON"), ("\u00c9", "")],
)
def test_a_look_alike_character_in_a_key_id_is_named_by_position(char, name):
    key_id = KEY_ID[:6] + char + KEY_ID[7:]  # character 7 replaced
    message = problems(key_id, SECRET)
    assert message.startswith("Character 7 of the access key ID is not a Latin letter or digit")
    assert "only A to Z and 0 to 9" in message
    if name:
        assert f"it is {name}, which only looks like one" in message


def test_a_user_id_pasted_as_a_key_id_is_named():
    message = problems("AIDAIOSFODNN7EXAMPLE", SECRET)
    assert "AIDA, which is an IAM user ID, not an access key" in message


def test_a_secret_with_impossible_characters():
    message = problems(KEY_ID, SECRET[:-1] + "!")
    assert "contains characters a secret never has" in message


def test_a_temporary_key_needs_its_session_token():
    message = problems(TEMP_ID, SECRET)
    assert "starts with ASIA: it is a temporary key that works only with its session token" in message
    checked = keys.check_key_pair(TEMP_ID, SECRET, "FwoGZXIvYXdzEJr//////////token")
    assert checked.pair.session_token and checked.pair.temporary


def test_a_long_term_key_has_no_session_token():
    assert "A long-term key (AKIA…) has no session token." in problems(KEY_ID, SECRET, "token")


def test_the_repr_and_str_mask_the_secret():
    pair = keys.KeyPair(KEY_ID, SECRET, "SESSIONTOKENVALUE")
    for text in (repr(pair), str(pair), repr(keys.check_key_pair(KEY_ID, SECRET)), f"{pair}"):
        assert SECRET not in text and "SESSIONTOKENVALUE" not in text and KEY_ID not in text
    assert repr(pair) == "KeyPair(access_key_id='AKIA…MPLE', secret_access_key='****', session_token='****')"
    assert keys.mask_key_id(KEY_ID) == "AKIA…MPLE"


def test_a_key_pair_cannot_be_pickled():
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(keys.KeyPair(KEY_ID, SECRET))


# --- CSV import -------------------------------------------------------------------------------


def test_access_keys_csv_from_the_console():
    data = f"Access key ID,Secret access key\r\n{KEY_ID},{SECRET}\r\n".encode()
    checked = keys.parse_keys_csv(data, "accessKeys.csv")
    assert checked.pair.access_key_id == KEY_ID and checked.pair.secret_access_key == SECRET


def test_access_keys_csv_with_bom_and_extra_columns():
    data = (
        "\ufeffUser name,Password,Access key ID,Secret access key,Console login link\n"
        f"AML@Packt,,{KEY_ID},{SECRET},https://example.signin.aws.amazon.com/console\n"
    ).encode()
    assert keys.parse_keys_csv(data, "credentials.csv").pair.access_key_id == KEY_ID


def test_rootkey_csv_old_format(tmp_path):
    path = tmp_path / "rootkey.csv"
    path.write_text(f"AWSAccessKeyId={KEY_ID}\r\nAWSSecretKey={SECRET}\r\n")
    checked = keys.read_keys_csv(path)
    assert checked.pair.access_key_id == KEY_ID and checked.pair.secret_access_key == SECRET


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "accessKeys.csv is empty. Download the key file again from the console."),
        (b"\x89PNG\r\n\x1a\n\xff\xfe\x00", "accessKeys.csv is not a text file."),
        (b"name,value\nx,y\n", "accessKeys.csv is not an access key file: its first line should name the columns"),
        (b"Access key ID,Secret access key\n", "accessKeys.csv has the column names but no key in it."),
        (
            f"Access key ID,Secret access key\n{KEY_ID},{SECRET}\n{KEY_ID},{SECRET}\n".encode(),
            "accessKeys.csv holds 2 keys; keep only the row of the key you want to use",
        ),
        (f"Access key ID,Secret access key\n{KEY_ID}\n".encode(), "accessKeys.csv's key row is cut short."),
        (f"AWSAccessKeyId={KEY_ID}\n".encode(), "has no AWSSecretKey= line"),
        (b"x" * 70000, "far larger than a key file"),
    ],
)
def test_bad_csv_files_get_a_clear_message(data, expected):
    with pytest.raises(keys.KeyFileError) as info:
        keys.parse_keys_csv(data, "accessKeys.csv")
    assert expected in str(info.value)
    assert SECRET not in str(info.value)


def test_a_csv_with_a_damaged_key_says_so_without_the_secret():
    data = f"Access key ID,Secret access key\n{KEY_ID},{SECRET[:-2]}\n".encode()
    with pytest.raises(keys.KeyShapeError) as info:
        keys.parse_keys_csv(data, "accessKeys.csv")
    assert str(info.value).startswith("accessKeys.csv holds a key that does not look right.")
    assert "has 38 characters" in str(info.value)
    assert SECRET[:-2] not in str(info.value)


def test_a_missing_key_file(tmp_path):
    with pytest.raises(keys.KeyFileError, match="There is no file"):
        keys.read_keys_csv(tmp_path / "rootkey.csv")

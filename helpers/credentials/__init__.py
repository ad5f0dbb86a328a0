"""Notebook 01: access keys in, checked, proven live with STS, saved as an AWS CLI profile.

``keys`` checks a key pair's shape and reads the console's CSV downloads; ``files`` plans, saves
and removes profiles in the AWS shared files (the one writer of them), ``profiles`` reads what they
hold, ``ini`` handles their bytes; ``identity`` asks STS who the keys are;
``flow`` chains them for the form and the notebook's cells. No widgets here.
"""

from __future__ import annotations

from helpers.credentials.files import (
    DEFAULT_PROFILE,
    ProfileExistsError,
    SaveResult,
    check_profile_name,
    plan_save_profile,
    save_profile,
)
from helpers.credentials.flow import (
    CredentialsReport,
    SaveOutcome,
    check_and_save,
    check_region,
    set_up_credentials,
    standing,
    use_existing_profile,
    verify_credentials,
)
from helpers.credentials.identity import (
    Identity,
    classify_arn,
    clock_skew,
    explain_sts_error,
    prove_key_pair,
    prove_profile,
    prove_session,
    session_from_keys,
)
from helpers.credentials.ini import CredentialsFileError
from helpers.credentials.keys import (
    CheckedKeys,
    KeyFileError,
    KeyPair,
    KeyShapeError,
    check_key_pair,
    mask_key_id,
    parse_keys_csv,
    read_keys_csv,
)
from helpers.credentials.profiles import ProfileInfo, list_profiles, saved_key_id

__all__ = [
    "DEFAULT_PROFILE",
    "CheckedKeys",
    "CredentialsFileError",
    "CredentialsReport",
    "Identity",
    "KeyFileError",
    "KeyPair",
    "KeyShapeError",
    "ProfileExistsError",
    "ProfileInfo",
    "SaveOutcome",
    "SaveResult",
    "check_and_save",
    "check_key_pair",
    "check_profile_name",
    "check_region",
    "classify_arn",
    "clock_skew",
    "explain_sts_error",
    "list_profiles",
    "mask_key_id",
    "parse_keys_csv",
    "plan_save_profile",
    "prove_key_pair",
    "prove_profile",
    "read_keys_csv",
    "save_profile",
    "saved_key_id",
    "session_from_keys",
    "set_up_credentials",
    "standing",
    "use_existing_profile",
    "verify_credentials",
    "prove_session",
]

"""The root user's profile is removed with notebook 01's profile-file code (notebook 03).

Kept as the place notebook 03's modules import from; the one implementation lives in
``helpers.credentials.files`` (configupdater: every other profile, comment and blank line kept).
"""

from __future__ import annotations

from helpers.credentials.files import RemoveResult, remove_profile
from helpers.credentials.profiles import has_profile

__all__ = ["RemoveResult", "has_profile", "remove_profile"]

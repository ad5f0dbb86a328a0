"""Notebook 06's one-call cells: what to keep, who can clean up, the plan, the check afterwards.

Who acts: the teardown needs IAM write rights. AML@Packt has only IAMReadOnlyAccess and by now
the root user has no access keys (deleted in notebook 03). So on a real account the teardown
runs as an administrator profile the learner names (``admin_profile=``), or by hand as the
root user in the console (``console_steps()``). A practice account may offer an optional
``owner_session()`` on its account source (the root user "signed in to the console"); this
module asks for it with ``getattr`` and never needs to know which account it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3
import pandas as pd

from helpers import account as account_logic
from helpers.cleanup.apply import TeardownResult, apply_teardown
from helpers.cleanup.backups import survey_backups
from helpers.cleanup.inventory import Inventory, take_inventory
from helpers.cleanup.plan import TeardownOptions, lesson_device_serial, plan_teardown, user_extras
from helpers.cleanup.profile import profile_state
from helpers.errors import WalkthroughError, cell_guard, error_code, explain
from helpers.identity import partition_of
from helpers.mfa.devices import DEFAULT_DEVICE_NAME
from helpers.names import GROUP_NAME, SELF_SERVICE_POLICY_NAME, USER_NAME, USER_PROFILE
from helpers.notice import Notice
from helpers.plan import Plan
from helpers.tables import learner_table

NEEDS_ADMIN = (
    "Nobody here can remove AML@Packt: it may only read IAM, and the root user has no access keys any more "
    "(notebook 03). Type a profile with IAM administrator rights (e.g. admin) in the form's 'Act as profile' box, "
    "or follow the console steps at the end of this notebook, signed in as the root user."
)

CONSOLE_STEPS = f"""\
**Remove AML@Packt in the AWS console, signed in as the root user** (about 3 minutes):

1. Sign in at <https://console.aws.amazon.com/> as the root user (your e-mail address, password and MFA code).
2. Open **IAM > Users** and click **{USER_NAME}**.
3. On **Security credentials**: under *Access keys*, choose **Actions > Deactivate**, then **Delete**, for each key;
   under *Console sign-in*, choose **Manage console access > Disable access**; under *Multi-factor
   authentication (MFA)*, **Remove** the device `{DEFAULT_DEVICE_NAME}` (notebook 04) and any other device you added.
4. Back on **IAM > Users**, tick **{USER_NAME}**, choose **Delete**, type the user name to confirm. (The console removes
   the group membership and any policies, certificates and SSH keys for you.)
5. Optional, only when you are done with the book: **IAM > User groups**, tick **{GROUP_NAME}**, **Delete**; then
   **IAM > Policies**, search **{SELF_SERVICE_POLICY_NAME}**, choose **Actions > Delete**; and
   **IAM > Account settings > Password policy > Edit > IAM default** to drop the password policy.
6. On your computer, remove the `{USER_PROFILE}` profile: delete its `[{USER_PROFILE}]` section from
   `~/.aws/credentials` and its `[profile {USER_PROFILE}]` section from `~/.aws/config`.
7. Sign out of the console.
"""


@cell_guard
def console_steps() -> object:
    """The numbered console steps for a real account (notebook 06), as Markdown."""
    from IPython.display import Markdown

    return Markdown(CONSOLE_STEPS)


@cell_guard
def what_to_keep() -> pd.DataFrame:
    """What to keep while you go on with the book, and what to remove when you are done (notebook 06)."""
    rows = [
        ("IAM user AML@Packt", "keep", "remove", "The book's chapters all run as AML@Packt."),
        ("Profile aml-packt", "keep", "remove", "Holds AML@Packt's access key; useless once the user is gone."),
        (
            "Group aml-packt-users",
            "keep",
            "optional",
            "Empty groups cost nothing; remove it if you made it only for us (its policy "
            f"{SELF_SERVICE_POLICY_NAME} goes with it).",
        ),
        ("Password policy (CIS)", "keep", "optional", "Protects any IAM user you create later: keeping it is wise."),
        ("Root MFA", "keep", "keep", "Never remove it: it guards the whole account."),
        ("Root access keys", "stay deleted", "stay deleted", "Never create them again."),
    ]
    columns = ["", "going on with the book", "done with the course", "why"]
    return learner_table(pd.DataFrame(rows, columns=columns).set_index(""), "What to keep and what to remove")


@contextmanager
def acting_session(admin_profile: str | None = None, write: bool = True) -> Iterator[boto3.Session]:
    """The session the teardown acts as: *admin_profile*, else the account's owner session if it offers one.

    For reading only (``write=False``) the active profile will do: AML@Packt may list everything.
    """
    chosen = account_logic.current_account()
    if admin_profile:
        yield chosen.session(admin_profile)
        return
    owner = _owner(chosen)
    if owner is not None:
        with owner as session:
            yield session
        return
    if not write:
        yield chosen.session()
        return
    raise WalkthroughError(NEEDS_ADMIN)


def _owner(chosen: account_logic.Account):
    """The source's owner session (a context manager), or None when it offers none."""
    hook = getattr(chosen.source, "owner_session", None)
    return hook() if callable(hook) else None


def _sentence(exc: Exception) -> str:
    return str(exc) if isinstance(exc, account_logic.AccountChoiceError) else explain(exc)


@cell_guard
def who_cleans_up(admin_profile: str | None = None) -> Notice:
    """One sentence: who would carry out the teardown in the chosen account (notebook 06)."""
    chosen = account_logic.current_account()
    if admin_profile:
        return Notice(f"The teardown will act as the profile {admin_profile!r}; it needs IAM write rights.")
    if _owner(chosen) is not None:  # building the context manager does not enter it: nothing happens yet
        return Notice(
            "This account lets the notebook act as the root user signed in to the console, for the few seconds "
            "the teardown takes: that is who will remove AML@Packt."
        )
    return Notice(NEEDS_ADMIN, ok=False)


def _profile(inv: Inventory, files) -> object:
    keys = inv.user.access_keys if inv.user else ()
    return profile_state(files, USER_PROFILE, keys)


@dataclass(frozen=True)
class Prepared:
    """A teardown plan plus whose account it is and who would act (for the confirmation form)."""

    plan: Plan
    account_id: str
    caller_arn: str


def prepare(admin_profile: str | None = None, **ticks: bool) -> Prepared:
    """Look at the account and plan the teardown (ticks: see ``TeardownOptions``); changes nothing."""
    chosen = account_logic.current_account()
    with acting_session(admin_profile) as session:
        inv = take_inventory(session)
        files = chosen.files()
        # Keys the account still lists exist even when AWS refuses them (inactive): their backups are kept.
        old = survey_backups(files, inv.user.access_keys if inv.user else ())
        the_plan = plan_teardown(inv, _profile(inv, files), TeardownOptions(**ticks), old)
    return Prepared(the_plan, inv.account_id, inv.caller_arn)


def plan_cleanup(admin_profile: str | None = None, **ticks: bool) -> Plan:
    """The teardown plan for the chosen account (notebook 06); changes nothing."""
    return prepare(admin_profile, **ticks).plan


def apply_cleanup(the_plan: Plan, admin_profile: str | None = None) -> TeardownResult:
    """Carry out *the_plan* (from ``plan_cleanup``); forget the active profile if it was removed (notebook 06)."""
    chosen = account_logic.current_account()
    with acting_session(admin_profile) as session:
        result = apply_teardown(session, the_plan, chosen.files())
    removed = {c.name for c in the_plan.changes if c.kind == "profile"}
    if chosen.profile in removed and result.ok:
        # Later cells must not try to sign with a profile that no longer exists.
        account_logic.use_profile(None)
    return result


def teardown(admin_profile: str | None = None, **ticks: bool) -> TeardownResult:
    """Plan and apply in one go, no questions asked (scripts and tests; the notebook uses the form)."""
    return apply_cleanup(plan_cleanup(admin_profile, **ticks), admin_profile)


@cell_guard
def inventory_table(admin_profile: str | None = None) -> pd.DataFrame | str:
    """What of the lesson is in the account now, and whether the teardown removes it by default (notebook 06).

    A sentence instead of the table when nobody here may look (the console steps then apply).
    """
    try:
        with acting_session(admin_profile, write=False) as session:
            inv = take_inventory(session)
    except Exception as exc:  # noqa: BLE001 - a notebook cell shows a sentence, never a traceback
        return _sentence(exc)
    u, g = inv.user, inv.group
    rows = [
        ("User " + USER_NAME, "yes" if u else "no", "yes" if u else "-"),
        ("  access keys", ", ".join(u.access_keys) if u and u.access_keys else "none", "yes"),
        ("  console password", "yes" if u and u.login_profile else "no", "yes"),
        (
            f"  MFA device {DEFAULT_DEVICE_NAME} (notebook 04)",
            "yes"
            if u and lesson_device_serial(inv.account_id, partition_of(inv.caller_arn)) in u.mfa_devices
            else "no",
            "yes",
        ),
        ("  added by you", ", ".join(user_extras(inv)) or "nothing", "only if you tick it"),
        ("Group " + GROUP_NAME, f"yes, {len(g.members)} member(s)" if g else "no", "only if you tick it"),
        ("Password policy", "yes" if inv.password_policy else "no", "only if you tick it"),
    ]
    for what, action in inv.unseen.items():
        rows.append((f"Could not list {what}", f"{action} refused", "blocks removing the user"))
    columns = ["", "in the account now", "removed by default?"]
    return learner_table(pd.DataFrame(rows, columns=columns).set_index(""), "What of the lesson is in the account")


DEAD_KEYS = frozenset({"InvalidClientTokenId", "UnrecognizedClientException"})


def _dead_key_confirms_cleanup(exc: Exception, admin_profile: str | None) -> Notice | None:
    """After a console teardown the lesson's profile holds AML@Packt's deleted key: that confirms the clean-up.

    Only when the check read with the lesson's own profile (aml-packt); any other profile's dead key is an error.
    """
    if error_code(exc) not in DEAD_KEYS:
        return None
    try:
        profile = admin_profile or account_logic.current_account().profile
    except Exception:  # noqa: BLE001 - no account chosen: the plain sentence is the answer
        return None
    if profile != USER_PROFILE:
        return None
    return Notice(
        f"AWS no longer knows the key in profile {USER_PROFILE}: the profile's key was deleted, so the clean-up "
        f"of {USER_NAME} is confirmed. The profile itself is still in your AWS files: remove its "
        f"[{USER_PROFILE}] section from the credentials and config files."
    )


@cell_guard
def verify(admin_profile: str | None = None) -> Notice:
    """After the teardown: what of the lesson is left, in one or two sentences (notebook 06)."""
    try:
        with acting_session(admin_profile, write=False) as session:
            inv = take_inventory(session)
    except Exception as exc:  # noqa: BLE001 - a notebook cell shows a sentence, never a traceback
        confirmed = _dead_key_confirms_cleanup(exc, admin_profile)
        return confirmed if confirmed is not None else Notice(_sentence(exc), ok=False)
    chosen = account_logic.current_account()
    left = []
    if inv.user is not None:
        left.append(f"user {inv.user.name}")
    if profile_state(chosen.files(), USER_PROFILE).present:
        left.append(f"profile {USER_PROFILE}")
    kept = [f"group {GROUP_NAME}"] if inv.group else []
    kept += ["the password policy"] if inv.password_policy else []
    if left:
        return Notice(
            f"Still there: {', '.join(left)}. Run the teardown cell again (it plans only what is left).", False
        )
    extra = f" Kept, as you chose: {', '.join(kept)}." if kept else ""
    return Notice(f"AML@Packt and its profile are gone; root MFA and the deleted root keys stay as they are.{extra}")

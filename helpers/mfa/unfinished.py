"""Virtual MFA devices this kernel created and has not enabled yet: the only ones it may replace (notebook 04).

``devices.create_device`` remembers each device it makes until ``enable_device`` enables it;
"Start over" may delete only such a device of the same user and name. A name taken by anything
else (another user's unfinished enrolment, a device in use) is never touched (issue 15).
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from helpers.errors import WalkthroughError

# Serials of virtual devices this kernel created and has not enabled yet, with the user they were made for.
# Only these may ever be deleted by ``create_device``: an unassigned device of the same name made by anyone
# else (another user's unfinished enrolment) is never touched (issue 15).
_UNFINISHED: dict[str, str] = {}


class NameTaken(WalkthroughError):
    """A virtual device of the chosen name already exists; ``own`` when it is this flow's earlier attempt."""

    def __init__(self, message: str, name: str, own: bool) -> None:
        super().__init__(message)
        self.name = name
        self.own = own


def unfinished_device(user_name: str, device_name: str) -> str | None:
    """The serial of *user_name*'s device *device_name* created earlier in this kernel and never enabled."""
    for serial, user in _UNFINISHED.items():
        if user == user_name and serial.rsplit("/", 1)[-1] == device_name:
            return serial
    return None


def forget_unfinished() -> None:
    """Forget every device this kernel created and did not enable (tests; a new flow)."""
    _UNFINISHED.clear()


def remember(serial: str, user_name: str) -> None:
    """*serial* was just created for *user_name* and is not enabled yet."""
    _UNFINISHED[serial] = user_name


def forget(serial: str) -> None:
    """*serial* is enabled or deleted: no longer an unfinished enrolment of this kernel."""
    _UNFINISHED.pop(serial, None)


def _existing_state(iam, name: str) -> str | None:
    """ "unassigned" / "assigned" for the account's virtual device *name*; None when it cannot be listed."""
    try:
        for status in ("Unassigned", "Assigned"):
            pages = iam.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus=status)
            for page in pages:
                for device in page.get("VirtualMFADevices", []):
                    if device["SerialNumber"].rsplit("/", 1)[-1] == name:
                        return status.lower()
    except ClientError:
        return None  # the caller may not list devices: the name is taken all the same
    return None


def name_taken(iam, user_name: str, name: str) -> NameTaken:
    """Why the device name *name* is taken: this kernel's own unfinished attempt (``own``) or another device."""
    if unfinished_device(user_name, name) is not None:
        return NameTaken(
            f"You created a device named {name} earlier in this notebook and did not enable it; its QR code is "
            "no longer shown. Choose 'Start over' to delete that unfinished device and create it again with a new "
            "QR code, or type another name.",
            name,
            own=True,
        )
    state = _existing_state(iam, name)
    why = {
        "unassigned": "an unfinished enrolment",
        "assigned": "a device in use in this account",
    }.get(state or "", "a device in this account")
    return NameTaken(f"The device name {name} is taken ({why}); choose another name.", name, own=False)

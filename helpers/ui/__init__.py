"""ipywidgets forms, one module per step; each result goes into a ResultBox (helpers.ui.result); no boto3 here.

A notebook reaches every form the same way, ``aml.ui.<step>_form.<verb>_form()``: a plain function,
guarded by ``helpers.errors.cell_guard``, that returns the widget.

======================  ==========================================  ========
notebook                call                                        form
======================  ==========================================  ========
00 start here           ``aml.ui.account_form.pick_form()``         ``AccountPicker``
01 credentials          ``aml.ui.credentials_form.set_up_form()``   ``CredentialsForm``
02 AML@Packt            ``aml.ui.users_form.set_up_form()``         ``SetupForm``
02 AML@Packt            ``aml.ui.users_form.toggle_form()``         ``ServiceToggles``
(key rotation)          ``aml.ui.users_form.rotate_form()``         ``ConfirmApply``
03 root keys            ``aml.ui.root_keys_form.delete_form()``     ``RootKeysForm``
04 MFA                  ``aml.ui.mfa_form.check_form()``            ``RootMfaCheckForm``
04 MFA                  ``aml.ui.mfa_form.assign_form()``           the console (or its steps)
04 MFA                  ``aml.ui.mfa_form.enable_form()``           ``mfa_device.DeviceForm``
06 clean up             ``aml.ui.cleanup_form.clean_up_form()``     ``CleanupForm``
======================  ==========================================  ========

The step modules are imported here, so ``aml.ui.users_form`` is an attribute as soon as ``aml.ui``
is (``helpers`` loads ``helpers.ui`` on first use). The parts they share: ``result`` (ResultBox),
``confirm`` (plan table + Apply), ``qr`` (the QR code panel).
"""

from __future__ import annotations

from helpers.ui import (
    account_form,
    cleanup_form,
    credentials_form,
    mfa_form,
    root_keys_form,
    users_form,
)

__all__ = ["account_form", "cleanup_form", "credentials_form", "mfa_form", "root_keys_form", "users_form"]

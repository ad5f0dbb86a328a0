"""The practice account: a local AWS-compatible server (moto) with a root user in front of it.

Nothing outside this package knows it exists (tests/repo/test_layers.py): the rest of the walkthrough
reaches it like any AWS account, through profiles whose config has an ``endpoint_url``, and its
practice-only abilities through the hooks of its account source (``source.SandboxAccount``, see
``helpers.sources.PracticeHooks``). Modules, lowest first (no circle of imports):
``files`` (its own AWS config and credentials files), ``state_folder`` (``<state>/sandbox/``, private,
and the small files in it), ``process`` (spawn, health-check and stop the local process),
``root`` (the root-account layer, runs inside that process; ``_serve`` is the process), ``persist``
(the saved state: it survives stop/start and a crash), ``console`` (the web-console-only steps),
``scenarios`` (reset to a new account or a notebook's checkpoint), ``server`` (start = the process plus
building its last scenario when it came up empty), ``practice`` (checkpoints, reset_to and the owner
session behind the hooks), ``source`` (the account source), ``console_ui`` (notebook 04's stand-in
form), ``clock`` (the offset tests set instead of waiting for a TOTP window).
Importing this package starts nothing.
"""

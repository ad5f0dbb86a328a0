"""The practice account: a local AWS-compatible server (moto) with a root user in front of it.

Nothing outside this package knows it exists: the rest of the walkthrough reaches it like any
AWS account, through profiles whose config has an ``endpoint_url`` (see ``source.SandboxAccount``).
Modules: ``server`` (start/stop the local process), ``root`` (the root-account layer, runs inside
that process), ``scenarios`` (reset to a new account or a notebook's checkpoint), ``console``
(the web-console-only steps), ``files`` (the sandbox's own AWS config and credentials files),
``persist`` (the account's saved state: it survives stop/start and a crash; only a reset starts over).
Importing this package starts nothing.
"""

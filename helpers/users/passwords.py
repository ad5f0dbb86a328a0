"""Console passwords for notebook 02: a masked holder, a local policy check, a generator.

A typed password is checked here first so the learner hears which rule it breaks before
anything is sent to AWS (AWS's own PasswordPolicyViolation does not say which rule).
"""

from __future__ import annotations

import secrets
import string

# The symbols IAM counts as "non-alphanumeric" in a password policy (IAM User Guide,
# "Set an account password policy for IAM users").
SYMBOLS = "!@#$%^&*()_+-=[]{}|'"
MAX_LENGTH = 128


class Secret:
    """A secret string whose ``repr`` and ``str`` never show it; ``reveal()`` does."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself: pass it straight to AWS or a widget, never to print()."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __len__(self) -> int:
        return len(self._value)

    def __reduce__(self):
        raise TypeError("A Secret cannot be pickled.")


def password_problems(password: str | Secret, policy: dict | None) -> list[str]:
    """Each rule of *policy* the password breaks, as a sentence (empty: it passes); notebook 02."""
    value = password.reveal() if isinstance(password, Secret) else password
    policy = policy or {}
    problems: list[str] = []
    minimum = int(policy.get("MinimumPasswordLength") or 6)
    if len(value) < minimum:
        problems.append(f"It has {len(value)} characters; the policy needs at least {minimum}.")
    if len(value) > MAX_LENGTH:
        problems.append(f"It has {len(value)} characters; IAM allows at most {MAX_LENGTH}.")
    if policy.get("RequireUppercaseCharacters") and not any(c in string.ascii_uppercase for c in value):
        problems.append("It needs at least one upper-case letter (A-Z).")
    if policy.get("RequireLowercaseCharacters") and not any(c in string.ascii_lowercase for c in value):
        problems.append("It needs at least one lower-case letter (a-z).")
    if policy.get("RequireNumbers") and not any(c in string.digits for c in value):
        problems.append("It needs at least one digit (0-9).")
    if policy.get("RequireSymbols") and not any(c in SYMBOLS for c in value):
        problems.append(f"It needs at least one of these symbols: {SYMBOLS}")
    if any(not c.isprintable() for c in value):
        problems.append("It contains a control character (a tab or line break); type printable characters only.")
    return problems


def generate_password(policy: dict | None = None, length: int = 20) -> Secret:
    """A random password meeting *policy* (at least *length* long), made with ``secrets``; notebook 02."""
    policy = policy or {}
    length = max(length, int(policy.get("MinimumPasswordLength") or 0))
    classes = [string.ascii_uppercase, string.ascii_lowercase, string.digits, SYMBOLS]
    chars = [secrets.choice(c) for c in classes]
    alphabet = "".join(classes)
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return Secret("".join(chars))

"""Plans: the list of changes a step would make, shown before anything changes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    """One change, e.g. ``Change("create", "user", "AML@Packt")`` -> "Would create user AML@Packt."."""

    verb: str
    kind: str
    name: str
    detail: str = ""

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"Would {self.verb} {self.kind} {self.name}{extra}."


@dataclass(frozen=True)
class Plan:
    """What a step would change; empty when the account is already as wanted."""

    title: str
    changes: tuple[Change, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.changes

    def lines(self) -> list[str]:
        """The plan as sentences; a single "Nothing to change" line when empty."""
        if self.empty:
            return [f"{self.title}: nothing to change, the account is already as wanted."]
        return [str(c) for c in self.changes]

    def __str__(self) -> str:
        return "\n".join(self.lines())

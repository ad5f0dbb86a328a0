"""Plans: the list of changes a step would make, shown before anything changes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    """One change, e.g. ``Change("create", "user", "AML@Packt", api_action="iam:CreateUser")``.

    ``str()`` is the sentence ("Would create user AML@Packt."); ``api_action`` names the AWS API
    action the change calls (IAM's policy spelling, e.g. ``iam:CreateUser``), empty for a change to
    local files only. It is keyword-only so that subclasses can add positional fields.
    """

    verb: str
    kind: str
    name: str
    detail: str = ""
    api_action: str = field(default="", kw_only=True, compare=False)

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"Would {self.verb} {self.kind} {self.name}{extra}."

    def line(self) -> str:
        """The sentence plus the API action it calls: "Would create user AML@Packt. Calls iam:CreateUser."."""
        return f"{self} Calls {self.api_action}." if self.api_action else str(self)


@dataclass(frozen=True)
class Plan:
    """What a step would change; empty when the account is already as wanted."""

    title: str
    changes: tuple[Change, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.changes

    @property
    def api_actions(self) -> tuple[str, ...]:
        """The distinct API actions the plan calls, in order (notebooks name them in their prose)."""
        return tuple(dict.fromkeys(c.api_action for c in self.changes if c.api_action))

    def lines(self) -> list[str]:
        """The plan as sentences, each naming its API action; a single "Nothing to change" line when empty."""
        if self.empty:
            return [f"{self.title}: nothing to change, the account is already as wanted."]
        return [c.line() for c in self.changes]

    def __str__(self) -> str:
        return "\n".join(self.lines())

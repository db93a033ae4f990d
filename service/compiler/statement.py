"""What a compiled root field becomes: one Cypher statement with its parameters, and the naming
that keeps its variables apart and every value in a `$parameter`."""

from dataclasses import dataclass, field
from typing import Any

from service.compiler.selection import Selection

TYPE_KEY = "__type"  # hidden key naming the concrete type where the field is abstract


@dataclass
class Statement:
    text: str
    params: dict[str, Any]


@dataclass
class Scope:
    """Subqueries (`CALL (...) { ... }`) to run before the RETURN that uses their results."""

    calls: list[str] = field(default_factory=list)


def response_key(selection: Selection) -> str:
    # Response keys are GraphQL names ([_A-Za-z][_0-9A-Za-z]*), safe inside backticks.
    return f"`{selection.key}`"


class Names:
    """Fresh variable names and parameters for one statement."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._count = 0

    def var(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

"""A selection tree independent of the GraphQL library: fields with response keys and arguments."""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Selection:
    """One selected field: `key` is its response key (the alias, or the name)."""

    name: str
    key: str
    args: dict[str, Any] = field(default_factory=dict)
    children: list["Selection"] = field(default_factory=list)
    on: str | None = None  # the type condition it was selected under, for unions and interfaces

    def child(self, name: str) -> "Selection | None":
        return next((c for c in self.children if c.name == name), None)

    def for_type(self, type_name: str) -> list["Selection"]:
        """Children that apply to an object of `type_name` (no condition, or that condition)."""
        return [c for c in self.children if c.on is None or c.on == type_name]


def merged(selections: list[Selection]) -> list[Selection]:
    """Fields asked for twice under one response key (directly and in fragments) become one."""
    by_key: dict[str, Selection] = {}
    for selection in selections:
        if selection.key in by_key:
            first = by_key[selection.key]
            by_key[selection.key] = Selection(
                first.name, first.key, first.args, [*first.children, *selection.children], first.on
            )
        else:
            by_key[selection.key] = selection
    return list(by_key.values())


class SelectionError(ValueError):
    """A selection the compiler cannot honour (e.g. conflicting keys); shown to the client."""

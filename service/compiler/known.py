"""Transaction time: a statement answered as the graph stood at a moment (`knownAt`).

The graph keeps what it needs for that: when each entity and link was recorded
(`recorded_at`), when an entity was retracted, each link removed or rewritten as an archived copy
(`removed_at`), and each entity's earlier values as versions (`service.graph.writes`). Under
`knownAt`, every match takes retracted entities and archived links too, and keeps those the graph
held then; every property of an entity is read from its values of then.
"""

from collections.abc import Callable

from service.domain.catalog import Hop
from service.graph.fragments import known_link, known_node, pattern, retracted_then, values_then


class KnownTime:
    """The `knownAt` of one statement (its parameter, or None to answer from the graph as it is),
    shared by the projection and the filters of that statement."""

    def __init__(self, var: Callable[[str], str]) -> None:
        self.var = var
        self.at: str | None = None
        self._nodes: set[str] = set()  # variables bound to entity nodes (not relationships)

    @property
    def on(self) -> bool:
        return self.at is not None

    def node(self, prefix: str) -> str:
        """A fresh variable for an entity node, whose properties `values` reads as of then."""
        name = self.var(prefix)
        self._nodes.add(name)
        return name

    def values(self, var: str) -> str:
        """What to read the properties of `var` from: itself, or under `knownAt` (for a node)
        its values of then."""
        if self.at is None or var not in self._nodes:
            return var
        return f"({values_then(var, self.at, self.var('was'))})"

    def held(self, nodes: tuple[str, ...] = (), links: tuple[tuple[str, Hop], ...] = ()) -> str | None:
        """The condition that the graph held these nodes and links then; None without `knownAt`."""
        if self.at is None:
            return None
        parts = [known_node(node, self.at) for node in nodes]
        parts += [known_link(rel, self.at, hop.rels) for rel, hop in links]
        return " AND ".join(parts) if parts else None

    def lines(self, nodes: tuple[str, ...] = (), links: tuple[tuple[str, Hop], ...] = ()) -> list[str]:
        condition = self.held(nodes, links)
        return [f"WITH * WHERE {condition}"] if condition else []

    def step(self, start: str, hop: Hop, end: str, rel: str) -> str:
        """A hop's pattern, its link named `rel` (needed under `knownAt`, to be tested by `held`)."""
        if self.at is None:
            return pattern(start, hop, end, rel)
        assert rel, "under knownAt every link is named"
        return pattern(start, hop, end, rel, known=True)

    def link_var(self, prefix: str) -> str:
        """A name for a link that needs one only under `knownAt` ("" otherwise: unnamed)."""
        return "" if self.at is None else self.var(prefix)

    def present(self, var: str, retracted_too: bool) -> str:
        """For a root's entity: recorded by then and, unless asked for, not retracted by then."""
        return "true" if self.at is None else known_node(var, self.at, retracted_too)

    def retracted(self, var: str, now: str) -> str:
        """Whether `var` is retracted: `now` (the live test), or under `knownAt` retracted by then."""
        return now if self.at is None else retracted_then(var, self.at)

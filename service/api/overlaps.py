"""How much work validation's overlap check would do on a document, counted before it runs.

The spec's "fields in set can merge" rule compares every pair of fields that share a response
name in a selection set (fragments and inline fragments included), and for each pair compares
their sub-selections the same way. A document under every other limit can make that quadratic
check take seconds: 333 copies of `suppliers { nodes { id } }` took 1.1 s of one core. So the
engine counts the comparisons first and refuses a document over `API_MAX_OVERLAPS`.

The count follows the rule's own walk: each selection set of the document once, each pair in it,
recursing into pairs of sub-selections. Identical fields are counted together (by structure, so
a thousand copies cost one computation here) and counting stops at the limit, so measuring a
hostile document costs no more than the limit allows.
"""

from collections import Counter
from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
    ValueNode,
    print_ast,
)


class _OverLimit(Exception):
    pass


def _text(value: ValueNode) -> str:
    # The value as written: print_ast would do, but leaves cyclic garbage behind on every call.
    return value.loc.source.body[value.loc.start : value.loc.end] if value.loc else print_ast(value)


@dataclass
class _Shapes:
    """Fields and selection sets interned by structure: equal structures get one number."""

    fragments: dict[str, FragmentDefinitionNode]
    numbers: dict[object, int] = field(default_factory=dict)
    children: dict[int, int | None] = field(default_factory=dict)  # field -> its selection set
    groups: dict[int, dict[str, Counter[int]]] = field(default_factory=dict)  # set -> fields by key
    # Memos by AST node, so a fragment spread many times is expanded once.
    by_node: dict[int, int] = field(default_factory=dict)
    collected: dict[int, dict[str, Counter[int]]] = field(default_factory=dict)
    expanding: set[str] = field(default_factory=set)

    def intern(self, shape: object) -> int:
        return self.numbers.setdefault(shape, len(self.numbers))

    def field_number(self, node: FieldNode) -> int:
        known = self.by_node.get(id(node))
        if known is not None:
            return known
        child = self.set_number(node.selection_set) if node.selection_set is not None else None
        arguments = tuple((a.name.value, _text(a.value)) for a in node.arguments or ())
        number = self.by_node[id(node)] = self.intern(("field", node.name.value, arguments, child))
        self.children[number] = child
        return number

    def set_number(self, selection_set: SelectionSetNode) -> int:
        known = self.by_node.get(id(selection_set))
        if known is not None:
            return known
        grouped = self.grouped(selection_set)
        shape = tuple(sorted((key, tuple(sorted(counts.items()))) for key, counts in grouped.items()))
        number = self.by_node[id(selection_set)] = self.intern(("set", shape))
        self.groups.setdefault(number, grouped)
        return number

    def grouped(self, selection_set: SelectionSetNode) -> dict[str, Counter[int]]:
        """The set's fields by response key, with inline fragments and spreads expanded."""
        known = self.collected.get(id(selection_set))
        if known is not None:
            return known
        into: dict[str, Counter[int]] = {}
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                key = node.alias.value if node.alias else node.name.value
                into.setdefault(key, Counter())[self.field_number(node)] += 1
                continue
            inner: SelectionSetNode | None = None
            if isinstance(node, InlineFragmentNode):
                inner = node.selection_set
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                # A fragment cycle is invalid and reported by validation; here it just ends.
                if fragment is not None and name not in self.expanding:
                    self.expanding.add(name)
                    try:
                        inner = fragment.selection_set
                        self._merge(into, self.grouped(inner))
                    finally:
                        self.expanding.discard(name)
                continue
            if inner is not None:
                self._merge(into, self.grouped(inner))
        self.collected[id(selection_set)] = into
        return into

    @staticmethod
    def _merge(into: dict[str, Counter[int]], more: dict[str, Counter[int]]) -> None:
        for key, counts in more.items():
            into.setdefault(key, Counter()).update(counts)


@dataclass
class _Count:
    shapes: _Shapes
    limit: int
    total: int = 0
    between_memo: dict[tuple[int, int], int] = field(default_factory=dict)
    within_memo: dict[int, int] = field(default_factory=dict)

    def add(self, amount: int) -> None:
        self.total += amount
        if self.total > self.limit:
            raise _OverLimit

    def within(self, set_number: int) -> int:
        """Comparisons among the fields of one selection set."""
        if set_number in self.within_memo:
            return self.within_memo[set_number]
        cost = 0
        for counts in self.shapes.groups[set_number].values():
            items = list(counts.items())
            for i, (a, count_a) in enumerate(items):
                cost += count_a * (count_a - 1) // 2 * (1 + self.between_fields(a, a))
                for b, count_b in items[i + 1 :]:
                    cost += count_a * count_b * (1 + self.between_fields(a, b))
                if cost > self.limit:
                    raise _OverLimit
        self.within_memo[set_number] = cost
        return cost

    def between_fields(self, a: int, b: int) -> int:
        child_a, child_b = self.shapes.children[a], self.shapes.children[b]
        if child_a is None or child_b is None:
            return 0
        return self.between(child_a, child_b)

    def between(self, a: int, b: int) -> int:
        """Comparisons between two selection sets: each pair sharing a response key, recursively."""
        key = (a, b) if a <= b else (b, a)
        if key in self.between_memo:
            return self.between_memo[key]
        cost = 0
        groups_a, groups_b = self.shapes.groups[a], self.shapes.groups[b]
        for response_key, counts_a in groups_a.items():
            counts_b = groups_b.get(response_key)
            for x, count_x in counts_a.items() if counts_b else ():
                for y, count_y in counts_b.items():  # type: ignore[union-attr]
                    cost += count_x * count_y * (1 + self.between_fields(x, y))
                    if cost > self.limit:
                        raise _OverLimit
        self.between_memo[key] = cost
        return cost


def overlap_checks(document: DocumentNode, limit: int) -> int:
    """Field comparisons validation would make on `document`, or `limit + 1` once past it."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    count = _Count(_Shapes(fragments), limit)
    # Every selection set of the document, as validation's visitor meets them.
    sets: list[SelectionSetNode] = []
    pending: list[SelectionSetNode | None] = [
        d.selection_set for d in document.definitions if isinstance(d, ExecutableDefinitionNode)
    ]
    while pending:
        selection_set = pending.pop()
        if selection_set is None:
            continue
        sets.append(selection_set)
        for node in selection_set.selections:
            if isinstance(node, FieldNode | InlineFragmentNode):
                pending.append(node.selection_set)
    try:
        for selection_set in sets:
            # Equal sets are compared again by the rule, so each visit counts.
            count.add(count.within(count.shapes.set_number(selection_set)))
    except _OverLimit:
        return limit + 1
    return count.total

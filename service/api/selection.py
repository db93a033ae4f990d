"""Builds the compiler's neutral selection tree from the operation's AST.

Literal arguments are read untyped (ints stay ints, enum names stay names); variables come
coerced by graphql-core and input objects are turned back into plain dicts with GraphQL names,
so the compiler sees one shape whichever way a client passed a value.
"""

from enum import Enum
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.utilities import value_from_ast_untyped
from strawberry.types import Info
from strawberry.types.nodes import get_variable_values

from service.graph.query.selection import Selection

# Fragments on these abstract types apply to every entity type.
_ALWAYS = {"Node", "SearchResult"}


def _plain(value: Any, info: Info[Any, Any]) -> Any:
    definition = getattr(value, "__strawberry_definition__", None)
    if definition is not None:
        converter = info.schema.config.name_converter
        out = {}
        for field in definition.fields:
            item = getattr(value, field.python_name, None)
            if item is not None and type(item).__name__ != "UnsetType":
                out[converter.get_graphql_name(field)] = _plain(item, info)
        return out
    if isinstance(value, list):
        return [_plain(item, info) for item in value]
    if isinstance(value, Enum) and not isinstance(value, str):
        return value.value
    return value


def _included(node: Any, raw: Any) -> bool:
    for directive in node.directives or ():
        condition = next((a.value for a in directive.arguments if a.name.value == "if"), None)
        if condition is None:
            continue
        flag = bool(_literal(condition, raw))
        if (directive.name.value == "skip" and flag) or (directive.name.value == "include" and not flag):
            return False
    return True


def _literal(node: Any, raw: Any) -> Any:
    variables = get_variable_values(raw)
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    return value_from_ast_untyped(node, variables)


class _Reader:
    def __init__(self, info: Info[Any, Any]) -> None:
        self.info = info
        self.raw = info._raw_info

    def field(self, node: FieldNode, on: str | None) -> Selection:
        args = {a.name.value: _plain(_literal(a.value, self.raw), self.info) for a in node.arguments or ()}
        key = node.alias.value if node.alias else node.name.value
        return Selection(node.name.value, key, args, self.selections(node.selection_set, None), on)

    def selections(self, selection_set: SelectionSetNode | None, on: str | None) -> list[Selection]:
        out: list[Selection] = []
        for node in selection_set.selections if selection_set else ():
            if not _included(node, self.raw):
                continue
            if isinstance(node, FieldNode):
                out.append(self.field(node, on))
                continue
            if isinstance(node, InlineFragmentNode):
                condition, inner = node.type_condition, node.selection_set
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.raw.fragments[node.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            else:
                continue
            name = condition.name.value if condition else None
            out.extend(self.selections(inner, on if name is None or name in _ALWAYS else name))
        return out


def root_selection(info: Info[Any, Any]) -> Selection:
    """The selection of the root field being resolved."""
    reader = _Reader(info)
    return reader.field(reader.raw.field_nodes[0], None)

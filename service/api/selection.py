"""Builds the compiler's neutral selection tree from the operation's AST.

Arguments are read untyped, with GraphQL names: literals as written (ints stay ints, enum names
stay names) and variables as the client sent them (validation has already checked their types),
so the compiler sees one shape whichever way a value was passed.
"""

from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.utilities import value_from_ast_untyped
from strawberry.extensions import SchemaExtension
from strawberry.types import Info

from service.graph.query.selection import Selection

# Fragments on these abstract types apply to every entity type.
_ALWAYS = {"Node", "SearchResult"}


class KeepRawVariables(SchemaExtension):
    """Puts the request's variables, as sent, on the context for `root_selection`."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if hasattr(context.context, "raw_variables"):
            context.context.raw_variables = dict(context.variables or {})
        yield


def operation_variables(operation: OperationDefinitionNode, sent: dict[str, Any]) -> dict[str, Any]:
    """Sent variables plus the operation's defaults for those not sent."""
    values = dict(sent)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value, None)
    return values


def included(node: Any, variables: dict[str, Any]) -> bool:
    """False when @skip(if: true) or @include(if: false) removes the node."""
    for directive in node.directives or ():
        condition = next((a.value for a in directive.arguments if a.name.value == "if"), None)
        if condition is None:
            continue
        flag = bool(value_from_ast_untyped(condition, variables))
        if (directive.name.value == "skip" and flag) or (directive.name.value == "include" and not flag):
            return False
    return True


class SelectionReader:
    """Reads field nodes of one operation into `Selection` trees (fragments inlined)."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]) -> None:
        self.fragments = fragments
        self.variables = variables

    def field(self, node: FieldNode, on: str | None) -> Selection:
        args = {a.name.value: value_from_ast_untyped(a.value, self.variables) for a in node.arguments or ()}
        key = node.alias.value if node.alias else node.name.value
        return Selection(node.name.value, key, args, self.selections(node.selection_set, None), on)

    def selections(self, selection_set: SelectionSetNode | None, on: str | None) -> list[Selection]:
        out: list[Selection] = []
        for node in selection_set.selections if selection_set else ():
            if not included(node, self.variables):
                continue
            if isinstance(node, FieldNode):
                out.append(self.field(node, on))
                continue
            if isinstance(node, InlineFragmentNode):
                condition, inner = node.type_condition, node.selection_set
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            else:
                continue
            name = condition.name.value if condition else None
            out.extend(self.selections(inner, on if name is None or name in _ALWAYS else name))
        return out


def root_selection(info: Info[Any, Any]) -> Selection:
    """The selection of the root field being resolved."""
    raw = info._raw_info
    variables = operation_variables(raw.operation, getattr(info.context, "raw_variables", {}))
    return SelectionReader(raw.fragments, variables).field(raw.field_nodes[0], None)

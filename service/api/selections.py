"""Reads an operation's fields into the compiler's `Selection` trees, with every argument as
graphql-core coerces it.

Arguments come from `get_argument_values` with the request's coerced variables, so a literal
and a variable mean the same thing, an omitted nullable variable leaves the argument's default
in place, and enums, dates and input objects arrive as the schema defines them. `@skip` and
`@include` are applied; fragments are inlined with their type condition kept on each field.
"""

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import VariableValues, get_argument_values, get_directive_values

from service.compiler.selection import Selection

_ABSTRACT = (GraphQLInterfaceType, GraphQLUnionType)


def included(node: Any, variables: VariableValues) -> bool:
    """False when @skip(if: true) or @include(if: false) removes the node."""
    skip = get_directive_values(GraphQLSkipDirective, node, variables)
    if skip and skip.get("if") is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, variables)
    return not (include and include.get("if") is False)


def named_type(kind: Any) -> Any:
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    return kind


class SelectionReader:
    """Reads the field nodes of one operation into `Selection` trees (fragments inlined)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues,
        hide_suggestions: bool = False,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.hide_suggestions = hide_suggestions

    def field(self, node: FieldNode, parent: Any, on: str | None = None) -> Selection:
        """One field of `parent` (an object or interface type), its arguments coerced."""
        name = node.name.value
        key = node.alias.value if node.alias else name
        if name.startswith("__"):
            return Selection(name, key, {}, [], on)
        definition = parent.fields[name]
        args = get_argument_values(definition, node, self.variables, hide_suggestions=self.hide_suggestions)
        children = self.selections(node.selection_set, named_type(definition.type), None)
        return Selection(name, key, args, children, on)

    def selections(
        self, selection_set: SelectionSetNode | None, parent: Any, on: str | None
    ) -> list[Selection]:
        out: list[Selection] = []
        for node in selection_set.selections if selection_set else ():
            if not included(node, self.variables):
                continue
            if isinstance(node, FieldNode):
                out.append(self.field(node, self._fields_of(parent, on), on))
                continue
            if isinstance(node, InlineFragmentNode):
                condition, inner = node.type_condition, node.selection_set
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            else:
                continue
            target = self.schema.get_type(condition.name.value) if condition else None
            if target is None or target is parent:
                out.extend(self.selections(inner, parent, on))
            elif isinstance(target, _ABSTRACT):
                # A condition on an interface or union applies to every member: its fields are
                # defined on it, and the selection keeps the enclosing condition.
                out.extend(self.selections(inner, target, on))
            else:
                out.extend(self.selections(inner, target, target.name))
        return out

    def _fields_of(self, parent: Any, on: str | None) -> Any:
        """The type whose field definitions apply: the fragment's object type, else the parent."""
        if on is not None and not isinstance(parent, GraphQLObjectType):
            kind = self.schema.get_type(on)
            if isinstance(kind, GraphQLObjectType):
                return kind
        return parent

"""Validation rules the settings add to graphql-core's own: introspection off, and a cap on the
mutations one request may carry. A request they refuse runs nothing."""

from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
    specified_rules,
)
from graphql.validation import ASTValidationContext

from service.errors import ErrorCode


def root_fields(selection_set: SelectionSetNode, context: ASTValidationContext, seen: frozenset[str]) -> int:
    """Fields at the root of an operation, through fragments; aliases and repeats each count."""
    count = 0
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            count += node.name.value != "__typename"
        elif isinstance(node, InlineFragmentNode):
            count += root_fields(node.selection_set, context, seen)
        elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
            fragment = context.get_fragment(node.name.value)
            if fragment is not None:
                count += root_fields(fragment.selection_set, context, seen | {node.name.value})
    return count


def max_mutations_rule(limit: int) -> type[ASTValidationRule]:
    """A rule refusing a mutation operation with more than `limit` root fields (BATCH_TOO_LARGE)."""

    class MaxMutations(ASTValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            if node.operation is not OperationType.MUTATION:
                return
            count = root_fields(node.selection_set, self.context, frozenset())
            if count > limit:
                self.report_error(
                    GraphQLError(
                        f"This request has {count} mutations; at most {limit} may be sent at once.",
                        node,
                        extensions={"code": ErrorCode.BATCH_TOO_LARGE},
                    )
                )

    return MaxMutations


class NoSubgraphSdlRule(ValidationRule):
    """With introspection off, `_service { sdl }` (Federation) is refused too: it prints the whole
    schema. A gateway then composes from the exported subgraph.graphql instead."""

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        parent = self.context.get_parent_type()
        if node.name.value == "_service" and parent is not None and parent is self.context.schema.query_type:
            self.report_error(
                GraphQLError(
                    "GraphQL introspection has been disabled, and with it the subgraph's `_service`.",
                    node,
                )
            )


def validation_rules(max_mutations: int, introspection: bool) -> list[type[ASTValidationRule]]:
    rules = [*specified_rules, max_mutations_rule(max_mutations)]
    if not introspection:
        rules += [NoSchemaIntrospectionCustomRule, NoSubgraphSdlRule]
    return rules

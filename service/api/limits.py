"""Protection against abusive queries, checked before any Cypher runs.

Depth, aliases and tokens are counted on the document; the cost is GitHub's node limit: the
number of items the query could return, the product of page sizes down every branch (plain
object lists count ten items each). Over any limit the request gets QUERY_TOO_COMPLEX with the
figures; under it, `extensions.cost` tells the client what the query cost.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.language import Lexer, Source, TokenKind
from graphql.utilities import value_from_ast_untyped
from strawberry.extensions import SchemaExtension

from service.graph.query.paging import DEFAULT_PAGE, MAX_PAGE

PLAIN_LIST_FACTOR = 10
# Analytics fields: the most items each can return, counted like a page; the lists inside their
# results are part of that count.
ANALYTICS_ITEMS = {
    "supplyChain": 500,
    "exposure": 500,
    "connections": 20 * 6,
    "rankings": 100,
    "circularFlows": 100 * 6,
}
ANALYTICS_TYPES = {
    "Tiers",
    "TierEntry",
    "Connections",
    "ConnectionPath",
    "PathStep",
    "CircularFlows",
    "CircularFlow",
    "FlowStep",
    "CompanyStats",
}


@dataclass
class Cost:
    nodes: int = 0
    depth: int = 0
    aliases: int = 0
    tokens: int = 0


def count_tokens(query: str, stop_after: int) -> int:
    lexer, count = Lexer(Source(query)), 0
    while lexer.advance().kind != TokenKind.EOF and count <= stop_after:
        count += 1
    return count


class _Walker:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, Any], variables: dict[str, Any]) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.cost = Cost()

    def fields(
        self, selection_set: SelectionSetNode | None, seen: frozenset[str] = frozenset()
    ) -> Iterator[FieldNode]:
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, FieldNode):
                yield node
            elif isinstance(node, InlineFragmentNode):
                yield from self.fields(node.selection_set, seen)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                fragment = self.fragments.get(node.name.value)
                if fragment is not None:
                    yield from self.fields(fragment.selection_set, seen | {node.name.value})

    def _page(self, node: FieldNode) -> int:
        argument = next((a for a in node.arguments or () if a.name.value == "first"), None)
        if argument is None:
            return DEFAULT_PAGE
        value = (
            self.variables.get(argument.value.name.value)
            if isinstance(argument.value, VariableNode)
            else value_from_ast_untyped(argument.value, self.variables)
        )
        return min(value, MAX_PAGE) if isinstance(value, int) and value >= 0 else DEFAULT_PAGE

    def walk(self, selection_set: SelectionSetNode | None, parent: Any, multiplier: int, depth: int) -> None:
        self.cost.depth = max(self.cost.depth, depth)
        for node in self.fields(selection_set):
            if node.alias is not None:
                self.cost.aliases += 1
            named = self._field_type(parent, node.name.value)
            if named is None or node.selection_set is None:
                continue
            graphql_type, is_list = named
            factor = 1
            parent_name = getattr(parent, "name", "")
            if node.name.value in ANALYTICS_ITEMS and parent_name == "Query":
                factor = ANALYTICS_ITEMS[node.name.value]
                self.cost.nodes += multiplier * factor
            elif parent_name in ANALYTICS_TYPES:
                factor = 1
            elif graphql_type.name.endswith("Connection"):
                factor = self._page(node)
                self.cost.nodes += multiplier * factor
            elif is_list and not parent_name.endswith("Connection"):
                # A connection's edges and nodes are its page, already counted above.
                factor = PLAIN_LIST_FACTOR
            self.walk(node.selection_set, graphql_type, multiplier * factor, depth + 1)

    def _field_type(self, parent: Any, name: str) -> tuple[Any, bool] | None:
        fields = getattr(parent, "fields", None)
        if not fields or name not in fields:
            return None  # unions, interfaces' fragments and __typename: counted via their fields
        graphql_type, is_list = fields[name].type, False
        while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
            is_list = is_list or isinstance(graphql_type, GraphQLList)
            graphql_type = graphql_type.of_type
        return graphql_type, is_list


def measure(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: dict[str, Any],
    query: str,
    max_tokens: int,
    tokens: int | None = None,
) -> Cost:
    """The operation's cost; `tokens`, when the caller has counted them already (they depend on
    the text alone), saves lexing the query again."""
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next(
        (o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)), None
    )
    walker = _Walker(schema, fragments, variables or {})
    if operation is not None:
        root = schema.get_root_type(operation.operation)
        if isinstance(root, GraphQLObjectType):
            walker.walk(operation.selection_set, root, 1, 1)
    walker.cost.tokens = count_tokens(query, max_tokens) if tokens is None else tokens
    return walker.cost


class QueryLimits(SchemaExtension):
    """Rejects over-limit operations before execution; reports cost and statement count."""

    def __init__(self, *, max_depth: int, max_aliases: int, max_tokens: int, max_cost: int) -> None:
        self.limits = {"depth": max_depth, "aliases": max_aliases, "tokens": max_tokens, "nodes": max_cost}
        self.cost: Cost | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.query is not None:
            self.cost = measure(
                context.schema._schema,
                context.graphql_document,
                context.operation_name,
                context.variables or {},
                context.query,
                self.limits["tokens"],
            )
            over = [name for name, limit in self.limits.items() if getattr(self.cost, name) > limit]
            if over:
                figures = ", ".join(f"{n} {getattr(self.cost, n)} > {self.limits[n]}" for n in over)
                context.result = GraphQLExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"Query too complex: {figures}. Ask for smaller pages or fewer levels.",
                            extensions={
                                "code": "QUERY_TOO_COMPLEX",
                                "cost": vars(self.cost),
                                "limits": self.limits,
                            },
                        )
                    ],
                )
        yield

    def get_results(self) -> dict[str, Any]:
        results: dict[str, Any] = {}
        if self.cost is not None:
            results["cost"] = {**vars(self.cost), "limit": self.limits["nodes"]}
        statements = getattr(self.execution_context.context, "statements", None)
        if statements is not None:
            results["statements"] = statements
        return results

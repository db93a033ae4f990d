"""The compiled fast path: run an operation's statements and serialise their maps directly.

Every compiled root field already returns a map shaped like its response, so walking it again
field by field in graphql-core (about 4-5 µs per value) would only repeat work. For operations
this path covers, the document is parsed and validated once and cached; each request then
coerces its variables, checks the limits, compiles and runs one statement per root field, and
passes the maps through a shaper built from the selection: keys in selection order, leaves
coerced by the schema's own scalar and enum types, hidden keys dropped, non-null checked.

Anything else returns None and the caller runs the ordinary strawberry execution, which stays
the reference: introspection, `stats`, mutations, invalid documents, variables that do not
coerce, limits exceeded, a compile or database error, a null where the schema forbids one. A
test runs every example both ways and compares the bytes.
"""

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    is_abstract_type,
    is_leaf_type,
    parse,
    specified_rules,
)
from graphql.execution.values import get_argument_values, get_variable_values
from neo4j import AsyncDriver
from strawberry.schema.schema import validate_document

from service.api.limits import count_tokens, measure
from service.api.roots import ROOTS, compile_root
from service.api.selection import SelectionReader, included, operation_variables
from service.graph.query.compiler import TYPE_KEY, Statement
from service.graph.query.selection import Selection, merged
from service.graph.reads import read_result
from service.settings import Settings

PLAN_CACHE_SIZE = 512
PREPARED_PER_PLAN = 16
# Only small documents and variable sets are kept, so the caches stay under about 200 MB
# even when every request is new and as large as API_MAX_BODY_BYTES allows.
CACHED_QUERY_CHARS = 20_000
CACHED_VARIABLES_BYTES = 4_096

Shaper = Callable[[Any], Any]


class NotCovered(Exception):
    """This request takes the ordinary execution (the reason is for logs and tests)."""


@dataclass(frozen=True)
class Prepared:
    """One plan with one set of variables, ready to run: (response key, statement or None for
    `__typename`, shaper) per root field, the cost to report and the statement count."""

    fields: list[tuple[str, Statement | None, Shaper]]
    cost: dict[str, int]
    statements: int


@dataclass(frozen=True)
class Plan:
    """A parsed, validated query operation whose root fields are all compiled."""

    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    fields: tuple[FieldNode, ...]
    tokens: int  # lexical tokens of the query text (counted once, for the token limit)
    # Requests repeat their variables (dashboards, retries, pagination back and forth): what
    # depends only on them is kept, a few sets per plan.
    prepared: dict[bytes, Prepared] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Outcome:
    payload: dict[str, Any]
    statements: int


class FastPath:
    def __init__(self, schema: GraphQLSchema, settings: Settings) -> None:
        self.schema = schema
        self.settings = settings
        self.limits = {
            "depth": settings.api_max_depth,
            "aliases": settings.api_max_aliases,
            "tokens": settings.api_max_tokens,
            "nodes": settings.api_max_cost,
        }
        query_type = schema.query_type
        assert query_type is not None
        self.query_type: GraphQLObjectType = query_type
        self.shapes = Shapes(schema)
        self._plans: OrderedDict[tuple[str, str | None], tuple[Plan | None, str | None]] = OrderedDict()

    # -- planning (once per document and operation name) -----------------------------------

    def plan(self, query: str, operation_name: str | None) -> tuple[Plan | None, str | None]:
        """The cached plan (None: not covered) and the operation's name, for metrics."""
        if len(query) > CACHED_QUERY_CHARS:
            return self._make_plan(query, operation_name)  # planned, but not kept: memory stays bounded
        key = (query, operation_name)
        if key in self._plans:
            self._plans.move_to_end(key)
            return self._plans[key]
        made = self._make_plan(query, operation_name)
        self._plans[key] = made
        if len(self._plans) > PLAN_CACHE_SIZE:
            self._plans.popitem(last=False)
        return made

    def _make_plan(self, query: str, operation_name: str | None) -> tuple[Plan | None, str | None]:
        try:
            document = parse(query)
        except GraphQLError:
            return None, operation_name
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if operation_name is not None:
            operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
        if len(operations) != 1:
            return None, operation_name
        operation = operations[0]
        name = operation.name.value if operation.name else None
        if operation.operation is not OperationType.QUERY:
            return None, name
        if validate_document(self.schema, document, tuple(specified_rules)):
            return None, name
        plan = self._covered(query, document, operation)
        return plan, name

    def _covered(self, query: str, document: DocumentNode, operation: OperationDefinitionNode) -> Plan | None:
        fields = []
        for node in operation.selection_set.selections:
            # Root fragments and repeated response keys are rare; the ordinary path merges them.
            if not isinstance(node, FieldNode) or (
                node.name.value not in ROOTS and node.name.value != "__typename"
            ):
                return None
            assert isinstance(node, FieldNode)
            fields.append(node)
        keys = [(n.alias or n.name).value for n in fields]
        if len(set(keys)) != len(keys):
            return None
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        tokens = count_tokens(query, self.limits["tokens"])
        return Plan(document, operation, fragments, tuple(fields), tokens)

    # -- execution ---------------------------------------------------------------------------

    async def execute(
        self,
        driver: AsyncDriver,
        plan: Plan,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any],
    ) -> Outcome:
        """The response payload, or NotCovered for the ordinary execution to handle."""
        memo = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
        prepared = plan.prepared.get(memo)
        if prepared is None:
            prepared = self._prepare(plan, query, operation_name, variables)
            if len(memo) <= CACHED_VARIABLES_BYTES:
                if len(plan.prepared) >= PREPARED_PER_PLAN:
                    plan.prepared.clear()
                plan.prepared[memo] = prepared
        work = [
            _constant(self.query_type.name) if statement is None else self._run(driver, statement, shape)
            for _, statement, shape in prepared.fields
        ]
        try:
            # One root field (the usual case) needs no task: gather would wrap it in one.
            values = [await work[0]] if len(work) == 1 else await asyncio.gather(*work)
        except NotCovered:
            raise
        except Exception as error:
            raise NotCovered(f"run: {error!r}") from error
        payload = {
            "data": dict(zip([key for key, _, _ in prepared.fields], values, strict=True)),
            "extensions": {"cost": prepared.cost, "statements": prepared.statements},
        }
        return Outcome(payload, prepared.statements)

    def _prepare(
        self, plan: Plan, query: str, operation_name: str | None, variables: dict[str, Any]
    ) -> "Prepared":
        """Everything a request needs before Neo4j: variables coerced, limits checked, statements
        compiled, shapers built. A pure function of the plan and the variables, so it is memoised."""
        coerced = get_variable_values(self.schema, plan.operation.variable_definitions or (), variables)
        if isinstance(coerced, list):
            raise NotCovered("variables do not coerce")
        cost = measure(
            self.schema, plan.document, operation_name, variables, query, self.limits["tokens"], plan.tokens
        )
        if any(getattr(cost, name) > limit for name, limit in self.limits.items()):
            raise NotCovered("over a limit")
        raw = operation_variables(plan.operation, variables)
        reader = SelectionReader(plan.fragments, raw)
        fields: list[tuple[str, Statement | None, Shaper]] = []
        for node in plan.fields:
            if not included(node, raw):
                continue
            key = (node.alias or node.name).value
            if node.name.value == "__typename":
                fields.append((key, None, _fixed(self.query_type.name)))
                continue
            definition = self.query_type.fields[node.name.value]
            selection = reader.field(node, None)
            try:
                args = get_argument_values(definition, node, coerced)
                statement = compile_root(node.name.value, selection, args)
            except Exception as error:  # the ordinary path reports it with its code
                raise NotCovered(f"compile: {error}") from error
            fields.append((key, statement, self.shapes.of(definition.type, selection.children)))
        statements = sum(1 for _, statement, _ in fields if statement is not None)
        return Prepared(fields, {**vars(cost), "limit": self.limits["nodes"]}, statements)

    async def _run(self, driver: AsyncDriver, statement: Any, shape: Shaper) -> Any:
        settings = self.settings
        result = await read_result(driver, settings.neo4j_database, statement, settings.neo4j_query_timeout)
        return shape(result)


async def _constant(value: str) -> str:
    return value


# -- shaping -----------------------------------------------------------------------------------


class Shapes:
    """Builds, from a selection, the function that turns a compiled map into the response."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema

    def of(self, graphql_type: GraphQLOutputType, selections: list[Selection]) -> Shaper:
        if isinstance(graphql_type, GraphQLNonNull):
            inner = self.of(graphql_type.of_type, selections)

            def non_null(value: Any) -> Any:
                if value is None:
                    raise NotCovered("null in a non-null field")
                return inner(value)

            return non_null
        if isinstance(graphql_type, GraphQLList):
            item = self.of(graphql_type.of_type, selections)
            return lambda value: None if value is None else [item(v) for v in value]
        if is_leaf_type(graphql_type):
            return _leaf(graphql_type)
        if is_abstract_type(graphql_type):
            return self._abstract(graphql_type, selections)
        assert isinstance(graphql_type, GraphQLObjectType)
        return self._object(graphql_type, selections)

    def _object(self, object_type: GraphQLObjectType, selections: list[Selection]) -> Shaper:
        entries: list[tuple[str, str, Shaper]] = []
        for selection in merged([s for s in selections if s.on is None or s.on == object_type.name]):
            if selection.name == "__typename":
                entries.append((selection.key, selection.name, _fixed(object_type.name)))
                continue
            field = object_type.fields[selection.name]
            entries.append((selection.key, selection.name, self.of(field.type, selection.children)))

        def shape(value: Any) -> Any:
            if value is None:
                return None
            if not isinstance(value, dict):
                raise NotCovered("object is not a map")
            # Compiled maps are keyed by response key; fixed-shape maps (figures) by field name.
            return {key: fn(value[key] if key in value else value.get(name)) for key, name, fn in entries}

        return shape

    def _abstract(self, abstract_type: Any, selections: list[Selection]) -> Shaper:
        concrete: dict[str, Shaper] = {}

        def shape(value: Any) -> Any:
            if value is None:
                return None
            type_name = value.get(TYPE_KEY) if isinstance(value, dict) else None
            shaper = concrete.get(type_name) if isinstance(type_name, str) else None
            if shaper is None:
                object_type = self.schema.get_type(type_name) if isinstance(type_name, str) else None
                if not isinstance(object_type, GraphQLObjectType) or not self.schema.is_sub_type(
                    abstract_type, object_type
                ):
                    raise NotCovered(f"abstract value of type {type_name!r}")
                shaper = concrete[object_type.name] = self._object(object_type, selections)
            return shaper(value)

        return shape


def _fixed(value: str) -> Shaper:
    return lambda _: value


def _leaf(leaf_type: Any) -> Shaper:
    coerce = leaf_type.coerce_output_value

    def leaf(value: Any) -> Any:
        if value is None:
            return None
        out = coerce(value)
        if out is None:
            raise NotCovered("leaf did not coerce")
        return out

    return leaf

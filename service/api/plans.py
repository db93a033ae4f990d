"""A document planned once: parsed, measured, validated, its operation chosen.

Plans are cached by (document, operation name); only small documents are kept, so memory
stays bounded however many distinct documents callers send. A document that fails is cached
as its failure, so a client repeating a bad request costs nothing more.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    parse,
    validate,
)

from service.api.errors import error_entry
from service.api.limits import count_fields, count_tokens, shape_of
from service.api.rules import validation_rules
from service.errors import ErrorCode

PLAN_CACHE_SIZE = 512
CACHED_QUERY_CHARS = 20_000


@dataclass(frozen=True)
class Limits:
    depth: int
    aliases: int
    tokens: int
    fields: int
    nodes: int
    mutations: int


@dataclass
class Plan:
    """A valid operation of a document, ready to be run with any variables."""

    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    kind: OperationType
    name: str | None
    depth: int
    aliases: int
    tokens: int
    # Requests repeat their variables (dashboards, retries, paging back and forth): what
    # depends only on them is kept, a few sets per plan.
    prepared: dict[bytes, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """Why a document cannot run: request errors (no `data`), with the HTTP status they carry."""

    errors: list[dict[str, Any]]
    status: int
    name: str | None = None


class Planner:
    def __init__(self, schema: GraphQLSchema, limits: Limits, introspection: bool) -> None:
        self.schema = schema
        self.limits = limits
        self.hide_suggestions = not introspection
        self.rules = validation_rules(limits.mutations, introspection)
        self._plans: OrderedDict[tuple[str, str | None], Plan | Refusal] = OrderedDict()

    def plan(self, query: str, operation_name: str | None) -> Plan | Refusal:
        if len(query) > CACHED_QUERY_CHARS:
            return self._make(query, operation_name)  # planned, but not kept: memory stays bounded
        key = (query, operation_name)
        if key in self._plans:
            self._plans.move_to_end(key)
            return self._plans[key]
        made = self._plans[key] = self._make(query, operation_name)
        if len(self._plans) > PLAN_CACHE_SIZE:
            self._plans.popitem(last=False)
        return made

    def _make(self, query: str, operation_name: str | None) -> Plan | Refusal:
        try:
            document = parse(query, max_tokens=self.limits.tokens)
        except GraphQLError as error:
            if "tokens" in error.message and "Parsing aborted" in error.message:
                return _too_complex(f"tokens > {self.limits.tokens}")
            return Refusal([_graphql_error(error, ErrorCode.GRAPHQL_PARSE_FAILED)], 400)
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        chosen = [
            o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)
        ]
        if len(chosen) != 1:
            message = (
                f"No operation named {operation_name!r} in the document."
                if operation_name is not None
                else "The document has several operations: say which to run with operationName."
            )
            if not operations:
                message = "The document has no operation."
            return Refusal([error_entry(message, ErrorCode.BAD_REQUEST)], 400, operation_name)
        operation = chosen[0]
        name = operation.name.value if operation.name else None
        fields = count_fields(document, operation, self.limits.fields)
        if fields > self.limits.fields:
            return _too_complex(f"fields > {self.limits.fields}", name)
        errors = validate(
            self.schema, document, self.rules, max_errors=20, hide_suggestions=self.hide_suggestions
        )
        if errors:
            return Refusal(
                [_graphql_error(e, ErrorCode.GRAPHQL_VALIDATION_FAILED) for e in errors], 400, name
            )
        depth, aliases = shape_of(document, operation)
        tokens = count_tokens(query)
        over = [
            f"{what} {value} > {limit}"
            for what, value, limit in (
                ("depth", depth, self.limits.depth),
                ("aliases", aliases, self.limits.aliases),
            )
            if value > limit
        ]
        if over:
            return _too_complex(", ".join(over), name)
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        return Plan(document, operation, fragments, operation.operation, name, depth, aliases, tokens)


def _graphql_error(error: GraphQLError, default: str) -> dict[str, Any]:
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    code = (error.extensions or {}).get("code") or default
    formatted["extensions"] = {"code": str(code)}
    return formatted


def _too_complex(figures: str, name: str | None = None) -> Refusal:
    message = f"Query too complex: {figures}. Ask for smaller pages, fewer fields or fewer levels."
    return Refusal([error_entry(message, ErrorCode.QUERY_TOO_COMPLEX)], 400, name)

"""A document planned once: parsed, measured, validated, its operation chosen.

Plans are cached by (document, operation name); only small documents are kept, so memory
stays bounded however many distinct documents callers send. A document that fails is cached
as its failure, so a client repeating a bad request costs nothing more.

Planning a new document is CPU work bounded by the limits (tokens, then fields, depth, aliases
and the overlap count, each measured before validation, whose cost they bound). It runs on one
worker thread, not on the event loop: a burst of new documents queues there while the loop
goes on answering requests whose plans are cached, losing it for one GIL switch interval at
most (5 ms) at a time.
"""

import asyncio
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
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
from service.api.limits import count_fields, release_tokens, shape_of
from service.api.overlaps import overlap_checks
from service.api.rules import validation_rules
from service.errors import ErrorCode

PLAN_CACHE_SIZE = 512
CACHED_QUERY_CHARS = 20_000
# Cached plans keep their syntax trees, a few objects per token, which every full garbage
# collection scans: the cache holds at most this many tokens of them (a typical client
# document has 50 to 500), so a flood of large documents cannot make those pauses long.
PLAN_CACHE_TOKENS = 20_000


@dataclass(frozen=True)
class Limits:
    depth: int
    aliases: int
    tokens: int
    fields: int
    overlaps: int
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
        self._tokens = 0  # of the documents whose syntax trees the cache holds
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphql-plan")

    async def plan(self, query: str, operation_name: str | None) -> Plan | Refusal:
        """The plan of a document, from the cache or made on the planning thread."""
        key = (query, operation_name)
        if (known := self._plans.get(key)) is not None:
            self._plans.move_to_end(key)
            return known
        made = await asyncio.get_running_loop().run_in_executor(
            self._worker, self.make, query, operation_name
        )
        if len(query) <= CACHED_QUERY_CHARS:  # larger ones are planned but not kept
            self._plans[key] = made
            self._tokens += _tokens(made)
            while len(self._plans) > PLAN_CACHE_SIZE or self._tokens > PLAN_CACHE_TOKENS:
                self._tokens -= _tokens(self._plans.popitem(last=False)[1])
        return made

    def make(self, query: str, operation_name: str | None) -> Plan | Refusal:
        """Plans a document now, in the calling thread (the engine calls it on the planning thread)."""
        try:
            document = parse(query, max_tokens=self.limits.tokens)
        except GraphQLError as error:
            if "tokens" in error.message and "Parsing aborted" in error.message:
                return _too_complex(f"tokens > {self.limits.tokens}")
            return Refusal([_graphql_error(error, ErrorCode.GRAPHQL_PARSE_FAILED)], 400)
        tokens = release_tokens(document)
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
        depth, aliases = shape_of(document, operation)
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
        if overlap_checks(document, self.limits.overlaps) > self.limits.overlaps:
            return _too_complex(
                f"overlapping fields > {self.limits.overlaps} (the same field selected many times "
                "in one place; select it once)",
                name,
            )
        errors = validate(
            self.schema, document, self.rules, max_errors=20, hide_suggestions=self.hide_suggestions
        )
        if errors:
            return Refusal(
                [_graphql_error(e, ErrorCode.GRAPHQL_VALIDATION_FAILED) for e in errors], 400, name
            )
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        return Plan(document, operation, fragments, operation.operation, name, depth, aliases, tokens)


def _tokens(made: Plan | Refusal) -> int:
    return made.tokens if isinstance(made, Plan) else 1


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

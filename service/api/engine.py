"""The one engine: every GraphQL request, query or mutation, runs here.

graphql-core parses, validates and coerces (variables with `get_variable_values`, arguments
with `get_argument_values`), so the values the compiler sees are the spec's; the compiler
turns each root field into one statement; the statement's map, already shaped like the answer,
is checked against the schema and serialised (`service.api.shaping`). A persisted operation's
hash leads to its plan directly (`service.api.persisted`): no parsing or validation at all.
Introspection fields are the one part graphql-core executes itself. Mutations run in order,
each in its own write transaction, after the caller's role has been checked for all of them.

A request that cannot run (unparseable, invalid, bad variables, over a limit, not allowed)
gets request errors and no `data`; a field that fails gets an error at its path and null.
"""

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    execute_sync,
    is_non_null_type,
)
from graphql.execution.values import VariableValues, get_variable_values

from service.api.errors import classify, error_entry
from service.api.follows import Call, FollowOptions
from service.api.limits import nodes_cost
from service.api.mutating import authorize, mutate
from service.api.outcomes import Prepared, Read, Result, RootField, answer, refused
from service.api.persisted import ManifestOperation, Persisted
from service.api.plans import Limits, Plan, Planner, Refusal
from service.api.roots import Root
from service.api.schema import Api
from service.api.selections import SelectionReader, included
from service.api.shaping import ShapeError, Shapes
from service.api.streams import FeedHead, SharedReads, change_stream, expired_cursor, missing_watch
from service.compiler import new_compiler
from service.compiler.filters import FilterLimits
from service.compiler.selection import Selection
from service.domain.roles import Principal
from service.errors import ErrorCode
from service.graph import edits

PREPARED_PER_PLAN = 16
CACHED_VARIABLES_BYTES = 4_096
_INTROSPECTION = ("__schema", "__type")


class Engine:
    def __init__(
        self,
        api: Api,
        limits: Limits,
        filter_limits: FilterLimits,
        introspection: bool,
        follow_options: FollowOptions | None = None,
        manifest: list[ManifestOperation] | None = None,
        persisted_only: bool = False,
        manifest_source: str = "the manifest",
    ) -> None:
        self.api = api
        self.follow_options = follow_options or FollowOptions(filter_limits)
        # The fields that need a key's role: every mutation, and the follow fields of Query.
        self.roles = {name: m.role for name, m in api.mutations.items()} | {
            name: f.role for name, f in api.follows.items()
        }
        self.schema: GraphQLSchema = api.schema
        self.limits = limits
        self.filter_limits = filter_limits
        self.hide_suggestions = not introspection
        self.planner = Planner(self.schema, limits, introspection)
        # Persisted operations resolve to their plans through here (raises ManifestError).
        self.persisted = Persisted(self.planner, manifest, persisted_only, introspection, manifest_source)
        self.shapes = Shapes(self.schema)
        self._shared: SharedReads | None = None  # the subscriptions' reads, shared per process

    async def subscribe(
        self,
        query: str | None,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        *,
        read: Read,
        feed: FeedHead,
        extensions: dict[str, Any] | None = None,
    ) -> Result | AsyncGenerator[dict[str, Any], None]:
        """A subscription's stream of results, or the Result that refuses it."""
        plan = await self.persisted.plan(query, operation_name, extensions)
        if isinstance(plan, Refusal):
            return refused(plan.errors, plan.status, plan.name)
        if plan.kind is not OperationType.SUBSCRIPTION:
            message = "This stream serves subscriptions; send queries and mutations to /graphql."
            return refused([error_entry(message, ErrorCode.BAD_REQUEST)], 400, plan.name)
        prepared = self._prepared(plan, variables or {})
        if isinstance(prepared, Result):
            return prepared
        [root] = prepared.fields  # validation allows a subscription one root field
        if root.error is not None:
            return refused([error_entry(root.error[1], root.error[0], [root.key])], 400, plan.name)
        if self._shared is None:
            self._shared = SharedReads(read)
        return change_stream(
            root, self.api.queries["changes"], self.filter_limits, self._shared, feed, asyncio.sleep
        )

    async def execute(
        self,
        query: str | None,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        *,
        principal: Principal | None,
        read: Read,
        store: edits.Store,
        read_only: bool = False,
        feed: FeedHead | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> Result:
        """Answers one request: `query` is None when `extensions.persistedQuery` names it."""
        plan = await self.persisted.plan(query, operation_name, extensions)
        if isinstance(plan, Refusal):
            return refused(plan.errors, plan.status, plan.name)
        if read_only and plan.kind is not OperationType.QUERY:
            message = f"A {plan.kind.value} cannot be sent with GET; use POST."
            return refused([error_entry(message, ErrorCode.METHOD_NOT_ALLOWED)], 405, plan.name)
        if plan.kind is OperationType.SUBSCRIPTION:
            message = (
                "Subscriptions are served as a stream: POST with Accept: text/event-stream "
                "(graphql-sse) or a WebSocket to /graphql (graphql-transport-ws)."
            )
            return refused([error_entry(message, ErrorCode.BAD_REQUEST)], 400, plan.name)
        prepared = self._prepared(plan, variables or {})
        if isinstance(prepared, Result):
            return prepared
        refusal = authorize(self.roles, prepared, principal)
        if refusal is not None:
            refusal.operation = plan.name
            return refusal
        if plan.kind is OperationType.MUTATION:
            return await mutate(
                self.api.mutations,
                self.api.follows,
                self.follow_options,
                plan,
                prepared,
                principal,
                read,
                store,
            )
        return await self._query(plan, prepared, variables or {}, read, feed, (store, principal))

    # -- preparing (once per plan and set of variables) --------------------------------------------

    def _prepared(self, plan: Plan, variables: dict[str, Any]) -> Prepared | Result:
        try:
            memo: bytes | None = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # nested past orjson's depth: coercion will say so
            memo = None
        if memo is not None and (found := plan.prepared.get(memo)) is not None:
            return found  # type: ignore[no-any-return]
        coerced = get_variable_values(
            self.schema,
            plan.operation.variable_definitions or (),
            variables,
            max_errors=20,
            hide_suggestions=self.hide_suggestions,
        )
        if isinstance(coerced, list):
            errors = [error_entry(e.message, ErrorCode.BAD_USER_INPUT) for e in coerced]
            return refused(errors, 400, plan.name)
        prepared = self._prepare(plan, coerced)
        if isinstance(prepared, Result):
            return prepared
        if memo is not None and len(memo) <= CACHED_VARIABLES_BYTES and plan.kind is OperationType.QUERY:
            if len(plan.prepared) >= PREPARED_PER_PLAN:
                plan.prepared.clear()
            plan.prepared[memo] = prepared
        return prepared

    def _prepare(self, plan: Plan, variables: VariableValues) -> Prepared | Result:
        root_type = self.schema.get_root_type(plan.kind)
        assert isinstance(root_type, GraphQLObjectType)
        reader = SelectionReader(self.schema, plan.fragments, variables, self.hide_suggestions)
        fields: list[RootField] = []
        for key, nodes in _root_nodes(plan, variables).items():
            name = nodes[0].name.value
            if name.startswith("__"):
                fields.append(RootField(key, Selection(name, key), nodes))
                continue
            definition = root_type.fields[name]
            nullable = not is_non_null_type(definition.type)
            try:
                selections = [reader.field(node, root_type) for node in nodes]
                selection = Selection(
                    name, key, selections[0].args, [c for s in selections for c in s.children]
                )
            except Exception as error:  # an argument graphql-core could not coerce
                fields.append(
                    RootField(key, Selection(name, key), nodes, error=classify(error), nullable=nullable)
                )
                continue
            shaper = self.shapes.of(definition.type, selection.children)
            fields.append(RootField(key, selection, nodes, shaper, nullable=nullable))
        items = nodes_cost(self.schema, [f.selection for f in fields], root_type)
        cost = {"nodes": items, "depth": plan.depth, "aliases": plan.aliases, "tokens": plan.tokens}
        if items > self.limits.nodes:
            message = (
                f"Query too complex: nodes {items} > {self.limits.nodes}. "
                "Ask for smaller pages or fewer levels."
            )
            limits = {"nodes": self.limits.nodes, "depth": self.limits.depth, "aliases": self.limits.aliases}
            refusal = error_entry(message, ErrorCode.QUERY_TOO_COMPLEX, cost=cost, limits=limits)
            return refused([refusal], 400, plan.name, {**cost, "limit": self.limits.nodes})
        if plan.kind is OperationType.QUERY:
            fields = [self._compile(f) for f in fields]
        return Prepared(fields, {**cost, "limit": self.limits.nodes})

    def _compile(self, root: RootField) -> RootField:
        entry: Root | None = self.api.queries.get(root.selection.name)
        if entry is None or root.error is not None:
            return root
        try:
            statement = entry.compile(new_compiler(self.filter_limits), root.selection, root.selection.args)
        except Exception as error:
            return RootField(
                root.key, root.selection, root.nodes, error=classify(error), nullable=root.nullable
            )
        return RootField(root.key, root.selection, root.nodes, root.shaper, statement, nullable=root.nullable)

    # -- queries ---------------------------------------------------------------------------------

    async def _query(
        self,
        plan: Plan,
        prepared: Prepared,
        variables: dict[str, Any],
        read: Read,
        feed: FeedHead | None,
        caller: tuple[edits.Store, Principal | None],
    ) -> Result:
        result = Result({}, operation=plan.name)
        errors: list[dict[str, Any]] = []
        follows = {f.key for f in prepared.fields if f.error is None and f.selection.name in self.api.follows}
        compiled = [f for f in prepared.fields if f.statement is not None or f.key in follows]
        values: dict[str, Any] = {}
        if compiled:
            runs = [
                self._follow(f, read, caller) if f.key in follows else self._run(f, read, feed)
                for f in compiled
            ]
            done = [await runs[0]] if len(runs) == 1 else await asyncio.gather(*runs)
            for done_root, (ran, failed) in zip(compiled, done, strict=True):
                values[done_root.key] = ran
                if failed is not None:
                    errors.append(error_entry(failed[1], failed[0], [done_root.key]))
            result.statements = len(compiled)
        introspected = self._introspect(
            plan, [f for f in prepared.fields if f.selection.name in _INTROSPECTION], variables
        )
        data: dict[str, Any] | None = {}
        for root in prepared.fields:
            if root.selection.name == "__typename":
                value: Any = "Query"
            elif root.selection.name in self.api.answers and root.shaper is not None:
                value = root.shaper(self.api.answers[root.selection.name])
            elif root.error is not None:
                value = None
                errors.append(error_entry(root.error[1], root.error[0], [root.key]))
            elif root.selection.name in _INTROSPECTION:
                value, failure = introspected.get(root.key, (None, None))
                if failure:
                    errors.extend(failure)
            else:
                value = values.get(root.key)
            if value is None and not root.nullable:
                data = None
            if data is not None:
                data[root.key] = value
        return answer(result, data, errors, prepared.cost)

    async def _run(
        self, root: RootField, read: Read, feed: FeedHead | None
    ) -> tuple[Any, tuple[str, str] | None]:
        assert root.statement is not None and root.shaper is not None
        try:
            if root.selection.name == "changes":
                # The feed's cursors can outlive what it keeps: say so rather than skip silently.
                if feed and (gone := await expired_cursor(root.selection.args, feed)):
                    return None, (ErrorCode.CURSOR_EXPIRED, gone)
                if missing := await missing_watch(root.selection.args, lambda s: read(s, False)):
                    return None, (ErrorCode.NOT_FOUND, missing)
            value = await read(root.statement, False)
            entry = self.api.queries.get(root.selection.name)
            if entry is not None and entry.finish is not None:
                value = entry.finish(value, root.selection)
            return root.shaper(value), None
        except ShapeError as error:
            return None, classify(error, root.key)
        except Exception as error:
            return None, classify(error, root.key)

    async def _follow(
        self, root: RootField, read: Read, caller: tuple[edits.Store, Principal | None]
    ) -> tuple[Any, tuple[str, str] | None]:
        """A follow field of Query (`watches`, `webhooks`): answered for the caller's key."""
        store, principal = caller
        assert principal is not None and root.shaper is not None  # authorize() saw to it
        try:
            call = Call(store, read, principal, root.selection.args, self.follow_options)
            return root.shaper(await self.api.follows[root.selection.name].run(call)), None
        except Exception as error:
            return None, classify(error, root.key)

    def _introspect(
        self, plan: Plan, fields: list[RootField], variables: dict[str, Any]
    ) -> dict[str, tuple[Any, list[dict[str, Any]] | None]]:
        """`__schema` and `__type`, executed by graphql-core on a document of just those fields."""
        if not fields:
            return {}
        operation = OperationDefinitionNode(
            operation=OperationType.QUERY,
            variable_definitions=plan.operation.variable_definitions,
            selection_set=SelectionSetNode(selections=tuple(n for f in fields for n in f.nodes)),
        )
        document = DocumentNode(definitions=(operation, *plan.fragments.values()))
        executed = execute_sync(
            self.schema, document, variable_values=variables, hide_suggestions=self.hide_suggestions
        )
        failures = [error_entry(e.message, ErrorCode.BAD_USER_INPUT, e.path) for e in executed.errors or []]
        data = executed.data or {}
        return {f.key: (data.get(f.key), failures or None) for f in fields}


def _root_nodes(plan: Plan, variables: VariableValues) -> dict[str, tuple[FieldNode, ...]]:
    """The operation's root field nodes by response key, through root fragments, in order."""
    found: dict[str, list[FieldNode]] = {}

    def walk(selection_set: SelectionSetNode, seen: frozenset[str]) -> None:
        for node in selection_set.selections:
            if not included(node, variables):
                continue
            if isinstance(node, FieldNode):
                found.setdefault((node.alias or node.name).value, []).append(node)
            elif isinstance(node, InlineFragmentNode):
                walk(node.selection_set, seen)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                walk(plan.fragments[node.name.value].selection_set, seen | {node.name.value})

    walk(plan.operation.selection_set, frozenset())
    return {key: tuple(nodes) for key, nodes in found.items()}

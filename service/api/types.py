"""The GraphQL output types, built with graphql-core from the catalog (`service.domain.catalog`).

Nothing here lists a field: every entity, value and link object type, its connections and edges,
and every enum come from the declarations. `Registry` builds each named type once; the filter
and input modules and the root fields use the same registry, so the schema has one type per name.

No type has resolvers: the engine (`service.api.engine`) answers every field from the compiled
statement's result, so graphql-core only validates documents, coerces values and introspects.
"""

import datetime
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLError,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInputType,
    GraphQLInt,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
    GraphQLUnionType,
    StringValueNode,
    ValueNode,
)

from service.compiler.paging import MAX_PAGE
from service.domain.catalog import CATALOG, Catalog, Leaf, Named_, OutField, OutType
from service.domain.vocab import DEFINITIONS


def _date_value(value: Any) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value) if len(value) == 10 else _bad_date(value)
        except ValueError:
            pass
    raise GraphQLError(f"Date must be a date in the form YYYY-MM-DD, got {value!r}.")


def _bad_date(value: str) -> datetime.date:
    raise ValueError(value)


def _date_literal(node: ValueNode, _variables: Any = None) -> datetime.date:
    if not isinstance(node, StringValueNode):
        raise GraphQLError("Date must be a string in the form YYYY-MM-DD.", node)
    return _date_value(node.value)


def _date_output(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


DATE = GraphQLScalarType(
    "Date",
    description="A calendar date, ISO 8601 (YYYY-MM-DD). Partial dates come with a precision field "
    "and are stored as the first day of their period.",
    serialize=_date_output,
    parse_value=_date_value,
    parse_literal=_date_literal,
)


def _datetime_value(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str) and "T" in value:
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.tzinfo is not None:
                return moment
    raise GraphQLError(
        f"DateTime must be an RFC 3339 date and time with an offset (2025-11-20T09:30:00Z), got {value!r}."
    )


def _datetime_literal(node: ValueNode, _variables: Any = None) -> datetime.datetime:
    if not isinstance(node, StringValueNode):
        raise GraphQLError("DateTime must be a string such as 2025-11-20T09:30:00Z.", node)
    return _datetime_value(node.value)


def _datetime_output(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.datetime) else str(value)


DATETIME = GraphQLScalarType(
    "DateTime",
    description="A moment, RFC 3339 with an offset (2025-11-20T09:30:00Z).",
    serialize=_datetime_output,
    parse_value=_datetime_value,
    parse_literal=_datetime_literal,
)
LEAVES: dict[Leaf, GraphQLScalarType] = {
    Leaf.ID: GraphQLID,
    Leaf.STRING: GraphQLString,
    Leaf.INT: GraphQLInt,
    Leaf.FLOAT: GraphQLFloat,
    Leaf.BOOLEAN: GraphQLBoolean,
    Leaf.DATE: DATE,
}
FIRST = f"Page size: default 20, at most {MAX_PAGE}."
AFTER = "Items after this cursor (an `endCursor` of the same list and order)."
WHERE = "Filters (nested operators, AND/OR/NOT, some/none/all on related items)."
ORDER = "Ordering; ties are broken by id."


def non_null(kind: Any) -> Any:
    return GraphQLNonNull(kind)


def list_of(kind: Any) -> Any:
    return GraphQLNonNull(GraphQLList(GraphQLNonNull(kind)))


class Registry:
    """Builds every named type of the schema once, from the catalog."""

    def __init__(self, catalog: Catalog = CATALOG) -> None:
        self.catalog = catalog
        self.types: dict[str, GraphQLNamedType] = {"Date": DATE, "DateTime": DATETIME}
        # Fields other modules add to catalog types (the analytics' `Company.stats`).
        self.extra_fields: dict[str, dict[str, GraphQLField]] = {}
        # Set by the filter module: builds `<Type>Where` and `<Type>Order` inputs.
        self.where: Callable[[str], GraphQLInputType | None] = lambda _: None
        self.order: Callable[[str], GraphQLInputType | None] = lambda _: None

    def named(self, kind: Named_) -> Any:
        """The graphql-core type of a catalog type name, leaf or enum."""
        if isinstance(kind, Leaf):
            return LEAVES[kind]
        if isinstance(kind, type):
            return self.enum(kind)
        return self.output(kind)

    def enum(self, enum: type[StrEnum]) -> GraphQLEnumType:
        name = enum.__name__
        if name not in self.types:
            definitions = DEFINITIONS.get(enum, {})
            values = {
                member.name: GraphQLEnumValue(member, description=definitions.get(member)) for member in enum
            }
            self.types[name] = GraphQLEnumType(name, values, description=(enum.__doc__ or "").strip() or None)
        found = self.types[name]
        assert isinstance(found, GraphQLEnumType)
        return found

    def add(self, kind: GraphQLNamedType) -> Any:
        if kind.name in self.types:
            raise ValueError(f"type {kind.name} defined twice")
        self.types[kind.name] = kind
        return kind

    # -- objects -----------------------------------------------------------------------------

    def node_interface(self) -> GraphQLInterfaceType:
        if "Node" not in self.types:
            entity = next(t for t in self.catalog.outputs.values() if t.entity)
            shared = ("id", "version", "retracted", "retraction", "history")
            self.add(
                GraphQLInterfaceType(
                    "Node",
                    lambda: {name: self.field(entity.fields[name]) for name in shared},
                    description="Anything with a stable, human-readable id (a lower-case slug).",
                )
            )
        found = self.types["Node"]
        assert isinstance(found, GraphQLInterfaceType)
        return found

    def output(self, name: str) -> Any:
        if name in self.types:
            return self.types[name]
        if (union := self.catalog.unions.get(name)) is not None:
            members = union.members
            return self.add(
                GraphQLUnionType(
                    name, lambda: [self.output(m) for m in members], description=union.description
                )
            )
        out = self.catalog.outputs[name]
        interfaces = [self.node_interface()] if out.entity else []
        return self.add(
            GraphQLObjectType(
                name, lambda: self._fields(out), interfaces=interfaces, description=out.description or None
            )
        )

    def _fields(self, out: OutType) -> dict[str, GraphQLField]:
        fields = {name: self.field(out_field) for name, out_field in out.fields.items()}
        return {**fields, **self.extra_fields.get(out.name, {})}

    def field(self, out: OutField) -> GraphQLField:
        if out.connection is not None:
            return self._connection_field(out)
        kind = self.named(out.type)
        if out.list:
            kind = list_of(kind)
        elif not out.nullable:
            kind = non_null(kind)
        return GraphQLField(kind, description=out.description or None)

    def _connection_field(self, out: OutField) -> GraphQLField:
        assert out.connection is not None
        args: dict[str, GraphQLArgument] = {}
        where = self.where(out.where) if out.where else None
        if where is not None:
            args["where"] = GraphQLArgument(where, description=WHERE)
        order = self.order(out.order) if out.order else None
        if order is not None:
            args["orderBy"] = GraphQLArgument(order, description=ORDER)
        args["first"] = GraphQLArgument(non_null(GraphQLInt), default_value=20, description=FIRST)
        args["after"] = GraphQLArgument(GraphQLString, description=AFTER)
        connection = self.connection(out.connection, out.type, out.edge)
        return GraphQLField(non_null(connection), args=args, description=out.description or None)

    def connection(self, prefix: str, node: Named_, edge_field: OutField | None = None) -> GraphQLObjectType:
        name = f"{prefix}Connection"
        if name not in self.types:
            node_type = self.named(node)
            node_name = getattr(node_type, "name", str(node))
            edge_fields: dict[str, GraphQLField] = {
                "cursor": GraphQLField(non_null(GraphQLString), description="Cursor of this edge."),
                "node": GraphQLField(non_null(node_type), description=f"The {_words(node_name)}."),
            }
            if edge_field is not None:
                edge_fields[edge_field.name] = self.field(edge_field)
            edge = self.add(
                GraphQLObjectType(
                    f"{prefix}Edge", edge_fields, description=f"An edge to {_article(_words(node_name))}."
                )
            )
            self.add(
                GraphQLObjectType(
                    name,
                    lambda: {
                        "totalCount": GraphQLField(
                            non_null(GraphQLInt),
                            description="Number of items in the whole list (counted only when asked for).",
                        ),
                        "pageInfo": GraphQLField(non_null(self.page_info()), description="Paging state."),
                        "edges": GraphQLField(
                            list_of(edge), description="Items with their cursors and edge data."
                        ),
                        "nodes": GraphQLField(list_of(node_type), description="Items without cursors."),
                    },
                    description=f"A page of {_words(node_name)} items.",
                )
            )
        found = self.types[name]
        assert isinstance(found, GraphQLObjectType)
        return found

    def page_info(self) -> GraphQLObjectType:
        if "PageInfo" not in self.types:
            self.add(
                GraphQLObjectType(
                    "PageInfo",
                    {
                        "hasNextPage": GraphQLField(
                            non_null(GraphQLBoolean), description="True when more items follow `endCursor`."
                        ),
                        "hasPreviousPage": GraphQLField(
                            non_null(GraphQLBoolean),
                            description="True when this page was asked for with `after`.",
                        ),
                        "startCursor": GraphQLField(
                            GraphQLString, description="Cursor of the first item of this page."
                        ),
                        "endCursor": GraphQLField(
                            GraphQLString,
                            description="Cursor of the last item of this page; "
                            "pass it as `after` for the next page.",
                        ),
                    },
                    description="Pagination state of a connection (keyset cursors: stable under inserts).",
                )
            )
        found = self.types["PageInfo"]
        assert isinstance(found, GraphQLObjectType)
        return found

    def object(self, name: str) -> GraphQLObjectType:
        """An object type already in the registry (the analytics answers, Stats, ...)."""
        found = self.types[name]
        assert isinstance(found, GraphQLObjectType)
        return found

    def entity_types(self) -> list[GraphQLObjectType]:
        return [self.output(name) for name, out in self.catalog.outputs.items() if out.entity]

    def all_outputs(self) -> list[GraphQLOutputType]:
        return [self.output(name) for name in self.catalog.outputs]


def _words(name: str) -> str:
    return name.lower()


def _article(noun: str) -> str:
    return f"an {noun} item" if noun == "evidence" else f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"

"""Turns a compiled statement's result into the response value of its field, without walking it
field by field in graphql-core.

Every compiled root field returns a map already shaped like its response, so graphql-core's
per-value execution (about 4-5 µs per value) would only repeat work. A shaper, built once per
plan from the field's type and selection, puts keys in selection order, coerces leaves through
the schema's own scalar and enum types, resolves abstract types from the hidden type key and
checks non-null. A null where the schema forbids one is a bug in a statement, reported as
`ShapeError`.
"""

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    is_abstract_type,
    is_leaf_type,
)

from service.compiler.selection import Selection, merged
from service.compiler.statement import TYPE_KEY

Shaper = Callable[[Any], Any]


class ShapeError(Exception):
    """The statement's result does not fit the schema (a null in a non-null field, a bad value)."""


class Shapes:
    """Builds, from a selection, the function that turns a compiled map into the response."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema

    def of(self, graphql_type: GraphQLOutputType, selections: list[Selection]) -> Shaper:
        if isinstance(graphql_type, GraphQLNonNull):
            inner = self.of(graphql_type.of_type, selections)

            def non_null(value: Any) -> Any:
                if value is None:
                    raise ShapeError("null in a non-null field")
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
        return self.object(graphql_type, selections)

    def object(self, object_type: GraphQLObjectType, selections: list[Selection]) -> Shaper:
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
                raise ShapeError(f"{object_type.name} is not a map")
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
                    raise ShapeError(f"abstract value of type {type_name!r}")
                shaper = concrete[object_type.name] = self.object(object_type, selections)
            return shaper(value)

        return shape


def _fixed(value: str) -> Shaper:
    return lambda _: value


def _leaf(leaf_type: Any) -> Shaper:
    coerce = leaf_type.serialize

    def leaf(value: Any) -> Any:
        if value is None:
            return None
        out = coerce(value)
        if out is None:
            raise ShapeError(f"{leaf_type.name} value did not coerce")
        return out

    return leaf

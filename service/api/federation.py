"""Apollo Federation 2: what makes the API a subgraph a gateway (Apollo Router or Gateway, Cosmo,
Hive) can compose with others.

The executable schema gains what the subgraph spec asks for: `_service { sdl }`, answered from
the SDL printed once at start, and `_entities(representations:)`, compiled like any other root
field (`service.compiler.roots.entities`: one statement for all representations). The SDL that
`_service` returns is the public schema with the federation directives applied:

- `@key(fields: "id")` on every entity type (the catalog's, each with a stable id), so another
  subgraph can extend `Company` or point at a `Partnership` by its id alone;
- `@shareable` on `PageInfo`, the one value type other Relay-style subgraphs define identically;
  the other value types (`Money`, `Location`, ...) are ours alone and stay unshared, so a
  subgraph that defines one differently fails composition instead of merging silently;
- no `@inaccessible`: every field of the schema is public API, and the key-bound fields
  (`watches`, `webhooks`, the writes) answer only for the key the gateway forwards.

docs/federation.md says how to compose it.
"""

import re
from typing import Any

from graphql import (
    DirectiveLocation,
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLDirective,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLList,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    GraphQLUnionType,
    ValueNode,
    is_specified_scalar_type,
    print_type,
    value_from_ast_untyped,
)

from service.api.types import Registry, non_null
from service.domain.catalog import ENTITY_LABELS

SPEC = "https://specs.apollo.dev/federation/v2.3"
KEY = 'fields: "id"'
SHAREABLE = ("PageInfo",)
# What the subgraph spec adds to the executable schema; none of it is part of the SDL that
# `_service` returns (composition adds its own).
ROOT_FIELDS = ("_service", "_entities")
TYPES = ("_Any", "_Entity", "_Service", "FieldSet", "link__Import", "link__Purpose")

ENTITIES = (
    "The entities of the representations, in their order; null for an unknown, retracted or mistyped id."
)
REPRESENTATIONS = (
    "Entities to fetch, as a gateway sends them: `{__typename, id}` each (the key of every entity "
    "type is `id`), at most 1000."
)


def _any_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
    return value_from_ast_untyped(node, variables)


def install(registry: Registry) -> dict[str, GraphQLField]:
    """The subgraph's types in the registry, and its two root fields of Query."""
    any_scalar = registry.add(
        GraphQLScalarType(
            "_Any",
            description="A representation of an entity: an object with `__typename` and its key fields.",
            parse_value=lambda value: value,
            parse_literal=_any_literal,
        )
    )
    registry.add(
        GraphQLScalarType("FieldSet", description="Federation: a selection of fields, as in `@key(fields:)`.")
    )
    registry.add(GraphQLScalarType("link__Import", description="Federation: a name `@link` imports."))
    registry.add(
        GraphQLEnumType(
            "link__Purpose",
            {
                "SECURITY": GraphQLEnumValue(description="The linked spec affects security."),
                "EXECUTION": GraphQLEnumValue(description="The linked spec affects execution."),
            },
            description="Federation: why a `@link`ed spec matters to a gateway.",
        )
    )
    service = registry.add(
        GraphQLObjectType(
            "_Service",
            {"sdl": GraphQLField(GraphQLString, description="This subgraph's SDL, with its @key and @link.")},
            description="Federation: what a gateway reads to compose this subgraph.",
        )
    )
    entity = registry.add(
        GraphQLUnionType(
            "_Entity",
            lambda: [registry.output(name) for name in ENTITY_LABELS],
            description="Federation: every type with a @key (each entity type, keyed by id).",
        )
    )
    return {
        "_service": GraphQLField(non_null(service), description="Federation: this subgraph's SDL."),
        "_entities": GraphQLField(
            non_null(GraphQLList(entity)),
            args={
                "representations": GraphQLArgument(
                    non_null(GraphQLList(non_null(any_scalar))), description=REPRESENTATIONS
                )
            },
            description=f"Federation: entities by key, for a gateway. {ENTITIES}",
        ),
    }


def directives(registry: Registry) -> list[GraphQLDirective]:
    """The federation directives this subgraph applies, defined as the spec defines them."""
    field_set, link_import = registry.types["FieldSet"], registry.types["link__Import"]
    purpose = registry.types["link__Purpose"]
    assert isinstance(purpose, GraphQLEnumType)
    return [
        GraphQLDirective(
            "link",
            [DirectiveLocation.SCHEMA],
            {
                "url": GraphQLArgument(non_null(GraphQLString), description="The spec's URL."),
                "as": GraphQLArgument(GraphQLString, description="A prefix for its names."),
                "for": GraphQLArgument(purpose, description="Why it matters."),
                "import": GraphQLArgument(GraphQLList(link_import), description="Names used unprefixed."),
            },
            is_repeatable=True,
            description="Links a spec (here: federation) to the schema.",
        ),
        GraphQLDirective(
            "key",
            [DirectiveLocation.OBJECT, DirectiveLocation.INTERFACE],
            {
                "fields": GraphQLArgument(non_null(field_set), description="The key's fields."),
                "resolvable": GraphQLArgument(
                    GraphQLBoolean, default_value=True, description="Whether `_entities` resolves it."
                ),
            },
            is_repeatable=True,
            description="An entity and the fields that identify it.",
        ),
        GraphQLDirective(
            "shareable",
            [DirectiveLocation.OBJECT, DirectiveLocation.FIELD_DEFINITION],
            is_repeatable=True,
            description="Other subgraphs may resolve these fields too.",
        ),
    ]


def subgraph_sdl(schema: GraphQLSchema) -> str:
    """The SDL `_service { sdl }` returns: the schema as `make schema` prints it, without the
    federation's own additions, with `@link` and the directives applied."""
    parts = [f'extend schema @link(url: "{SPEC}", import: ["@key", "@shareable"])']
    for name, kind in sorted(schema.type_map.items()):
        if name.startswith("__") or name in TYPES or is_specified_scalar_type(kind):
            continue
        if kind is schema.query_type:
            assert isinstance(kind, GraphQLObjectType)
            kept = {n: f for n, f in kind.fields.items() if n not in ROOT_FIELDS}
            kind = GraphQLObjectType(kind.name, kept, description=kind.description)
        printed = print_type(kind)
        if name in ENTITY_LABELS:
            printed = _applied(printed, name, f"@key({KEY})")
        elif name in SHAREABLE:
            printed = _applied(printed, name, "@shareable")
        parts.append(printed)
    return "\n\n".join(parts) + "\n"


def _applied(printed: str, name: str, directive: str) -> str:
    header = re.compile(rf"^type {name}( implements [^{{]+?)? \{{$", re.MULTILINE)
    done, count = header.subn(lambda m: f"type {name}{m.group(1) or ''} {directive} {{", printed)
    assert count == 1, name
    return done

"""The GraphQL schema, assembled from the catalog's types, the query roots and the mutations.

`build_api()` returns the graphql-core schema together with the tables that say what each
root field does, which the engine (`service.api.engine`) runs. `sdl()` prints the schema as
`make schema` writes it to `service/api/schema.graphql`.
"""

from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from graphql import (
    GraphQLObjectType,
    GraphQLSchema,
    is_specified_scalar_type,
    print_type,
    specified_directives,
)

from service.api import aggregates, federation, filters, matching
from service.api.analytics_types import analytics_types
from service.api.follows import Follow, follow_fields
from service.api.mutations import Mutation, mutations
from service.api.roots import Root, change_subscription, query_roots
from service.api.types import Registry
from service.compiler import roots as compiled

SDL_FILE = "schema.graphql"  # package data of service.api
SUBGRAPH_FILE = "subgraph.graphql"  # what `_service { sdl }` answers, written beside it
SUPERGRAPH_FILE = "supergraph.graphql"  # the subgraph composed alone (@apollo/composition)


@dataclass(frozen=True)
class Api:
    schema: GraphQLSchema
    queries: dict[str, Root]
    mutations: dict[str, Mutation]
    follows: dict[str, Follow]  # watches and webhooks: fields of Query and Mutation run by key
    # Query fields whose value is known when the schema is built (`_service`), by name.
    answers: dict[str, Any] = field(default_factory=dict)


def build_api() -> Api:
    registry = Registry()
    filters.install(registry)
    aggregates.install(registry)
    analytics_types(registry)
    queries = query_roots(registry)
    queries.update(matching.install(registry))
    subgraph = federation.install(registry)
    queries["_entities"] = Root(subgraph["_entities"], compiled.entities)
    writes = mutations(registry)
    follow_queries, follow_mutations = follow_fields(registry)
    query = GraphQLObjectType(
        "Query",
        {
            **{name: root.field for name, root in queries.items()},
            **{name: follow.field for name, follow in follow_queries.items()},
            "_service": subgraph["_service"],
        },
        description="Entry points into the AI-infrastructure graph.",
    )
    mutation = GraphQLObjectType(
        "Mutation",
        {
            **{name: write.field for name, write in writes.items()},
            **{name: follow.field for name, follow in follow_mutations.items()},
        },
        description="Writes: each needs an API key (editor; retractions need admin).",
    )
    subscription = GraphQLObjectType(
        "Subscription",
        {"changes": change_subscription(registry)},
        description="Live streams, over Server-Sent Events (graphql-sse) or WebSocket "
        "(graphql-transport-ws).",
    )
    registry.all_outputs()  # every catalog type, reachable from a root or not
    schema = GraphQLSchema(
        query,
        mutation,
        subscription,
        types=list(registry.types.values()),
        directives=[*specified_directives, *federation.directives(registry)],
    )
    answers = {"_service": {"sdl": federation.subgraph_sdl(schema)}}
    return Api(schema, queries, writes, {**follow_queries, **follow_mutations}, answers)


def sdl(schema: GraphQLSchema) -> str:
    """The schema's SDL, types in name order, fields in declaration order."""
    named = [
        kind
        for name, kind in sorted(schema.type_map.items())
        if not name.startswith("__") and not is_specified_scalar_type(kind)
    ]
    return "\n\n".join(print_type(kind) for kind in named) + "\n"


def committed_sdl(name: str = SDL_FILE) -> str:
    """An SDL as committed (`make schema` writes them; tests keep them in line)."""
    return files("service.api").joinpath(name).read_text(encoding="utf-8")

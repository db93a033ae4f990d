"""The GraphQL schema, assembled from the catalog's types, the query roots and the mutations.

`build_api()` returns the graphql-core schema together with the tables that say what each
root field does, which the engine (`service.api.engine`) runs. `sdl()` prints the schema as
`make schema` writes it to `service/api/schema.graphql`.
"""

from dataclasses import dataclass
from importlib.resources import files

from graphql import GraphQLObjectType, GraphQLSchema, is_specified_scalar_type, print_type

from service.api import aggregates, filters
from service.api.analytics_types import analytics_types
from service.api.follows import Follow, follow_fields
from service.api.mutations import Mutation, mutations
from service.api.roots import Root, change_subscription, query_roots
from service.api.types import Registry

SDL_FILE = "schema.graphql"  # package data of service.api


@dataclass(frozen=True)
class Api:
    schema: GraphQLSchema
    queries: dict[str, Root]
    mutations: dict[str, Mutation]
    follows: dict[str, Follow]  # watches and webhooks: fields of Query and Mutation run by key


def build_api() -> Api:
    registry = Registry()
    filters.install(registry)
    aggregates.install(registry)
    analytics_types(registry)
    queries = query_roots(registry)
    writes = mutations(registry)
    follow_queries, follow_mutations = follow_fields(registry)
    query = GraphQLObjectType(
        "Query",
        {
            **{name: root.field for name, root in queries.items()},
            **{name: follow.field for name, follow in follow_queries.items()},
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
    schema = GraphQLSchema(query, mutation, subscription, types=list(registry.types.values()))
    return Api(schema, queries, writes, {**follow_queries, **follow_mutations})


def sdl(schema: GraphQLSchema) -> str:
    """The schema's SDL, types in name order, fields in declaration order."""
    named = [
        kind
        for name, kind in sorted(schema.type_map.items())
        if not name.startswith("__") and not is_specified_scalar_type(kind)
    ]
    return "\n\n".join(print_type(kind) for kind in named) + "\n"


def committed_sdl() -> str:
    """The SDL as committed (`make schema` writes it; a test keeps it in line)."""
    return files("service.api").joinpath(SDL_FILE).read_text(encoding="utf-8")

"""The GraphQL schema. Until the full API lands it answers one real question: graph counts."""

import strawberry
from strawberry.types import Info

from service.api.context import Context
from service.api.errors import TranslateErrors
from service.graph.stats import graph_counts


@strawberry.type(description="How many entities of each kind the graph holds.")
class Stats:
    companies: int
    people: int
    facilities: int
    partnerships: int
    sources: int
    events: int
    relationships: int


@strawberry.type
class Query:
    @strawberry.field(description="Counts of companies, people, facilities, partnerships and sources.")
    async def stats(self, info: Info[Context, None]) -> Stats:
        ctx = info.context
        counts = await graph_counts(ctx.driver, ctx.settings.neo4j_database, ctx.settings.neo4j_query_timeout)
        return Stats(**vars(counts))


schema = strawberry.Schema(query=Query, extensions=[TranslateErrors])

"""The GraphQL schema: root fields that each run one compiled Cypher statement.

Every object field below the root reads its value by response key from the statement's result
(see `_read_by_key`), so graphql-core only walks a ready-made tree.
"""

from typing import Annotated, Any

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLUnionType,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from service.api.analytics_types import (
    CircularFlows,
    Connections,
    Direction,
    FlowKind,
    RankingEntry,
    RankingKind,
    Tiers,
)
from service.api.context import Context
from service.api.entities import (
    Company,
    CompanyConnection,
    Facility,
    FacilityConnection,
    Partnership,
    PartnershipConnection,
    Person,
    PersonConnection,
    SourceConnection,
)
from service.api.errors import TranslateErrors
from service.api.inputs import (
    CompanyOrder,
    CompanyWhere,
    FacilityOrder,
    FacilityWhere,
    PartnershipOrder,
    PartnershipWhere,
    PersonOrder,
    PersonWhere,
    SourceOrder,
    SourceWhere,
)
from service.api.limits import QueryLimits
from service.api.mutations import Mutation
from service.api.roots import compile_root
from service.api.selection import KeepRawVariables, root_selection
from service.api.types import DATE_SCALAR, ENUMS, Date, Event, LinkKind, Node, PageInfo, Source, StatusEnum, f
from service.api.validation import access_rules
from service.graph.query.analytics import MAX_DEPTH
from service.graph.query.compiler import TYPE_KEY
from service.graph.query.paging import MAX_PAGE
from service.graph.reads import read_result
from service.graph.stats import graph_counts
from service.settings import Settings

SearchResult = Annotated[
    Company | Person | Facility | Partnership | Source,
    strawberry.union("SearchResult", description="Anything search can find."),
]


@strawberry.type(description="A search hit with its relevance.")
class SearchEdge:
    score: float = f("Full-text relevance; higher is better.")
    node: SearchResult = f("The entity found.")


@strawberry.type(description="Search hits, best first.")
class SearchConnection:
    page_info: PageInfo = f("Whether more hits exist beyond `first`.")
    edges: list[SearchEdge] = f("Hits with their scores.")
    nodes: list[SearchResult] = f("Hits without scores.")


@strawberry.type(description="How many entities of each kind the graph holds.")
class Stats:
    companies: int = f("Companies, funds, joint ventures and public bodies.")
    people: int = f("People.")
    facilities: int = f("Facilities.")
    partnerships: int = f("Partnerships.")
    sources: int = f("Source pages.")
    events: int = f("Dated events.")
    relationships: int = f("Relationships of every type.")


async def _run(info: Info[Context, None], args: dict[str, Any] | None = None) -> Any:
    ctx = info.context
    statement = compile_root(info.field_name, root_selection(info), args or {})
    ctx.statements += 1
    return await read_result(
        ctx.driver, ctx.settings.neo4j_database, statement, ctx.settings.neo4j_query_timeout
    )


ID_ARG = "The entity's id; an unknown id gives null, not an error."
RETRACTED = "Also find retracted entities (their `retraction` says why)."
WHERE, ORDER, FIRST, AFTER = (
    "Filters (nested operators, AND/OR/NOT, some/none/all on related items).",
    "Ordering; ties are broken by id.",
    f"Page size: default 20, at most {MAX_PAGE}.",
    "Return items after this cursor (an `endCursor` of the same list and order).",
)


def _arg(description: str) -> Any:
    return strawberry.argument(description=description)


@strawberry.type(description="Entry points into the AI-infrastructure graph.")
class Query:
    @strawberry.field(description="Any entity by id: use fragments (`... on Company`) for its fields.")
    async def node(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, _arg(ID_ARG)],
        include_retracted: Annotated[bool, _arg(RETRACTED)] = False,
    ) -> Node | None:
        return await _run(info, {"id": id, "includeRetracted": include_retracted})

    @strawberry.field(description="A company, fund, joint venture or public body by id, e.g. `openai`.")
    async def company(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, _arg(ID_ARG)],
        include_retracted: Annotated[bool, _arg(RETRACTED)] = False,
    ) -> Company | None:
        return await _run(info, {"id": id, "includeRetracted": include_retracted})

    @strawberry.field(description="A person by id, e.g. `sam-altman`.")
    async def person(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, _arg(ID_ARG)],
        include_retracted: Annotated[bool, _arg(RETRACTED)] = False,
    ) -> Person | None:
        return await _run(info, {"id": id, "includeRetracted": include_retracted})

    @strawberry.field(description="A facility by id, e.g. `foxconn-lordstown`.")
    async def facility(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, _arg(ID_ARG)],
        include_retracted: Annotated[bool, _arg(RETRACTED)] = False,
    ) -> Facility | None:
        return await _run(info, {"id": id, "includeRetracted": include_retracted})

    @strawberry.field(description="A partnership by id, e.g. `nvidia-openai-10gw`.")
    async def partnership(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, _arg(ID_ARG)],
        include_retracted: Annotated[bool, _arg(RETRACTED)] = False,
    ) -> Partnership | None:
        return await _run(info, {"id": id, "includeRetracted": include_retracted})

    @strawberry.field(description="A source page by id, e.g. `seed-article`.")
    async def source(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, _arg(ID_ARG)],
        include_retracted: Annotated[bool, _arg(RETRACTED)] = False,
    ) -> Source | None:
        return await _run(info, {"id": id, "includeRetracted": include_retracted})

    @strawberry.field(description="An event by id.")
    async def event(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, _arg(ID_ARG)],
        include_retracted: Annotated[bool, _arg(RETRACTED)] = False,
    ) -> Event | None:
        return await _run(info, {"id": id, "includeRetracted": include_retracted})

    @strawberry.field(description="Companies, filtered, ordered (by name by default) and paged.")
    async def companies(
        self,
        info: Info[Context, None],
        where: Annotated[CompanyWhere | None, _arg(WHERE)] = None,
        order_by: Annotated[CompanyOrder | None, _arg(ORDER)] = None,
        first: Annotated[int, _arg(FIRST)] = 20,
        after: Annotated[str | None, _arg(AFTER)] = None,
        include_retracted: Annotated[bool, _arg(RETRACTED)] = False,
    ) -> CompanyConnection:
        return await _run(info, {"includeRetracted": include_retracted})

    @strawberry.field(description="People, filtered, ordered (by name by default) and paged.")
    async def people(
        self,
        info: Info[Context, None],
        where: Annotated[PersonWhere | None, _arg(WHERE)] = None,
        order_by: Annotated[PersonOrder | None, _arg(ORDER)] = None,
        first: Annotated[int, _arg(FIRST)] = 20,
        after: Annotated[str | None, _arg(AFTER)] = None,
        include_retracted: Annotated[bool, _arg(RETRACTED)] = False,
    ) -> PersonConnection:
        return await _run(info, {"includeRetracted": include_retracted})

    @strawberry.field(description="Facilities, filtered, ordered (by name by default) and paged.")
    async def facilities(
        self,
        info: Info[Context, None],
        where: Annotated[FacilityWhere | None, _arg(WHERE)] = None,
        order_by: Annotated[FacilityOrder | None, _arg(ORDER)] = None,
        first: Annotated[int, _arg(FIRST)] = 20,
        after: Annotated[str | None, _arg(AFTER)] = None,
        include_retracted: Annotated[bool, _arg(RETRACTED)] = False,
    ) -> FacilityConnection:
        return await _run(info, {"includeRetracted": include_retracted})

    @strawberry.field(
        description="Partnerships, filtered, ordered (newest announcement first by default) and paged."
    )
    async def partnerships(
        self,
        info: Info[Context, None],
        where: Annotated[PartnershipWhere | None, _arg(WHERE)] = None,
        order_by: Annotated[PartnershipOrder | None, _arg(ORDER)] = None,
        first: Annotated[int, _arg(FIRST)] = 20,
        after: Annotated[str | None, _arg(AFTER)] = None,
        include_retracted: Annotated[bool, _arg(RETRACTED)] = False,
    ) -> PartnershipConnection:
        return await _run(info, {"includeRetracted": include_retracted})

    @strawberry.field(description="Source pages, filtered, ordered (newest first by default) and paged.")
    async def sources(
        self,
        info: Info[Context, None],
        where: Annotated[SourceWhere | None, _arg(WHERE)] = None,
        order_by: Annotated[SourceOrder | None, _arg(ORDER)] = None,
        first: Annotated[int, _arg(FIRST)] = 20,
        after: Annotated[str | None, _arg(AFTER)] = None,
        include_retracted: Annotated[bool, _arg(RETRACTED)] = False,
    ) -> SourceConnection:
        return await _run(info, {"includeRetracted": include_retracted})

    @strawberry.field(description="Full-text search over names, aliases, legal names, titles and publishers.")
    async def search(
        self,
        info: Info[Context, None],
        text: Annotated[str, _arg("Words to look for; the last one also matches as a prefix.")],
        first: Annotated[int, _arg(f"Number of hits: default 20, at most {MAX_PAGE}.")] = 20,
    ) -> SearchConnection:
        return await _run(info, {"text": text, "first": first})

    @strawberry.field(
        description="Tiers of suppliers (UPSTREAM) or customers (DOWNSTREAM) of a company, each "
        "with the partnership paths that put it there; null for an unknown company."
    )
    async def supply_chain(
        self,
        info: Info[Context, None],
        company: Annotated[strawberry.ID, _arg("The company's id.")],
        direction: Annotated[
            Direction, _arg("UPSTREAM: suppliers; DOWNSTREAM: customers.")
        ] = Direction.UPSTREAM,
        max_depth: Annotated[int, _arg(f"Tiers to follow, 1 to {MAX_DEPTH}.")] = 3,
        where: Annotated[PartnershipWhere | None, _arg("Only follow partnerships that match.")] = None,
    ) -> Tiers | None:
        return await _run(info)

    @strawberry.field(
        description="Shortest paths between any two entities, each step explained by its "
        "relationship, partnership and source; empty when none is within maxLength."
    )
    async def connections(
        self,
        info: Info[Context, None],
        from_: Annotated[strawberry.ID, strawberry.argument(name="from", description="Start entity id.")],
        to: Annotated[strawberry.ID, _arg("End entity id.")],
        max_length: Annotated[int, _arg(f"Longest path, 1 to {MAX_DEPTH} steps.")] = 4,
        via: Annotated[
            list[LinkKind] | None, _arg("Kinds of link to use (default: all but HISTORY).")
        ] = None,
    ) -> Connections:
        return await _run(info)

    @strawberry.field(
        description="Loops where money (or supply) comes back to where it started, "
        "largest first; one deal's own two-way flow is not a loop."
    )
    async def circular_flows(
        self,
        info: Info[Context, None],
        involving: Annotated[strawberry.ID | None, _arg("Only loops through this company.")] = None,
        max_length: Annotated[int, _arg(f"Longest loop, 2 to {MAX_DEPTH} steps.")] = 4,
        min_value_usd: Annotated[
            float | None, _arg("Only loops whose steps add up to at least this.")
        ] = None,
        status: Annotated[
            list[StatusEnum] | None, _arg("Only loops whose every step has one of these.")
        ] = None,
        over: Annotated[FlowKind, _arg("MONEY (default) or SUPPLY links.")] = FlowKind.MONEY,
        first: Annotated[int, _arg("Number of loops: default 20, at most 100.")] = 20,
    ) -> CircularFlows:
        return await _run(info)

    @strawberry.field(
        description="Who depends on a facility or a company: tier 1 are its direct dependents "
        "(for a site: the companies tied to it and customers of deals on it), then their customers."
    )
    async def exposure(
        self,
        info: Info[Context, None],
        facility: Annotated[strawberry.ID | None, _arg("A facility id (or give company).")] = None,
        company: Annotated[strawberry.ID | None, _arg("A company id (or give facility).")] = None,
        max_depth: Annotated[int, _arg(f"Tiers to follow, 1 to {MAX_DEPTH}.")] = 3,
    ) -> Tiers | None:
        return await _run(info)

    @strawberry.field(
        description="Companies ranked by how many depend on them as a supplier, or by the "
        "value of money moving through them."
    )
    async def rankings(
        self,
        info: Info[Context, None],
        by: Annotated[RankingKind, _arg("What to rank by.")],
        first: Annotated[int, _arg("How many: default 10, at most 100.")] = 10,
    ) -> list[RankingEntry]:
        return await _run(info)

    @strawberry.field(description="Counts of companies, people, facilities, partnerships and sources.")
    async def stats(self, info: Info[Context, None]) -> Stats:
        ctx = info.context
        ctx.statements += 1
        counts = await graph_counts(ctx.driver, ctx.settings.neo4j_database, ctx.settings.neo4j_query_timeout)
        return Stats(**vars(counts))


def _read_by_key(source: Any, info: GraphQLResolveInfo[Any], **_: Any) -> Any:
    if isinstance(source, dict):
        # Compiled maps are keyed by response key; fixed-shape maps (figures) by field name.
        key = info.path.key
        return source[key] if key in source else source.get(info.field_name)
    return getattr(source, info.field_name, None)


def _type_of(value: Any, info: GraphQLResolveInfo[Any], abstract: Any) -> str | None:
    return value.get(TYPE_KEY) if isinstance(value, dict) else None


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema with every non-root field reading from the compiled result by response key."""
    limits = settings or Settings.model_construct()

    def query_limits() -> QueryLimits:
        return QueryLimits(
            max_depth=limits.api_max_depth,
            max_aliases=limits.api_max_aliases,
            max_tokens=limits.api_max_tokens,
            max_cost=limits.api_max_cost,
        )

    built = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Event],
        extensions=[KeepRawVariables, access_rules(limits), query_limits, TranslateErrors],
        config=StrawberryConfig(scalar_map={Date: DATE_SCALAR}),
    )
    for graphql_type in built._schema.type_map.values():
        if graphql_type.name.startswith("__") or graphql_type.name in ("Query", "Mutation", "Stats"):
            continue
        if isinstance(graphql_type, GraphQLObjectType):
            graphql_type.is_type_of = None
            for graphql_field in graphql_type.fields.values():
                graphql_field.resolve = _read_by_key
        elif isinstance(graphql_type, GraphQLInterfaceType | GraphQLUnionType):
            graphql_type.resolve_type = _type_of
    for name, (_, _, definitions) in ENUMS.items():
        enum_type = built._schema.type_map[name]
        assert isinstance(enum_type, GraphQLEnumType)
        described: dict[str, str] = {member.name: text for member, text in definitions.items()}
        for value_name, value in enum_type.values.items():
            value.description = described.get(value_name, value.description)
    return built

"""GraphQL types of the answers that are not entities: supply-chain tiers, paths, money loops,
rankings, per-company figures, search hits and the graph's counts.

Their fields are computed by the analytics statements (`service.compiler.analytics`), which
build these shapes by field name.
"""

from enum import StrEnum

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLFloat,
    GraphQLInt,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
    GraphQLUnionType,
)

from service.api.types import Registry, list_of, non_null
from service.compiler.analytics.common import OPTION_DEFINITIONS, Direction, FlowKind, RankingKind
from service.compiler.roots import SEARCH_TYPES, STATS_FIELDS
from service.domain.vocab import DatePrecision, LinkKind, MoneyQualifier, Status, ValueBasis


def option_enum(registry: Registry, enum: type[StrEnum]) -> GraphQLEnumType:
    """An analytics option: names as values, each with its definition."""
    if enum.__name__ not in registry.types:
        definitions = OPTION_DEFINITIONS.get(enum, {})
        values = {m.name: GraphQLEnumValue(m, description=definitions.get(m)) for m in enum}
        registry.add(GraphQLEnumType(enum.__name__, values, description=(enum.__doc__ or "").strip()))
    found = registry.types[enum.__name__]
    assert isinstance(found, GraphQLEnumType)
    return found


def _object(registry: Registry, name: str, description: str, fields: object) -> GraphQLObjectType:
    if name not in registry.types:
        registry.add(GraphQLObjectType(name, fields, description=description))  # type: ignore[arg-type]
    found = registry.types[name]
    assert isinstance(found, GraphQLObjectType)
    return found


def _f(kind: object, description: str) -> GraphQLField:
    return GraphQLField(kind, description=description)  # type: ignore[arg-type]


def analytics_types(registry: Registry) -> dict[str, GraphQLNamedType]:
    """The answer types of the analytics fields, by name; adds `Company.stats`."""
    company, partnership = registry.output("Company"), registry.output("Partnership")
    node = registry.node_interface()
    for enum in (Direction, FlowKind, RankingKind):
        option_enum(registry, enum)
    link_kind = registry.enum(LinkKind)
    status = registry.enum(Status)
    evidence = registry.output("Evidence")
    tier_entry = _object(
        registry,
        "TierEntry",
        "A company at some distance (tier) along supply links.",
        lambda: {
            "company": _f(non_null(company), "The company."),
            "tier": _f(non_null(GraphQLInt), "Shortest distance in steps (1 = direct)."),
            "paths": _f(
                non_null(GraphQLList(list_of(partnership))),
                "Up to three paths, each the partnerships from the starting point outward, shortest first.",
            ),
        },
    )
    _object(
        registry,
        "Tiers",
        "Companies by tier; `truncated` when the 500-company cap cut it short.",
        {
            "entries": _f(list_of(tier_entry), "Companies, nearest tier first, then by name."),
            "truncated": _f(non_null(GraphQLBoolean), "True when more companies exist than were returned."),
        },
    )
    step = _object(
        registry,
        "PathStep",
        "One step of a path, with what explains it.",
        lambda: {
            "from": _f(non_null(node), "Where the step starts."),
            "to": _f(non_null(node), "Where the step ends."),
            "relationship": _f(non_null(GraphQLString), "The relationship type, e.g. SUPPLIES or OWNS."),
            "kind": _f(non_null(link_kind), "The kind of link."),
            "forward": _f(non_null(GraphQLBoolean), "True when the relationship points from `from` to `to`."),
            "partnership": _f(partnership, "The partnership the link comes from, if any."),
            "evidence": _f(evidence, "A source for the step, with its quote."),
        },
    )
    path = _object(
        registry,
        "ConnectionPath",
        "One shortest path.",
        {
            "length": _f(non_null(GraphQLInt), "Number of steps."),
            "steps": _f(list_of(step), "The steps, from the first entity to the second."),
        },
    )
    _object(
        registry,
        "Connections",
        "The shortest paths between two entities (empty when none within maxLength).",
        {
            "paths": _f(list_of(path), "Shortest paths, at most 20."),
            "truncated": _f(
                non_null(GraphQLBoolean), "True when more shortest paths exist than were returned."
            ),
        },
    )
    flow_step = _object(
        registry,
        "FlowStep",
        "One step of a circular flow.",
        lambda: {
            "from": _f(non_null(company), "Who pays (or supplies)."),
            "to": _f(non_null(company), "Who receives."),
            "partnership": _f(non_null(partnership), "The partnership behind the step."),
            "valueUsd": _f(
                GraphQLFloat, "The step's value in USD, where the facts attribute one to this pair."
            ),
            "valueBasis": _f(
                non_null(registry.enum(ValueBasis)), "Why the step has that value, or has none."
            ),
            "status": _f(non_null(status), "The partnership's status."),
        },
    )
    loop = _object(
        registry,
        "CircularFlow",
        "A loop of money (or supply) that comes back to where it started.",
        {
            "length": _f(non_null(GraphQLInt), "Number of steps."),
            "minStepUsd": _f(
                GraphQLFloat,
                "What is known to go all the way round: the smallest step value, when every step's "
                "value is known; null when any is not (an unknown step could be any amount).",
            ),
            "totalUsd": _f(
                GraphQLFloat, "The step values added up, when every step's value is known; else null."
            ),
            "knownValueUsd": _f(
                non_null(GraphQLFloat),
                "The values of the known steps added up: a partial sum when knownSteps < length, "
                "not the value of the loop.",
            ),
            "knownSteps": _f(
                non_null(GraphQLInt), "Steps whose value is known; each step's valueUsd says which."
            ),
            "valueUsd": GraphQLField(
                non_null(GraphQLFloat),
                description="The values of the known steps added up (unknown steps count as 0).",
                deprecation_reason=(
                    "A partial sum whenever a step's value is unknown: use totalUsd (null unless "
                    "every step is known) or knownValueUsd with knownSteps."
                ),
            ),
            "steps": _f(list_of(flow_step), "The steps in order."),
        },
    )
    _object(
        registry,
        "CircularFlows",
        "Circular flows: those whose every step is known first, by what goes all the way round, then "
        "by the known values.",
        {"loops": _f(list_of(loop), "The loops found.")},
    )
    _object(
        registry,
        "RankingEntry",
        "A company's place in a ranking.",
        lambda: {
            "rank": _f(non_null(GraphQLInt), "1 is the top."),
            "company": _f(non_null(company), "The company."),
            "score": _f(non_null(GraphQLFloat), "The figure it is ranked by."),
        },
    )
    _company_stats(registry)
    _search(registry)
    _diff(registry)
    _object(
        registry,
        "Stats",
        "How many entities of each kind the graph holds.",
        {name: _f(non_null(GraphQLInt), text) for name, text in STATS_FIELDS.items()},
    )
    return registry.types


def _company_stats(registry: Registry) -> None:
    link_count = _object(
        registry,
        "LinkCount",
        "How many links of one kind a company has.",
        {
            "kind": _f(non_null(registry.enum(LinkKind)), "The kind of link."),
            "count": _f(non_null(GraphQLInt), "How many."),
        },
    )
    money = _object(
        registry,
        "MoneyByStatus",
        "Value of a company's deals with one status and qualifier.",
        {
            "status": _f(
                non_null(registry.enum(Status)),
                "Partnership status (signed apart from unfinalized, and so on).",
            ),
            "qualifier": _f(
                registry.enum(MoneyQualifier), "Exactness: 'up to' amounts apart from exact ones."
            ),
            "valueUsd": _f(
                GraphQLFloat,
                "Sum of the USD values attributed to this company's side of the deals, over the "
                "valuedPartnerships that have one (null when none has).",
            ),
            "partnerships": _f(non_null(GraphQLInt), "Number of deals."),
            "valuedPartnerships": _f(
                non_null(GraphQLInt), "Deals with a value attributed to this company's side."
            ),
        },
    )
    stats = _object(
        registry,
        "CompanyStats",
        "Figures about one company.",
        {
            "degree": _f(list_of(link_count), "Links by kind."),
            "suppliers": _f(non_null(GraphQLInt), "Distinct companies that supply it."),
            "customers": _f(non_null(GraphQLInt), "Distinct companies it supplies."),
            "moneyIn": _f(list_of(money), "Deals that pay it, by status and exactness."),
            "moneyOut": _f(list_of(money), "Deals it pays into, by status and exactness."),
        },
    )
    registry.extra_fields.setdefault("Company", {})["stats"] = _f(
        non_null(stats), "Figures: links by kind, suppliers and customers, money in and out by status."
    )


def _diff(registry: Registry) -> None:
    node = registry.node_interface()
    kind = registry.add(
        GraphQLEnumType(
            "DiffChangeKind",
            {
                "BEGAN": GraphQLEnumValue("BEGAN", description="It came to hold in the period."),
                "ENDED": GraphQLEnumValue("ENDED", description="It stopped holding in the period."),
                "RECORDED": GraphQLEnumValue("RECORDED", description="Known time: the graph recorded it."),
                "CHANGED": GraphQLEnumValue("CHANGED", description="Known time: its values changed."),
                "RETRACTED": GraphQLEnumValue("RETRACTED", description="Known time: it was retracted."),
                "LINKED": GraphQLEnumValue("LINKED", description="Known time: a link of it was added."),
                "UNLINKED": GraphQLEnumValue("UNLINKED", description="Known time: a link of it was removed."),
            },
            description="Valid time: whether a dated fact began or ended between the two dates. Known "
            "time: what the graph recorded about an entity between the two moments.",
        )
    )
    change = _object(
        registry,
        "DiffChange",
        "One fact that began or ended between the two dates, or one change the graph recorded.",
        lambda: {
            "change": _f(non_null(kind), "What happened to it."),
            "on": _f(
                non_null(registry.types["Date"]),
                "When (first day of the period for partial dates); in known time, the day it was recorded.",
            ),
            "at": _f(GraphQLString, "Known time: the moment the graph recorded the change (RFC 3339)."),
            "fields": _f(GraphQLList(GraphQLNonNull(GraphQLString)), "Known time: the fields it changed."),
            "precision": _f(registry.enum(DatePrecision), "How precisely the sources date it."),
            "fact": _f(
                node,
                "The dated entity: a partnership announced, an event, a statement, a figure; in known "
                "time, the entity changed.",
            ),
            "other": _f(node, "For a position, a facility tie or a link added or removed: the other end."),
            "relationship": _f(
                GraphQLString, "For a position, a facility tie or a link: HOLDS_POSITION, OWNS, PARTY_TO..."
            ),
            "title": _f(GraphQLString, "For a position: its title."),
            "evidence": _f(list_of(registry.output("Evidence")), "Its sources, with their quotes."),
        },
    )
    entry = _object(
        registry,
        "DiffEntry",
        "An entity with the facts of it that began or ended.",
        lambda: {
            "entity": _f(non_null(node), "The entity the facts belong to (a deal, a person, a facility...)."),
            "changes": _f(list_of(change), "Its facts, oldest first."),
        },
    )
    _object(
        registry,
        "Diff",
        "What began or ended in the world (valid time) around an entity between two dates, or what the "
        "graph recorded about it between two moments (known time).",
        lambda: {
            "from": _f(
                registry.types["Date"], "Valid time: the first date (what held then is the baseline)."
            ),
            "to": _f(registry.types["Date"], "Valid time: the second date."),
            "knownFrom": _f(
                GraphQLString, "Known time: the first moment (what was recorded by then is the baseline)."
            ),
            "knownTo": _f(GraphQLString, "Known time: the second moment."),
            "entities": _f(list_of(entry), "Entities with changes, by their first change; at most 200."),
            "truncated": _f(non_null(GraphQLBoolean), "True when more entities changed than were returned."),
        },
    )


def _search(registry: Registry) -> None:
    result = registry.add(
        GraphQLUnionType(
            "SearchResult",
            lambda: [registry.output(name) for name in SEARCH_TYPES],
            description="Anything search can find.",
        )
    )
    edge = _object(
        registry,
        "SearchEdge",
        "A search hit with its relevance.",
        {
            "score": _f(non_null(GraphQLFloat), "Full-text relevance; higher is better."),
            "node": _f(non_null(result), "The entity found."),
        },
    )
    _object(
        registry,
        "SearchConnection",
        "Search hits, best first.",
        lambda: {
            "pageInfo": _f(non_null(registry.page_info()), "Whether more hits exist beyond `first`."),
            "edges": _f(list_of(edge), "Hits with their scores."),
            "nodes": _f(list_of(result), "Hits without scores."),
        },
    )

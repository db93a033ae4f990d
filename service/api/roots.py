"""The query root fields: their arguments and descriptions, and what each compiles to.

One table serves both the schema (the `GraphQLField`s) and the engine (the `compile` of each
field), so a root field cannot mean two things. Lookups and lists exist for every entity of the
catalog; the rest are search, the analytics and the counts.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLString,
)

from service.api.analytics_types import option_enum
from service.api.types import AFTER, FIRST, ORDER, WHERE, Registry, list_of, non_null
from service.compiler import roots as compiled
from service.compiler.analytics import diff, loops, paths, rankings, tiers
from service.compiler.analytics.common import MAX_DEPTH, Direction, FlowKind, RankingKind
from service.compiler.lists import MAX_WITHIN
from service.compiler.paging import MAX_PAGE
from service.compiler.projection import Compiler
from service.compiler.selection import Selection
from service.compiler.statement import Statement
from service.domain.catalog import ENTITY_LABELS
from service.domain.declare import plural
from service.domain.vocab import LinkKind, Status

Compile = Callable[[Compiler, Selection, dict[str, Any]], Statement]
# Turns a statement's result into the field's value, where Python must finish the work (match
# re-scores its candidates); most roots have none: the statement's map is the answer.
Finish = Callable[[Any, Selection], Any]

ID_ARG = "The entity's id; an unknown id gives null, not an error."
RETRACTED = "Also find retracted entities (their `retraction` says why)."
AS_OF = (
    "Answer as the world stood on this date (valid time), in every list of the answer: deals not "
    "yet announced, events and statements not yet made, positions and facility ties not yet "
    "started or already ended are left out. Partial dates count from their period's first day; "
    "undated facts are kept. See docs/time.md."
)

KNOWN_AT = (
    "Answer as the graph stood at this moment (transaction time): entities and links recorded "
    "later are left out, ones retracted or removed since are back, and every value is the one "
    "held then. Combines with asOf. See docs/time.md."
)


@dataclass(frozen=True)
class Root:
    field: GraphQLField
    compile: Compile
    finish: Finish | None = None


def _arg(kind: Any, description: str, default: Any = None) -> GraphQLArgument:
    if default is None:
        return GraphQLArgument(kind, description=description)
    return GraphQLArgument(kind, default_value=default, description=description)


def _lookup(type_name: str) -> Compile:
    return lambda c, s, a: compiled.lookup(c, type_name, s, a)


def _listing(type_name: str) -> Compile:
    return lambda c, s, a: compiled.listing(c, type_name, s, a)


def query_roots(registry: Registry) -> dict[str, Root]:
    """Every query root field, by name."""
    roots: dict[str, Root] = {}
    as_of = _arg(registry.types["Date"], AS_OF)
    known_at = _arg(registry.types["DateTime"], KNOWN_AT)
    lookup_args = {
        "id": _arg(non_null(GraphQLID), ID_ARG),
        "includeRetracted": _arg(GraphQLBoolean, RETRACTED, False),
        "asOf": as_of,
        "knownAt": known_at,
    }
    roots["node"] = Root(
        GraphQLField(
            registry.node_interface(),
            args=lookup_args,
            description="Any entity by id: use fragments (`... on Company`) for its fields.",
        ),
        compiled.node,
    )
    for label in ENTITY_LABELS:
        noun = label.lower()
        roots[noun] = Root(
            GraphQLField(registry.output(label), args=lookup_args, description=f"One {noun} by id."),
            _lookup(label),
        )
    for label in ENTITY_LABELS:
        args: dict[str, GraphQLArgument] = {}
        if (where := registry.where(label)) is not None:
            args["where"] = _arg(where, WHERE)
        if (order := registry.order(label)) is not None:
            args["orderBy"] = _arg(order, ORDER)
        args["first"] = _arg(non_null(GraphQLInt), FIRST, 20)
        args["after"] = _arg(GraphQLString, AFTER)
        args["includeRetracted"] = _arg(GraphQLBoolean, RETRACTED, False)
        args["asOf"] = as_of
        args["knownAt"] = known_at
        roots[plural(label)] = Root(
            GraphQLField(
                non_null(registry.connection(label, label)),
                args=args,
                description=f"{plural(label).capitalize()}, filtered, ordered and paged.",
            ),
            _listing(label),
        )
    roots.update(_other_roots(registry))
    roots["diff"] = Root(
        GraphQLField(
            non_null(registry.object("Diff")),
            args={
                "around": _arg(non_null(GraphQLID), "The entity whose neighbourhood to compare."),
                "depth": _arg(non_null(GraphQLInt), f"Links out from it, 0 to {MAX_WITHIN}.", 1),
                "from": _arg(registry.types["Date"], "Valid time: the earlier date."),
                "to": _arg(registry.types["Date"], "Valid time: the later date."),
                "knownFrom": _arg(registry.types["DateTime"], "Known time: the earlier moment."),
                "knownTo": _arg(registry.types["DateTime"], "Known time: the later moment."),
            },
            description="What changed around an entity, grouped by entity, each with its sources. Between "
            "`from` and `to` (valid time): deals announced, events and statements, figures stated, positions "
            "and facility ties started or ended. Between `knownFrom` and `knownTo` (known time): entities "
            "the graph recorded, changed or retracted, links added and removed. Empty for an unknown id.",
        ),
        diff.diff,
    )
    roots["timeline"] = Root(
        GraphQLField(
            non_null(registry.connection("Event", "Event")),
            args={
                "id": _arg(non_null(GraphQLID), "The entity: a company, person, facility or partnership."),
                "first": _arg(non_null(GraphQLInt), FIRST, 20),
                "after": _arg(GraphQLString, AFTER),
                "asOf": as_of,
            },
            description="The dated events of an entity and of the partnerships it is party to, oldest "
            "first, each with its sources and quotes (empty for an unknown id).",
        ),
        compiled.timeline,
    )
    roots["changes"] = Root(
        GraphQLField(
            non_null(registry.connection("Change", "Change")),
            args={
                **feed_filter(registry),
                "first": _arg(non_null(GraphQLInt), FIRST, 20),
                "after": _arg(
                    GraphQLString, "Cursor of the last change seen (`pageInfo.endCursor`): resume from there."
                ),
            },
            description="The change feed: every committed change (API writes, retractions, loads) in "
            "commit order, oldest first. Follow it by keeping `pageInfo.endCursor` and asking again "
            "with `after`.",
        ),
        compiled.changes,
    )
    return roots


def feed_filter(registry: Registry) -> dict[str, GraphQLArgument]:
    """Which changes: the arguments the feed's query, its subscription and webhooks share."""
    return {
        "where": _arg(
            registry.where("Change"), "Only changes that match (entity, type, action, seq, keyName)."
        ),
        "near": _arg(GraphQLID, "Only changes of this entity and of those within `within` links of it."),
        "within": _arg(non_null(GraphQLInt), f"Links from `near`, 0 to {MAX_WITHIN}.", 1),
        "watch": _arg(
            GraphQLID, "Only changes a saved watch follows (`saveWatch`); not together with `near`."
        ),
    }


def change_subscription(registry: Registry) -> GraphQLField:
    """`subscription { changes }`: the feed's events as they commit, one per message."""
    return GraphQLField(
        non_null(registry.output("Change")),
        args={
            **feed_filter(registry),
            "afterSeq": _arg(
                GraphQLInt,
                "Resume after this change (the last `seq` received): what was committed since comes "
                "first, nothing lost or repeated. Without it, the stream starts with the next change.",
            ),
        },
        description="Every change that matches, as it commits, in `seq` order.",
    )


def _other_roots(registry: Registry) -> dict[str, Root]:
    partnership_where = registry.where("Partnership")
    as_of = _arg(
        registry.types["Date"], f"{AS_OF} Supply and money links count from their deal's announcement."
    )
    return {
        "search": Root(
            GraphQLField(
                non_null(registry.object("SearchConnection")),
                args={
                    "text": _arg(
                        non_null(GraphQLString), "Words to look for; the last one also matches as a prefix."
                    ),
                    "first": _arg(
                        non_null(GraphQLInt), f"Number of hits: default 20, at most {MAX_PAGE}.", 20
                    ),
                },
                description="Full-text search over names, aliases, legal names, titles and publishers.",
            ),
            compiled.search,
        ),
        "supplyChain": Root(
            GraphQLField(
                registry.object("Tiers"),
                args={
                    "company": _arg(non_null(GraphQLID), "The company's id."),
                    "direction": _arg(
                        non_null(option_enum(registry, Direction)),
                        "UPSTREAM: suppliers; DOWNSTREAM: customers.",
                        Direction.UPSTREAM,
                    ),
                    "maxDepth": _arg(non_null(GraphQLInt), f"Tiers to follow, 1 to {MAX_DEPTH}.", 3),
                    "asOf": as_of,
                    "where": _arg(partnership_where, "Only follow partnerships that match."),
                },
                description="Tiers of suppliers (UPSTREAM) or customers (DOWNSTREAM) of a company, each "
                "with the partnership paths that put it there; null for an unknown company.",
            ),
            tiers.supply_chain,
        ),
        "connections": Root(
            GraphQLField(
                non_null(registry.object("Connections")),
                args={
                    "from": _arg(non_null(GraphQLID), "Start entity id."),
                    "to": _arg(non_null(GraphQLID), "End entity id."),
                    "maxLength": _arg(non_null(GraphQLInt), f"Longest path, 1 to {MAX_DEPTH} steps.", 4),
                    "via": _arg(
                        GraphQLList(non_null(registry.enum(LinkKind))),
                        "Kinds of link to use (default: all but HISTORY).",
                    ),
                    "asOf": as_of,
                },
                description="Shortest paths between any two entities, each step explained by its "
                "relationship, partnership and source; empty when none is within maxLength.",
            ),
            paths.connections,
        ),
        "circularFlows": Root(
            GraphQLField(
                non_null(registry.object("CircularFlows")),
                args={
                    "involving": _arg(GraphQLID, "Only loops through this company."),
                    "maxLength": _arg(non_null(GraphQLInt), f"Longest loop, 2 to {MAX_DEPTH} steps.", 4),
                    "minValueUsd": _arg(
                        GraphQLFloat,
                        "Only loops where at least this much is known to go all the way round "
                        "(minStepUsd, so every step's value is known).",
                    ),
                    "status": _arg(
                        GraphQLList(non_null(registry.enum(Status))),
                        "Only loops whose every step has one of these.",
                    ),
                    "over": _arg(
                        non_null(option_enum(registry, FlowKind)),
                        "MONEY (default) or SUPPLY links.",
                        FlowKind.MONEY,
                    ),
                    "first": _arg(non_null(GraphQLInt), "Number of loops: default 20, at most 100.", 20),
                    "asOf": as_of,
                },
                description="Loops where money (or supply) comes back to where it started, "
                "largest first; one deal's own two-way flow is not a loop.",
            ),
            loops.circular_flows,
        ),
        "exposure": Root(
            GraphQLField(
                registry.object("Tiers"),
                args={
                    "facility": _arg(GraphQLID, "A facility id (or give company)."),
                    "company": _arg(GraphQLID, "A company id (or give facility)."),
                    "maxDepth": _arg(non_null(GraphQLInt), f"Tiers to follow, 1 to {MAX_DEPTH}.", 3),
                    "asOf": as_of,
                },
                description="Who depends on a facility or a company: tier 1 are its direct dependents "
                "(for a site: the companies tied to it and customers of deals on it), then their customers.",
            ),
            tiers.exposure,
        ),
        "rankings": Root(
            GraphQLField(
                list_of(registry.object("RankingEntry")),
                args={
                    "by": _arg(non_null(option_enum(registry, RankingKind)), "What to rank by."),
                    "first": _arg(non_null(GraphQLInt), "How many: default 10, at most 100.", 10),
                    "asOf": as_of,
                },
                description="Companies ranked by how many depend on them as a supplier, or by the "
                "value of money moving through them.",
            ),
            rankings.rankings,
        ),
        "stats": Root(
            GraphQLField(
                non_null(registry.object("Stats")),
                description="Counts of companies, people, facilities, partnerships and sources.",
            ),
            compiled.stats,
        ),
    }

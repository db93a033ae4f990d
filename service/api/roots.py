"""What each compiled root field becomes: one Cypher statement built from its selection.

Both ways of executing an operation use this table: the strawberry resolvers and the compiled
fast path (`service.api.fast_path`), so a root field cannot mean two different things.
`args` are the field's arguments coerced by GraphQL (defaults filled, GraphQL names).
"""

from collections.abc import Callable
from typing import Any

from service.errors import bad_input
from service.graph.query import analytics
from service.graph.query.compiler import Compiler, Statement
from service.graph.query.paging import MAX_PAGE
from service.graph.query.selection import Selection

Build = Callable[[Compiler, Selection, dict[str, Any]], Statement]


def _one(type_name: str) -> Build:
    return lambda c, s, a: c.one(type_name, a.get("id"), s, bool(a.get("includeRetracted")))


def _many(type_name: str) -> Build:
    return lambda c, s, a: c.many(type_name, s, bool(a.get("includeRetracted")))


def _search(c: Compiler, s: Selection, a: dict[str, Any]) -> Statement:
    first = a.get("first", 20)
    if not isinstance(first, int) or first < 0:
        raise bad_input("first must be a non-negative integer")
    return c.search(a.get("text"), min(first, MAX_PAGE), s)


ROOTS: dict[str, Build] = {
    "node": lambda c, s, a: c.node(a.get("id"), s, bool(a.get("includeRetracted"))),
    "company": _one("Company"),
    "person": _one("Person"),
    "facility": _one("Facility"),
    "partnership": _one("Partnership"),
    "source": _one("Source"),
    "event": _one("Event"),
    "companies": _many("Company"),
    "people": _many("Person"),
    "facilities": _many("Facility"),
    "partnerships": _many("Partnership"),
    "sources": _many("Source"),
    "search": _search,
    "supplyChain": lambda c, s, a: analytics.supply_chain(c, s),
    "connections": lambda c, s, a: analytics.connections(c, s),
    "circularFlows": lambda c, s, a: analytics.circular_flows(c, s),
    "exposure": lambda c, s, a: analytics.exposure(c, s),
    "rankings": lambda c, s, a: analytics.rankings(c, s),
}


def compile_root(name: str, selection: Selection, args: dict[str, Any]) -> Statement:
    return ROOTS[name](Compiler(), selection, args)

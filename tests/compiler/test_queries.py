"""The compiler, executed by the engine in this process (no HTTP), against the seeded graph:
every filter operator, every ordering of every list, paging to the end, fragments, directives
and each analytics field. Answers are checked against what hand-written Cypher says of the same
graph, read through the driver, never against hard-coded lists.
"""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest
from neo4j import Driver

from service.api.filters import EQUALITY, OPERATORS
from service.domain.catalog import CATALOG, ENTITY_LABELS, DateText, Leaf, Prop, PropFilter
from service.domain.declare import plural

Run = Callable[..., Awaitable[dict[str, Any]]]
LISTED = ENTITY_LABELS  # every entity type of the catalog


async def _data(engine: Run, query: str, variables: dict[str, Any] | None = None) -> Any:
    payload = await engine(query, variables)
    assert "errors" not in payload, payload
    return payload["data"]


def _ids(graph: Driver, label: str, condition: str = "true", **params: Any) -> set[str]:
    records, _, _ = graph.execute_query(f"MATCH (n:{label}) WHERE {condition} RETURN n.id AS id", params)
    return {r["id"] for r in records}


async def _all_ids(engine: Run, label: str, where: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    after = None
    root = plural(label)
    query = (
        f"query($w: {label}Where, $a: String) {{ {root}(where: $w, first: 100, after: $a) "
        "{ pageInfo { hasNextPage endCursor } nodes { id } } }"
    )
    while True:
        page = (await _data(engine, query, {"w": where, "a": after}))[root]
        found |= {n["id"] for n in page["nodes"]}
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def _sample(graph: Driver, label: str, stored: str) -> Any:
    records, _, _ = graph.execute_query(
        f"MATCH (n:{label}) WHERE n.{stored} IS NOT NULL RETURN n.{stored} AS v ORDER BY n.id LIMIT 1"
    )
    value: Any = records[0]["v"] if records else None
    return value.to_native() if hasattr(value, "to_native") else value


PROPERTY_FILTERS = [
    (label, name, spec)
    for label in LISTED
    for name, spec in CATALOG.wheres[label].fields.items()
    if isinstance(spec, PropFilter) and isinstance(spec.read, Prop | DateText) and spec.read.on == "n"
]


@pytest.mark.parametrize(
    ("label", "name", "spec"),
    PROPERTY_FILTERS,
    ids=[f"{label}.{name}" for label, name, _ in PROPERTY_FILTERS],
)
async def test_every_property_filter_and_its_operators(
    graph: Driver, engine: Run, label: str, name: str, spec: PropFilter
) -> None:
    assert isinstance(spec.read, Prop | DateText)
    stored = spec.read.stored
    value = _sample(graph, label, stored)
    if value is None:
        pytest.skip(f"no {label} has {stored}")
    if isinstance(spec.type, type):  # an enum: the client writes its member's name
        member = spec.type(value)
        client: Any = member.name
    elif isinstance(value, date):
        client = value.isoformat()
    else:
        client = value
    cases: list[tuple[dict[str, Any], str, dict[str, Any]]] = [
        ({"eq": client}, f"n.{stored} = $v", {"v": value})
    ]
    operators = OPERATORS.get(spec.type, EQUALITY) if isinstance(spec.type, Leaf) else EQUALITY
    if "isNull" in operators:
        cases.append(({"isNull": False}, f"n.{stored} IS NOT NULL", {}))
    if "in" in operators:
        cases.append(({"in": [client]}, f"n.{stored} IN [$v]", {"v": value}))
        cases.append(({"ne": client}, f"n.{stored} <> $v", {"v": value}))
    if spec.type in (Leaf.FLOAT, Leaf.DATE):
        for operator, symbol in (("lt", "<"), ("lte", "<="), ("gt", ">"), ("gte", ">=")):
            cases.append(({operator: client}, f"n.{stored} {symbol} $v", {"v": value}))
    if spec.type is Leaf.STRING:
        text = str(value)
        part = text[1:4] if len(text) > 4 else text
        cases += [
            ({"contains": part}, f"n.{stored} CONTAINS $v", {"v": part}),
            ({"containsIgnoreCase": part.upper()}, f"toLower(n.{stored}) CONTAINS toLower($v)", {"v": part}),
            ({"startsWith": text[:3]}, f"n.{stored} STARTS WITH $v", {"v": text[:3]}),
            ({"endsWith": text[-3:]}, f"n.{stored} ENDS WITH $v", {"v": text[-3:]}),
        ]
    if "isNull" in operators:
        cases.append(({"isNull": True}, f"n.{stored} IS NULL", {}))
    for sent, condition, params in cases:
        expected = _ids(graph, label, condition, **params)
        assert await _all_ids(engine, label, {name: sent}) == expected, (name, sent)


async def test_logic_and_related_item_filters(graph: Driver, engine: Run) -> None:
    us_or_jp = {"OR": [{"country": {"eq": "US"}}, {"country": {"eq": "JP"}}]}
    assert await _all_ids(engine, "Company", us_or_jp) == _ids(graph, "Company", "n.country IN ['US', 'JP']")
    assert await _all_ids(engine, "Company", {"NOT": {"country": {"eq": "US"}}}) == _ids(
        graph, "Company", "NOT n.country = 'US'"
    )
    both = {"AND": [{"country": {"eq": "US"}}, {"name": {"startsWith": "A"}}]}
    assert await _all_ids(engine, "Company", both) == _ids(
        graph, "Company", "n.country = 'US' AND n.name STARTS WITH 'A'"
    )
    assert await _all_ids(engine, "Company", {"OR": []}) == set()
    supplied_by_nvidia = {"suppliers": {"some": {"id": {"eq": "nvidia"}}}}
    assert await _all_ids(engine, "Company", supplied_by_nvidia) == _ids(
        graph, "Company", "EXISTS { (:Company {id: 'nvidia'})-[:SUPPLIES]->(n) }"
    )
    assert await _all_ids(engine, "Company", {"suppliers": {"none": {"country": {"eq": "US"}}}}) == _ids(
        graph, "Company", "NOT EXISTS { (s:Company)-[:SUPPLIES]->(n) WHERE s.country = 'US' }"
    )
    assert await _all_ids(engine, "Company", {"suppliers": {"all": {"country": {"eq": "US"}}}}) == _ids(
        graph, "Company", "NOT EXISTS { (s:Company)-[:SUPPLIES]->(n) WHERE NOT s.country = 'US' }"
    )
    customers_of = {"parties": {"some": {"role": {"eq": "CUSTOMER"}, "company": {"id": {"eq": "openai"}}}}}
    assert await _all_ids(engine, "Partnership", customers_of) == _ids(
        graph, "Partnership", "EXISTS { (:Company {id: 'openai'})-[:PARTY_TO {role: 'customer'}]->(n) }"
    )
    chairs = {"positions": {"some": {"role": {"eq": "CHAIR"}, "current": {"eq": True}}}}
    assert await _all_ids(engine, "Person", chairs) == _ids(
        graph,
        "Person",
        "EXISTS { (n)-[r:HOLDS_POSITION {role: 'chair'}]->() WHERE r.until IS NULL OR r.until >= date() }",
    )


ORDERINGS = [(label, member) for label in LISTED for member in CATALOG.orders[label].keys]


@pytest.mark.parametrize(("label", "member"), ORDERINGS, ids=[f"{label}.{m}" for label, m in ORDERINGS])
@pytest.mark.parametrize("descending", [False, True], ids=["ASC", "DESC"])
async def test_every_ordering_pages_to_the_end_in_order(
    graph: Driver, engine: Run, label: str, member: str, descending: bool
) -> None:
    key = CATALOG.orders[label].keys[member]
    root = plural(label)
    query = (
        f"query($a: String, $o: {label}Order) {{ {root}(first: 7, after: $a, orderBy: $o) "
        "{ totalCount pageInfo { hasNextPage endCursor } nodes { id } } }"
    )
    order = {"field": member, "direction": "DESC" if descending else "ASC"}
    seen: list[str] = []
    after = None
    while True:
        page = (await _data(engine, query, {"a": after, "o": order}))[root]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] == len(_ids(graph, label))
    value = f"toLower(n.{key.read.stored})" if key.ignore_case else f"n.{key.read.stored}"
    direction = "DESC" if descending else "ASC"
    records, _, _ = graph.execute_query(
        f"MATCH (n:{label}) RETURN n.id AS id ORDER BY {value} IS NULL, {value} {direction}, n.id {direction}"
    )
    assert seen == [r["id"] for r in records]


async def test_fragments_and_directives(graph: Driver, engine: Run) -> None:
    query = """query($full: Boolean!, $lean: Boolean!) {
      a: node(id: "foxconn") { id ... on Company { name ...Where } }
      b: node(id: "sam-altman") { ... on Node { id } ... on Person { name @include(if: $full) } }
      c: company(id: "foxconn") { id ticker @skip(if: $lean) country @include(if: $lean) }
    }
    fragment Where on Company { country }"""
    data = await _data(engine, query, {"full": True, "lean": True})
    assert data["a"] == {"id": "foxconn", "name": "Foxconn", "country": "TW"}
    assert data["b"] == {"id": "sam-altman", "name": "Sam Altman"}
    assert data["c"] == {"id": "foxconn", "country": "TW"}
    lean = await _data(engine, query, {"full": False, "lean": False})
    assert lean["b"] == {"id": "sam-altman"} and "ticker" in lean["c"]


async def test_each_analytics_field(graph: Driver, engine: Run) -> None:
    data = await _data(
        engine,
        """{
      up: supplyChain(company: "openai", maxDepth: 1) { entries { tier company { id } } }
      path: connections(from: "foxconn", to: "microsoft", maxLength: 2) { paths { length } }
      loops: circularFlows(involving: "nvidia", maxLength: 4) { loops { length steps { from { id } } } }
      exposed: exposure(facility: "foxconn-lordstown", maxDepth: 1) { entries { tier company { id } } }
      top: rankings(by: MOST_DEPENDED_ON_SUPPLIERS, first: 3) { rank score company { id } }
      stats: company(id: "openai") { stats { suppliers customers } }
    }""",
    )
    direct = _ids(graph, "Company", "EXISTS { (n)-[:SUPPLIES]->(:Company {id: 'openai'}) }")
    assert {e["company"]["id"] for e in data["up"]["entries"]} == direct
    assert all(e["tier"] == 1 for e in data["up"]["entries"])
    assert data["stats"]["stats"]["suppliers"] == len(direct)
    assert data["path"]["paths"] and min(p["length"] for p in data["path"]["paths"]) <= 2
    assert all(
        loop["steps"][0]["from"]["id"] == "nvidia" or loop["length"] >= 2 for loop in data["loops"]["loops"]
    )
    tied = _ids(
        graph,
        "Company",
        "EXISTS { (n)-[:OWNS|OPERATES|DEVELOPS|OCCUPIES]->(:Facility {id: 'foxconn-lordstown'}) }",
    )
    assert tied <= {e["company"]["id"] for e in data["exposed"]["entries"]}
    records, _, _ = graph.execute_query(
        "MATCH (c:Company) WITH c, COUNT { (c)-[:SUPPLIES]->(:Company) } AS n WHERE n > 0 "
        "RETURN max(n) AS top"
    )
    assert data["top"][0]["rank"] == 1 and data["top"][0]["score"] <= records[0]["top"]

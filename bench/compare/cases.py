"""The benchmark's query set: each case as our API asks it, as hand-written Cypher (the floor),
and the canonical form all three contenders' answers are reduced to before they are compared.

The peer's side of each case lives in `peer_queries.py`. Canonical forms ignore what
legitimately differs (cursor formats, list order where the query does not fix one, an enum's
spelling) and keep everything else, so "same answer" means the same entities with the same
values.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.compiler.roots import lucene_query
from service.domain.vocab import MoneyQualifier

PAGE_SIZE = 20


@dataclass(frozen=True)
class Scale:
    """Parameters that depend on the size of the synthetic graph."""

    companies: int
    deep_page: int  # which page the deep-page case times (1-based)
    search_text: str  # gives fewer than PAGE_SIZE hits, all companies
    # More suppliers than this: a few dozen synthetic companies at most (one page of ours).
    suppliers_over: int = 6


FULL = Scale(companies=100_000, deep_page=50, search_text="company 4242", suppliers_over=6)
SMOKE = Scale(companies=300, deep_page=5, search_text="company 42", suppliers_over=3)


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    params: dict[str, Any]
    ours: str  # GraphQL document
    ours_variables: Callable[[dict[str, Any]], dict[str, Any]]
    ours_canonical: Callable[[Any], Any]
    floor: str  # Cypher
    floor_params: Callable[[dict[str, Any]], dict[str, Any]]
    floor_canonical: Callable[[list[dict[str, Any]]], Any]


def blank(value: Any) -> Any:
    """None as "" so that mixed rows sort."""
    return "" if value is None else value


def rows(items: list[list[Any]]) -> list[list[Any]]:
    """Rows sorted, with None as "" (the canonical form of an unordered list)."""
    return sorted([blank(v) for v in item] for item in items)


def upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _single(records: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(records) == 1, f"expected one row, got {len(records)}"
    return records[0]


# -- 1. point lookup -----------------------------------------------------------------------------


def _point(company: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": company["id"],
        "name": company["name"],
        "kind": upper(company["kind"]),
        "country": company["country"],
        "ticker": company["ticker"],
    }


POINT = Case(
    name="point",
    title="point lookup by id",
    params={"id": "nvidia"},
    ours="query Point($id: ID!) { company(id: $id) { id name kind country ticker } }",
    ours_variables=lambda p: {"id": p["id"]},
    ours_canonical=lambda data: _point(data["company"]),
    floor="MATCH (c:Company {id: $id}) "
    "RETURN c.id AS id, c.name AS name, c.kind AS kind, c.country AS country, c.ticker AS ticker",
    floor_params=lambda p: {"id": p["id"]},
    floor_canonical=lambda records: _point(_single(records)),
)

# -- 2. one company with executives and facilities -------------------------------------------------


def _people_facilities_ours(data: Any) -> Any:
    company = data["company"]
    return {
        "id": company["id"],
        "name": company["name"],
        "executives": rows(
            [
                [e["title"], e["role"], e["person"]["id"], e["person"]["name"]]
                for e in company["executives"]["nodes"]
            ]
        ),
        "facilities": rows(
            [
                [
                    f["id"],
                    f["name"],
                    f["kind"],
                    f["status"],
                    f["location"]["city"],
                    f["location"]["state"],
                    f["location"]["country"],
                ]
                for f in company["facilities"]["nodes"]
            ]
        ),
    }


def _people_facilities_floor(records: list[dict[str, Any]]) -> Any:
    row = _single(records)
    executives = [[title, upper(role), pid, name] for title, role, pid, name in row["executives"]]
    facilities = [[i, n, upper(k), upper(s), *rest] for i, n, k, s, *rest in row["facilities"]]
    return {
        "id": row["id"],
        "name": row["name"],
        "executives": rows(executives),
        "facilities": rows(facilities),
    }


PEOPLE_FACILITIES = Case(
    name="people_facilities",
    title="a company with its executives and facilities",
    params={"id": "foxconn"},
    ours="""query CompanyPeopleFacilities($id: ID!) {
  company(id: $id) {
    id name
    executives(first: 20) { nodes { title role person { id name } } }
    facilities(first: 20) { nodes { id name kind status location { city state country } } }
  }
}""",
    ours_variables=lambda p: {"id": p["id"]},
    ours_canonical=_people_facilities_ours,
    floor="""MATCH (c:Company {id: $id})
CALL (c) {
  MATCH (p:Person)-[r:HOLDS_POSITION]->(c)
  WITH p, r ORDER BY r.since DESC, p.id + '/' + r.title DESC LIMIT 20
  RETURN collect([r.title, r.role, p.id, p.name]) AS executives
}
CALL (c) {
  MATCH (c)-[:OWNS|OPERATES|DEVELOPS|OCCUPIES]->(f:Facility)
  WITH DISTINCT f ORDER BY toLower(f.name), f.id LIMIT 20
  RETURN collect([f.id, f.name, f.kind, f.status, f.city, f.region, f.country]) AS facilities
}
RETURN c.id AS id, c.name AS name, executives, facilities""",
    floor_params=lambda p: {"id": p["id"]},
    floor_canonical=_people_facilities_floor,
)

# -- 3. three levels of nested lists -------------------------------------------------------------


def _nested(company_id: str, name: str, partnerships: list[dict[str, Any]]) -> Any:
    return {
        "id": company_id,
        "name": name,
        "partnerships": sorted(
            (
                {
                    "id": p["id"],
                    "name": p["name"],
                    "status": upper(p["status"]),
                    "parties": sorted(
                        [upper(role), cid, cname, rows(facilities)]
                        for role, cid, cname, facilities in p["parties"]
                    ),
                }
                for p in partnerships
            ),
            key=lambda p: str(p["id"]),
        ),
    }


def _nested_ours(data: Any) -> Any:
    company = data["company"]
    partnerships = [
        {
            "id": p["id"],
            "name": p["name"],
            "status": p["status"],
            "parties": [
                [
                    party["role"],
                    party["company"]["id"],
                    party["company"]["name"],
                    [[f["id"], f["name"]] for f in party["company"]["facilities"]["nodes"]],
                ]
                for party in p["parties"]
            ],
        }
        for p in company["partnerships"]["nodes"]
    ]
    return _nested(company["id"], company["name"], partnerships)


def _nested_floor(records: list[dict[str, Any]]) -> Any:
    row = _single(records)
    return _nested(row["id"], row["name"], row["partnerships"])


NESTED = Case(
    name="nested",
    title="company → partnerships → parties → company → facilities",
    params={"id": "openai"},
    ours="""query Nested($id: ID!) {
  company(id: $id) {
    id name
    partnerships(first: 50) {
      nodes {
        id name status
        parties { role company { id name facilities(first: 20) { nodes { id name } } } }
      }
    }
  }
}""",
    ours_variables=lambda p: {"id": p["id"]},
    ours_canonical=_nested_ours,
    floor="""MATCH (c:Company {id: $id})
CALL (c) {
  MATCH (c)-[:PARTY_TO]->(p:Partnership)
  WITH DISTINCT p
  ORDER BY coalesce(p.announced_on, date('0001-01-01')) DESC, p.id DESC LIMIT 50
  CALL (p) {
    MATCH (o:Company)-[r:PARTY_TO]->(p)
    CALL (o) {
      MATCH (o)-[:OWNS|OPERATES|DEVELOPS|OCCUPIES]->(f:Facility)
      WITH DISTINCT f ORDER BY toLower(f.name), f.id LIMIT 20
      RETURN collect([f.id, f.name]) AS facilities
    }
    RETURN collect([r.role, o.id, o.name, facilities]) AS parties
  }
  RETURN collect({id: p.id, name: p.name, status: p.status, parties: parties}) AS partnerships
}
RETURN c.id AS id, c.name AS name, partnerships""",
    floor_params=lambda p: {"id": p["id"]},
    floor_canonical=_nested_floor,
)

# -- 4. a filtered, sorted page ------------------------------------------------------------------


def _filtered_row(i: Any, name: Any, kind: Any, status: Any, usd: Any) -> list[Any]:
    return [i, name, upper(kind), upper(status), float(usd)]


FILTERED_PAGE = Case(
    name="filtered_page",
    title="partnerships filtered by status and value, sorted by value",
    params={"statuses": ["SIGNED", "ANNOUNCED", "ACTIVE"]},
    ours="""query FilteredPage($status: [Status!]) {
  partnerships(
    where: {status: {in: $status}, valueUsd: {gt: 0}}
    orderBy: {field: VALUE_USD, direction: DESC}
    first: 20
  ) { nodes { id name kind status value { usd } } }
}""",
    ours_variables=lambda p: {"status": p["statuses"]},
    ours_canonical=lambda data: [
        _filtered_row(n["id"], n["name"], n["kind"], n["status"], n["value"]["usd"])
        for n in data["partnerships"]["nodes"]
    ],
    floor="""MATCH (p:Partnership)
WHERE p.status IN $statuses AND p.value_usd > 0
WITH p ORDER BY p.value_usd DESC, p.id DESC LIMIT 20
RETURN collect([p.id, p.name, p.kind, p.status, p.value_usd]) AS rows""",
    floor_params=lambda p: {"statuses": [s.lower() for s in p["statuses"]]},
    floor_canonical=lambda records: [_filtered_row(*row) for row in _single(records)["rows"]],
)

# -- 5. a deep page by cursor ---------------------------------------------------------------------


def _deep_floor(records: list[dict[str, Any]]) -> Any:
    page = _single(records)["rows"]
    return {"items": [list(row) for row in page[:PAGE_SIZE]], "hasNextPage": len(page) > PAGE_SIZE}


DEEP_PAGE = Case(
    name="deep_page",
    title="the n-th page of companies by cursor",
    params={"after": None},
    ours="""query DeepPage($after: String) {
  companies(orderBy: {field: ID, direction: ASC}, first: 20, after: $after) {
    nodes { id name country }
    pageInfo { endCursor hasNextPage }
  }
}""",
    ours_variables=lambda p: {"after": p["after"]},
    ours_canonical=lambda data: {
        "items": [[n["id"], n["name"], n["country"]] for n in data["companies"]["nodes"]],
        "hasNextPage": data["companies"]["pageInfo"]["hasNextPage"],
    },
    # Keyset on the id constraint's index: a range seek, already in order.
    floor="""MATCH (c:Company) WHERE c.id > $after
WITH c ORDER BY c.id LIMIT 21
RETURN collect([c.id, c.name, c.country]) AS rows""",
    floor_params=lambda p: {"after": p["after"] or ""},
    floor_canonical=_deep_floor,
)


def ours_end_cursor(data: Any) -> str | None:
    cursor = data["companies"]["pageInfo"]["endCursor"]
    return str(cursor) if cursor is not None else None


def floor_end_cursor(records: list[dict[str, Any]]) -> str | None:
    page = _single(records)["rows"][:PAGE_SIZE]
    return str(page[-1][0]) if page else None


# -- 6. full-text search --------------------------------------------------------------------------

SEARCH = Case(
    name="search",
    title="full-text search",
    params={"text": FULL.search_text},
    ours="query Search($text: String!) {\n"
    "  search(text: $text, first: 20) { nodes { ... on Company { id name } } }\n}",
    ours_variables=lambda p: {"text": p["text"]},
    ours_canonical=lambda data: sorted(n["id"] for n in data["search"]["nodes"] if n),
    floor="""CALL db.index.fulltext.queryNodes('entity_names', $lucene, {limit: 500}) YIELD node, score
WITH node, score
ORDER BY CASE WHEN toLower(coalesce(node.name, node.title, '')) STARTS WITH $starts THEN 0 ELSE 1 END,
  CASE WHEN node:Company THEN 0 WHEN node:Person THEN 1 WHEN node:Facility THEN 2
       WHEN node:Partnership THEN 3 ELSE 4 END, score DESC, node.id
LIMIT 20
RETURN collect(CASE WHEN node:Company THEN node.id END) AS ids""",
    floor_params=lambda p: {"lucene": lucene_query(p["text"]), "starts": p["text"].strip().lower()},
    floor_canonical=lambda records: sorted(_single(records)["ids"]),
)

# -- 7. supply chain ------------------------------------------------------------------------------

SUPPLY_CHAIN = Case(
    name="supply_chain",
    title="supply chain, 3 tiers upstream",
    params={"id": "openai", "depth": 3},
    ours="""query SupplyChain($id: ID!) {
  supplyChain(company: $id, direction: UPSTREAM, maxDepth: 3) { entries { tier company { id name } } }
}""",
    ours_variables=lambda p: {"id": p["id"]},
    ours_canonical=lambda data: sorted(
        [e["tier"], e["company"]["id"], e["company"]["name"]] for e in data["supplyChain"]["entries"]
    ),
    floor="""MATCH (root:Company {id: $id})
MATCH path = SHORTEST 1 (root)(()<-[:SUPPLIES]-()){1,3}(c:Company)
WHERE c <> root
WITH c, length(path) AS tier ORDER BY tier, toLower(c.name), c.id LIMIT 500
RETURN collect([tier, c.id, c.name]) AS entries""",
    floor_params=lambda p: {"id": p["id"]},
    floor_canonical=lambda records: sorted(list(entry) for entry in _single(records)["entries"]),
)

# -- dated variants (valid time: `asOf`) ----------------------------------------------------------
# The same questions as of a date: deals announced by then (or undated) only. The dated query
# should stay within 2x of the undated one (docs/time.md); the report puts them side by side.

AS_OF = "2025-06-30"

FILTERED_PAGE_DATED = Case(
    name="filtered_page_dated",
    title=f"filtered_page as of {AS_OF}",
    params={**FILTERED_PAGE.params, "on": AS_OF},
    ours=FILTERED_PAGE.ours.replace("partnerships(\n", "partnerships(\n    asOf: $on\n").replace(
        "($status: [Status!])", "($status: [Status!], $on: Date)"
    ),
    ours_variables=lambda p: {"status": p["statuses"], "on": p["on"]},
    ours_canonical=FILTERED_PAGE.ours_canonical,
    floor=FILTERED_PAGE.floor.replace(
        "AND p.value_usd > 0",
        "AND p.value_usd > 0 AND (p.announced_on IS NULL OR p.announced_on <= date($on))",
    ),
    floor_params=lambda p: {
        "statuses": [s.lower() for s in p["statuses"]],
        "on": p["on"],
    },
    floor_canonical=FILTERED_PAGE.floor_canonical,
)

NESTED_DATED = Case(
    name="nested_dated",
    title=f"nested as of {AS_OF}",
    params={**NESTED.params, "on": AS_OF},
    ours=NESTED.ours.replace("($id: ID!)", "($id: ID!, $on: Date)").replace(
        "company(id: $id)", "company(id: $id, asOf: $on)"
    ),
    ours_variables=lambda p: {"id": p["id"], "on": p["on"]},
    ours_canonical=NESTED.ours_canonical,
    floor=NESTED.floor.replace(
        "MATCH (c)-[:PARTY_TO]->(p:Partnership)",
        "MATCH (c)-[:PARTY_TO]->(p:Partnership) WHERE p.announced_on IS NULL OR p.announced_on <= date($on)",
    ).replace(
        "MATCH (o)-[:OWNS|OPERATES|DEVELOPS|OCCUPIES]->(f:Facility)",
        "MATCH (o)-[t:OWNS|OPERATES|DEVELOPS|OCCUPIES]->(f:Facility) "
        "WHERE (t.since IS NULL OR t.since <= date($on)) AND (t.until IS NULL OR t.until >= date($on))",
    ),
    floor_params=lambda p: {"id": p["id"], "on": p["on"]},
    floor_canonical=NESTED.floor_canonical,
)

# -- aggregates (issue 20) -------------------------------------------------------------------------

ALL_QUALIFIERS = [q.name for q in MoneyQualifier]


def _whole(value: Any) -> Any:
    """A sum to the dollar: the contenders add the same amounts in different orders."""
    return None if value is None else round(value)


def statuses(items: list[list[Any]]) -> list[list[Any]]:
    """[STATUS, count, sum] rows, statuses without deals left out, in status order."""
    return sorted([upper(s), n, _whole(total)] for s, n, total in items if n)


COUNT_ALL = Case(
    name="count_all",
    title="count of all partnerships",
    params={},
    ours="query CountAll { partnerships { aggregate { count } } }",
    ours_variables=lambda p: {},
    ours_canonical=lambda data: data["partnerships"]["aggregate"]["count"],
    floor="MATCH (p:Partnership) RETURN count(p) AS n",
    floor_params=lambda p: {},
    floor_canonical=lambda records: _single(records)["n"],
)

SUMS_BY_STATUS = Case(
    name="sums_by_status",
    title="partnerships and their USD value by status",
    params={},
    # Every qualifier: the peer has no notion of one, so the sums are of every amount.
    ours="""query SumsByStatus($qualifiers: [MoneyQualifier!]!) {
  partnerships {
    groupBy(by: [STATUS], first: 100) { key { status } count valueUsd(qualifiers: $qualifiers) { sum } }
  }
}""",
    ours_variables=lambda p: {"qualifiers": ALL_QUALIFIERS},
    ours_canonical=lambda data: statuses(
        [[g["key"]["status"], g["count"], g["valueUsd"]["sum"]] for g in data["partnerships"]["groupBy"]]
    ),
    floor="MATCH (p:Partnership) RETURN p.status AS status, count(*) AS n, sum(p.value_usd) AS total",
    floor_params=lambda p: {},
    floor_canonical=lambda records: statuses([[r["status"], r["n"], r["total"]] for r in records]),
)

GROUPS_BY_MONTH = Case(
    name="groups_by_month",
    title="synthetic partnerships by month of announcement",
    params={},
    ours="""query GroupsByMonth {
  partnerships(where: {synthetic: {eq: true}}) {
    groupBy(by: [ANNOUNCED_ON_MONTH], first: 100) { key { announcedOnMonth } count }
  }
}""",
    ours_variables=lambda p: {},
    ours_canonical=lambda data: sorted(
        [g["key"]["announcedOnMonth"], g["count"]] for g in data["partnerships"]["groupBy"]
    ),
    floor="MATCH (p:Partnership) WHERE p.synthetic = true "
    "RETURN p.announced_on.year AS year, p.announced_on.month AS month, count(*) AS n",
    floor_params=lambda p: {},
    floor_canonical=lambda records: sorted([f"{r['year']}-{r['month']:02d}", r["n"]] for r in records),
)
SUPPLIERS_OVER_N = Case(
    name="suppliers_over_n",
    title="synthetic companies with more than N suppliers",
    params={},
    ours="""query SuppliersOverN($n: Int!) {
  companies(where: {synthetic: {eq: true}, suppliers: {count: {gt: $n}}}, first: 100) { nodes { id } }
}""",
    ours_variables=lambda p: {"n": p["n"]},
    ours_canonical=lambda data: sorted(c["id"] for c in data["companies"]["nodes"]),
    floor="MATCH (c:Company {synthetic: true})<-[:SUPPLIES]-(s:Company) "
    "WITH c, count(DISTINCT s) AS suppliers WHERE suppliers > $n RETURN c.id AS id",
    floor_params=lambda p: {"n": p["n"]},
    floor_canonical=lambda records: sorted(r["id"] for r in records),
)
# -- federation: `_entities` as a gateway sends it ------------------------------------------------
# A gateway completes a list of another subgraph's items with one `_entities` call for all of
# them; ours compiles the call into one statement (UNWIND), the peer is @neo4j/graphql's
# subgraph mode (`getSubgraphSchema()`). Answers are positional: the canonical form keeps order.


def entity_ids(count: int, scale: Scale) -> list[str]:
    """`count` company ids, curated ones first, then synthetic ones spread over the graph."""
    step = max(1, scale.companies // 100)
    return ["openai", "nvidia", "foxconn", *(f"syn-company-{i * step}" for i in range(count))][:count]


def _entities_ours(data: Any) -> Any:
    return [None if e is None else _point(e) for e in data["_entities"]]


def _entities_floor(records: list[dict[str, Any]]) -> Any:
    return [
        None
        if row[0] is None
        else _point(dict(zip(("id", "name", "kind", "country", "ticker"), row, strict=True)))
        for row in _single(records)["rows"]
    ]


def _entities_case(count: int) -> Case:
    return Case(
        name=f"entities_{count}",
        title=f"_entities with {count} Company representation{'s' if count > 1 else ''}",
        params={"count": count, "ids": entity_ids(count, FULL)},
        ours=f"""query Entities{count}($representations: [_Any!]!) {{
  _entities(representations: $representations) {{ ... on Company {{ id name kind country ticker }} }}
}}""",
        ours_variables=lambda p: {"representations": [{"__typename": "Company", "id": i} for i in p["ids"]]},
        ours_canonical=_entities_ours,
        floor="""UNWIND $ids AS id
OPTIONAL MATCH (c:Company {id: id})
RETURN collect([c.id, c.name, c.kind, c.country, c.ticker]) AS rows""",
        floor_params=lambda p: {"ids": p["ids"]},
        floor_canonical=_entities_floor,
    )


ENTITIES_1, ENTITIES_10, ENTITIES_100 = (_entities_case(n) for n in (1, 10, 100))

CASES: list[Case] = [
    POINT,
    PEOPLE_FACILITIES,
    NESTED,
    NESTED_DATED,
    FILTERED_PAGE,
    FILTERED_PAGE_DATED,
    DEEP_PAGE,
    SEARCH,
    SUPPLY_CHAIN,
    COUNT_ALL,
    SUMS_BY_STATUS,
    GROUPS_BY_MONTH,
    SUPPLIERS_OVER_N,
    ENTITIES_1,
    ENTITIES_10,
    ENTITIES_100,
]

# Timed a second time sent by hash alone (`extensions.persistedQuery`), the server started with a
# manifest of them: what persisted operations save against the same document sent as text.
PERSISTED = ("point", "nested")


def manifest(cases: list[Case]) -> dict[str, Any]:
    """An Apollo persisted query manifest of the cases' documents."""
    operations = [
        {"id": persisted_id(c.ours), "name": operation_name(c.ours), "type": "query", "body": c.ours}
        for c in cases
    ]
    return {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}


def persisted_id(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def operation_name(document: str) -> str:
    return document.split("(", 1)[0].split("{", 1)[0].split()[1]


def params_for(case: Case, scale: Scale) -> dict[str, Any]:
    """The case's parameters at this scale (before any cursor walk)."""
    params = dict(case.params)
    if case is SEARCH:
        params["text"] = scale.search_text
        params["lucene"] = lucene_query(scale.search_text)
    if case is SUPPLIERS_OVER_N:
        params["n"] = scale.suppliers_over
    if case.name.startswith("entities_"):
        params["ids"] = entity_ids(params["count"], scale)
    return params

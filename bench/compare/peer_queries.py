"""The benchmark queries as the peer (the Neo4j GraphQL Library, `bench/compare/peer/`) asks them.

For each benchmark query: the peer's GraphQL document, its variables from the
case's parameters, and a function turning the peer's response `data` into the canonical form
every contender must produce. The peer's schema differs from ours (bench/compare/peer/README.md
lists every difference); the canonical functions absorb the differences:

- vocabulary values are stored lower-case and the peer declares them as String: they are
  upper-cased (our API returns enum names: `SIGNED`);
- the library has no lookup by id: `companies(where: {id: {eq: $id}})` returns a list of at most
  one company;
- the library's relationship connections have one edge per relationship: a company that is a
  party to a partnership twice (two roles) gives two `partnershipsConnection` edges, which are
  merged by partnership id (ours has one item per partnership with its roles);
- Facility.location is flat on the peer (`city`, `state`, `country`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.compare.cases import blank, statuses, upper
from service.domain.vocab import Status


@dataclass(frozen=True)
class PeerRequest:
    """One benchmark query as the peer asks it."""

    document: str
    """One operation, named like ours (e.g. `query Point($id: ID!) {...}`)."""
    variables: Callable[[dict[str, Any]], dict[str, Any]]
    """From the case's parameters to the peer's variables."""
    canonical: Callable[[Any], Any]
    """From the response's `data` to the canonical form."""


def _only_company(data: Any) -> dict[str, Any] | None:
    companies: list[dict[str, Any]] = data["companies"]
    return companies[0] if companies else None


# 1. point -----------------------------------------------------------------------------------------

POINT = """
query Point($id: ID!) {
  companies(where: {id: {eq: $id}}) { id name kind country ticker }
}
"""


def _point(data: Any) -> Any:
    company = _only_company(data)
    if company is None:
        return None
    return {
        "id": company["id"],
        "name": company["name"],
        "kind": upper(company["kind"]),
        "country": company["country"],
        "ticker": company["ticker"],
    }


# 2. people_facilities -------------------------------------------------------------------------

PEOPLE_FACILITIES = """
query PeopleFacilities($id: ID!) {
  companies(where: {id: {eq: $id}}) {
    id
    name
    executivesConnection(first: 20) { edges { properties { title role } node { id name } } }
    facilities(first: 20) { id name kind status city state country }
  }
}
"""


def _people_facilities(data: Any) -> Any:
    company = _only_company(data)
    if company is None:
        return None
    executives = [
        [
            edge["properties"]["title"],
            upper(edge["properties"]["role"]),
            edge["node"]["id"],
            edge["node"]["name"],
        ]
        for edge in company["executivesConnection"]["edges"]
    ]
    facilities = [
        [f["id"], f["name"], upper(f["kind"]), upper(f["status"]), f["city"], f["state"], f["country"]]
        for f in company["facilities"]
    ]
    return {
        "id": company["id"],
        "name": company["name"],
        "executives": sorted([blank(v) for v in row] for row in executives),
        "facilities": sorted([blank(v) for v in row] for row in facilities),
    }


# 3. nested ----------------------------------------------------------------------------------------

NESTED = """
query Nested($id: ID!) {
  companies(where: {id: {eq: $id}}) {
    id
    name
    partnershipsConnection(first: 50) {
      edges {
        node {
          id
          name
          status
          partiesConnection {
            edges {
              properties { role }
              node { id name facilities(first: 20) { id name } }
            }
          }
        }
      }
    }
  }
}
"""


def _nested(data: Any) -> Any:
    company = _only_company(data)
    if company is None:
        return None
    partnerships: dict[str, Any] = {}
    for edge in company["partnershipsConnection"]["edges"]:
        deal = edge["node"]
        parties = [
            [
                upper(party["properties"]["role"]),
                party["node"]["id"],
                party["node"]["name"],
                sorted([f["id"], f["name"]] for f in party["node"]["facilities"]),
            ]
            for party in deal["partiesConnection"]["edges"]
        ]
        # One edge per PARTY_TO relationship of the company: the same deal again for a second role.
        partnerships[deal["id"]] = {
            "id": deal["id"],
            "name": deal["name"],
            "status": upper(deal["status"]),
            "parties": sorted(parties),
        }
    return {
        "id": company["id"],
        "name": company["name"],
        "partnerships": [partnerships[key] for key in sorted(partnerships)],
    }


# 4. filtered_page ---------------------------------------------------------------------------------

FILTERED_PAGE = """
query FilteredPage($status: [String!]) {
  partnerships(
    where: {status: {in: $status}, valueUsd: {gt: 0}}
    sort: [{valueUsd: DESC}, {id: DESC}]
    limit: 20
  ) { id name kind status valueUsd }
}
"""


def _filtered_page(data: Any) -> Any:
    return [
        [p["id"], p["name"], upper(p["kind"]), upper(p["status"]), float(p["valueUsd"])]
        for p in data["partnerships"]
    ]


# 5. deep_page -------------------------------------------------------------------------------------

DEEP_PAGE = """
query DeepPage($after: String) {
  companiesConnection(first: 20, after: $after, sort: [{id: ASC}]) {
    edges { node { id name country } }
    pageInfo { endCursor hasNextPage }
  }
}
"""


def _deep_page(data: Any) -> Any:
    connection = data["companiesConnection"]
    return {
        "items": [[e["node"]["id"], e["node"]["name"], e["node"]["country"]] for e in connection["edges"]],
        "hasNextPage": connection["pageInfo"]["hasNextPage"],
    }


def peer_end_cursor(data: Any) -> str | None:
    """The endCursor of a deep_page response: the `after` of the next page."""
    cursor: str | None = data["companiesConnection"]["pageInfo"]["endCursor"]
    return cursor


# 6. search ----------------------------------------------------------------------------------------

SEARCH = """
query Search($phrase: String!) {
  companiesSearch(phrase: $phrase, first: 20) { edges { node { id name } } }
}
"""


def _search(data: Any) -> Any:
    return sorted(edge["node"]["id"] for edge in data["companiesSearch"]["edges"])


# 7. supply_chain ----------------------------------------------------------------------------------

SUPPLY_CHAIN = """
query SupplyChain($id: ID!, $depth: Int!) {
  supplyChain(company: $id, direction: "UPSTREAM", maxDepth: $depth) { tier company { id name } }
}
"""


def _supply_chain(data: Any) -> Any:
    return sorted([e["tier"], e["company"]["id"], e["company"]["name"]] for e in data["supplyChain"])


# Dated variants: the partnerships announced by the date, or undated; facility ties held then.
ANNOUNCED_BY = "OR: [{announcedOn: {lte: $on}}, {announcedOn: {eq: null}}]"
NESTED_DATED = (
    NESTED.replace("query Nested($id: ID!)", "query NestedDated($id: ID!, $on: Date!)")
    .replace(
        "partnershipsConnection(first: 50)",
        f"partnershipsConnection(first: 50, where: {{node: {{{ANNOUNCED_BY}}}}})",
    )
    .replace("facilities(first: 20) { id name }", "facilities: facilitiesOn(on: $on, first: 20) { id name }")
)
FILTERED_PAGE_DATED = FILTERED_PAGE.replace(
    "query FilteredPage($status: [String!])", "query FilteredPageDated($status: [String!], $on: Date!)"
).replace("valueUsd: {gt: 0}}", f"valueUsd: {{gt: 0}}, {ANNOUNCED_BY}}}")

# Aggregates: the library has connection aggregates but no group-by, so a client asks for one
# aggregate per status (or month), aliased, in one document.
COUNT_ALL = "query CountAll { partnershipsConnection { aggregate { count { nodes } } } }"

SUMS_BY_STATUS = (
    "query SumsByStatus {\n"
    + "\n".join(
        f'  {s.name}: partnershipsConnection(where: {{status: {{eq: "{s.value}"}}}}) '
        "{ aggregate { count { nodes } node { valueUsd { sum } } } }"
        for s in Status
    )
    + "\n}"
)


def _sums_by_status(data: Any) -> Any:
    return statuses(
        [
            [name, a["aggregate"]["count"]["nodes"], a["aggregate"]["node"]["valueUsd"]["sum"]]
            for name, a in data.items()
        ]
    )


def _next(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12}-{number % 12 + 1:02d}"


MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
GROUPS_BY_MONTH = (
    "query GroupsByMonth {\n"
    + "\n".join(
        f"  m{month.replace('-', '_')}: partnershipsConnection(where: {{synthetic: {{eq: true}}, "
        f'announcedOn: {{gte: "{month}-01", lt: "{_next(month)}-01"}}}}) '
        "{ aggregate { count { nodes } } }"
        for month in MONTHS
    )
    + "\n}"
)


def _groups_by_month(data: Any) -> Any:
    return sorted(
        [name[1:].replace("_", "-"), a["aggregate"]["count"]["nodes"]]
        for name, a in data.items()
        if a["aggregate"]["count"]["nodes"]
    )


# The library filters by an aggregate of a relationship connection (its deprecated form is
# `suppliersAggregate: {count_GT: $n}`); `count.nodes` counts the related companies.
SUPPLIERS_OVER_N = """
query SuppliersOverN($n: Int!) {
  companies(
    where: {synthetic: {eq: true}, suppliersConnection: {aggregate: {count: {nodes: {gt: $n}}}}}
  ) { id }
}
"""

# federation: `_entities` --------------------------------------------------------------------------

ENTITIES = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Company { id name kind country ticker } }
}
"""


def _entities(data: Any) -> Any:
    return [None if e is None else _point({"companies": [e]}) for e in data["_entities"]]


def _representations(p: dict[str, Any]) -> dict[str, Any]:
    return {"representations": [{"__typename": "Company", "id": i} for i in p["ids"]]}


PEER: dict[str, PeerRequest] = {
    "point": PeerRequest(POINT, lambda p: {"id": p["id"]}, _point),
    "people_facilities": PeerRequest(PEOPLE_FACILITIES, lambda p: {"id": p["id"]}, _people_facilities),
    "nested": PeerRequest(NESTED, lambda p: {"id": p["id"]}, _nested),
    "filtered_page": PeerRequest(
        FILTERED_PAGE, lambda p: {"status": [s.lower() for s in p["statuses"]]}, _filtered_page
    ),
    "nested_dated": PeerRequest(NESTED_DATED, lambda p: {"id": p["id"], "on": p["on"]}, _nested),
    "filtered_page_dated": PeerRequest(
        FILTERED_PAGE_DATED,
        lambda p: {"status": [s.lower() for s in p["statuses"]], "on": p["on"]},
        _filtered_page,
    ),
    "deep_page": PeerRequest(DEEP_PAGE, lambda p: {"after": p.get("after")}, _deep_page),
    "search": PeerRequest(SEARCH, lambda p: {"phrase": p["lucene"]}, _search),
    "supply_chain": PeerRequest(SUPPLY_CHAIN, lambda p: {"id": p["id"], "depth": p["depth"]}, _supply_chain),
    "count_all": PeerRequest(
        COUNT_ALL, lambda p: {}, lambda data: data["partnershipsConnection"]["aggregate"]["count"]["nodes"]
    ),
    "sums_by_status": PeerRequest(SUMS_BY_STATUS, lambda p: {}, _sums_by_status),
    "groups_by_month": PeerRequest(GROUPS_BY_MONTH, lambda p: {}, _groups_by_month),
    "suppliers_over_n": PeerRequest(
        SUPPLIERS_OVER_N, lambda p: {"n": p["n"]}, lambda data: sorted(c["id"] for c in data["companies"])
    ),
    **{f"entities_{n}": PeerRequest(ENTITIES, _representations, _entities) for n in (1, 10, 100)},
}

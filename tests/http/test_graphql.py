"""The GraphQL API over HTTP against the seeded graph: root fields, connected fields, filters,
ordering, keyset paging, errors, limits, injection attempts and the one-statement rule."""

from typing import Any

import pytest
from neo4j import Driver

from tests.support import ApiProcess, graphql, snapshot


def ok(api: ApiProcess, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    result = graphql(api.url, query, variables)
    assert "errors" not in result, result.get("errors")
    data: dict[str, Any] = result["data"]
    return data


def error_code(api: ApiProcess, query: str, variables: dict[str, Any] | None = None) -> str:
    result = graphql(api.url, query, variables)
    assert result.get("errors"), result
    assert "Traceback" not in str(result) and "MATCH" not in str(result)
    return str(result["errors"][0]["extensions"]["code"])


def test_single_entities_by_id_and_null_for_unknown_ids(seeded: Driver, api: ApiProcess) -> None:
    data = ok(
        api,
        """{
      company(id: "foxconn") { id name kind legalName aliases country }
      person(id: "sam-altman") { id name }
      facility(id: "foxconn-lordstown") { id name status location { city state country precision } }
      partnership(id: "openai-foxconn-us-hardware") { id status announcedOn announcedPrecision
                                                      value { qualifier amount } unknown }
      source(id: "seed-article") { id publisher url tier }
      missing: company(id: "no-such-company") { id }
      wrongType: person(id: "openai") { id }
    }""",
    )
    assert data["company"]["name"] == "Foxconn" and data["company"]["kind"] == "COMPANY"
    assert "Hon Hai Precision Industry Co." in data["company"]["aliases"] + [data["company"]["legalName"]]
    assert data["person"]["name"] == "Sam Altman"
    assert data["facility"]["location"] == {
        "city": "Lordstown",
        "state": "Ohio",
        "country": "US",
        "precision": "CITY",
    }
    deal = data["partnership"]
    assert deal["status"] == "ANNOUNCED" and deal["value"] == {"qualifier": "UNDISCLOSED", "amount": None}
    assert "value" in deal["unknown"]
    assert data["source"]["tier"] == "C"
    assert data["missing"] is None and data["wrongType"] is None


def test_node_resolves_any_entity_by_id(seeded: Driver, api: ApiProcess) -> None:
    data = ok(
        api,
        """{
      a: node(id: "nvidia") { id __typename ... on Company { name } }
      b: node(id: "young-liu") { __typename ... on Person { name } }
      c: node(id: "nvidia-openai-10gw") { __typename ... on Partnership { status } }
      d: node(id: "nope") { id }
    }""",
    )
    assert data["a"] == {"id": "nvidia", "__typename": "Company", "name": "Nvidia"}
    assert data["b"] == {"__typename": "Person", "name": "Young Liu"}
    assert data["c"] == {"__typename": "Partnership", "status": "UNFINALIZED"}
    assert data["d"] is None


def test_who_supplies_openai_with_partnership_and_source(seeded: Driver, api: ApiProcess) -> None:
    data = ok(
        api,
        """{ company(id: "openai") { suppliers(first: 100) { totalCount edges {
        node { id } partnerships { id sources(first: 1) { nodes { quote source { url } } } } } } } }""",
    )
    edges = {e["node"]["id"]: e for e in data["company"]["suppliers"]["edges"]}
    assert {"foxconn", "nvidia", "amd", "broadcom", "oracle"} <= set(edges)
    assert data["company"]["suppliers"]["totalCount"] == len(edges)
    foxconn = edges["foxconn"]["partnerships"]
    assert "openai-foxconn-us-hardware" in {p["id"] for p in foxconn}
    evidence = foxconn[0]["sources"]["nodes"][0]
    assert evidence["quote"] and evidence["source"]["url"].startswith("http")


def test_nvidia_invests_in_openai_through_a_sourced_partnership(seeded: Driver, api: ApiProcess) -> None:
    data = ok(
        api,
        """{ company(id: "nvidia") { investments(first: 100) { edges { node { id }
        partnerships { id status sources { totalCount } } } } customers { totalCount } } }""",
    )
    edges = {e["node"]["id"]: e for e in data["company"]["investments"]["edges"]}
    assert "openai" in edges
    deal = next(p for p in edges["openai"]["partnerships"] if p["id"] == "nvidia-openai-10gw")
    assert deal["status"] == "UNFINALIZED" and deal["sources"]["totalCount"] >= 2
    assert data["company"]["customers"]["totalCount"] > 0


def test_connected_fields_of_a_company(seeded: Driver, api: ApiProcess) -> None:
    data = ok(
        api,
        """{ company(id: "foxconn") {
        executives { nodes { title role current person { id } company { id } sources { quote } } }
        facilities(first: 50) { edges { roles node { id location { state } } } }
        partnerships(first: 50) { totalCount edges { roles node { id } } }
        partners(first: 5) { totalCount nodes { id } }
        customers(first: 50) { nodes { id } }
        subsidiaries { nodes { id } }
        parent { id }
        events { nodes { on kind } }
        sources(first: 2) { totalCount nodes { quote source { id } } }
    } }""",
    )
    company = data["company"]
    titles = {(e["person"]["id"], e["role"]) for e in company["executives"]["nodes"]}
    assert ("young-liu", "CHAIR") in titles and ("young-liu", "CEO") in titles
    assert all(e["company"]["id"] == "foxconn" and e["sources"] for e in company["executives"]["nodes"])
    sites = {e["node"]["id"]: e for e in company["facilities"]["edges"]}
    assert "OPERATES" in sites["foxconn-lordstown"]["roles"]
    assert {e["node"]["location"]["state"] for e in company["facilities"]["edges"]} >= {"Wisconsin", "Ohio"}
    assert "openai-foxconn-us-hardware" in {e["node"]["id"] for e in company["partnerships"]["edges"]}
    assert any("MANUFACTURER" in e["roles"] for e in company["partnerships"]["edges"])
    assert "openai" in {n["id"] for n in company["customers"]["nodes"]}
    assert "big-innovation-company" in {n["id"] for n in company["subsidiaries"]["nodes"]}
    assert company["parent"] is None
    assert company["sources"]["totalCount"] >= len(company["sources"]["nodes"]) == 2


def test_facility_person_and_partnership_connections(seeded: Driver, api: ApiProcess) -> None:
    data = ok(
        api,
        """{
      facility(id: "microsoft-fairwater-wisconsin") { partOf { id } companies { edges { roles node { id } } }
        partnerships { nodes { id } } capacity { amount unit } }
      campus: facility(id: "microsoft-mount-pleasant-campus") { parts { nodes { id } }
        events(orderBy: {field: ON, direction: ASC}) { nodes { on kind description } } }
      person(id: "safra-catz") { positions { nodes { title role since until current } } }
      partnership(id: "nvidia-openai-10gw") { parties { role company { id } value { usd qualifier } }
        capacity { amount unit qualifier } products events { nodes { kind } } partOf { id } }
    }""",
    )
    facility = data["facility"]
    assert facility["partOf"]["id"] == "microsoft-mount-pleasant-campus"
    assert "microsoft" in {e["node"]["id"] for e in facility["companies"]["edges"]}
    assert "microsoft-fairwater-wisconsin" in {n["id"] for n in data["campus"]["parts"]["nodes"]}
    history = data["campus"]["events"]["nodes"]
    assert history[0]["on"].startswith("2018") and [h["on"] for h in history] == sorted(
        h["on"] for h in history
    )
    positions = data["person"]["positions"]["nodes"]
    assert any(p["until"] and not p["current"] for p in positions)
    parties = {(p["company"]["id"], p["role"]) for p in data["partnership"]["parties"]}
    assert {("nvidia", "INVESTOR"), ("openai", "CUSTOMER")} <= parties
    investor = next(p for p in data["partnership"]["parties"] if p["role"] == "INVESTOR")
    assert investor["value"] == {"usd": 100e9, "qualifier": "UP_TO"}
    assert {"amount": 10.0, "unit": "gw", "qualifier": "AT_LEAST"} in data["partnership"]["capacity"]


def test_filters_with_operators_logic_and_relationship_quantifiers(seeded: Driver, api: ApiProcess) -> None:
    big_unfinalized = ok(
        api,
        """{ partnerships(first: 100, where: {status: {eq: UNFINALIZED},
        valueUsd: {gte: 10000000000}}) { nodes { id status value { usd } } } }""",
    )["partnerships"]["nodes"]
    assert big_unfinalized and all(
        p["status"] == "UNFINALIZED" and p["value"]["usd"] >= 1e10 for p in big_unfinalized
    )
    with_openai = ok(
        api,
        """{ partnerships(first: 100, where: {parties: {some: {company: {id: {eq: "openai"}},
        role: {in: [CUSTOMER]}}}}) { nodes { id parties { role company { id } } } } }""",
    )["partnerships"]["nodes"]
    assert with_openai and all(
        any(p["company"]["id"] == "openai" and p["role"] == "CUSTOMER" for p in deal["parties"])
        for deal in with_openai
    )
    logic = ok(
        api,
        """{ companies(first: 100, where: {OR: [{name: {startsWith: "Nvid"}}, {name: {eq: "AMD"}}],
        NOT: {kind: {eq: GOVERNMENT_BODY}}}) { nodes { name } } }""",
    )["companies"]["nodes"]
    assert {c["name"] for c in logic} == {"Nvidia", "AMD"}
    no_suppliers = ok(
        api,
        """{ companies(first: 100, where: {suppliers: {none: {}}, customers: {some: {}}})
        { nodes { id } } }""",
    )["companies"]["nodes"]
    assert "tsmc" in {c["id"] for c in no_suppliers}
    dated = ok(
        api,
        """{ partnerships(first: 100, where: {announcedOn: {gte: "2025-11-01", lt: "2025-12-01"}})
        { nodes { announcedOn } } }""",
    )["partnerships"]["nodes"]
    assert dated and all("2025-11-01" <= p["announcedOn"] < "2025-12-01" for p in dated)
    ignore_case = ok(api, '{ facilities(where: {name: {containsIgnoreCase: "STARGATE"}}) { totalCount } }')
    assert ignore_case["facilities"]["totalCount"] > 3


def test_ordering(seeded: Driver, api: ApiProcess) -> None:
    by_value = ok(
        api,
        """{ partnerships(first: 100, orderBy: {field: VALUE_USD, direction: DESC})
        { nodes { value { usd } } } }""",
    )["partnerships"]["nodes"]
    values = [p["value"]["usd"] if p["value"] else None for p in by_value]
    known = [v for v in values if v is not None]
    assert known == sorted(known, reverse=True)
    assert values[: len(known)] == known  # nulls last
    names = [c["name"] for c in ok(api, "{ companies(first: 100) { nodes { name } } }")["companies"]["nodes"]]
    assert [n.lower() for n in names] == sorted(n.lower() for n in names)


@pytest.mark.parametrize(
    ("order", "key", "descending"),
    [
        ("{field: NAME}", lambda p: p["name"].lower(), False),
        ("{field: ANNOUNCED_ON, direction: DESC}", lambda p: p["announcedOn"], True),
        ("{field: VALUE_USD, direction: ASC}", lambda p: p["value"] and p["value"]["usd"], False),
    ],
)
def test_cursor_paging_has_no_gaps_or_duplicates(
    seeded: Driver, api: ApiProcess, order: str, key: Any, descending: bool
) -> None:
    seen: list[dict[str, Any]] = []
    after: str | None = None
    total = None
    while True:
        page = ok(
            api,
            f"""query($after: String) {{ partnerships(first: 7, after: $after, orderBy: {order})
            {{ totalCount pageInfo {{ hasNextPage endCursor }}
               edges {{ cursor node {{ id name announcedOn value {{ usd }} }} }} }} }}""",
            {"after": after},
        )["partnerships"]
        total = page["totalCount"]
        seen.extend(e["node"] for e in page["edges"])
        assert page["edges"] == [] or page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    ids = [p["id"] for p in seen]
    assert len(ids) == len(set(ids)) == total > 100  # every item once, across more than one max page
    known = [p for p in seen if key(p) is not None]
    assert seen[: len(known)] == known  # missing values sort last
    assert [key(p) for p in known] == sorted((key(p) for p in known), reverse=descending)


def test_nested_lists_page_too(seeded: Driver, api: ApiProcess) -> None:
    first = ok(
        api,
        '{ company(id: "openai") { partnerships(first: 3) { pageInfo { endCursor hasNextPage } '
        "nodes { id } } } }",
    )["company"]["partnerships"]
    assert first["pageInfo"]["hasNextPage"]
    second = ok(
        api,
        'query($a: String) { company(id: "openai") { partnerships(first: 3, after: $a) '
        "{ pageInfo { hasPreviousPage } nodes { id } } } }",
        {"a": first["pageInfo"]["endCursor"]},
    )["company"]["partnerships"]
    assert second["pageInfo"]["hasPreviousPage"]
    assert not {n["id"] for n in first["nodes"]} & {n["id"] for n in second["nodes"]}


def test_first_defaults_to_20_and_is_capped_at_100(seeded: Driver, api: ApiProcess) -> None:
    assert len(ok(api, "{ sources { nodes { id } } }")["sources"]["nodes"]) == 20
    assert len(ok(api, "{ sources(first: 500) { nodes { id } } }")["sources"]["nodes"]) == 100


def test_search_finds_names_and_aliases(seeded: Driver, api: ApiProcess) -> None:
    data = ok(
        api,
        """{ a: search(text: "Hon Hai") { nodes { __typename ... on Company { id } } }
             b: search(text: "altm", first: 3) { edges { score node { ... on Person { id } } } } }""",
    )
    assert data["a"]["nodes"][0] == {"__typename": "Company", "id": "foxconn"}
    assert data["b"]["edges"][0]["node"]["id"] == "sam-altman"


def test_one_statement_per_root_field_whatever_the_depth(seeded: Driver, api: ApiProcess) -> None:
    queries = {
        1: '{ company(id: "openai") { id } }',
        2: '{ company(id: "openai") { suppliers(first: 5) { edges { partnerships { parties { company { '
        "facilities(first: 3) { nodes { id events(first: 2) { nodes { sources(first: 2) { nodes "
        "{ source { id } } } } } } } } } } } } } stats { companies } }",
        3: "{ a: partnerships(first: 50) { nodes { parties { company { customers(first: 50) "
        "{ nodes { id } } } } } } "
        'b: search(text: "foxconn") { nodes { ... on Company { executives { nodes { person { positions '
        '{ nodes { company { id } } } } } } } } } c: node(id: "tsmc") { id } }',
    }
    for roots, query in queries.items():
        result = graphql(api.url, query)
        assert "errors" not in result, result
        assert result["extensions"]["statements"] == roots


def test_bad_input_gets_bad_user_input(seeded: Driver, api: ApiProcess) -> None:
    assert error_code(api, "{ companies(first: -1) { nodes { id } } }") == "BAD_USER_INPUT"
    assert error_code(api, '{ companies(after: "garbage") { nodes { id } } }') == "BAD_USER_INPUT"
    cursor = ok(api, "{ companies(first: 1) { pageInfo { endCursor } } }")["companies"]["pageInfo"][
        "endCursor"
    ]
    other_order = f'{{ companies(after: "{cursor}", orderBy: {{field: ID}}) {{ nodes {{ id }} }} }}'
    assert error_code(api, other_order) == "BAD_USER_INPUT"
    # A bad literal is a validation failure (graphql-core's semantics); the same value in a
    # variable fails coercion: BAD_USER_INPUT.
    assert (
        error_code(api, '{ partnerships(where: {announcedOn: {gt: "last week"}}) { totalCount } }')
        == "GRAPHQL_VALIDATION_FAILED"
    )
    by_variable = "query Q($w: PartnershipWhere) { partnerships(where: $w) { totalCount } }"
    assert error_code(api, by_variable, {"w": {"announcedOn": {"gt": "last week"}}}) == "BAD_USER_INPUT"
    assert error_code(api, '{ search(text: "   ") { nodes { __typename } } }') == "BAD_USER_INPUT"
    assert (
        error_code(api, "{ companies(where: {name: {gt: 1}}) { totalCount } }") == "GRAPHQL_VALIDATION_FAILED"
    )


def test_abusive_queries_are_rejected_before_any_cypher(seeded: Driver, api: ApiProcess) -> None:
    costly = graphql(
        api.url,
        "{ companies(first: 100) { nodes { suppliers(first: 100) { nodes { customers(first: 100)"
        " { nodes { id } } } } } } }",
    )
    assert costly["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert costly["errors"][0]["extensions"]["cost"]["nodes"] == 100 + 100 * 100 + 100 * 100 * 100
    assert costly["extensions"]["statements"] == 0
    deep = '{ company(id: "openai") { ' + "parent { " * 20 + "id" + " }" * 20 + " } }"
    assert error_code(api, deep) == "QUERY_TOO_COMPLEX"
    aliases = "{ " + " ".join(f'a{i}: company(id: "openai") {{ id }}' for i in range(40)) + " }"
    assert error_code(api, aliases) == "QUERY_TOO_COMPLEX"
    cheap = graphql(api.url, '{ company(id: "openai") { suppliers(first: 5) { nodes { id } } } }')
    assert cheap["extensions"]["cost"]["nodes"] == 5


INJECTIONS = [
    "openai' OR 1=1 //",
    'openai"}) MATCH (n) DETACH DELETE n //',
    "`) DETACH DELETE n //",
    "\\u0027 RETURN 1 //",
    "$p0",
    "*:* OR name:*",
]


@pytest.mark.parametrize("attack", INJECTIONS)
def test_injection_attempts_are_inert(seeded: Driver, api: ApiProcess, attack: str) -> None:
    before = snapshot(seeded)
    variables = {"s": attack}
    queries = [
        "query($s: ID!) { company(id: $s) { id } node(id: $s) { id } }",
        "query($s: String!) { companies(where: {name: {contains: $s}}) { totalCount } }",
        "query($s: ID!) { companies(where: {id: {in: [$s]}}) { totalCount } }",
        "query($s: String!) { partnerships(where: {parties: {some: {company: {name: {startsWith: $s}}}}}) "
        "{ totalCount } }",
        "query($s: String!) { search(text: $s) { nodes { __typename } } }",
    ]
    for query in queries:
        result = graphql(api.url, query, variables)
        assert "errors" not in result, result
    cursor = graphql(api.url, "query($s: String) { companies(after: $s) { totalCount } }", variables)
    assert cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert snapshot(seeded) == before


def test_variables_defaults_and_directives_work_like_literals(seeded: Driver, api: ApiProcess) -> None:
    query = """query($w: PartnershipWhere, $o: PartnershipOrder, $n: Int = 3, $skip: Boolean!) {
      partnerships(where: $w, orderBy: $o, first: $n) {
        nodes { id status value { usd } }
        pageInfo @skip(if: $skip) { hasNextPage }
      } }"""
    variables = {
        "w": {
            "status": {"in": ["UNFINALIZED", "SIGNED"]},
            "parties": {"some": {"company": {"id": {"eq": "openai"}}}},
        },
        "o": {"field": "VALUE_USD", "direction": "DESC"},
        "skip": True,
    }
    with_variables = ok(api, query, variables)["partnerships"]
    literal = ok(
        api,
        """{ partnerships(first: 3, orderBy: {field: VALUE_USD, direction: DESC},
        where: {status: {in: [UNFINALIZED, SIGNED]}, parties: {some: {company: {id: {eq: "openai"}}}}})
        { nodes { id status value { usd } } } }""",
    )["partnerships"]
    assert "pageInfo" not in with_variables
    assert with_variables["nodes"] == literal["nodes"] and len(literal["nodes"]) == 3


def test_people_events_and_investors(seeded: Driver, api: ApiProcess) -> None:
    data = ok(
        api,
        """{
      people(first: 100, where: {positions: {some: {role: {eq: CEO}, company: {id: {eq: "nvidia"}}}}}) {
        totalCount nodes { id } }
      chairs: people(first: 5, orderBy: {field: NAME, direction: DESC}) { nodes { name } }
      event(id: "foxconn-lordstown-sale") { on onPrecision kind description sources { nodes { quote } } }
      company(id: "openai") { investors(first: 50) { edges { node { id } partnerships { id } } } }
    }""",
    )
    assert [n["id"] for n in data["people"]["nodes"]] == ["jensen-huang"]
    names = [n["name"] for n in data["chairs"]["nodes"]]
    assert [n.lower() for n in names] == sorted((n.lower() for n in names), reverse=True)
    assert data["event"]["kind"] == "TRANSACTION" and data["event"]["sources"]["nodes"]
    investors = {e["node"]["id"]: e for e in data["company"]["investors"]["edges"]}
    assert {"nvidia", "softbank", "microsoft"} <= set(investors)
    assert "softbank-openai-40b" in {p["id"] for p in investors["softbank"]["partnerships"]}

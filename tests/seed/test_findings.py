"""What the data audit of issue 15 found, each checked on the loaded graph so that it cannot come
back: amounts on the pair the facts attribute them to, the right parties, statuses and qualifiers
no stronger than the sources, duplicates merged, and the first question users ask answered."""

from typing import Any

import pytest
from neo4j import Driver

from seed.cli import DATA_DIR
from seed.validate import load_dataset
from service.domain.entities import Person
from tests.support import ApiProcess, graphql


def rows(driver: Driver, query: str, **params: Any) -> list[dict[str, Any]]:
    return [record.data() for record in driver.execute_query(query, params).records]


def money(driver: Driver, partnership: str) -> dict[tuple[str, str], tuple[float | None, str]]:
    found = rows(
        driver,
        "MATCH (a:Company)-[f:MONEY_FLOW {partnership: $p}]->(b:Company) "
        "RETURN a.id AS a, b.id AS b, f.value_usd AS usd, f.value_basis AS basis",
        p=partnership,
    )
    return {(r["a"], r["b"]): (r["usd"], r["basis"]) for r in found}


def test_a_programme_total_is_on_no_pair(seeded: Driver) -> None:
    # Nvidia's up-to-US$500B US manufacturing programme spans several partners: no pair gets it.
    flows = money(seeded, "nvidia-us-ai-manufacturing")
    assert len(flows) >= 2
    assert set(flows.values()) == {(None, "shared")}
    total = rows(seeded, "MATCH (p:Partnership {id: 'nvidia-us-ai-manufacturing'}) RETURN p.value_usd AS v")
    assert total == [{"v": 500e9}]  # kept where the facts put it: on the programme


def test_amounts_flow_the_way_the_money_goes(seeded: Driver) -> None:
    # OpenAI's Azure purchase commitment: OpenAI pays Microsoft, not the other way round.
    azure = money(seeded, "microsoft-openai-250b")
    assert azure[("openai", "microsoft")] == (250e9, "party")
    assert all(usd is None for (a, _), (usd, _) in azure.items() if a == "microsoft")
    invests = rows(
        seeded,
        "MATCH (:Company {id: 'microsoft'})-[i:INVESTS_IN {partnership: 'microsoft-openai-250b'}]->"
        "(:Company {id: 'openai'}) RETURN i.value_usd AS v",
    )
    assert all(r["v"] != 250e9 for r in invests)
    # CoreWeave's US$11.9B contract reaches its flow.
    assert money(seeded, "coreweave-openai-11-9b")[("openai", "coreweave")] == (11.9e9, "party")


@pytest.mark.parametrize(
    ("partnership", "company", "role", "present"),
    [
        # Broadcom denied OpenAI was the US$10B XPU customer and named Anthropic (conflict X3-1).
        ("broadcom-xpu-order-10b", "anthropic", "customer", True),
        ("broadcom-xpu-order-10b", "openai", "customer", False),
        # Safra Catz's "signed ... Meta" is not a signed Oracle→Meta contract (oracle-meta-cloud-20b).
        ("oracle-ai-cloud-contracts", "meta", "customer", False),
    ],
)
def test_parties_are_the_ones_the_facts_name(
    seeded: Driver, partnership: str, company: str, role: str, present: bool
) -> None:
    found = rows(
        seeded,
        "MATCH (:Company {id: $c})-[r:PARTY_TO {role: $role}]->(:Partnership {id: $p}) RETURN count(r) AS n",
        c=company,
        role=role,
        p=partnership,
    )
    assert (found[0]["n"] > 0) is present


def test_statuses_and_qualifiers_go_no_further_than_the_sources(seeded: Driver) -> None:
    deals = {
        r["id"]: r
        for r in rows(
            seeded,
            "MATCH (p:Partnership) WHERE p.id IN $ids RETURN p.id AS id, p.status AS status, "
            "p.value_qualifier AS qualifier",
            ids=["stargate-jv", "foxconn-softbank-lordstown-jv", "nscale-microsoft-200k-gb300"],
        )
    }
    assert deals["stargate-jv"]["qualifier"] != "exact"  # "intends to invest"
    assert deals["stargate-jv"]["status"] != "closed"
    assert deals["foxconn-softbank-lordstown-jv"]["status"] != "closed"  # "formed"
    # US$14B and up to US$24B, no preference in the facts: neither is the value.
    assert deals["nscale-microsoft-200k-gb300"]["qualifier"] == "undisclosed"


def test_duplicates_and_unsupported_entries_are_gone(seeded: Driver) -> None:
    gone = rows(
        seeded,
        "MATCH (n) WHERE n.id IN $ids RETURN n.id AS id",
        ids=["stargate-uae-consortium", "nvidia-stargate-norway-gb300"],
    )
    assert gone == []
    # The Meta and Blue Owl joint venture is one event, not two on the same day.
    events = rows(
        seeded,
        "MATCH (e:Event)-[:ABOUT]->(p:Partnership) WHERE p.id CONTAINS 'blue-owl' AND p.id CONTAINS 'meta' "
        "RETURN e.occurred AS day, count(DISTINCT e) AS n",
    )
    assert all(r["n"] == 1 for r in events)


def test_a_previous_post_has_an_end(seeded: Driver) -> None:
    posts = rows(
        seeded,
        "MATCH (:Person {id: 'mike-sicilia'})-[r:HOLDS_POSITION]->() WHERE r.title CONTAINS 'previously' "
        "RETURN r.until AS until",
    )
    assert posts and all(p["until"] is not None for p in posts)


def test_mirrors_and_forums_are_tier_c(seeded: Driver) -> None:
    tiers = rows(
        seeded,
        "MATCH (s:Source) WHERE s.id IN $ids RETURN DISTINCT s.tier AS tier",
        ids=["s129", "s138", "s75", "s167", "s133"],
    )
    assert tiers == [{"tier": "C"}]


def test_foxconn_customers_include_apple(seeded: Driver, api: ApiProcess) -> None:
    answer = graphql(api.url, '{ company(id: "foxconn") { customers(first: 100) { nodes { id } } } }')
    assert "apple" in {c["id"] for c in answer["data"]["company"]["customers"]["nodes"]}


def test_founding_years_from_part_3(seeded: Driver, api: ApiProcess) -> None:
    answer = graphql(
        api.url,
        '{ companies(where: {founded: {gte: "2016-01-01"}}, orderBy: {field: FOUNDED})'
        " { nodes { id founded foundedPrecision } } }",
    )
    founded = {
        c["id"]: (c["founded"][:4], c["foundedPrecision"]) for c in answer["data"]["companies"]["nodes"]
    }
    assert founded["groq"] == ("2016", "YEAR") and founded["fluidstack"] == ("2017", "YEAR")
    assert founded["ampere-computing"] == ("2017", "YEAR")  # X3-9: the facts use 2017, 2018 a variant


def test_facts_resting_only_on_tier_c_say_so(seeded: Driver, api: ApiProcess) -> None:
    # The ground truth from the data files: an entity is onlyTierC when all the sources of all
    # its evidence (its links' included) are tier C; a position when all of its own are.
    dataset = load_dataset(DATA_DIR)
    tiers = {source.id: source.tier.value for source in dataset.sources}
    expected = {
        entry.id: all(tiers[e.source] == "C" for e in entry.all_evidence())
        for entry in dataset.sourced()
        if entry.all_evidence()
    }
    for root in ("companies", "people", "facilities", "partnerships", "events"):
        seen: dict[str, bool] = {}
        after = None
        while True:
            page = graphql(
                api.url,
                f"query Page($after: String) {{ {root}(first: 100, after: $after) {{"
                " pageInfo { hasNextPage endCursor } nodes { id onlyTierC } } }",
                {"after": after},
            )["data"][root]
            seen.update({n["id"]: n["onlyTierC"] for n in page["nodes"]})
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert seen == {i: expected[i] for i in seen} and len(seen) > 10, root
    flagged = graphql(api.url, "{ partnerships(where: {onlyTierC: {eq: true}}) { totalCount } }")
    deals = {p.id for p in dataset.section("partnerships")}
    assert flagged["data"]["partnerships"]["totalCount"] == sum(expected[i] for i in deals)
    positions = graphql(
        api.url, '{ person(id: "mike-sicilia") { positions { nodes { title onlyTierC } } } }'
    )["data"]["person"]["positions"]["nodes"]
    person = next(p for p in dataset.section("people") if isinstance(p, Person) and p.id == "mike-sicilia")
    own = {p.title: all(tiers[e.source] == "C" for e in p.evidence) for p in person.positions}
    assert {p["title"]: p["onlyTierC"] for p in positions} == own

"""Analytics over the seeded graph: supply chains, connections, money loops, exposure, figures."""

from typing import Any

import pytest
from neo4j import Driver

from tests.support import ApiProcess, graphql


def ok(api: ApiProcess, query: str, roots: int = 1) -> dict[str, Any]:
    result = graphql(api.url, query)
    assert "errors" not in result, result.get("errors")
    assert result["extensions"]["statements"] == roots  # one statement per root field
    data: dict[str, Any] = result["data"]
    return data


def test_tsmc_is_upstream_of_openai_within_three_tiers(seeded: Driver, api: ApiProcess) -> None:
    chain = ok(
        api,
        """{ supplyChain(company: "openai", direction: UPSTREAM, maxDepth: 3) {
        truncated entries { tier company { id } paths { id } } } }""",
    )["supplyChain"]
    tiers = {e["company"]["id"]: e for e in chain["entries"]}
    assert not chain["truncated"]
    assert tiers["foxconn"]["tier"] == 1 and tiers["nvidia"]["tier"] == 1
    assert 1 <= tiers["tsmc"]["tier"] <= 3
    assert all(len(p) >= tiers["tsmc"]["tier"] for p in tiers["tsmc"]["paths"])
    assert len({e["company"]["id"] for e in chain["entries"]}) == len(chain["entries"])  # no duplicates
    assert "openai" not in tiers  # no cycle back to the start
    one_tier = ok(api, '{ supplyChain(company: "openai", maxDepth: 1) { entries { tier } } }')["supplyChain"]
    assert {e["tier"] for e in one_tier["entries"]} == {1}


def test_downstream_and_filtered_chains(seeded: Driver, api: ApiProcess) -> None:
    down = ok(
        api,
        '{ supplyChain(company: "tsmc", direction: DOWNSTREAM, maxDepth: 2) '
        "{ entries { tier company { id } } } }",
    )["supplyChain"]["entries"]
    assert {"nvidia", "amd"} <= {e["company"]["id"] for e in down}
    signed_only = ok(
        api,
        """{ supplyChain(company: "openai", maxDepth: 2, where: {status: {eq: SIGNED}})
        { entries { paths { status } } } }""",
    )["supplyChain"]["entries"]
    assert signed_only and all(
        p["status"] == "SIGNED" for e in signed_only for path in e["paths"] for p in path
    )
    assert ok(api, '{ supplyChain(company: "nobody") { truncated } }')["supplyChain"] is None


def test_nvidia_openai_money_loop_with_partnerships_and_sources(seeded: Driver, api: ApiProcess) -> None:
    loops = ok(
        api,
        """{ circularFlows(involving: "nvidia", maxLength: 4, first: 100) { loops {
        length minStepUsd totalUsd knownValueUsd knownSteps steps { from { id } to { id } status valueUsd
          partnership { id sources(first: 1) { nodes { quote source { url } } } } } } } }""",
    )["circularFlows"]["loops"]
    with_openai = [loop for loop in loops if "openai" in {s["from"]["id"] for s in loop["steps"]}]
    assert with_openai
    loop = with_openai[0]
    assert loop["steps"][0]["from"]["id"] == "nvidia" and loop["steps"][-1]["to"]["id"] == "nvidia"
    assert all(s["partnership"]["sources"]["nodes"][0]["quote"] for s in loop["steps"])
    assert len({s["partnership"]["id"] for s in loop["steps"]}) > 1  # not one deal's two-way flow
    assert all(loop["length"] <= 4 for loop in loops)
    for each in loops:
        # An unknown step could be any amount: a loop has a bound and a total only when every
        # step is known, and says how many are.
        known = [s["valueUsd"] for s in each["steps"] if s["valueUsd"] is not None]
        assert each["knownSteps"] == len(known)
        assert each["knownValueUsd"] == pytest.approx(sum(known))
        complete = len(known) == each["length"]
        assert each["minStepUsd"] == (pytest.approx(min(known)) if complete else None)
        assert each["totalUsd"] == (pytest.approx(sum(known)) if complete else None)
    # Loops known all the way round come first, by what goes round, then the rest by known value.
    keys = [
        (loop["minStepUsd"] is None, -(loop["minStepUsd"] or 0), -loop["knownValueUsd"]) for loop in loops
    ]
    assert keys == sorted(keys)


def test_circular_flow_filters(seeded: Driver, api: ApiProcess) -> None:
    signed = ok(
        api,
        """{ circularFlows(maxLength: 3, status: [SIGNED, ACTIVE, CLOSED], first: 100)
        { loops { steps { status } } } }""",
    )["circularFlows"]["loops"]
    assert all(s["status"] in ("SIGNED", "ACTIVE", "CLOSED") for loop in signed for s in loop["steps"])
    every = ok(api, "{ circularFlows(maxLength: 4, first: 100) { loops { minStepUsd } } }")
    bounds = [loop["minStepUsd"] for loop in every["circularFlows"]["loops"] if loop["minStepUsd"]]
    assert bounds, "some loop is known all the way round"
    threshold = sorted(bounds)[len(bounds) // 2]
    big = ok(
        api,
        f"{{ circularFlows(maxLength: 4, first: 100, minValueUsd: {threshold})"
        " { loops { minStepUsd } } }",
    )
    assert sorted(loop["minStepUsd"] for loop in big["circularFlows"]["loops"]) == sorted(
        b for b in bounds if b >= threshold
    )


def test_foxconn_to_microsoft_goes_through_mount_pleasant(seeded: Driver, api: ApiProcess) -> None:
    paths = ok(
        api,
        """{ connections(from: "foxconn", to: "microsoft", via: [PARTNERSHIP, FACILITY]) {
        truncated paths { length steps { relationship kind from { id } to { id }
          partnership { id facilities { nodes { id location { city } } } }
          evidence { quote source { url } } } } } }
    """,
    )["connections"]["paths"]
    assert paths
    deals = {s["partnership"]["id"]: s["partnership"] for p in paths for s in p["steps"] if s["partnership"]}
    assert "microsoft-mount-pleasant-land" in deals
    sites = deals["microsoft-mount-pleasant-land"]["facilities"]["nodes"]
    assert {"city": "Mount Pleasant"} in [s["location"] for s in sites]
    assert all(s["evidence"] and s["evidence"]["quote"] for p in paths for s in p["steps"])
    assert (
        paths[0]["steps"][0]["from"]["id"] == "foxconn" and paths[0]["steps"][-1]["to"]["id"] == "microsoft"
    )


def test_connections_respect_caps_and_disconnected_pairs(seeded: Driver, api: ApiProcess) -> None:
    capped = ok(api, '{ connections(from: "sam-altman", to: "tsmc", maxLength: 1) { paths { length } } }')
    assert capped["connections"]["paths"] == []
    found = ok(api, '{ connections(from: "sam-altman", to: "tsmc", maxLength: 4) { paths { length } } }')
    assert found["connections"]["paths"] and all(p["length"] <= 4 for p in found["connections"]["paths"])
    none = ok(api, '{ connections(from: "foxconn", to: "no-such-id") { paths { length } truncated } }')
    assert none["connections"] == {"paths": [], "truncated": False}
    result = graphql(api.url, '{ connections(from: "a", to: "b", maxLength: 9) { truncated } }')
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    result = graphql(api.url, '{ supplyChain(company: "openai", maxDepth: 7) { truncated } }')
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_exposure_of_a_company_and_a_facility(seeded: Driver, api: ApiProcess) -> None:
    foxconn = ok(api, '{ exposure(company: "foxconn", maxDepth: 2) { entries { tier company { id } } } }')
    tiers = {e["company"]["id"]: e["tier"] for e in foxconn["exposure"]["entries"]}
    assert tiers["openai"] == 1 and "nvidia" in tiers
    site = ok(api, '{ exposure(facility: "tsmc-arizona", maxDepth: 3) { entries { tier company { id } } } }')
    site_tiers = {e["company"]["id"]: e["tier"] for e in site["exposure"]["entries"]}
    assert site_tiers["tsmc"] == 1 and site_tiers["nvidia"] <= 2
    assert max(site_tiers.values()) <= 3
    both = graphql(api.url, '{ exposure(company: "foxconn", facility: "x") { truncated } }')
    assert both["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_company_figures_and_rankings(seeded: Driver, api: ApiProcess) -> None:
    stats = ok(
        api,
        """{ company(id: "openai") { stats { suppliers customers degree { kind count }
        moneyIn { status qualifier valueUsd partnerships valuedPartnerships }
        moneyOut { status valueUsd } } } }""",
    )
    figures = stats["company"]["stats"]
    assert figures["suppliers"] >= 10
    assert {d["kind"] for d in figures["degree"]} >= {"SUPPLY", "MONEY", "PARTNERSHIP"}
    statuses = {(m["status"], m["qualifier"]) for m in figures["moneyIn"]}
    assert ("UNFINALIZED", "UP_TO") in statuses and any(s == "SIGNED" for s, _ in statuses)
    for group in figures["moneyIn"]:
        assert 0 <= group["valuedPartnerships"] <= group["partnerships"]
        assert (group["valueUsd"] is None) == (group["valuedPartnerships"] == 0)
    ranked = ok(
        api,
        """{ a: rankings(by: MOST_DEPENDED_ON_SUPPLIERS, first: 5) { rank score company { id } }
                         b: rankings(by: LARGEST_MONEY_HUBS, first: 5) { rank score company { id } } }""",
        roots=2,
    )
    assert [r["rank"] for r in ranked["a"]] == [1, 2, 3, 4, 5]
    assert [r["score"] for r in ranked["a"]] == sorted((r["score"] for r in ranked["a"]), reverse=True)
    assert "nvidia" in {r["company"]["id"] for r in ranked["a"]}
    assert {"openai", "nvidia"} <= {r["company"]["id"] for r in ranked["b"]}


def test_analytics_count_against_the_cost_limit(seeded: Driver, api: ApiProcess) -> None:
    result = graphql(
        api.url,
        '{ supplyChain(company: "openai") { entries { company { suppliers(first: 100) '
        "{ nodes { id } } } } } }",
    )
    assert result["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"  # 500 entries x 100 > 50,000
    cheap = graphql(api.url, '{ supplyChain(company: "openai") { entries { tier } } }')
    assert cheap["extensions"]["cost"]["nodes"] == 500
    many = graphql(api.url, '{ connections(from: "openai", to: "tsmc", maxLength: 3) { paths { length } } }')
    assert len(many["data"]["connections"]["paths"]) <= 20

"""Valid time (`asOf`) and timelines on the curated history: a deal absent the day before its
announcement and present on the day; an executive's positions before and after a change; the
derived supply and money links of a deal appearing with it; events in order with their sources.
Each answer is one statement, compared with what the seed files say."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from neo4j import Driver

from tests.conftest import EDITOR
from tests.support import data, seed_only

Run = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture(scope="module")
def seeded_once(driver: Driver) -> Driver:
    return seed_only(driver)


# nvidia-openai-10gw is announced "2025-09-22" in seed/data/partnerships-part1.yaml.
DEAL = """query($on: Date) {
  partnership(id: "nvidia-openai-10gw", asOf: $on) { id announcedOn }
  company(id: "nvidia", asOf: $on) {
    partnerships(first: 100) { nodes { id } }
    customers(first: 100) { edges { node { id } partnerships { id } } }
    partners(first: 100) { edges { node { id } partnerships { id } } }
  }
  partnerships(asOf: $on, first: 100, where: {id: {eq: "nvidia-openai-10gw"}}) { totalCount }
}"""


async def test_a_deal_is_absent_the_day_before_its_announcement(seeded_once: Driver, engine: Run) -> None:
    before = await data(engine, DEAL, {"on": "2025-09-21"})
    on_the_day = await data(engine, DEAL, {"on": "2025-09-22"})
    today = await data(engine, DEAL, {"on": None})
    assert before["partnership"] is None and on_the_day["partnership"]["announcedOn"] == "2025-09-22"
    assert today == on_the_day or today["partnership"] == on_the_day["partnership"]
    for answer, present in ((before, False), (on_the_day, True), (today, True)):
        nvidia = answer["company"]
        assert ("nvidia-openai-10gw" in {n["id"] for n in nvidia["partnerships"]["nodes"]}) is present
        # The deal's derived links and shared-deal ties come and go with it.
        deals = {p["id"] for e in nvidia["customers"]["edges"] for p in e["partnerships"]}
        assert ("nvidia-openai-10gw" in deals) is present
        partners = {p["id"] for e in nvidia["partners"]["edges"] for p in e["partnerships"]}
        assert ("nvidia-openai-10gw" in partners) is present
        assert answer["partnerships"]["totalCount"] == (1 if present else 0)
    # Every deal kept on a date was announced by then or has no known date.
    dated = await data(
        engine,
        '{ partnerships(asOf: "2025-06-30", first: 100) { totalCount nodes { announcedOn } } }',
    )
    assert dated["partnerships"]["totalCount"] > 0
    assert all(
        n["announcedOn"] is None or n["announcedOn"] <= "2025-06-30" for n in dated["partnerships"]["nodes"]
    )
    everything = await data(engine, "{ partnerships { totalCount } }")
    assert dated["partnerships"]["totalCount"] < everything["partnerships"]["totalCount"]


# Safra Catz: Oracle's chief executive "since 2014, until 2025-09", then executive vice chair
# "since 2025-09" (seed/data/people.yaml, source s31).
POSITIONS = """query($on: Date) {
  person(id: "safra-catz", asOf: $on) { positions(first: 10) { nodes { title current } } }
}"""


async def test_positions_are_those_held_on_the_date(seeded_once: Driver, engine: Run) -> None:
    async def held(on: str | None) -> list[tuple[str, bool]]:
        answer = await data(engine, POSITIONS, {"on": on})
        return sorted((p["title"], p["current"]) for p in answer["person"]["positions"]["nodes"])

    assert await held("2013-06-01") == []
    assert await held("2025-06-01") == [("Chief executive", True)]
    assert await held("2025-10-01") == [("Executive vice chair of the board of directors", True)]
    # Today, both are listed and only the vice chair is current.
    assert await held(None) == [
        ("Chief executive", False),
        ("Executive vice chair of the board of directors", True),
    ]


# Stargate Port Washington: ground broken 2025-12-17 (the event's facility_status, source s44),
# "construction" on the 2025-12-18 page the facility's own status comes from. Microsoft Fairwater
# Atlanta "began operations in October" 2025 (event, s93). seed/data/events-facilities.yaml.
STATUS = """query($on: Date) {
  facility(id: "stargate-port-washington", asOf: $on) { status }
  atlanta: facility(id: "microsoft-fairwater-atlanta", asOf: $on) { status }
  operating: facilities(asOf: $on, first: 200, where: {status: {eq: OPERATING}}) { nodes { id status } }
}"""


async def test_a_facility_has_the_status_its_dated_events_gave_it(
    seeded_once: Driver, engine: Run, driver: Driver
) -> None:
    async def status(on: str | None) -> tuple[str, str, set[str]]:
        answer = await data(engine, STATUS, {"on": on})
        operating = answer["operating"]["nodes"]
        assert {n["status"] for n in operating} <= {"OPERATING"}  # the filter and the value agree
        ids = {n["id"] for n in operating}
        return answer["facility"]["status"], answer["atlanta"]["status"], ids

    # Before the first dated status: the sources do not say.
    port, atlanta, operating = await status("2025-09-30")
    assert (port, atlanta) == ("UNKNOWN", "UNKNOWN") and "microsoft-fairwater-atlanta" not in operating
    # Atlanta began operations in 2025-10 (a partial date: from its first day).
    port, atlanta, operating = await status("2025-10-01")
    assert (port, atlanta) == ("UNKNOWN", "OPERATING") and "microsoft-fairwater-atlanta" in operating
    assert (await status("2025-12-16"))[0] == "UNKNOWN"
    assert (await status("2025-12-17"))[0] == "CONSTRUCTION"  # the groundbreaking
    assert (await status("2025-12-18"))[0] == "CONSTRUCTION"  # its own status, from that page
    today = await status(None)
    assert today[:2] == ("CONSTRUCTION", "OPERATING")
    # A facility with no dated status at all keeps its own on every date (nothing says otherwise).
    records, _, _ = driver.execute_query(
        "MATCH (f:Facility) WHERE f.status = 'operating' AND f.status_as_of_on IS NULL "
        "AND NOT EXISTS { MATCH (f)<-[:ABOUT]-(e:Event) WHERE e.facility_status IS NOT NULL } "
        "RETURN collect(f.id) AS ids"
    )
    undated = set(records[0]["ids"])
    assert undated and undated <= (await status("2020-01-01"))[2]


async def test_a_status_change_through_the_api_is_dated(seeded_once: Driver, engine: Run) -> None:
    change = """mutation($on: String!, $status: Status!) {
      changePartnershipStatus(id: "nvidia-openai-10gw", status: $status, on: $on,
        evidence: [{source: "s74", quote: "The company says it makes artificial intelligence servers."}]) {
        __typename } }"""
    query = 'query($on: Date) { partnership(id: "nvidia-openai-10gw", asOf: $on) { status } }'
    before = (await data(engine, query, {"on": "2025-12-01"}))["partnership"]["status"]
    try:
        result = await engine(change, {"on": "2026-01-15", "status": "SIGNED"}, principal=EDITOR)
        assert "errors" not in result, result
        dated = {on: (await data(engine, query, {"on": on}))["partnership"]["status"]
                 for on in ("2025-12-01", "2026-01-14", "2026-01-15", "2026-06-01")}  # fmt: skip
        # Before the first dated change: the status it replaced.
        assert dated == {"2025-12-01": "UNFINALIZED", "2026-01-14": "UNFINALIZED",
                         "2026-01-15": "SIGNED", "2026-06-01": "SIGNED"}  # fmt: skip
        assert (await data(engine, query, {"on": None}))["partnership"]["status"] == "SIGNED"
    finally:
        seed_only(seeded_once)
    assert before == "UNFINALIZED"  # undated: its own status, on every date


TIMELINE = """query($id: ID!, $on: Date, $after: String) {
  timeline(id: $id, asOf: $on, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id on kind sources { nodes { source { id } quote } } }
  }
}"""


async def test_a_timeline_lists_dated_events_oldest_first_with_their_sources(
    seeded_once: Driver, engine: Run, driver: Driver
) -> None:
    answer = (await data(engine, TIMELINE, {"id": "openai"}))["timeline"]
    events = answer["nodes"]
    # By hand: events about OpenAI, and about every deal it is party to.
    records, _, _ = driver.execute_query(
        "MATCH (e:Event)-[:ABOUT]->(x) WHERE x.id = 'openai' "
        "OR (x:Partnership AND EXISTS { MATCH (:Company {id: 'openai'})-[:PARTY_TO]->(x) }) "
        "RETURN collect(DISTINCT e.id) AS ids"
    )
    assert {e["id"] for e in events} == set(records[0]["ids"]) and answer["totalCount"] == len(events)
    assert "nvidia-openai-10gw-not-finalised" in {e["id"] for e in events}
    assert [e["on"] for e in events] == sorted(e["on"] for e in events)
    assert all(e["sources"]["nodes"] and all(s["quote"] for s in e["sources"]["nodes"]) for e in events)
    # As of a date, the events after it are not there yet.
    earlier = (await data(engine, TIMELINE, {"id": "openai", "on": "2025-09-30"}))["timeline"]["nodes"]
    assert earlier == [e for e in events if e["on"] <= "2025-09-30"] and len(earlier) < len(events)
    # Paged, it is the same list.
    first = (await data(engine, TIMELINE.replace("first: 100", "first: 3"), {"id": "openai"}))["timeline"]
    assert [e["id"] for e in first["nodes"]] == [e["id"] for e in events[:3]]
    assert (await data(engine, TIMELINE, {"id": "no-such-entity"}))["timeline"]["nodes"] == []


CHAIN = """query($on: Date) {
  supplyChain(company: "openai", direction: UPSTREAM, maxDepth: 1, asOf: $on) {
    entries { company { id } tier }
  }
}"""


async def test_a_supply_chain_as_of_a_date_uses_the_links_announced_by_then(
    seeded_once: Driver, engine: Run, driver: Driver
) -> None:
    def by_hand(on: str | None) -> set[str]:
        records, _, _ = driver.execute_query(
            "MATCH (s:Company)-[h:SUPPLIES]->(:Company {id: 'openai'}) "
            "WHERE $on IS NULL OR h.announced_on IS NULL OR h.announced_on <= date($on) "
            "RETURN collect(DISTINCT s.id) AS ids",
            on=on,
        )
        return set(records[0]["ids"])

    found = {}
    for on in ("2025-01-01", "2025-09-21", "2025-09-22", None):
        answer = await data(engine, CHAIN, {"on": on})
        found[on] = {e["company"]["id"] for e in answer["supplyChain"]["entries"]}
        assert found[on] == by_hand(on), on
    assert found["2025-01-01"] < found[None] and found["2025-09-21"] <= found["2025-09-22"]


async def test_company_stats_count_what_held_on_the_date(
    seeded_once: Driver, engine: Run, driver: Driver
) -> None:
    query = """query($on: Date) { company(id: "nvidia", asOf: $on) {
      stats { customers moneyOut { partnerships } degree { kind count } } } }"""
    for on in ("2025-03-01", "2025-09-21", None):
        stats = (await data(engine, query, {"on": on}))["company"]["stats"]
        records, _, _ = driver.execute_query(
            "MATCH (:Company {id: 'nvidia'})-[h:SUPPLIES]->(x:Company) "
            "WHERE $on IS NULL OR h.announced_on IS NULL OR h.announced_on <= date($on) "
            "WITH count(DISTINCT x) AS customers "
            "OPTIONAL MATCH (:Company {id: 'nvidia'})-[f:MONEY_FLOW]->() "
            "WHERE $on IS NULL OR f.announced_on IS NULL OR f.announced_on <= date($on) "
            "RETURN customers, count(DISTINCT f.partnership) AS deals",
            on=on,
        )
        assert stats["customers"] == records[0]["customers"], on
        assert sum(s["partnerships"] for s in stats["moneyOut"]) == records[0]["deals"], on
    early = (await data(engine, query, {"on": "2025-03-01"}))["company"]["stats"]
    now = (await data(engine, query, {"on": None}))["company"]["stats"]
    assert early["customers"] < now["customers"]
    assert sum(d["count"] for d in early["degree"]) < sum(d["count"] for d in now["degree"])


async def test_paths_loops_and_rankings_as_of_a_date(
    seeded_once: Driver, engine: Run, driver: Driver
) -> None:
    # Nvidia and OpenAI are one deal apart from 2025-09-22 (the letter of intent).
    path = """query($on: Date) {
      connections(from: "nvidia", to: "openai", maxLength: 2, asOf: $on, via: [PARTNERSHIP]) {
      paths { length steps { partnership { id announcedOn } } } } }"""
    before = (await data(engine, path, {"on": "2025-09-21"}))["connections"]["paths"]
    after = (await data(engine, path, {"on": "2025-09-22"}))["connections"]["paths"]

    def deals(paths: list[Any]) -> set[str]:
        return {s["partnership"]["id"] for p in paths for s in p["steps"] if s["partnership"]}

    assert "nvidia-openai-10gw" in deals(after) and "nvidia-openai-10gw" not in deals(before)
    assert all(
        s["partnership"]["announcedOn"] is None or s["partnership"]["announcedOn"] <= "2025-09-21"
        for p in before
        for s in p["steps"]
        if s["partnership"]
    )
    # Money loops through Nvidia use only flows announced by the date.
    loops = """query($on: Date) { circularFlows(involving: "nvidia", asOf: $on, first: 100) {
      loops { steps { partnership { id announcedOn } } } } }"""
    for on in ("2025-09-21", None):
        found = (await data(engine, loops, {"on": on}))["circularFlows"]["loops"]
        dates = [s["partnership"]["announcedOn"] for loop in found for s in loop["steps"]]
        assert on is None or all(d is None or d <= on for d in dates)
    early = (await data(engine, loops, {"on": "2025-09-21"}))["circularFlows"]["loops"]
    now = (await data(engine, loops, {"on": None}))["circularFlows"]["loops"]
    assert len(early) < len(now)
    # The most depended-on suppliers, ranked on a date, count the supply links announced by then.
    ranking = """query($on: Date) { rankings(by: MOST_DEPENDED_ON_SUPPLIERS, first: 5, asOf: $on) {
      company { id } score } }"""
    top = (await data(engine, ranking, {"on": "2025-06-30"}))["rankings"]
    records, _, _ = driver.execute_query(
        "MATCH (c:Company {id: $id})-[f:SUPPLIES]->(x:Company) "
        "WHERE f.announced_on IS NULL OR f.announced_on <= date('2025-06-30') RETURN count(DISTINCT x) AS n",
        id=top[0]["company"]["id"],
    )
    assert top[0]["score"] == records[0]["n"]


DIFF = """query($around: ID!, $depth: Int!, $from: Date!, $to: Date!) {
  diff(around: $around, depth: $depth, from: $from, to: $to) {
    from to truncated
    entities {
      entity { __typename id }
      changes { change on precision fact { id } other { id } relationship title
        evidence { quote source { id url } } }
    }
  }
}"""


async def test_a_diff_lists_what_began_and_ended_around_an_entity(
    seeded_once: Driver, engine: Run, driver: Driver
) -> None:
    window = {"from": "2025-09-01", "to": "2025-10-31"}
    answer = (await data(engine, DIFF, {"around": "openai", "depth": 1, **window}))["diff"]
    assert (answer["from"], answer["to"], answer["truncated"]) == ("2025-09-01", "2025-10-31", False)
    found = {
        (e["entity"]["id"], c["change"], (c["fact"] or c["other"] or {}).get("id"))
        for e in answer["entities"]
        for c in e["changes"]
    }
    # By hand: dated entities within one link of OpenAI whose date falls in the window, and the
    # positions and facility ties there that started or ended in it.
    records, _, _ = driver.execute_query(
        "MATCH (:Entity {id: 'openai'})-[:!SOURCED_BY&!HAS_CHANGE]-{0,1}(y:Entity) WITH DISTINCT y "
        "CALL (y) { WITH y, coalesce(y.announced_on, y.on, y.as_of) AS on "
        "  WHERE on > date($from) AND on <= date($to) RETURN [y.id, 'BEGAN', y.id] AS row "
        "UNION MATCH (y)-[r:HOLDS_POSITION|OWNS|OPERATES|DEVELOPS|OCCUPIES]-() "
        "  WHERE r.since > date($from) AND r.since <= date($to) "
        "  RETURN [startNode(r).id, 'BEGAN', endNode(r).id] AS row "
        "UNION MATCH (y)-[r:HOLDS_POSITION|OWNS|OPERATES|DEVELOPS|OCCUPIES]-() "
        "  WHERE r.until >= date($from) AND r.until < date($to) "
        "  RETURN [startNode(r).id, 'ENDED', endNode(r).id] AS row } "
        "RETURN collect(DISTINCT row) AS rows",
        parameters_=window,
    )
    assert found == {tuple(row) for row in records[0]["rows"]}
    assert ("nvidia-openai-10gw", "BEGAN", "nvidia-openai-10gw") in found
    assert ("amd-openai-6gw", "BEGAN", "amd-openai-6gw") in found
    changes = [c for e in answer["entities"] for c in e["changes"]]
    assert all(window["from"] < c["on"] <= window["to"] for c in changes if c["change"] == "BEGAN")
    assert all(c["evidence"] and all(ev["quote"] for ev in c["evidence"]) for c in changes)
    firsts = [e["changes"][0]["on"] for e in answer["entities"]]
    assert firsts == sorted(firsts)

    # A change at the top: Safra Catz's positions at Oracle, one ended and one begun in 2025-09.
    oracle = await data(
        engine, DIFF, {"around": "oracle", "depth": 1, "from": "2025-08-01", "to": "2025-10-01"}
    )
    catz = next(e for e in oracle["diff"]["entities"] if e["entity"]["id"] == "safra-catz")
    assert sorted(
        (c["change"], c["title"], c["other"]["id"], c["on"], c["precision"]) for c in catz["changes"]
    ) == [
        ("BEGAN", "Executive vice chair of the board of directors", "oracle", "2025-09-01", "MONTH"),
        ("ENDED", "Chief executive", "oracle", "2025-09-01", "MONTH"),
    ]
    assert all(
        c["relationship"] == "HOLDS_POSITION" and c["evidence"][0]["source"]["id"] == "s31"
        for c in catz["changes"]
    )
    # Nothing is invented for an unknown id; dates must be in order.
    empty = await data(engine, DIFF, {"around": "no-such-entity", "depth": 1, **window})
    assert empty["diff"]["entities"] == []
    reversed_dates = await engine(
        DIFF, {"around": "openai", "depth": 1, "from": "2025-10-31", "to": "2025-09-01"}
    )
    assert reversed_dates["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

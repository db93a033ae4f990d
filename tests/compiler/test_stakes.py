"""Stakes and facility successions through the engine, against the seeded graph: every stake of
the data file reads back as written, each holder, held company or facility and deal lists its
own, the filters answer what the data says, and no stake is left as a percent capacity."""

from collections import defaultdict
from typing import Any

from neo4j import Driver

from seed.cli import DATA_DIR
from seed.validate import load_dataset
from service.domain.entities import Facility, Partnership, Stake
from tests.compiler.pages import Run, every_page

DATASET = load_dataset(DATA_DIR)
STAKES = [e for e in DATASET.section("stakes") if isinstance(e, Stake)]
LABELS = {e.id: type(e).__name__ for e in DATASET.sourced()}
PAGE = """query($w: StakeWhere, $a: String) { stakes(where: $w, first: 100, after: $a) {
  pageInfo { hasNextPage endCursor }
  nodes { id type percent qualifier holder { id } held { __typename ... on Node { id } }
    partnership { id } sources(first: 20) { nodes { quote source { id } } } } } }"""


async def _all(engine: Run, where: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return await every_page(engine, PAGE, "stakes", {"w": where})


def test_stakes_are_never_percent_capacities_of_their_deal() -> None:
    deals = {p.id: p for p in DATASET.section("partnerships") if isinstance(p, Partnership)}
    assert len(STAKES) >= 20 and {LABELS[s.held] for s in STAKES} == {"Company", "Facility"}
    for stake in STAKES:
        assert stake.partnership is not None
        percents = {c.amount for c in deals[stake.partnership].capacity if c.unit == "percent"}
        assert stake.percent not in percents, stake.id


async def test_every_stake_reads_back_as_the_data_file_says(graph: Driver, engine: Run) -> None:
    found = {n["id"]: n for n in await _all(engine)}
    assert set(found) == {s.id for s in STAKES}
    for stake in STAKES:
        node = found[stake.id]
        assert (node["type"], node["percent"], node["qualifier"]) == (
            stake.type.name,
            stake.percent,
            stake.qualifier.name,
        )
        assert node["holder"] == {"id": stake.holder}
        assert node["held"] == {"__typename": LABELS[stake.held], "id": stake.held}
        assert node["partnership"] == {"id": stake.partnership}
        quotes = [(n["source"]["id"], n["quote"]) for n in node["sources"]["nodes"]]
        assert quotes == [(e.source, e.quote) for e in stake.evidence]


async def test_holders_holdings_and_deals_list_their_stakes(graph: Driver, engine: Run) -> None:
    held_by: dict[str, set[str]] = defaultdict(set)
    held_in: dict[str, list[Stake]] = defaultdict(list)
    under: dict[str, set[str]] = defaultdict(set)
    for stake in STAKES:
        held_by[stake.holder].add(stake.id)
        held_in[stake.held].append(stake)
        under[str(stake.partnership)].add(stake.id)
    query = """query($id: ID!) { node(id: $id) {
      ... on Company { stakes(first: 50) { nodes { id } } stakeholders(first: 50) { nodes { id percent } } }
      ... on Facility { stakeholders(first: 50) { nodes { id percent } } }
      ... on Partnership { stakes(first: 50) { nodes { id } } } } }"""
    for entity in sorted(set(held_by) | set(held_in) | set(under)):
        node = (await engine(query, {"id": entity}))["data"]["node"]
        if LABELS[entity] == "Partnership":
            assert {n["id"] for n in node["stakes"]["nodes"]} == under[entity], entity
            continue
        if LABELS[entity] == "Company":
            assert {n["id"] for n in node["stakes"]["nodes"]} == held_by[entity], entity
        holders = node["stakeholders"]["nodes"]
        assert {n["id"] for n in holders} == {s.id for s in held_in[entity]}, entity
        assert [n["percent"] for n in holders] == sorted((n["percent"] for n in holders), reverse=True)


async def test_stakes_filtered_by_type_percent_holder_and_held(graph: Driver, engine: Run) -> None:
    async def ids(where: dict[str, Any]) -> set[str]:
        return {n["id"] for n in await _all(engine, where)}

    for kind in sorted({s.type for s in STAKES}):
        assert await ids({"type": {"eq": kind.name}}) == {s.id for s in STAKES if s.type is kind}, kind
    assert await ids({"percent": {"gte": 50}}) == {s.id for s in STAKES if s.percent >= 50}
    assert await ids({"holder": {"id": {"eq": "softbank"}}}) == {
        s.id for s in STAKES if s.holder == "softbank"
    }
    assert await ids({"held": {"id": {"eq": "openai"}}}) == {s.id for s in STAKES if s.held == "openai"}


async def test_a_facility_built_on_an_earlier_one_s_site(graph: Driver, engine: Run) -> None:
    successors = [f for f in DATASET.section("facilities") if isinstance(f, Facility) and f.succeeds]
    assert successors
    query = (
        """query($id: ID!) { facility(id: $id) { succeeds { nodes { id } } succeededBy { nodes { id } } } }"""
    )
    for facility in successors:
        data = (await engine(query, {"id": facility.id}))["data"]["facility"]
        assert {n["id"] for n in data["succeeds"]["nodes"]} == set(facility.succeeds)
        for earlier in facility.succeeds:
            back = (await engine(query, {"id": earlier}))["data"]["facility"]
            assert facility.id in {n["id"] for n in back["succeededBy"]["nodes"]}

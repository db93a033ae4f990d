"""`match`, `matchBatch` and `duplicateCandidates` on the curated data. Expected ids are looked up
in the seed files by the names they give, never written here."""

import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from neo4j import Driver

from seed.cli import DATA_DIR
from seed.validate import load_dataset
from service.domain.entities import Sourced
from tests.support import Neo4jServer, data, seed_only

Engine = Callable[..., Awaitable[dict[str, Any]]]
ENTRIES: list[Sourced] = list(load_dataset(DATA_DIR).sourced())


@pytest.fixture(scope="module")
def seeded(driver: Driver) -> Driver:
    """The curated data, loaded once for the module: these tests only read."""
    return seed_only(driver)


def seed_id(name: str) -> str:
    """The one curated entity that gives this name (as its name, legal name or an alias)."""
    found = {
        e.id
        for e in ENTRIES
        if name in {getattr(e, "name", None), getattr(e, "legal_name", None), *getattr(e, "aliases", [])}
    }
    assert len(found) == 1, (name, found)
    return found.pop()


def seed_entry(entry_id: str) -> Sourced:
    return next(e for e in ENTRIES if e.id == entry_id)


MATCH = """query M($name: String!, $type: MatchType, $country: String, $aliases: [String!],
  $identifiers: [IdentifierInput!], $first: Int! = 5) {
  match(name: $name, type: $type, country: $country, aliases: $aliases, identifiers: $identifiers,
    first: $first) {
    id type name score
    features { nameSimilarity aliasHit countryMatch identifierMatch }
    entity { __typename ... on Company { id country } ... on Person { id } }
  }
}"""


async def top(engine: Engine, **variables: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await data(engine, MATCH, variables))["match"]
    return found


@pytest.mark.parametrize(
    ("asked", "known_as"),
    [
        # official names, with the legal form spelt another way
        ("Hon Hai Precision Industry Co., Ltd.", "Hon Hai Precision Industry Co."),
        ("Taiwan Semiconductor Manufacturing Company Limited", "Taiwan Semiconductor Manufacturing Co."),
        # aliases
        ("Hon Hai Technology Group", "Hon Hai Technology Group"),
        ("Amazon Web Services", "Amazon Web Services"),
        # legal-form variants
        ("NVIDIA Corp", "Nvidia"),
        ("Nvidia Corporation", "Nvidia"),
        ("Oracle Corporation", "Oracle"),
        ("Micron Technology, Inc.", "Micron Technology"),
        ("SoftBank Group Corp", "SoftBank Group"),
        # misspellings
        ("Foxcon", "Foxconn"),
        ("Nvdia", "Nvidia"),
        ("Broadcomm", "Broadcom"),
        ("Antropic", "Anthropic"),
    ],
)
async def test_match_ranks_the_entity_first(
    seeded: Driver, engine: Engine, asked: str, known_as: str
) -> None:
    expected = seed_id(known_as)
    found = await top(engine, name=asked, type="COMPANY")
    assert found[0]["id"] == expected, found
    assert found[0]["entity"]["id"] == expected
    assert 0.85 <= found[0]["score"] <= 1
    assert all(0 <= f["score"] <= 1 for f in found)
    assert [f["score"] for f in found] == sorted((f["score"] for f in found), reverse=True)


async def test_transliterated_person_name(seeded: Driver, engine: Engine) -> None:
    expected = seed_id("Øyvind Eriksen")
    found = await top(engine, name="Oyvind Eriksen", type="PERSON")
    assert found[0]["id"] == expected and found[0]["type"] == "PERSON"
    # ICU writes "Ø" as "O/", so the similarity is high but not 1.
    assert found[0]["features"]["nameSimilarity"] >= 0.95


async def test_features_country_and_ticker(seeded: Driver, engine: Engine) -> None:
    nvidia = seed_entry(seed_id("Nvidia"))
    ticker = getattr(nvidia, "ticker", None)
    assert ticker
    found = await top(
        engine, name="NVIDIA", identifiers=[{"scheme": "TICKER", "value": ticker.split(":")[-1]}]
    )
    assert found[0]["id"] == nvidia.id
    assert found[0]["features"]["aliasHit"] is True and found[0]["features"]["identifierMatch"] is True
    assert found[0]["score"] == 1.0
    foxconn = seed_entry(seed_id("Foxconn"))
    country = getattr(foxconn, "country", None)
    assert country
    right = (await top(engine, name="Foxconn", country=country))[0]
    wrong = (await top(engine, name="Foxconn", country="FR"))[0]
    assert right["id"] == wrong["id"] == foxconn.id
    assert right["features"]["countryMatch"] is True and wrong["features"]["countryMatch"] is False
    assert right["score"] > wrong["score"]
    unknown = (await top(engine, name="Foxconn"))[0]
    assert unknown["features"]["countryMatch"] is None and unknown["features"]["identifierMatch"] is None


async def test_match_batch_answers_in_order(seeded: Driver, engine: Engine) -> None:
    names = ["Foxcon", "Nvidia Corporation", "Hon Hai"]
    query = """query B($q: [MatchQuery!]!) {
  matchBatch(queries: $q, first: 2) { id score entity { __typename } } }"""
    payload = await engine(query, {"q": [{"name": n, "type": "COMPANY"} for n in names]})
    assert "errors" not in payload, payload
    assert [r[0]["id"] for r in payload["data"]["matchBatch"]] == [
        seed_id(n) for n in ["Foxconn", "Nvidia", "Hon Hai"]
    ]
    assert all(len(r) <= 2 for r in payload["data"]["matchBatch"])
    assert payload["extensions"]["statements"] == 1


async def test_aliases_in_the_response(seeded: Driver, engine: Engine) -> None:
    payload = await engine(
        '{ match(name: "Foxconn", first: 1) { who: id s: score f: features { a: aliasHit } } }'
    )
    assert payload["data"]["match"] == [{"who": seed_id("Foxconn"), "s": 1.0, "f": {"a": False}}]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ('{ match(name: "   ") { id } }', "BAD_USER_INPUT"),
        ('{ match(name: "!!! ???") { id } }', "BAD_USER_INPUT"),
        ('{ match(name: "x", first: 51) { id } }', "BAD_USER_INPUT"),
        ('{ match(name: "x", first: -1) { id } }', "BAD_USER_INPUT"),
        ("{ matchBatch(queries: []) { id } }", "BAD_USER_INPUT"),
        ("{ duplicateCandidates(minScore: 2) { score } }", "BAD_USER_INPUT"),
    ],
)
async def test_bad_input_is_coded(seeded: Driver, engine: Engine, query: str, code: str) -> None:
    payload = await engine(query)
    assert payload["errors"][0]["extensions"]["code"] == code, payload


async def test_lucene_syntax_is_only_text(seeded: Driver, engine: Engine) -> None:
    for name in ['Foxconn" OR *:*', "name:(a OR b)~2^3", "Fox/conn\\"]:
        payload = await engine(MATCH, {"name": name})
        assert "errors" not in payload, payload


async def test_a_batch_counts_against_the_cost_limit(seeded: Driver, engine: Engine) -> None:
    query = (
        """query B($q: [MatchQuery!]!) { matchBatch(queries: $q, first: 50) { id entity { __typename } } }"""
    )
    payload = await engine(query, {"q": [{"name": f"name {i}"} for i in range(50)]})
    assert payload["extensions"]["cost"]["nodes"] >= 50 * 50
    payload = await engine(query, {"q": [{"name": f"name {i}"} for i in range(51)]})
    assert payload["errors"][0]["extensions"]["code"] in ("BAD_USER_INPUT", "QUERY_TOO_COMPLEX")


async def test_duplicate_candidates_are_pairs_of_existing_entities(seeded: Driver, engine: Engine) -> None:
    payload = await engine(
        "{ duplicateCandidates(minScore: 0.9, first: 200) { type left { id name } right { id name } score "
        "features { nameSimilarity aliasHit } } }"
    )
    assert "errors" not in payload, payload
    pairs = payload["data"]["duplicateCandidates"]
    ids = {e.id for e in ENTRIES}
    assert pairs, "the curated data has near-duplicates (a company and its same-named parts)"
    for pair in pairs:
        assert pair["left"]["id"] < pair["right"]["id"] and {pair["left"]["id"], pair["right"]["id"]} <= ids
        assert 0.9 <= pair["score"] <= 1
    assert [p["score"] for p in pairs] == sorted((p["score"] for p in pairs), reverse=True)


def test_duplicates_cli(seeded: Driver, neo4j_server: Neo4jServer) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "service", "duplicates", "--json", "--min-score", "0.9", "--first", "200"],
        env={**os.environ, **neo4j_server.env()},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    pairs = [json.loads(line) for line in done.stdout.splitlines()]
    assert pairs and all(p["score"] >= 0.9 for p in pairs)

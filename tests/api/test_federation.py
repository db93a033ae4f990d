"""The Apollo Federation 2 subgraph in the engine: `_service { sdl }`, and `_entities` compiled to
one statement for any number of representations, null for what a lookup would not find, a
coded error for a representation that is not one, and counted against the cost limit."""

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from graphql import build_schema
from neo4j import Driver

from service.api.federation import ROOT_FIELDS, SPEC, TYPES
from service.api.outcomes import Prepared
from service.api.plans import Refusal
from service.api.schema import build_api
from service.compiler.roots import MAX_REPRESENTATIONS
from service.domain.catalog import ENTITY_LABELS
from service.http.app import engine_for
from service.settings import Settings
from tests.conftest import ADMIN, EDITOR
from tests.support import seed_only

Run = Callable[..., Awaitable[dict[str, Any]]]


def entities(selection: str) -> str:
    return f"query($reps: [_Any!]!) {{ _entities(representations: $reps) {{ {selection} }} }}"


ENTITIES = entities(
    "__typename ... on Company { id name partnerships(first: 50) { nodes { id } } } "
    "... on Partnership { id name parties { role company { id } } } ... on Person { name }"
)


@pytest.fixture(scope="module")
def seeded_once(driver: Driver) -> Driver:
    return seed_only(driver)


def reps(*pairs: tuple[str, str]) -> dict[str, Any]:
    return {"reps": [{"__typename": t, "id": i} for t, i in pairs]}


def test_the_subgraph_sdl_links_federation_2_and_keys_every_entity() -> None:
    sdl = build_api().answers["_service"]["sdl"]
    assert sdl.startswith(f'extend schema @link(url: "{SPEC}", import: ["@key", "@shareable"])')
    for label in ENTITY_LABELS:
        assert f'type {label} implements Node @key(fields: "id") {{' in sdl
    assert "type PageInfo @shareable {" in sdl
    # The federation's own fields and types are composition's business, not part of the SDL.
    for name in (*ROOT_FIELDS, *TYPES):
        assert name not in sdl
    # What is left is the public schema: it parses as one once the directives are known.
    body = sdl.split("\n", 1)[1].replace(' @key(fields: "id")', "").replace(" @shareable", "")
    public = build_schema(body)
    assert set(public.type_map) == {n for n in build_api().schema.type_map if n not in TYPES}


async def test_service_answers_the_sdl_without_a_statement(engine: Run) -> None:
    payload = await engine("{ _service { sdl } s: _service { __typename } }")
    assert payload["data"]["_service"]["sdl"] == build_api().answers["_service"]["sdl"]
    assert payload["data"]["s"] == {"__typename": "_Service"}
    assert payload["extensions"]["statements"] == 0


async def test_entities_resolve_in_order_in_one_statement(seeded_once: Driver, engine: Run) -> None:
    payload = await engine(
        ENTITIES,
        reps(
            ("Partnership", "openai-foxconn-us-hardware"),
            ("Company", "no-such-company"),
            ("Company", "openai"),
            ("Person", "openai"),  # an id of another type: null, as person(id: "openai") is
            ("Company", "foxconn"),
        ),
    )
    assert "errors" not in payload, payload
    assert payload["extensions"]["statements"] == 1
    deal, unknown, openai, mistyped, foxconn = payload["data"]["_entities"]
    assert deal["__typename"] == "Partnership" and deal["id"] == "openai-foxconn-us-hardware"
    assert sorted((p["role"], p["company"]["id"]) for p in deal["parties"]) == [
        ("CUSTOMER", "openai"),
        ("MANUFACTURER", "foxconn"),
    ]
    assert unknown is None and mistyped is None
    assert openai["__typename"] == "Company" and openai["name"] == "OpenAI"
    assert foxconn["id"] == "foxconn"
    # The same selection as the lookup gives, compiled by the same compiler.
    lookup = await engine('{ company(id: "openai") { id name partnerships(first: 50) { nodes { id } } } }')
    assert {k: v for k, v in openai.items() if k != "__typename"} == lookup["data"]["company"]


async def test_a_hundred_representations_are_one_statement(seeded_once: Driver, engine: Run) -> None:
    ids = [
        r["id"]
        for r in seeded_once.execute_query(
            "MATCH (c:Company) RETURN c.id AS id ORDER BY id LIMIT 100"
        ).records
    ]
    payload = await engine(ENTITIES, reps(*(("Company", i) for i in ids)))
    assert payload["extensions"]["statements"] == 1
    assert [e["id"] for e in payload["data"]["_entities"]] == ids
    # Each representation counts as a lookup: 100 items, and each one's page of 50 partnerships.
    assert payload["extensions"]["cost"]["nodes"] == len(ids) * (1 + 50)


async def test_entities_take_the_fast_path() -> None:
    # Planned once, prepared once per set of variables; other ids, the same statement text (so
    # Neo4j's own plan cache answers too).
    core = engine_for(Settings(_env_file=None))
    plan = await core.planner.plan(ENTITIES, None)
    assert not isinstance(plan, Refusal) and await core.planner.plan(ENTITIES, None) is plan
    first = core._prepared(plan, reps(("Company", "openai"), ("Partnership", "x")))
    again = core._prepared(plan, reps(("Company", "openai"), ("Partnership", "x")))
    other = core._prepared(plan, reps(("Company", "nvidia"), ("Partnership", "y")))
    assert isinstance(first, Prepared) and isinstance(other, Prepared) and again is first
    statement, other_statement = first.fields[0].statement, other.fields[0].statement
    assert statement is not None and other_statement is not None
    assert statement.text == other_statement.text and statement.params != other_statement.params
    assert statement.text.startswith("UNWIND range(0, size($")


async def test_no_representations_give_an_empty_list(engine: Run) -> None:
    payload = await engine(ENTITIES, {"reps": []})
    assert payload["data"] == {"_entities": []}


@pytest.fixture
def retracted(seeded_once: Driver, engine: Run) -> Iterator[None]:
    yield
    seeded_once.execute_query("MATCH (n {id: 'test-fed-retracted'}) DETACH DELETE n")


async def test_a_retracted_entity_is_null(retracted: None, engine: Run) -> None:
    upsert = (
        'mutation { upsertCompany(input: {id: "test-fed-retracted", name: "Retracted Test Co", '
        'country: "US", evidence: [{source: "s74", quote: "The company says it makes artificial '
        'intelligence servers in Mount Pleasant."}]}) { __typename } }'
    )
    assert (await engine(upsert, principal=EDITOR))["data"]["upsertCompany"]["__typename"] == "Written"
    found = await engine(ENTITIES, reps(("Company", "test-fed-retracted")))
    assert found["data"]["_entities"][0]["name"] == "Retracted Test Co"
    retract = 'mutation { retract(id: "test-fed-retracted", reason: "test") { __typename } }'
    assert (await engine(retract, principal=ADMIN))["data"]["retract"]["__typename"] == "Written"
    gone = await engine(ENTITIES, reps(("Company", "test-fed-retracted"), ("Company", "openai")))
    assert "errors" not in gone
    assert gone["data"]["_entities"][0] is None and gone["data"]["_entities"][1]["id"] == "openai"


@pytest.mark.parametrize(
    ("representation", "says"),
    [
        ({"id": "openai"}, "has no __typename"),
        ({"__typename": "Money", "id": "openai"}, "'Money' is not an entity type"),
        ({"__typename": "Company"}, "has no id"),
        ({"__typename": "Company", "id": None}, "has no id"),
        ("openai", "must be an object"),
    ],
)
async def test_a_bad_representation_is_a_coded_error(
    seeded_once: Driver, engine: Run, representation: Any, says: str
) -> None:
    payload = await engine(ENTITIES, {"reps": [{"__typename": "Company", "id": "openai"}, representation]})
    (error,) = payload["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["path"] == ["_entities"]
    assert error["message"].startswith("representations[1]") and says in error["message"]
    assert payload["data"] is None  # `_entities` is non-null
    assert payload["extensions"]["statements"] == 0


async def test_representations_count_against_the_cost_limit(engine: Run) -> None:
    # 1000 representations with a page of 100 each: 101,000 items, over the default 50,000.
    many = reps(*(("Company", f"c{i}") for i in range(MAX_REPRESENTATIONS)))
    payload = await engine(entities("... on Company { partnerships(first: 100) { nodes { id } } }"), many)
    assert "data" not in payload
    assert payload["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert payload["errors"][0]["extensions"]["cost"]["nodes"] == MAX_REPRESENTATIONS * 101
    too_many = reps(*(("Company", f"c{i}") for i in range(MAX_REPRESENTATIONS + 1)))
    capped = await engine(entities("__typename"), too_many)
    assert capped["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert f"at most {MAX_REPRESENTATIONS} representations" in capped["errors"][0]["message"]

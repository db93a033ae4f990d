"""The duplicate guard: a create whose name strongly matches an existing entity fails with
POSSIBLE_DUPLICATE and the candidates, unless the write says it is distinct (then the history
says so)."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from neo4j import Driver

from seed.cli import DATA_DIR
from seed.validate import load_dataset
from tests.api.test_match import seed_id
from tests.conftest import EDITOR
from tests.support import seed_only

Engine = Callable[..., Awaitable[dict[str, Any]]]
SOURCE = load_dataset(DATA_DIR).sources[0].id

CREATE = """mutation C($input: CompanyInput!, $reason: String, $distinctFrom: [ID!], $distinct: Boolean) {
  upsertCompany(input: $input, reason: $reason, distinctFrom: $distinctFrom, distinct: $distinct) {
    __typename ... on Written { id created }
  }
}"""
HISTORY = """query H($id: ID!) { company(id: $id) { id history { nodes { action reason } } } }"""


@pytest.fixture(scope="module")
def seeded(driver: Driver) -> Driver:
    """The curated data once for the module: each test writes ids of its own."""
    return seed_only(driver)


def company(entity_id: str, name: str, **more: Any) -> dict[str, Any]:
    return {"id": entity_id, "name": name, "evidence": [{"source": SOURCE, "quote": "test"}], **more}


async def create(engine: Engine, entity: dict[str, Any], **args: Any) -> dict[str, Any]:
    return await engine(CREATE, {"input": entity, **args}, principal=EDITOR)


async def test_a_lookalike_create_fails_with_the_candidates(seeded: Driver, engine: Engine) -> None:
    foxconn = seed_id("Foxconn")
    payload = await create(engine, company("hon-hai-precision", "Hon Hai Precision Industry Co., Ltd."))
    error = payload["errors"][0]
    assert error["extensions"]["code"] == "POSSIBLE_DUPLICATE", payload
    assert error["path"] == ["upsertCompany"]
    candidates = error["extensions"]["candidates"]
    assert candidates[0]["id"] == foxconn and candidates[0]["score"] >= 0.9
    assert {"id", "name", "score"} <= set(candidates[0])
    assert (await engine(HISTORY, {"id": "hon-hai-precision"}))["data"]["company"] is None  # nothing written
    # a misspelt legal-form variant is caught too
    payload = await create(engine, company("nvidia-2", "NVIDIA Corp"))
    assert payload["errors"][0]["extensions"]["candidates"][0]["id"] == seed_id("Nvidia")


async def test_distinct_from_lets_it_through_and_is_recorded(seeded: Driver, engine: Engine) -> None:
    foxconn = seed_id("Foxconn")
    payload = await create(
        engine, company("hon-hai-distinct", "Hon Hai Precision Industry Co., Ltd."), distinctFrom=[foxconn]
    )
    assert payload["data"]["upsertCompany"] == {
        "__typename": "Written",
        "id": "hon-hai-distinct",
        "created": True,
    }
    history = (await engine(HISTORY, {"id": "hon-hai-distinct"}))["data"]["company"]["history"]["nodes"]
    assert f"distinct from {foxconn}" in history[0]["reason"]
    # later writes to it are updates: not guarded
    again = await create(engine, company("hon-hai-distinct", "Hon Hai Precision Industry Co., Ltd."))
    assert again["data"]["upsertCompany"]["created"] is False


async def test_distinct_needs_a_reason_which_the_history_keeps(seeded: Driver, engine: Engine) -> None:
    entity = company("nvidia-gaming", "Nvidia Corporation")
    payload = await create(engine, entity, distinct=True)
    assert payload["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    payload = await create(engine, entity, distinct=True, reason="a namesake in the test data")
    assert payload["data"]["upsertCompany"]["created"] is True
    reason = (await engine(HISTORY, {"id": "nvidia-gaming"}))["data"]["company"]["history"]["nodes"][0][
        "reason"
    ]
    assert reason.startswith("a namesake in the test data") and "declared distinct" in reason
    assert seed_id("Nvidia") in reason


async def test_a_new_name_and_an_update_pass(seeded: Driver, engine: Engine) -> None:
    payload = await create(engine, company("quite-new-maker", "Quite New Maker of Racks"))
    assert payload["data"]["upsertCompany"]["created"] is True
    foxconn = seed_id("Foxconn")
    update = 'mutation U($id: ID!) { upsertCompany(input: {id: $id, name: "Foxconn"}) { __typename } }'
    payload = await engine(update, {"id": foxconn}, principal=EDITOR)
    assert payload["data"]["upsertCompany"]["__typename"] == "Written", payload

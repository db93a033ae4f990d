"""Fuzzing /graphql with schemathesis: queries and mutations generated from service/api/schema.graphql,
valid and invalid, sent to `python -m service` on the seed graph, anonymously and with an editor's
key. No answer may be a 5xx, and every error must carry a code and no internals (no traceback,
no Cypher, no masked INTERNAL). Derandomized: the same schema gives the same cases on every run.
"""

import datetime
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from neo4j import Driver
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.graphql import nodes
from schemathesis.specs.graphql.schemas import GraphQLOperationDefinition

from tests.support import REPO_ROOT, ApiProcess, Neo4jServer, seed_only

SCHEMA = schemathesis.graphql.from_path(REPO_ROOT / "service" / "api" / "schema.graphql")
# `Date` (every `asOf`, the diff's bounds) is YYYY-MM-DD: mostly real dates, so that valid cases
# get answers, and now and then a partial date, a wrong one or no date at all, which must be
# refused with a code.
REAL_DATES = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2030, 12, 31)).map(
    datetime.date.isoformat
)
NOT_DATES = st.sampled_from(["2025", "2025-H2", "2025-Q3", "2025-11", "2025-13-40", "soon"]) | st.text(
    max_size=12
)
MOSTLY_DATES = st.integers(0, 9).flatmap(lambda n: NOT_DATES if n == 7 else REAL_DATES)
schemathesis.graphql.scalar("Date", MOSTLY_DATES.map(nodes.String))
# `DateTime` (every `knownAt`, a known-time diff's bounds): RFC 3339 with an offset, the same way.
REAL_MOMENTS = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1),
    max_value=datetime.datetime(2030, 12, 31),
    timezones=st.just(datetime.UTC),
).map(datetime.datetime.isoformat)
NOT_MOMENTS = st.sampled_from(["2025-11-20", "2025-11-20T09:30:00", "now"]) | st.text(max_size=12)
MOSTLY_MOMENTS = st.integers(0, 9).flatmap(lambda n: NOT_MOMENTS if n == 7 else REAL_MOMENTS)
schemathesis.graphql.scalar("DateTime", MOSTLY_MOMENTS.map(nodes.String))

# What an error message must never show: a stack trace, source paths, Cypher or driver internals.
LEAKS = re.compile(
    r"Traceback|File \"|\.py\b|MATCH \(|\bRETURN\b|\bUNWIND\b|\bCypher\b|Neo\.\w+Error|neo4j\.|\bexc_info\b"
)


def operations(mutations: bool, mode: GenerationMode) -> SearchStrategy[Any]:
    """Cases for every root field of the Mutation type (or of Query), in one strategy."""
    chosen = []
    for result in SCHEMA.get_all_operations():
        assert isinstance(result, Ok), result  # the schema file is valid: every field loads
        operation = result.ok()
        definition = operation.definition
        assert isinstance(definition, GraphQLOperationDefinition)
        if definition.is_mutation == mutations:
            chosen.append(operation)
    return st.one_of([operation.as_strategy(mode) for operation in chosen])


def fuzz(strategy: SearchStrategy[Any], examples: int, url: str, headers: dict[str, str]) -> Counter[str]:
    """Sends `examples` generated cases; the codes seen (or "ok"), after checking each answer."""
    seen: Counter[str] = Counter()
    session = requests.Session()

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        response = case.call(base_url=url, session=session, headers=headers, timeout=30)
        seen.update(check(case.body, response))

    run()
    session.close()
    return seen


def check(query: Any, response: requests.Response) -> list[str]:
    sent = f"\n--- sent:\n{query}\n--- answer {response.status_code}:\n{response.text[:1000]}"
    assert response.status_code < 500, sent
    assert "Traceback" not in response.text, sent
    payload = response.json()
    errors = payload.get("errors") or []
    codes = []
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        assert isinstance(code, str) and code, sent
        assert code != "INTERNAL", sent
        assert not LEAKS.search(error.get("message", "")), sent
        codes.append(code)
    return codes or ["ok"]


@pytest.fixture(scope="module")
def fuzz_api(neo4j_server: Neo4jServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:
    process = ApiProcess(
        neo4j_server, tmp_path_factory.mktemp("fuzz") / "api.log", {"API_REQUEST_LOG": "false"}
    )
    yield process
    process.stop()


@pytest.fixture
def restored(seeded: Driver) -> Iterator[Driver]:
    """The seed graph, and the seed graph again afterwards, whatever the fuzzed writes did."""
    yield seeded
    seeded.execute_query("MATCH (c:Change) DETACH DELETE c")
    seeded.execute_query("MATCH (n:Retracted) DETACH DELETE n")
    seed_only(seeded)


def test_fuzzed_queries(fuzz_api: ApiProcess, seeded: Driver) -> None:
    url = f"{fuzz_api.url}/graphql"
    valid = fuzz(operations(False, GenerationMode.POSITIVE), 250, url, {})
    invalid = fuzz(operations(False, GenerationMode.NEGATIVE), 100, url, {})
    # Valid cases mostly get data; the invalid ones are refused for the right reason.
    assert valid["ok"] > 50, valid
    assert invalid["GRAPHQL_VALIDATION_FAILED"] + invalid["BAD_USER_INPUT"] > 50, invalid


def test_fuzzed_mutations(fuzz_api: ApiProcess, restored: Driver, keys: dict[str, str]) -> None:
    url = f"{fuzz_api.url}/graphql"
    editor = {"Authorization": f"Bearer {keys['editor']}"}
    anonymous = fuzz(operations(True, GenerationMode.POSITIVE), 40, url, {})
    assert set(anonymous) == {"UNAUTHENTICATED"}, anonymous
    written = fuzz(operations(True, GenerationMode.POSITIVE), 120, url, editor)
    invalid = fuzz(operations(True, GenerationMode.NEGATIVE), 40, url, editor)
    # Retractions, merges and unmerges need an admin; of the rest, most are answered with a
    # result type (Written, ValidationError, ...).
    assert written["FORBIDDEN"] > 0, written
    assert written["ok"] > (written.total() - written["FORBIDDEN"]) / 2, written
    assert invalid["GRAPHQL_VALIDATION_FAILED"] + invalid["BAD_USER_INPUT"] > 20, invalid

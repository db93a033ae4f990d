"""The persisted operations' resolver on its own (no Neo4j): a hash goes to its plan without any
parsing, the APQ store stays within its bounds, only documents that plan are kept, and a
manifest is checked operation by operation."""

import asyncio
import hashlib
from typing import Any

import pytest

from service.api import persisted as persisted_module
from service.api.persisted import ManifestError, ManifestOperation, Persisted
from service.api.plans import Limits, Plan, Planner, Refusal
from service.api.schema import build_api

LIMITS = Limits(depth=16, aliases=30, tokens=5000, fields=1000, overlaps=2000, nodes=50_000, mutations=10)
SCHEMA = build_api().schema


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def ext(text: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha(text)}}


def code(made: Plan | Refusal) -> str:
    assert isinstance(made, Refusal), made
    return str(made.errors[0]["extensions"]["code"])


def resolver(**options: Any) -> Persisted:
    return Persisted(Planner(SCHEMA, LIMITS, True), **options)


def run(
    persisted: Persisted, query: str | None, extensions: dict[str, Any] | None, name: str | None = None
) -> Plan | Refusal:
    return asyncio.run(persisted.plan(query, name, extensions))


def test_a_registered_hash_reaches_its_plan_without_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    persisted = resolver()
    query = '{ company(id: "openai") { id } }'
    registered = run(persisted, query, ext(query))
    assert isinstance(registered, Plan)
    # Plan cache emptied and planning made impossible: the hash must not need either.
    persisted.planner._plans.clear()
    monkeypatch.setattr(persisted.planner, "make", lambda *a: pytest.fail("planned again"))
    monkeypatch.setattr(persisted_module, "sha256", lambda text: pytest.fail("hashed again"))
    assert run(persisted, None, ext(query)) is registered


def test_the_apq_store_is_bounded_by_entries_and_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(persisted_module, "APQ_SIZE", 3)
    persisted = resolver()
    queries = [f'{{ a{i}: company(id: "x{i}") {{ id }} }}' for i in range(5)]
    for query in queries:
        assert isinstance(run(persisted, query, ext(query)), Plan)
    assert [persisted.known(sha(q)) for q in queries] == [False, False, True, True, True]
    assert code(run(persisted, None, ext(queries[0]))) == "PERSISTED_QUERY_NOT_FOUND"

    monkeypatch.setattr(persisted_module, "APQ_SIZE", 100)
    monkeypatch.setattr(persisted_module, "APQ_TOKENS", 40)
    persisted = resolver()
    for query in queries:
        run(persisted, query, ext(query))
    assert persisted._apq_tokens <= 40 and 1 <= len(persisted._apq) < len(queries)
    assert persisted.known(sha(queries[-1])) and not persisted.known(sha(queries[0]))


def test_only_documents_that_plan_are_kept() -> None:
    persisted = resolver()
    for bad in ("{ company(id: 1) { nope } }", "{ company(", "query A { __typename } query B { __typename }"):
        assert isinstance(run(persisted, bad, ext(bad)), Refusal)
        assert not persisted.known(sha(bad))


def test_a_manifest_is_checked_and_planned_at_construction() -> None:
    body = 'query Listed { company(id: "openai") { id } }'
    persisted = resolver(manifest=[ManifestOperation(sha(body), "Listed", "query", body)], only=True)
    assert persisted.known(sha(body)) and isinstance(run(persisted, None, ext(body), "Listed"), Plan)
    assert code(run(persisted, None, ext("{ x }"))) == "PERSISTED_QUERY_NOT_IN_LIST"

    with pytest.raises(ManifestError, match=r"m.json: operation Listed \(id 00\): the id is not the sha256"):
        resolver(manifest=[ManifestOperation("00", "Listed", "query", body)], source="m.json")
    with pytest.raises(ManifestError, match="its type is 'mutation' but the body is a query"):
        resolver(manifest=[ManifestOperation(sha(body), "Listed", "mutation", body)])
    broken = 'query Broken { company(id: "openai") { nope } }'
    with pytest.raises(ManifestError, match=r"operation Broken .*Cannot query field 'nope'"):
        resolver(manifest=[ManifestOperation(sha(broken), "Broken", "query", broken)])

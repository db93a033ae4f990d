"""With API_INTROSPECTION=false the schema does not leak: no `__schema`, no `__type`, and no
"Did you mean ...?" in any message, whatever is misspelled (fields, arguments, types, input
fields, enum values), whether in the document or in variables."""

from typing import Any

from service.api.engine import Engine
from service.graph import edits
from service.http.app import create_app, engine_for
from service.settings import Settings
from tests.support import asgi_get

PROBES: list[tuple[str, dict[str, Any]]] = [
    ('{ compny(id: "openai") { id } }', {}),
    ('{ company(id: "openai") { nme } }', {}),
    ('{ company(idd: "openai") { id } }', {}),
    ('{ companies(where: {nam: {eq: "x"}}) { totalCount } }', {}),
    ("{ companies(where: {kind: {eq: COMPNY}}) { totalCount } }", {}),
    ("query($w: CompanyWher) { companies(where: $w) { totalCount } }", {}),
    ("query($w: CompanyWhere) { companies(where: $w) { totalCount } }", {"w": {"nam": {"eq": "x"}}}),
    ("query($k: CompanyKind) { companies(where: {kind: {eq: $k}}) { totalCount } }", {"k": "COMPNY"}),
    ('{ company(id: "openai") { ... on Compny { id } } }', {}),
    ("{ __schema { queryType { name } } }", {}),
    ('{ __type(name: "Company") { name } }', {}),
    ("{ _service { sdl } }", {}),
]


async def _never(statement: Any, causal: bool) -> Any:
    raise AssertionError("nothing here may reach Neo4j")


async def test_no_message_suggests_a_name() -> None:
    engine: Engine = engine_for(Settings(api_introspection=False, _env_file=None))
    store = edits.Store(None, "neo4j")  # type: ignore[arg-type]
    for query, variables in PROBES:
        result = await engine.execute(query, None, variables, principal=None, read=_never, store=store)
        messages = [e["message"] for e in result.payload.get("errors", [])]
        assert messages, query
        assert not any("Did you mean" in m or "did you mean" in m for m in messages), (query, messages)


async def test_with_introspection_on_the_same_probes_do_suggest() -> None:
    # The probes above do reach graphql-core's suggestions when introspection is allowed.
    engine = engine_for(Settings(_env_file=None))
    store = edits.Store(None, "neo4j")  # type: ignore[arg-type]
    result = await engine.execute(PROBES[0][0], None, {}, principal=None, read=_never, store=store)
    assert "Did you mean" in result.payload["errors"][0]["message"]


def test_the_graphiql_page_is_off_with_introspection() -> None:
    settings = Settings(neo4j_uri="bolt://127.0.0.1:9", api_introspection=False, _env_file=None)
    response = asgi_get(create_app(settings), "/graphql", {"Accept": "text/html"})
    assert "GraphiQL" not in response.text and response.status_code == 400


async def test_the_subgraph_sdl_is_off_with_introspection() -> None:
    store = edits.Store(None, "neo4j")  # type: ignore[arg-type]
    query = "{ _service { sdl } }"
    on = await engine_for(Settings(_env_file=None)).execute(
        query, None, {}, principal=None, read=_never, store=store
    )
    assert on.payload["data"]["_service"]["sdl"].startswith("extend schema @link(")
    off = await engine_for(Settings(api_introspection=False, _env_file=None)).execute(
        query, None, {}, principal=None, read=_never, store=store
    )
    assert "data" not in off.payload
    assert off.payload["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

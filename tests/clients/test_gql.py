"""Python gql 4 (sync httpx transport, schema fetched from the server) against the real server."""

from collections.abc import Iterator
from typing import Any

import pytest
from gql import Client, GraphQLRequest, gql
from gql.client import SyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXTransport
from graphql import GraphQLError, GraphQLObjectType
from neo4j import Driver

from tests.support import ApiProcess

PAGE = gql("""
    query Page($first: Int, $after: String, $where: CompanyWhere) {
      companies(first: $first, after: $after, where: $where) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { id name }
      }
    }
""")
SUPPLIERS = gql("""
    query Suppliers($id: ID!, $first: Int!, $status: Status!) {
      company(id: $id) {
        name
        suppliers(first: $first) { totalCount nodes { id } }
        partnerships(where: {status: {eq: $status}}) { nodes { id status } }
      }
    }
""")


@pytest.fixture
def session(api: ApiProcess, seeded: Driver) -> Iterator[SyncClientSession]:
    client = Client(
        transport=HTTPXTransport(url=f"{api.url}/graphql", timeout=30), fetch_schema_from_transport=True
    )
    with client as opened:
        yield opened


def _execute(session: SyncClientSession, request: GraphQLRequest, **variables: Any) -> dict[str, Any]:
    # gql leaves variables it was not given out of the request, as every client does.
    sent = GraphQLRequest(request, variable_values=variables or None)
    try:
        return session.execute(sent)
    except TransportQueryError as error:
        refused = error.errors
    pytest.fail(f"the server refused variables {sent.payload.get('variables', {})}: {refused}")


def test_schema_is_fetched_from_the_server(session: SyncClientSession) -> None:
    schema = session.client.schema
    assert schema is not None and schema.query_type is not None
    companies = schema.query_type.fields["companies"]
    assert set(companies.args) >= {"first", "after", "where", "orderBy"}
    assert isinstance(schema.get_type("Company"), GraphQLObjectType)


def test_client_side_validation_accepts_our_queries(session: SyncClientSession) -> None:
    for request in (PAGE, SUPPLIERS):
        session.client.validate(request)
    with pytest.raises(GraphQLError, match="Cannot query field"):
        session.client.validate(gql("{ companies { nodes { nope } } }"))


def test_omitted_nullable_variables_take_the_defaults(session: SyncClientSession) -> None:
    page = _execute(session, PAGE)["companies"]
    assert len(page["nodes"]) == 20 and page["totalCount"] > 20
    smaller = _execute(session, PAGE, first=5)["companies"]
    assert [n["id"] for n in smaller["nodes"]] == [n["id"] for n in page["nodes"][:5]]


def test_pages_to_the_end(session: SyncClientSession) -> None:
    seen: list[str] = []
    page = _execute(session, PAGE, first=30)["companies"]
    for _ in range(page["totalCount"]):  # bounded: a cursor that never ends must not hang the run
        seen.extend(n["id"] for n in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        page = _execute(session, PAGE, first=30, after=page["pageInfo"]["endCursor"])["companies"]
    assert len(seen) == len(set(seen)) == page["totalCount"]


def test_query_with_variables(session: SyncClientSession) -> None:
    company = _execute(session, SUPPLIERS, id="openai", first=3, status="SIGNED")["company"]
    assert company["name"] == "OpenAI"
    assert len(company["suppliers"]["nodes"]) == 3 < company["suppliers"]["totalCount"]
    assert {p["status"] for p in company["partnerships"]["nodes"]} == {"SIGNED"}

"""Every failure reaches clients as a code and a safe message; unexpected ones are masked."""

from graphql import GraphQLError
from neo4j.exceptions import ClientError, Neo4jError, ServiceUnavailable

from service.api.errors import classify
from service.errors import ApiError


def _raised(error: Exception) -> GraphQLError:
    return GraphQLError("raw", original_error=error)


def test_codes_by_kind_of_failure() -> None:
    assert classify(_raised(ApiError("bad cursor", "BAD_USER_INPUT"))) == ("BAD_USER_INPUT", "bad cursor")
    assert classify(_raised(ServiceUnavailable("down")))[0] == "SERVICE_UNAVAILABLE"
    # How the driver builds the error Neo4j sends when a transaction outlives its timeout.
    timeout = Neo4jError._hydrate_neo4j(
        code="Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", message="slow"
    )
    assert isinstance(timeout, ClientError)
    assert classify(_raised(timeout))[0] == "QUERY_TIMEOUT"
    assert classify(GraphQLError("Cannot query field 'x'")) == (
        "GRAPHQL_VALIDATION_FAILED",
        "Cannot query field 'x'",
    )
    assert (
        classify(GraphQLError("too big", extensions={"code": "QUERY_TOO_COMPLEX"}))[0] == "QUERY_TOO_COMPLEX"
    )


def test_unexpected_errors_are_masked() -> None:
    code, message = classify(_raised(KeyError("MATCH (n:Secret) RETURN n")))
    assert (code, message) == ("INTERNAL", "Internal server error.")

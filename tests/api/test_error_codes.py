"""Every failure reaches clients as a code and a safe message; unexpected ones are masked."""

from graphql import GraphQLError
from neo4j.exceptions import ClientError, IncompleteCommit, Neo4jError, ServiceUnavailable

from service.api.errors import classify
from service.compiler.selection import SelectionError
from service.errors import ApiError, ErrorCode


def test_codes_by_kind_of_failure() -> None:
    assert classify(ApiError("bad cursor", "BAD_USER_INPUT")) == ("BAD_USER_INPUT", "bad cursor")
    assert classify(ServiceUnavailable("down"))[0] == "SERVICE_UNAVAILABLE"
    # The driver's word for a connection lost after COMMIT was sent: the write may be done.
    assert classify(IncompleteCommit("lost"))[0] == "WRITE_OUTCOME_UNKNOWN"
    # How the driver builds the error Neo4j sends when a transaction outlives its timeout.
    timeout = Neo4jError._hydrate_neo4j(
        code="Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", message="slow"
    )
    assert isinstance(timeout, ClientError)
    assert classify(timeout)[0] == "QUERY_TIMEOUT"
    assert classify(SelectionError("x"))[0] == "BAD_USER_INPUT"
    assert classify(GraphQLError("Argument 'first' has invalid value"))[0] == "BAD_USER_INPUT"


def test_unexpected_errors_are_masked() -> None:
    code, message = classify(KeyError("MATCH (n:Secret) RETURN n"))
    assert (code, message) == ("INTERNAL", "Internal server error.")


def test_the_readme_lists_every_code() -> None:
    from tests.support import REPO_ROOT

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8") + (
        REPO_ROOT / "docs" / "api.md"
    ).read_text(encoding="utf-8")
    assert [code for code in ErrorCode if f"`{code}`" not in readme] == []

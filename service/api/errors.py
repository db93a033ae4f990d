"""Errors as clients see them: a code in `extensions.code`, and no internals.

Exception
 ├── ApiError            expected, message shown as is, with its code
 ├── neo4j ServiceUnavailable / SessionExpired / OSError
 │                       -> SERVICE_UNAVAILABLE ("Neo4j is unavailable")
 ├── neo4j ClientError Neo.ClientError.Transaction.TransactionTimedOut*
 │                       -> QUERY_TIMEOUT
 ├── SelectionError      -> BAD_USER_INPUT (a selection the compiler cannot honour)
 └── anything else       -> INTERNAL, logged with its traceback
GraphQL syntax/validation errors (no original error) keep their message:
                        -> GRAPHQL_VALIDATION_FAILED
"""

import logging

from graphql.error import GraphQLError
from neo4j.exceptions import ClientError, ServiceUnavailable, SessionExpired
from strawberry.extensions import MaskErrors

from service.errors import ApiError
from service.graph.query.selection import SelectionError

log = logging.getLogger("supplygraph.api")


def classify(error: GraphQLError) -> tuple[str, str]:
    """(code, message to show) for an error raised while executing an operation."""
    original = error.original_error
    if original is None:
        code = (error.extensions or {}).get("code")
        return (str(code) if code else "GRAPHQL_VALIDATION_FAILED"), error.message
    if isinstance(original, ApiError):
        return original.code, str(original)
    if isinstance(original, SelectionError):
        return "BAD_USER_INPUT", str(original)
    if isinstance(original, ServiceUnavailable | SessionExpired | ConnectionError | TimeoutError):
        return "SERVICE_UNAVAILABLE", "Neo4j is unavailable; try again shortly."
    if isinstance(original, ClientError) and "TransactionTimedOut" in (original.code or ""):
        return "QUERY_TIMEOUT", "The query took too long and was stopped; narrow it down."
    log.error("unexpected error in %s", error.path, exc_info=original)
    return "INTERNAL", "Internal server error."


class TranslateErrors(MaskErrors):
    """Replaces every error with its client-facing form (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda _: True)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        code, message = classify(error)
        codes = getattr(self.execution_context.context, "error_codes", None)
        if isinstance(codes, list):
            codes.append(code)
        return GraphQLError(
            message=message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={**(error.extensions or {}), "code": code},
        )

"""Exceptions as clients see them: a code in `extensions.code`, and no internals.

Exception
 ├── ApiError            expected: its message, with its code
 ├── SelectionError      BAD_USER_INPUT (a selection the compiler cannot honour)
 ├── GraphQLError        BAD_USER_INPUT (an argument graphql-core could not coerce)
 ├── neo4j IncompleteCommit
 │                       WRITE_OUTCOME_UNKNOWN (the commit was sent; no answer came)
 ├── neo4j ServiceUnavailable / SessionExpired / OSError
 │                       SERVICE_UNAVAILABLE ("Neo4j is unavailable")
 ├── neo4j ClientError *TransactionTimedOut* / *Terminated*
 │                       QUERY_TIMEOUT
 └── anything else       INTERNAL, logged with its traceback
"""

import logging
from typing import Any

from graphql import GraphQLError
from neo4j.exceptions import (
    ClientError,
    DriverError,
    IncompleteCommit,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from service.compiler.selection import SelectionError
from service.errors import ApiError, ErrorCode

log = logging.getLogger("supplygraph.api")


def classify(error: BaseException, where: object = None) -> tuple[str, str]:
    """(code, message to show) for an exception raised while answering a field."""
    if isinstance(error, ApiError):
        return error.code, str(error)
    if isinstance(error, SelectionError):
        return ErrorCode.BAD_USER_INPUT, str(error)
    if isinstance(error, GraphQLError):
        return ErrorCode.BAD_USER_INPUT, error.message
    if isinstance(error, IncompleteCommit):
        # The commit was sent and the connection broke before Neo4j answered: it may be done.
        return ErrorCode.WRITE_OUTCOME_UNKNOWN, (
            "Neo4j went away while the write was committing; it may or may not have been made. "
            "Resend it with the same expectedVersion to find out."
        )
    if isinstance(error, ServiceUnavailable | SessionExpired | ConnectionError | OSError):
        return ErrorCode.SERVICE_UNAVAILABLE, "Neo4j is unavailable; try again shortly."
    code = getattr(error, "code", "") or ""
    if isinstance(error, ClientError | TransientError) and ("TimedOut" in code or "Terminated" in code):
        return ErrorCode.QUERY_TIMEOUT, "The query took too long and was stopped; narrow it down."
    if isinstance(error, DriverError) and "defunct" in str(error).lower():
        return ErrorCode.SERVICE_UNAVAILABLE, "Neo4j is unavailable; try again shortly."
    log.error("unexpected error in %s", where, exc_info=error)
    return ErrorCode.INTERNAL, "Internal server error."


def error_entry(message: str, code: str, path: list[Any] | None = None, **extensions: Any) -> dict[str, Any]:
    """One entry of a response's `errors`."""
    entry: dict[str, Any] = {"message": message}
    if path is not None:
        entry["path"] = path
    entry["extensions"] = {"code": code, **extensions}
    return entry

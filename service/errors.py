"""The error codes clients can act on (`extensions.code`), and the one error type whose message
clients may see.

Every failure a client can cause has a code here and a clear message; anything else is
INTERNAL, masked, and logged. The README's error table lists the same codes (a test keeps them
in line).
"""

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    BAD_REQUEST = "BAD_REQUEST"  # the HTTP request is not a GraphQL request (HTTP 400)
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"  # the document is not GraphQL
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"  # the document does not fit the schema
    BAD_USER_INPUT = "BAD_USER_INPUT"  # a variable or argument value is invalid
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"  # over a limit
    BATCH_TOO_LARGE = "BATCH_TOO_LARGE"  # more mutations than API_MAX_MUTATIONS
    QUERY_TIMEOUT = "QUERY_TIMEOUT"  # a statement ran past its timeout
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"  # Neo4j is unreachable
    WRITE_OUTCOME_UNKNOWN = "WRITE_OUTCOME_UNKNOWN"  # Neo4j went away while committing a write
    UNAUTHENTICATED = "UNAUTHENTICATED"  # no key where one is needed, or a bad one (HTTP 401)
    FORBIDDEN = "FORBIDDEN"  # the key's role does not allow this (HTTP 403)
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"  # a mutation sent by GET (HTTP 405)
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"  # a POST body that is not JSON (HTTP 415)
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"  # body over API_MAX_BODY_BYTES (HTTP 413)
    RATE_LIMITED = "RATE_LIMITED"  # over the caller's rate (HTTP 429)
    CURSOR_EXPIRED = "CURSOR_EXPIRED"  # a feed cursor older than what the feed keeps
    NOT_FOUND = "NOT_FOUND"  # a watch or webhook id that does not exist (or is not the caller's)
    CONFLICT = "CONFLICT"  # the change clashes with what exists (a watch that webhooks follow)
    POSSIBLE_DUPLICATE = "POSSIBLE_DUPLICATE"  # a create whose name strongly matches an existing entity
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"  # APQ: hash unknown, send the query with it
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"  # a persisted query version other than 1
    PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"  # sha256Hash is not the query's sha256
    PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"  # safelist mode: an id not in the manifest
    QUERY_NOT_IN_SAFELIST = "QUERY_NOT_IN_SAFELIST"  # safelist mode: a document not in the manifest (403)
    CANNOT_SEND_PQ_ID_AND_BODY = "CANNOT_SEND_PQ_ID_AND_BODY"  # safelist mode: registration refused
    INTERNAL = "INTERNAL"  # anything else, masked


class ApiError(Exception):
    """An expected failure: its message is shown as is, with `code` in `extensions.code`."""

    def __init__(self, message: str, code: str, extensions: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.extensions = extensions or {}  # more for the client, beside `code` (the candidates)


def bad_input(message: str) -> ApiError:
    return ApiError(message, ErrorCode.BAD_USER_INPUT)

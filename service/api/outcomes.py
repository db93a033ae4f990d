"""What answering one request produced, and how its payload is put together."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import FieldNode

from service.api.shaping import Shaper
from service.compiler.selection import Selection
from service.compiler.statement import Statement

Read = Callable[[Statement, bool], Awaitable[Any]]  # (statement, causal) -> the `result` column


@dataclass
class Result:
    """One request's answer, with what the HTTP layer and the metrics need to know."""

    payload: dict[str, Any]
    status: int = 200  # the status a request error carries (for application/graphql-response+json)
    operation: str | None = None
    kind: str = "query"  # or "mutation"
    statements: int = 0
    error_codes: list[str] = field(default_factory=list)

    @property
    def request_error(self) -> bool:
        return "data" not in self.payload


@dataclass(frozen=True)
class RootField:
    key: str
    selection: Selection
    nodes: tuple[FieldNode, ...]
    shaper: Shaper | None = None  # compiled and mutation fields
    statement: Statement | None = None  # compiled query fields
    error: tuple[str, str] | None = None  # (code, message) found while preparing
    nullable: bool = True


@dataclass
class Prepared:
    fields: list[RootField]
    cost: dict[str, int]


def refused(
    errors: list[dict[str, Any]], status: int, name: str | None = None, cost: dict[str, int] | None = None
) -> Result:
    codes = [str(e.get("extensions", {}).get("code")) for e in errors]
    extensions: dict[str, Any] = {"statements": 0} if cost is None else {"cost": cost, "statements": 0}
    return Result(
        {"errors": errors, "extensions": extensions}, status=status, operation=name, error_codes=codes
    )


def answer(
    result: Result, data: dict[str, Any] | None, errors: list[dict[str, Any]], cost: dict[str, int]
) -> Result:
    payload: dict[str, Any] = {}
    if errors:
        payload["errors"] = errors
        result.error_codes = [str(e["extensions"]["code"]) for e in errors]
    payload["data"] = data
    payload["extensions"] = {"cost": cost, "statements": result.statements}
    result.payload = payload
    return result

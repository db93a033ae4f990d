"""Page sizes, orderings and keyset cursors.

A cursor is `FIELD:DIRECTION|sort value|tiebreak`, built in Cypher from the row it points at.
Paging after it asks for rows strictly beyond that (sort value, tiebreak) pair, so inserts
and deletes elsewhere never shift a page (unlike offsets). Null sort values sort last in both
directions, through a sentinel that replaces them in the sort key.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from service.errors import bad_input

DEFAULT_PAGE = 20
MAX_PAGE = 100

SortType = Literal["string", "float", "date", "int"]

_SENTINELS: dict[SortType, tuple[Any, Any]] = {  # (low, high)
    "string": ("", "\U0010ffff"),
    "float": (-1.0e308, 1.0e308),
    "int": (-(2**62), 2**62),
    "date": (date(1, 1, 1), date(9999, 12, 31)),
}


@dataclass(frozen=True)
class OrderField:
    """One way to order a list: the Cypher expression of its key (on `{n}`) and its type."""

    expr: str
    type: SortType
    nullable: bool = True  # False for ids: the order can then come straight from an index


@dataclass(frozen=True)
class Page:
    first: int
    field: str
    descending: bool
    after: tuple[Any, str] | None

    @property
    def token(self) -> str:
        return f"{self.field}:{'DESC' if self.descending else 'ASC'}"


def page_size(args: dict[str, Any]) -> int:
    first = args.get("first")
    if first is None:
        return DEFAULT_PAGE
    if not isinstance(first, int) or first < 0:
        raise bad_input(f"first must be a non-negative integer, got {first!r}")
    return min(first, MAX_PAGE)


def _parse_value(text: str, sort_type: SortType) -> Any:
    match sort_type:
        case "float":
            return float(text)
        case "int":
            return int(text)
        case "date":
            return date.fromisoformat(text)
    return text


def parse_page(args: dict[str, Any], fields: dict[str, OrderField], default: tuple[str, bool]) -> Page:
    """The page an argument set asks for; cursors from another ordering are refused."""
    order = args.get("orderBy") or {}
    # Strawberry input objects arrive as dicts; enum names may arrive as members.
    field = order.get("field", default[0]) if isinstance(order, dict) else default[0]
    if field not in fields:
        raise bad_input(f"cannot order by {field}; use one of {', '.join(sorted(fields))}")
    direction = order.get("direction") if isinstance(order, dict) else None
    # Without a direction, a list's own default applies to its default field; others go ASC.
    descending = (default[1] if field == default[0] else False) if direction is None else direction == "DESC"
    page = Page(page_size(args), field, descending, None)
    after = args.get("after")
    if after is None:
        return page
    if not isinstance(after, str):
        raise bad_input("after must be a cursor string")
    head, _, rest = after.partition("|")
    value, separator, tiebreak = rest.rpartition("|")
    if not separator or head != page.token:
        raise bad_input("after is not a cursor of this list in this order (cursors come from endCursor)")
    try:
        parsed = _parse_value(value, fields[field].type)
    except ValueError:
        raise bad_input("after is not a valid cursor") from None
    return Page(page.first, field, descending, (parsed, tiebreak))


def sentinel(field: OrderField, descending: bool) -> Any:
    """The stand-in for a null sort value: after every real value in this direction."""
    low, high = _SENTINELS[field.type]
    return low if descending else high

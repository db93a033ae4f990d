"""Page sizes, orderings and keyset cursors.

A cursor is `FIELD:DIRECTION|sort value|tiebreak`, built in Cypher from the row it points at.
Paging after it asks for rows strictly beyond that (sort value, tiebreak) pair, so inserts
and deletes elsewhere never shift a page (unlike offsets). Null sort values sort last in both
directions, through a sentinel that replaces them in the sort key.

Arguments arrive coerced by graphql-core (defaults applied, `direction` as a boolean); only
what the schema cannot say is checked here: the size cap, and that a cursor is one of ours.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from service.domain.catalog import Leaf, OrderKey
from service.errors import bad_input

DEFAULT_PAGE = 20
MAX_PAGE = 100

_SENTINELS: dict[Leaf, tuple[Any, Any]] = {  # (low, high)
    Leaf.STRING: ("", "\U0010ffff"),
    Leaf.ID: ("", "\U0010ffff"),
    Leaf.FLOAT: (-1.0e308, 1.0e308),
    Leaf.INT: (-(2**62), 2**62),
    Leaf.DATE: (date(1, 1, 1), date(9999, 12, 31)),
}


@dataclass(frozen=True)
class Page:
    first: int
    field: str
    descending: bool
    after: tuple[Any, str] | None

    @property
    def token(self) -> str:
        return f"{self.field}:{'DESC' if self.descending else 'ASC'}"


def page_size(first: Any) -> int:
    """`first`, capped at MAX_PAGE; negative sizes are refused (the schema cannot say so)."""
    if first is None:
        return DEFAULT_PAGE
    if not isinstance(first, int) or isinstance(first, bool) or first < 0:
        raise bad_input(f"first must be a non-negative integer, got {first!r}")
    return min(first, MAX_PAGE)


def _parse_value(text: str, sort: Leaf) -> Any:
    match sort:
        case Leaf.FLOAT:
            return float(text)
        case Leaf.INT:
            return int(text)
        case Leaf.DATE:
            return date.fromisoformat(text)
    return text


def parse_page(args: dict[str, Any], keys: dict[str, OrderKey], default: tuple[str, bool]) -> Page:
    """The page an argument set asks for; cursors from another ordering are refused."""
    order = args.get("orderBy") or {}
    field = order.get("field") or default[0]
    if field not in keys:
        raise bad_input(f"cannot order by {field}; use one of {', '.join(sorted(keys))}")
    direction = order.get("direction")
    # Without a direction, a list's own default applies to its default field; others go ASC.
    descending = (default[1] if field == default[0] else False) if direction is None else bool(direction)
    page = Page(page_size(args.get("first")), field, descending, None)
    after = args.get("after")
    if after is None:
        return page
    head, _, rest = str(after).partition("|")
    value, separator, tiebreak = rest.rpartition("|")
    if not separator or head != page.token:
        raise bad_input("after is not a cursor of this list in this order (cursors come from endCursor)")
    try:
        parsed = _parse_value(value, keys[field].sort)
    except ValueError:
        raise bad_input("after is not a valid cursor") from None
    return Page(page.first, field, descending, (parsed, tiebreak))


def sentinel(key: OrderKey, descending: bool) -> Any:
    """The stand-in for a null sort value: after every real value in this direction."""
    low, high = _SENTINELS[key.sort]
    return low if descending else high

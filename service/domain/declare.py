"""The words a field declaration is made of.

Every field of the model is declared once, on its entry model (`service.domain.entities` and
`service.domain.values`), as a pydantic field whose `Annotated` metadata carries these markers.
The pydantic part is the seed file's key, its type, its constraints and its description; the
markers add what clients see (names, filters, orderings, relations) and where the graph keeps
it. `service.domain.catalog` resolves them into the catalog that the GraphQL schema, the query
compiler, the row writer and the export all read, so none of them lists a field again.

Nothing here is Cypher or GraphQL: names of properties, relationship types and client fields
are plain data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


@dataclass(frozen=True)
class Named:
    """The name clients see, where it is not the camelCase of the key (`region` shows as `state`)."""

    name: str


@dataclass(frozen=True)
class Stored:
    """The graph property, where it is not the key (`precision` is stored as `location_precision`)."""

    name: str


@dataclass(frozen=True)
class Valid:
    """Valid time: the fact holds from this date on (`bound="from"`), or up to it (`"until"`).
    `asOf` queries keep only what held on their date (docs/time.md); a date known to a month,
    quarter, half or year counts from that period's first day."""

    bound: str  # "from" or "until"


@dataclass(frozen=True)
class SetsStatus:
    """An event's field naming the status its subjects of type `target` took on its date: under
    `asOf`, their `status` is that of their latest such event by then (docs/time.md)."""

    target: str
    status: str  # the target's status property
    # What that status was on a date before every such event: the one the first of them replaced
    # (the event's `replaced` property), or else `before` (the sources do not say).
    replaced: str
    before: str


@dataclass(frozen=True)
class StatusSince:
    """The date from which the entity's own status is known to hold (the page it comes from):
    under `asOf`, a dated event later than it is the newer status, an earlier one the older."""


@dataclass(frozen=True)
class Hidden:
    """Kept in the graph and the seed files, not shown to clients."""


@dataclass(frozen=True)
class LoadOnly:
    """Set by the seed files only (generated test data says so); not part of the mutations' inputs."""


@dataclass(frozen=True)
class Filter:
    """Clients may filter lists of the entity by this field in `where`, with the operators of its
    type. On an embedded value, `fields` maps its keys to the filter names (`usd` → `valueUsd`)."""

    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Order:
    """Lists of the entity may be ordered by this field, as `member` of the type's order enum.
    On an embedded value, `key` names the inner field it orders by."""

    member: str
    ignore_case: bool = False
    key: str | None = None


@dataclass(frozen=True)
class Embed:
    """A value object kept as properties of its owner, named `<prefix>_<key>` (or just `<key>`),
    and shown as an object that is null unless `present` (an inner key) has a value."""

    prefix: str = ""
    present: str | None = None


@dataclass(frozen=True)
class Columns:
    """A list of value objects kept as parallel list properties `<prefix>_<key>s`."""

    prefix: str


class Shape(StrEnum):
    """How a relation reaches clients."""

    ONE = "one"  # a single object (or null)
    CONNECTION = "connection"  # a paged connection of the related entities (where, orderBy, first, after)
    ITEMS = "items"  # a connection of the link objects themselves (first, after), in their own order
    LIST = "list"  # a plain list of the link objects, in their own order
    GROUPED = "grouped"  # a paged connection of the related entities, one edge each, with edge data


@dataclass(frozen=True)
class Relation:
    """One client-facing view of a relationship: its field name, description and shape.

    `type_name` names the link object type (ITEMS, LIST) or the connection (GROUPED, e.g.
    `CompanyFacility`); `edge` names the edge field of a GROUPED view and `gather` what it holds
    (an item key such as `role`, `type` for the relationship type, `partnership` for the deals
    behind derived links). `filter`: also a `some/none/all` filter in the owner's `where`.
    """

    name: str
    description: str
    shape: Shape = Shape.CONNECTION
    type_name: str | None = None
    edge: str | None = None
    gather: str | None = None
    filter: bool = False
    order_by: tuple[str, bool] | None = None  # ITEMS and LIST: (item key, descending)


@dataclass(frozen=True)
class Ref:
    """The field holds the id (or ids) of other entities, kept as relationships `rel` from the
    owner to them. `shown` is the view from the owner, `inverse` the view from the target.

    `target` is one entity type, several (a statement's speaker is a person or a company), or
    `Entity` for any subject (`service.domain.rules.SUBJECT_LABELS`); with more than one, the
    owner's view is a union of them, named by `shown.type_name`, and the inverse is shown on each."""

    rel: str
    target: str | tuple[str, ...]
    shown: Relation | None = None
    inverse: Relation | None = None


@dataclass(frozen=True)
class Verbatim:
    """The text must appear word for word in one of the entry's evidence quotes (what a speaker
    said is a part of the quote that reports it), so it can never drift from its source."""


@dataclass(frozen=True)
class Link:
    """The field holds link objects (a person's positions, a deal's parties), each kept as one
    relationship between the owner and the entity named by the item key `end`.

    `rel` is the relationship type, or None when each item's `kind` names it (facility links);
    `incoming`: the relationship points from that entity to the owner. `role` and `end_role`
    name the two ends inside the link object (an executive's `person` and `company`). Items
    keep their order (`ord`) when `ordered`; an item's own evidence is kept with the owner's."""

    rel: str | None
    end: str
    target: str
    owner_role: str
    incoming: bool = False
    ordered: bool = False
    shown: Relation | None = None
    inverse: Relation | None = None
    peers: Relation | None = None  # entities sharing a linked entity with the owner's kind (partners)


class Now(StrEnum):
    """Values computed when read, because they depend on today's date."""

    HELD = "held"  # a span with `since`/`until` that has not ended


@dataclass(frozen=True)
class Current:
    """A read-time value of the link object (not in the seed files)."""

    name: str
    description: str
    rule: Now
    filter: bool = False


@dataclass(frozen=True)
class Derived:
    """A value computed from the entry when it is written, kept in the graph and shown to clients
    (a facility's largest power capacity); marks a method of the entry model with `derived`."""

    description: str
    type: type
    filter: bool = False
    order: str | None = None
    hidden: bool = False


Kind = Literal["entity", "value"]
DERIVED_ATTR = "__derived__"


def derived(
    description: str, type_: type, *, filter: bool = False, order: str | None = None, hidden: bool = False
) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Declare a method of an entry model as a derived, stored value (see `Derived`)."""

    def mark(method: Callable[[Any], Any]) -> Callable[[Any], Any]:
        setattr(method, DERIVED_ATTR, Derived(description, type_, filter, order, hidden))
        return method

    return mark


def camel(key: str) -> str:
    """`legal_name` → `legalName`, `post_2025` → `post2025`: the client name of a key."""
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass(frozen=True)
class DerivedLink:
    """Company-to-company relationships `rel` derived from the parties of each partnership: one
    from every party in the first role of a pair in `directions` to every party in the second.
    `forward` is the view from the first company, `backward` from the second."""

    rel: str
    directions: tuple[tuple[StrEnum, StrEnum], ...]
    forward: Relation | None = None
    backward: Relation | None = None


def plural(type_name: str) -> str:
    """`Company` → `companies`, `Person` → `people`: how clients name a list of a type."""
    word = type_name[0].lower() + type_name[1:]
    if word == "person":
        return "people"
    return word[:-1] + "ies" if word.endswith("y") else word + "s"

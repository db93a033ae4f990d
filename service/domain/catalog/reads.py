"""Where a value lives, in the graph's own vocabulary: a property, a hop to other entities, a
read-time rule. The graph layer (`service.graph.fragments`) writes each in Cypher."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from service.domain.declare import Now


class Leaf(StrEnum):
    ID = "ID"
    STRING = "String"
    INT = "Int"
    FLOAT = "Float"
    BOOLEAN = "Boolean"
    DATE = "Date"


Named_ = str | Leaf | type[StrEnum]  # an object or input type's name, a leaf, or an enum


# -- how a value is read ------------------------------------------------------------------------


@dataclass(frozen=True)
class Prop:
    """A property of the binding `on` ("n": the entity or value's owner; "r": a link)."""

    stored: str
    on: str = "n"
    default: Any = None


@dataclass(frozen=True)
class DateText:
    """A date property, shown as its ISO text."""

    stored: str
    on: str = "n"


@dataclass(frozen=True)
class Embedded:
    """A value object kept as properties of its owner (`<prefix>_<key>`); null unless `present`."""

    type: str
    prefix: str
    on: str = "n"
    present: str | None = None


@dataclass(frozen=True)
class ColumnList:
    """Value objects kept as parallel list properties `<prefix>_<key>s` of the owner."""

    type: str
    prefix: str


@dataclass(frozen=True)
class Hop:
    """One relationship step from the bound entity: its types, direction and the other end's label."""

    rels: tuple[str, ...]
    outgoing: bool
    target: str


@dataclass(frozen=True)
class One:
    """The entity one hop away (at most one)."""

    hop: Hop


@dataclass(frozen=True)
class Connection:
    """A paged connection of the entities one hop away."""

    hop: Hop


@dataclass(frozen=True)
class Items:
    """The link objects of a relationship, bound as `owner_role`, `end_role` and `r`, in the
    order of `order` (a link property), paged or as a plain list."""

    hop: Hop
    type: str
    owner_role: str
    end_role: str
    order: "OrderKey"
    descending: bool
    paged: bool


@dataclass(frozen=True)
class Grouped:
    """A paged connection of the entities one hop away (two, through `via`, for peers), one edge
    each, gathering what ties them: a link property, the relationship type, or the partnership
    ids of derived links."""

    hop: Hop
    gather: str  # "type", "partnership" or a link property
    via: Hop | None = None


@dataclass(frozen=True)
class Bound:
    """An end of a link object, already bound as `role`."""

    role: str


@dataclass(frozen=True)
class ItemEvidence:
    """A link object's own evidence: kept with its owner's, from the link's `evidence_ord`."""

    owner_role: str


@dataclass(frozen=True)
class OnlyTierC:
    """True when the evidence has items and every one cites a tier-C source (mirrors, forums,
    aggregators): of the entity (all its evidence), or of one link object (`owner_role` set)."""

    owner_role: str | None = None


@dataclass(frozen=True)
class Computed:
    """A value computed when read (it depends on today's date)."""

    rule: Now


@dataclass(frozen=True)
class Bookkeeping:
    """What every entity has besides its facts: `retracted`, `retraction`, `history`."""

    what: Literal["retracted", "retraction", "history"]


Read = (
    Prop
    | DateText
    | Embedded
    | ColumnList
    | One
    | Connection
    | Items
    | Grouped
    | Bound
    | ItemEvidence
    | OnlyTierC
    | Computed
    | Bookkeeping
)


@dataclass(frozen=True)
class OrderKey:
    member: str
    read: Prop | DateText
    sort: Leaf
    ignore_case: bool = False
    nullable: bool = True  # False for ids: the order can then come straight from an index


@dataclass
class OrderSet:
    type: str
    keys: dict[str, OrderKey] = field(default_factory=dict)
    default: tuple[str, bool] = ("ID", False)

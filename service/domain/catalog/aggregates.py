"""What a list of each entity type can be summed and grouped by, read off the catalog's filters.

A numeric filter (a float or integer property) is a `Number` to count, sum, average and bound;
one kept inside an embedded money value is `qualified` by that value's `qualifier`, so that
amounts stated as "up to", estimated or exact are never added together unseen. Enum, string and
boolean filters are group keys, and every date filter gives three more: its year, quarter and
month, each only where the date's precision says that much. A list of link items that ends at an
entity (a deal's parties, at companies) gives one more: that entity, so that deals group by
company (each deal under each of its parties, or under a company its counterparties).
"""

from dataclasses import dataclass, field
from enum import StrEnum

from service.domain.catalog.declarations import precision_name
from service.domain.catalog.reads import DateText, Embedded, Hop, Items, Leaf, Named_, Prop
from service.domain.catalog.types import Catalog, ListFilter, PropFilter
from service.domain.vocab import DatePrecision, MoneyQualifier


@dataclass(frozen=True)
class Number:
    """A numeric value of the type; `qualifier` is the stored property saying how exact it is."""

    name: str  # the client's name (`valueUsd`)
    stored: str
    leaf: Leaf
    qualifier: str | None = None


@dataclass(frozen=True)
class GroupKey:
    """A value to group by: `member` names it in the `by` enum, `name` in the group's key."""

    member: str
    name: str
    type: Named_
    stored: str
    part: str | None = None  # "year", "quarter" or "month" of a date
    precision: str | None = None  # the stored precision of that date
    # Precisions fine enough for the part (a year-precise date has no month).
    precise: tuple[DatePrecision, ...] = ()
    hop: Hop | None = None  # to the related entity grouped by, from the item


@dataclass
class Aggregates:
    type: str
    numbers: dict[str, Number] = field(default_factory=dict)
    keys: dict[str, GroupKey] = field(default_factory=dict)


_PARTS: dict[str, tuple[Leaf, tuple[DatePrecision, ...]]] = {
    "year": (Leaf.INT, tuple(DatePrecision)),
    "quarter": (Leaf.STRING, (DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.QUARTER)),
    "month": (Leaf.STRING, (DatePrecision.DAY, DatePrecision.MONTH)),
}


def member_name(name: str) -> str:
    """`valueQualifier` → `VALUE_QUALIFIER`."""
    return "".join(f"_{ch}" if ch.isupper() else ch.upper() for ch in name)


def _qualifier(catalog: Catalog, type_name: str, stored: str) -> str | None:
    """The qualifier of the embedded money value a stored number belongs to, if it is one."""
    for out in catalog.outputs[type_name].fields.values():
        read = out.read
        if not isinstance(read, Embedded) or not read.prefix or not stored.startswith(f"{read.prefix}_"):
            continue
        qualifier = catalog.outputs[read.type].fields.get("qualifier")
        if qualifier is not None and qualifier.type is MoneyQualifier:
            return f"{read.prefix}_qualifier"
    return None


def aggregates_of(catalog: Catalog, type_name: str, entities: tuple[str, ...] = ()) -> Aggregates:
    found = Aggregates(type_name)
    where = catalog.wheres.get(type_name)
    filters = [f for f in where.fields.values() if isinstance(f, PropFilter)] if where else []
    for filt in filters:
        read, kind = filt.read, filt.type
        if isinstance(read, Prop) and kind in (Leaf.FLOAT, Leaf.INT):
            assert isinstance(kind, Leaf)
            qualifier = _qualifier(catalog, type_name, read.stored)
            found.numbers[filt.name] = Number(filt.name, read.stored, kind, qualifier)
        elif isinstance(read, Prop) and (
            (isinstance(kind, type) and issubclass(kind, StrEnum)) or kind in (Leaf.STRING, Leaf.BOOLEAN)
        ):
            member = member_name(filt.name)
            found.keys[member] = GroupKey(member, filt.name, kind, read.stored)
        elif isinstance(read, DateText):
            shown = catalog.outputs[type_name].fields.get(precision_name(filt.name))
            precision = shown.read.stored if shown is not None and isinstance(shown.read, Prop) else None
            for part, (leaf, precise) in _PARTS.items():
                name = f"{filt.name}{part.capitalize()}"
                member = member_name(name)
                found.keys[member] = GroupKey(member, name, leaf, read.stored, part, precision, precise)
    for related in where.fields.values() if where else []:
        if isinstance(related, ListFilter) and isinstance(related.read, Items):
            hop = related.read.hop
            name = hop.target[0].lower() + hop.target[1:]
            if hop.target in entities and member_name(name) not in found.keys:
                found.keys[member_name(name)] = GroupKey(member_name(name), name, Leaf.ID, "id", hop=hop)
    return found


def build_aggregates(catalog: Catalog, labels: tuple[str, ...]) -> dict[str, Aggregates]:
    return {label: aggregates_of(catalog, label, labels) for label in labels}

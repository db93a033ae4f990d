"""What clients see, resolved: output types and their fields, `where` inputs, orderings and the
mutations' inputs, gathered in one `Catalog`."""

from dataclasses import dataclass, field
from enum import StrEnum

from service.domain.catalog.reads import (
    Computed,
    Connection,
    DateText,
    Grouped,
    Items,
    Named_,
    One,
    OnlyTierC,
    OrderSet,
    Prop,
    Read,
)
from service.domain.entities import Entry
from service.domain.values import Model


@dataclass(frozen=True)
class OutField:
    """One field of an output type."""

    name: str
    description: str
    type: Named_
    read: Read
    nullable: bool = True
    list: bool = False
    connection: str | None = None  # the connection type's name prefix, for paged relations
    edge: "OutField | None" = None  # the edge field of a grouped connection
    where: str | None = None  # the Where input the connection's `where` takes
    order: str | None = None  # the entity whose ordering the connection's `orderBy` takes


@dataclass
class OutType:
    name: str
    description: str
    fields: dict[str, OutField] = field(default_factory=dict)
    entity: bool = False  # implements Node: has an id, a version, a retraction and a history

    def add(self, out: OutField) -> None:
        if out.name in self.fields:
            raise ValueError(f"{self.name}.{out.name} is declared twice")
        self.fields[out.name] = out


@dataclass(frozen=True)
class PropFilter:
    """A condition on one value, with the operators of its type."""

    name: str
    description: str
    type: Named_
    read: Prop | DateText | Computed | OnlyTierC


@dataclass(frozen=True)
class ListFilter:
    """`some`/`none`/`all` over related objects, each matched by the `where` of `type`; over a
    single related entity (`One`), that `where` itself."""

    name: str
    description: str
    type: str
    read: Connection | Items | Grouped | One


@dataclass(frozen=True)
class NestedFilter:
    """A condition on an object bound in the same row (a party's company)."""

    name: str
    description: str
    type: str
    role: str


FilterField = PropFilter | ListFilter | NestedFilter


@dataclass
class WhereType:
    type: str
    fields: dict[str, FilterField] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.type}Where"


@dataclass(frozen=True)
class InField:
    """One field of an entry's input: `key` in the seed files, `name` for clients."""

    name: str
    key: str
    description: str
    type: Named_
    required: bool
    list: bool = False
    date: bool = False  # a partial date, written as text


@dataclass
class InType:
    name: str
    description: str
    model: type[Model]
    fields: list[InField] = field(default_factory=list)


@dataclass(frozen=True)
class UnionType:
    """A value that is one of several entity types (a statement's speaker: a person or a company)."""

    name: str
    description: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class DatedStatus:
    """A status that dated events set: the entity's property, the events' property naming the
    status they set, and the status before the first of them (the sources do not say)."""

    status: str
    event_status: str
    replaced: str  # the events' property naming the status they replaced, when known
    before: str
    since: str | None = None  # the date the entity's own status holds from, when it has one


@dataclass(frozen=True)
class ValidSpan:
    """Where a node or relationship keeps its valid time: the stored properties of its start and
    end (None: it has none)."""

    start: str | None
    end: str | None = None
    start_precision: str | None = None  # where the precision of each date is kept
    end_precision: str | None = None


@dataclass
class Catalog:
    outputs: dict[str, OutType] = field(default_factory=dict)
    wheres: dict[str, WhereType] = field(default_factory=dict)
    orders: dict[str, OrderSet] = field(default_factory=dict)
    inputs: dict[str, InType] = field(default_factory=dict)
    entities: dict[str, type[Entry]] = field(default_factory=dict)
    enums: dict[str, type[StrEnum]] = field(default_factory=dict)
    unions: dict[str, UnionType] = field(default_factory=dict)
    # Valid time (`asOf`): of entities by label, of link objects by relationship type.
    valid_nodes: dict[str, ValidSpan] = field(default_factory=dict)
    valid_links: dict[str, ValidSpan] = field(default_factory=dict)
    # Whose status dated events set (`SetsStatus`), by label.
    dated_status: dict[str, "DatedStatus"] = field(default_factory=dict)

    def output(self, name: str, description: str = "") -> OutType:
        if name not in self.outputs:
            self.outputs[name] = OutType(name, description)
        elif description and not self.outputs[name].description:
            self.outputs[name].description = description
        return self.outputs[name]

    def where(self, type_name: str) -> WhereType:
        return self.wheres.setdefault(type_name, WhereType(type_name))

    def model_of(self, label: str) -> type[Entry]:
        return self.entities[label]

"""The resolved model: every client-facing type, field, filter, ordering and input, read off the
declarations once at import.

Like Hasura's metadata resolution, this is the one step that reads the entry models and their
markers; the GraphQL schema (`service.api`), the query compiler (`service.compiler`) and the
graph's rows and reads (`service.graph`) all work from `CATALOG`. A field declared on an entry
model appears here with its client name, type, description, how it is read (`Read`), and its
filter and ordering, so no consumer names a field again.

`Read` values say where a value lives in terms of the graph's own vocabulary (properties,
relationship types, labels); the graph layer turns them into Cypher.
"""

import inspect
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from service.domain.dates import PartialDateValue
from service.domain.declare import (
    DERIVED_ATTR,
    Columns,
    Current,
    Derived,
    Embed,
    Filter,
    Hidden,
    Link,
    LoadOnly,
    Named,
    Now,
    Order,
    Ref,
    Relation,
    Shape,
    Stored,
    camel,
)
from service.domain.entities import ENTRY_MODELS, Entry, Sourced
from service.domain.flows import DERIVED_LINKS
from service.domain.rules import ANY_ENTITY
from service.domain.values import Evidence, Model
from service.domain.vocab import DatePrecision


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
    | Computed
    | Bookkeeping
)


# -- what clients see -----------------------------------------------------------------------------


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
    read: Prop | DateText | Computed


@dataclass(frozen=True)
class ListFilter:
    """`some`/`none`/`all` over related objects, each matched by the `where` of `type`."""

    name: str
    description: str
    type: str
    read: Connection | Items | Grouped


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


@dataclass
class Catalog:
    outputs: dict[str, OutType] = field(default_factory=dict)
    wheres: dict[str, WhereType] = field(default_factory=dict)
    orders: dict[str, OrderSet] = field(default_factory=dict)
    inputs: dict[str, InType] = field(default_factory=dict)
    entities: dict[str, type[Entry]] = field(default_factory=dict)
    enums: dict[str, type[StrEnum]] = field(default_factory=dict)

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


# -- reading the declarations -----------------------------------------------------------------


@dataclass(frozen=True)
class _Decl:
    """One declared field, with its markers sorted out."""

    key: str
    info: FieldInfo
    base: Any  # the Python type without Optional/list
    optional: bool  # None is allowed, or the field has a default
    many: bool
    nullable: bool  # None is allowed

    def marker(self, kind: type[Any]) -> Any:
        return next((m for m in self.info.metadata if isinstance(m, kind)), None)

    @property
    def name(self) -> str:
        named = self.marker(Named)
        return named.name if named else camel(self.key)

    @property
    def stored(self) -> str:
        stored = self.marker(Stored)
        return stored.name if stored else self.key

    @property
    def description(self) -> str:
        return self.info.description or ""


def _unwrap(annotation: Any) -> tuple[Any, bool, bool]:
    """(base type, optional, list) of a field's annotation."""
    optional = many = False
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(get_args(annotation))
            annotation = args[0]
        elif origin is list:
            many = True
            annotation = get_args(annotation)[0]
        else:
            return annotation, optional, many


def declarations(model: type[Model]) -> Iterator[_Decl]:
    """The model's declared fields, in declaration order (inherited ones first)."""
    for key, info in model.model_fields.items():
        base, optional, many = _unwrap(info.annotation)
        yield _Decl(key, info, base, optional or not info.is_required(), many, optional)


def derived_values(model: type[Model]) -> Iterator[tuple[str, Derived]]:
    """The model's derived, stored values: (method name, declaration)."""
    for name, member in inspect.getmembers(model, inspect.isfunction):
        marker = getattr(member, DERIVED_ATTR, None)
        if isinstance(marker, Derived):
            yield name, marker


def currents(model: type[Model]) -> Iterator[Current]:
    for value in vars(model).values():
        if isinstance(value, Current):
            yield value


def _leaf(base: Any, key: str) -> Named_:
    if isinstance(base, type) and issubclass(base, StrEnum):
        return base
    if base is PartialDateValue:
        return Leaf.DATE
    if base is bool:
        return Leaf.BOOLEAN
    if base is float:
        return Leaf.FLOAT
    if base is int:
        return Leaf.INT
    if base is str:
        return Leaf.ID if key == "id" else Leaf.STRING
    raise TypeError(f"no client type for {base!r} ({key})")


def _sort(base: Any, key: str) -> Leaf:
    """How values of a field sort: enums as their text."""
    leaf = _leaf(base, key)
    return leaf if isinstance(leaf, Leaf) else Leaf.STRING


def _is_model(base: Any) -> bool:
    return isinstance(base, type) and issubclass(base, Model)


def precision_name(shown: str) -> str:
    """`announcedOn` → `announcedPrecision`, `since` → `sincePrecision`."""
    return (shown[:-2] if shown.endswith("On") else shown) + "Precision"


class _Builder:
    def __init__(self) -> None:
        self.catalog = Catalog()
        self.later: list[tuple[str, OutField]] = []  # relations shown on types not built yet

    # -- leaves and values ---------------------------------------------------------------------

    def enum(self, named: Named_) -> Named_:
        if isinstance(named, type):
            self.catalog.enums[named.__name__] = named
        return named

    def leaf_fields(self, out: OutType, decl: _Decl, on: str, prefix: str = "") -> None:
        """A scalar, enum, list of scalars or partial date, as one or two output fields."""
        stored = f"{prefix}_{decl.stored}" if prefix else decl.stored
        leaf = self.enum(_leaf(decl.base, decl.key))
        if leaf is Leaf.DATE:
            out.add(OutField(decl.name, decl.description, Leaf.DATE, DateText(stored, on), decl.nullable))
            precision = f"{prefix}_{decl.key}_precision" if prefix else f"{decl.key}_precision"
            out.add(
                OutField(
                    precision_name(decl.name),
                    f"Precision of `{decl.name}`.",
                    self.enum(DatePrecision),
                    Prop(precision, on),
                    decl.nullable,
                )
            )
            return
        default: Any = [] if decl.many else (False if leaf is Leaf.BOOLEAN else None)
        nullable = decl.nullable and not decl.many
        out.add(OutField(decl.name, decl.description, leaf, Prop(stored, on, default), nullable, decl.many))

    def value_type(self, model: type[Model], name: str | None = None) -> OutType:
        """An output type for a value model read in place (its fields are props of the binding)."""
        out = self.catalog.output(name or model.__name__, _doc(model))
        if out.fields:
            return out
        for decl in declarations(model):
            if _is_model(decl.base):
                raise TypeError(f"{model.__name__}.{decl.key}: values nest one level only")
            if decl.marker(Hidden) is None:
                self.leaf_fields(out, decl, "n")
        return out

    # -- entities ------------------------------------------------------------------------------

    def entity(self, model: type[Entry]) -> None:
        label = model.__name__
        self.catalog.entities[label] = model
        out = self.catalog.output(label, _doc(model))
        out.entity = True
        where = self.catalog.where(label)
        orders = self.catalog.orders.setdefault(label, OrderSet(label, default=model.ordered_by))
        decls = {d.key: d for d in declarations(model)}
        own = [key for key in vars(model).get("__annotations__", {}) if key in decls and key != "id"]
        for key in ["id", "*", *own, *(k for k in decls if k not in own and k != "id")]:
            if key == "*":
                self._bookkeeping(out)
            else:
                self._entity_field(label, out, where, orders, decls[key])
        for name, marker in derived_values(model):
            read = Prop(name)
            shown = camel(name)
            leaf = _leaf(marker.type, name)
            if not marker.hidden:
                out.add(OutField(shown, marker.description, leaf, read))
            if marker.filter:
                where.fields[shown] = PropFilter(shown, marker.description, leaf, read)
            if marker.order:
                orders.keys[marker.order] = OrderKey(marker.order, read, _sort(marker.type, name))

    def _bookkeeping(self, out: OutType) -> None:
        out.add(OutField("version", _VERSION, Leaf.INT, Prop("version", default=1), nullable=False))
        out.add(OutField("retracted", _RETRACTED, Leaf.BOOLEAN, Bookkeeping("retracted"), nullable=False))
        out.add(
            OutField("retraction", "Why and when it was retracted.", "Retraction", Bookkeeping("retraction"))
        )
        out.add(
            OutField(
                "history",
                "Changes made through the API and by loads, newest first.",
                "Change",
                Bookkeeping("history"),
                nullable=False,
                connection="Change",
            )
        )

    def _entity_field(
        self, label: str, out: OutType, where: WhereType, orders: OrderSet, decl: _Decl
    ) -> None:
        hidden = decl.marker(Hidden) is not None
        if (ref := decl.marker(Ref)) is not None:
            self._ref(label, decl, ref)
            return
        if (link := decl.marker(Link)) is not None:
            self._link(label, decl, link)
            return
        if (embed := decl.marker(Embed)) is not None:
            value = self.value_type(decl.base)
            present = f"{embed.prefix}_{embed.present}" if embed.prefix and embed.present else embed.present
            embedded = Embedded(value.name, embed.prefix, "n", present)
            out.add(OutField(decl.name, decl.description, value.name, embedded, decl.nullable))
            inner = {d.key: d for d in declarations(decl.base)}
            if (filt := decl.marker(Filter)) is not None:
                for key, name in filt.fields.items():
                    d = inner[key]
                    stored = f"{embed.prefix}_{d.stored}" if embed.prefix else d.stored
                    kind = self.enum(_leaf(d.base, key))
                    where.fields[name] = PropFilter(name, d.description, kind, Prop(stored))
            if (order := decl.marker(Order)) is not None and order.key:
                d = inner[order.key]
                stored = f"{embed.prefix}_{d.stored}" if embed.prefix else d.stored
                orders.keys[order.member] = OrderKey(order.member, Prop(stored), _sort(d.base, order.key))
            return
        if (columns := decl.marker(Columns)) is not None:
            value = self.value_type(decl.base)
            read_list = ColumnList(value.name, columns.prefix)
            out.add(OutField(decl.name, decl.description, value.name, read_list, nullable=False, list=True))
            return
        if _is_model(decl.base):
            raise TypeError(f"{label}.{decl.key}: a value object needs Embed, Columns or Link")
        if not hidden:
            self.leaf_fields(out, decl, "n")
        leaf = _leaf(decl.base, decl.key)
        read: Prop | DateText = DateText(decl.stored) if leaf is Leaf.DATE else Prop(decl.stored)
        if decl.marker(Filter) is not None:
            self.enum(leaf)
            where.fields[decl.name] = PropFilter(decl.name, decl.description, leaf, read)
        if (order := decl.marker(Order)) is not None:
            nullable = decl.optional and decl.key != "id"
            orders.keys[order.member] = OrderKey(
                order.member, read, _sort(decl.base, decl.key), order.ignore_case, nullable
            )

    # -- relations -------------------------------------------------------------------------------

    def _show(self, on: str, out_field: OutField) -> None:
        self.later.append((on, out_field))

    def _relation_field(self, relation: Relation, hop: Hop, target: str) -> OutField:
        if relation.shape is Shape.ONE:
            return OutField(relation.name, relation.description, target, One(hop))
        return OutField(
            relation.name,
            relation.description,
            target,
            Connection(hop),
            nullable=False,
            connection=target,
            where=target,
            order=target,
        )

    def _ref(self, label: str, decl: _Decl, ref: Ref) -> None:
        forward = Hop((ref.rel,), True, ref.target)
        backward = Hop((ref.rel,), False, label)
        if ref.shown is not None:
            self._show(label, self._relation_field(ref.shown, forward, ref.target))
            if ref.shown.filter:
                self.catalog.where(label).fields[ref.shown.name] = ListFilter(
                    ref.shown.name, ref.shown.description, ref.target, Connection(forward)
                )
        if ref.inverse is not None:
            targets = [ref.target] if ref.target != ANY_ENTITY else list(SUBJECT_LABELS)
            for target in targets:
                self._show(target, self._relation_field(ref.inverse, backward, label))
                if ref.inverse.filter:
                    self.catalog.where(target).fields[ref.inverse.name] = ListFilter(
                        ref.inverse.name, ref.inverse.description, label, Connection(backward)
                    )

    def _link(self, label: str, decl: _Decl, link: Link) -> None:
        item_model: type[Model] = decl.base
        rels = (link.rel,) if link.rel else tuple(k.value.upper() for k in _kind_values(item_model))
        # The hop from the owner to the end, and from the end back to the owner.
        to_end = Hop(rels, not link.incoming, link.target)
        to_owner = Hop(rels, link.incoming, label)
        end_role = link.end
        for relation, hop, owner_role, other_role, on in (
            (link.shown, to_end, link.owner_role, end_role, label),
            (link.inverse, to_owner, end_role, link.owner_role, link.target),
        ):
            if relation is None:
                continue
            if relation.shape is Shape.GROUPED:
                target = hop.target
                edge = self._edge(relation, item_model, link)
                connection = relation.type_name or target
                read: Connection | Items | Grouped = Grouped(hop, relation.gather or "type")
                self._show(
                    on,
                    OutField(
                        relation.name,
                        relation.description,
                        target,
                        read,
                        nullable=False,
                        connection=connection,
                        edge=edge,
                        where=target,
                        order=target,
                    ),
                )
                if relation.filter:
                    self.catalog.where(on).fields[relation.name] = ListFilter(
                        relation.name, relation.description, target, read
                    )
                continue
            item_type = relation.type_name or item_model.__name__
            self._item_type(item_type, item_model, link, label)
            key, descending = relation.order_by or ("ord", False)
            if key == "ord":
                order = OrderKey(_ITEM_ORDER, Prop("ord", "r"), Leaf.INT, nullable=False)
            else:
                decl = next(d for d in declarations(item_model) if d.key == key)
                order = OrderKey(
                    _ITEM_ORDER, Prop(decl.stored, "r"), _sort(decl.base, key), nullable=decl.optional
                )
            paged = relation.shape is Shape.ITEMS
            read = Items(hop, item_type, owner_role, other_role, order, descending, paged)
            self._show(
                on,
                OutField(
                    relation.name,
                    relation.description,
                    item_type,
                    read,
                    nullable=False,
                    list=not paged,
                    connection=item_type if paged else None,
                ),
            )
            if relation.filter:
                self.catalog.where(on).fields[relation.name] = ListFilter(
                    relation.name, relation.description, item_type, read
                )
        if link.peers is not None:
            # Companies tied to the same linked entity: end -> owner <- end.
            # From a company to the linked entity (the deal), then on to the other companies.
            via = Hop(rels, link.incoming, label)
            read_peers = Grouped(
                Hop(rels, not link.incoming, link.target), link.peers.gather or "partnership", via
            )
            self._show(
                link.target,
                OutField(
                    link.peers.name,
                    link.peers.description,
                    link.target,
                    read_peers,
                    nullable=False,
                    connection=link.peers.type_name or link.target,
                    edge=self._edge(link.peers, item_model, link),
                    where=link.target,
                    order=link.target,
                ),
            )

    def _edge(self, relation: Relation, item_model: type[Model], link: Link | None) -> OutField:
        name = relation.edge or "roles"
        if relation.gather == "partnership":
            return OutField(
                name,
                "The partnerships that make this link, newest first.",
                "Partnership",
                Prop("partnership"),
                nullable=False,
                list=True,
            )
        key = "kind" if relation.gather == "type" else (relation.gather or "role")
        decl = next(d for d in declarations(item_model) if d.key == key)
        kind = self.enum(_leaf(decl.base, key))
        return OutField(name, decl.description, kind, Prop(key), nullable=False, list=True)

    def _item_type(self, name: str, model: type[Model], link: Link, owner: str) -> None:
        out = self.catalog.output(name, _doc(model))
        if out.fields:
            return
        where = self.catalog.where(name)
        if link.target != "Source":
            out.add(OutField(link.owner_role, f"The {owner.lower()}.", owner, Bound(link.owner_role), False))
            where.fields[link.owner_role] = NestedFilter(
                link.owner_role, f"The {owner.lower()}.", owner, link.owner_role
            )
        for decl in declarations(model):
            if decl.key == link.end:
                out.add(
                    OutField(decl.key, f"The {link.target.lower()}.", link.target, Bound(decl.key), False)
                )
                if link.target != "Source":
                    where.fields[decl.key] = NestedFilter(
                        decl.key, f"The {link.target.lower()}.", link.target, decl.key
                    )
                continue
            if decl.base is Evidence:
                out.add(
                    OutField(
                        "sources",
                        decl.description,
                        "Evidence",
                        ItemEvidence(link.owner_role),
                        nullable=False,
                        list=True,
                    )
                )
                continue
            if (embed := decl.marker(Embed)) is not None:
                value = self.value_type(decl.base)
                present = (
                    f"{embed.prefix}_{embed.present}" if embed.prefix and embed.present else embed.present
                )
                out.add(
                    OutField(
                        decl.name,
                        decl.description,
                        value.name,
                        Embedded(value.name, embed.prefix, "r", present),
                    )
                )
                continue
            self.leaf_fields(out, decl, "r")
            if decl.marker(Filter) is not None:
                leaf = self.enum(_leaf(decl.base, decl.key))
                where.fields[decl.name] = PropFilter(
                    decl.name, decl.description, leaf, Prop(decl.stored, "r")
                )
        for current in currents(model):
            out.add(OutField(current.name, current.description, Leaf.BOOLEAN, Computed(current.rule), False))
            if current.filter:
                where.fields[current.name] = PropFilter(
                    current.name, current.description, Leaf.BOOLEAN, Computed(current.rule)
                )

    def derived_links(self) -> None:
        for link in DERIVED_LINKS:
            for relation, outgoing in ((link.forward, True), (link.backward, False)):
                if relation is None:
                    continue
                read = Grouped(Hop((link.rel,), outgoing, "Company"), relation.gather or "partnership")
                self._show(
                    "Company",
                    OutField(
                        relation.name,
                        relation.description,
                        "Company",
                        read,
                        nullable=False,
                        connection=relation.type_name or "Company",
                        edge=self._edge(relation, Model, None),
                        where="Company",
                        order="Company",
                    ),
                )
                if relation.filter:
                    self.catalog.where("Company").fields[relation.name] = ListFilter(
                        relation.name, relation.description, "Company", read
                    )

    # -- inputs ------------------------------------------------------------------------------------

    def input_type(self, model: type[Model], top: bool) -> str:
        name = f"{model.__name__}Input"
        if name in self.catalog.inputs:
            return name
        in_type = self.catalog.inputs[name] = InType(name, _doc(model), model)
        for decl in declarations(model):
            if _is_model(decl.base):
                kind: Named_ = self.input_type(decl.base, top=False)
            else:
                kind = self.enum(_leaf(decl.base, decl.key))
                if decl.marker(Ref) is not None or decl.marker(Link) is not None or decl.key in _ENDS:
                    kind = Leaf.ID
            if decl.marker(LoadOnly) is not None:
                continue
            required = decl.key == "id" or (not top and decl.info.is_required())
            date = kind is Leaf.DATE
            in_type.fields.append(
                InField(
                    camel(decl.key),
                    decl.key,
                    decl.description,
                    Leaf.STRING if date else kind,
                    required,
                    decl.many,
                    date,
                )
            )
        return name

    def bookkeeping_types(self) -> None:
        retraction = self.catalog.output(
            "Retraction", "Why and when an entity was retracted (it keeps its data and history)."
        )
        for name, description, stored in (
            ("reason", "Why, as the admin who retracted it said.", "retracted_reason"),
            ("at", "When (ISO 8601, UTC).", "retracted_at"),
            ("keyId", "Id of the API key that retracted it.", "retracted_by"),
        ):
            read: Prop | DateText = DateText(stored) if name == "at" else Prop(stored)
            retraction.add(OutField(name, description, Leaf.STRING, read, nullable=False))
        change = self.catalog.output(
            "Change", "One change to an entity: who, when, what and why, with the entry before and after."
        )
        for name, description, leaf, nullable, default in _CHANGE_FIELDS:
            stored = _snake(name)
            read = DateText(stored) if name == "at" else Prop(stored, default=default)
            change.add(OutField(name, description, leaf, read, nullable, list=isinstance(default, list)))

    def finish(self) -> Catalog:
        for on, out_field in self.later:
            self.catalog.output(on).add(out_field)
        self.bookkeeping_types()
        self.catalog.wheres = {k: v for k, v in self.catalog.wheres.items() if v.fields}
        return self.catalog


_ENDS = {"company", "source"}
_ITEM_ORDER = "ORDER"  # link objects have one order, their own
# Events may be about any entity but a source or another event.
SUBJECT_LABELS = ("Company", "Person", "Facility", "Partnership")
_CHANGE_FIELDS: tuple[tuple[str, str, Leaf, bool, Any], ...] = (
    ("version", "The entity's version after this change.", Leaf.INT, False, None),
    (
        "action",
        "What was done: upsert, evidence, position, status, retract or retract_link.",
        Leaf.STRING,
        False,
        None,
    ),
    ("at", "When (ISO 8601, UTC).", Leaf.STRING, False, None),
    ("keyId", "Id of the API key that made it.", Leaf.STRING, False, None),
    ("keyName", "Name of that key.", Leaf.STRING, False, None),
    ("reason", "Why, as the writer said.", Leaf.STRING, True, None),
    ("fields", "Fields of the entry that changed, as clients name them.", Leaf.STRING, False, []),
    (
        "before",
        "The entry before, as JSON in the seed file format (null when it was created).",
        Leaf.STRING,
        True,
        None,
    ),
    ("after", "The entry after, as JSON in the seed file format.", Leaf.STRING, True, None),
)
_VERSION = "1 as loaded, plus one for every change made through the API (see `expectedVersion`)."
_RETRACTED = "True once retracted: hidden from lists and lookups unless `includeRetracted`."


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _doc(model: type[Any]) -> str:
    return inspect.cleandoc(model.__doc__ or "").split("\n\n")[0].replace("\n", " ")


def _kind_values(model: type[Model]) -> list[StrEnum]:
    decl = next(d for d in declarations(model) if d.key == "kind")
    return list(decl.base)


def _build() -> Catalog:
    builder = _Builder()
    for model in ENTRY_MODELS:
        builder.entity(model)
    builder.derived_links()
    for model in ENTRY_MODELS:
        builder.input_type(model, top=True)
    return builder.finish()


CATALOG = _build()
ENTITY_LABELS: tuple[str, ...] = tuple(model.__name__ for model in ENTRY_MODELS)
SOURCED_LABELS: tuple[str, ...] = tuple(m.__name__ for m in ENTRY_MODELS if issubclass(m, Sourced))

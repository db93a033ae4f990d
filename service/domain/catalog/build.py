"""Builds the catalog from the entry models, once, at import."""

from typing import Any

from service.domain.catalog.aggregates import Aggregates, build_aggregates
from service.domain.catalog.declarations import (
    Decl,
    declarations,
    derived_values,
    doc,
    is_model,
    kind_values,
    leaf_of,
    precision_name,
    snake,
    sort_as,
)
from service.domain.catalog.reads import (
    Bookkeeping,
    ColumnList,
    DateText,
    Embedded,
    Leaf,
    Named_,
    OnlyTierC,
    OrderKey,
    OrderSet,
    Prop,
)
from service.domain.catalog.relations import Relations
from service.domain.catalog.types import (
    Catalog,
    DatedStatus,
    InField,
    InType,
    OutField,
    OutType,
    PropFilter,
    ValidSpan,
    WhereType,
)
from service.domain.declare import (
    Columns,
    Embed,
    Filter,
    Hidden,
    Link,
    LoadOnly,
    Order,
    Ref,
    SetsStatus,
    StatusSince,
    Valid,
    camel,
)
from service.domain.entities import ENTRY_MODELS, Entry, Sourced
from service.domain.flows import DERIVED_LINKS
from service.domain.values import LinkChange, Model
from service.domain.vocab import DatePrecision

ONLY_TIER_C = (
    "True when every source of its evidence is tier C (a mirror, forum or aggregator): the facts "
    "rest on unconfirmed sources only."
)


class Builder(Relations):
    def __init__(self) -> None:
        self.catalog = Catalog()
        self.later: list[tuple[str, OutField]] = []  # relations shown on types not built yet
        # Keys of link objects that name the entity at their other end (a party's `company`):
        # ids in the mutations' inputs.
        self.ends = {
            link.end for model in ENTRY_MODELS for d in declarations(model) if (link := d.marker(Link))
        }

    # -- leaves and values ---------------------------------------------------------------------

    def enum(self, named: Named_) -> Named_:
        if isinstance(named, type):
            self.catalog.enums[named.__name__] = named
        return named

    def leaf_fields(self, out: OutType, decl: Decl, on: str, prefix: str = "") -> None:
        """A scalar, enum, list of scalars or partial date, as one or two output fields."""
        stored = f"{prefix}_{decl.stored}" if prefix else decl.stored
        leaf = self.enum(leaf_of(decl.base, decl.key))
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
        out = self.catalog.output(name or model.__name__, doc(model))
        if out.fields:
            return out
        for decl in declarations(model):
            if is_model(decl.base):
                raise TypeError(f"{model.__name__}.{decl.key}: values nest one level only")
            if decl.marker(Hidden) is None:
                self.leaf_fields(out, decl, "n")
        return out

    # -- entities ------------------------------------------------------------------------------

    def entity(self, model: type[Entry]) -> None:
        label = model.__name__
        self.catalog.entities[label] = model
        out = self.catalog.output(label, doc(model))
        out.entity = True
        where = self.catalog.where(label)
        orders = self.catalog.orders.setdefault(label, OrderSet(label, default=model.ordered_by))
        decls = {d.key: d for d in declarations(model)}
        own = [key for key in vars(model).get("__annotations__", {}) if key in decls and key != "id"]
        for key in ["id", "*", *own, *(k for k in decls if k not in own and k != "id")]:
            if key == "*":
                self._bookkeeping(out)
                if issubclass(model, Sourced):
                    out.add(OutField("onlyTierC", ONLY_TIER_C, Leaf.BOOLEAN, OnlyTierC(), nullable=False))
                    where.fields["onlyTierC"] = PropFilter(
                        "onlyTierC", ONLY_TIER_C, Leaf.BOOLEAN, OnlyTierC()
                    )
            else:
                self._entity_field(label, out, where, orders, decls[key])
        for name, marker in derived_values(model):
            read = Prop(name)
            shown = camel(name)
            leaf = leaf_of(marker.type, name)
            if not marker.hidden:
                out.add(OutField(shown, marker.description, leaf, read))
            if marker.filter:
                where.fields[shown] = PropFilter(shown, marker.description, leaf, read)
            if marker.order:
                orders.keys[marker.order] = OrderKey(marker.order, read, sort_as(marker.type, name))

    def _bookkeeping(self, out: OutType) -> None:
        out.add(OutField("version", _VERSION, Leaf.INT, Prop("version", default=1), nullable=False))
        out.add(OutField("retracted", _RETRACTED, Leaf.BOOLEAN, Bookkeeping("retracted"), nullable=False))
        out.add(
            OutField(
                "mergedFrom",
                "Ids of duplicates merged into this entity (`merge`); a lookup of any of them answers "
                "this one.",
                Leaf.ID,
                Prop("merged_from", default=[]),
                nullable=False,
                list=True,
            )
        )
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

    def _entity_field(self, label: str, out: OutType, where: WhereType, orders: OrderSet, decl: Decl) -> None:
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
                    kind = self.enum(leaf_of(d.base, key))
                    where.fields[name] = PropFilter(name, d.description, kind, Prop(stored))
            if (order := decl.marker(Order)) is not None and order.key:
                d = inner[order.key]
                stored = f"{embed.prefix}_{d.stored}" if embed.prefix else d.stored
                orders.keys[order.member] = OrderKey(order.member, Prop(stored), sort_as(d.base, order.key))
            return
        if (columns := decl.marker(Columns)) is not None:
            value = self.value_type(decl.base)
            read_list = ColumnList(value.name, columns.prefix)
            out.add(OutField(decl.name, decl.description, value.name, read_list, nullable=False, list=True))
            return
        if is_model(decl.base):
            raise TypeError(f"{label}.{decl.key}: a value object needs Embed, Columns or Link")
        if not hidden:
            self.leaf_fields(out, decl, "n")
        leaf = leaf_of(decl.base, decl.key)
        read: Prop | DateText = DateText(decl.stored) if leaf is Leaf.DATE else Prop(decl.stored)
        if decl.marker(Filter) is not None:
            self.enum(leaf)
            where.fields[decl.name] = PropFilter(decl.name, decl.description, leaf, read)
        if (order := decl.marker(Order)) is not None:
            nullable = decl.optional and decl.key != "id"
            orders.keys[order.member] = OrderKey(
                order.member, read, sort_as(decl.base, decl.key), order.ignore_case, nullable
            )

    # -- inputs ------------------------------------------------------------------------------------

    def input_type(self, model: type[Model], top: bool) -> str:
        name = f"{model.__name__}Input"
        if name in self.catalog.inputs:
            return name
        in_type = self.catalog.inputs[name] = InType(name, doc(model), model)
        for decl in declarations(model):
            if is_model(decl.base):
                kind: Named_ = self.input_type(decl.base, top=False)
            else:
                kind = self.enum(leaf_of(decl.base, decl.key))
                if decl.marker(Ref) is not None or decl.marker(Link) is not None or decl.key in self.ends:
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
            stored = snake(name)
            read = DateText(stored) if name == "at" else Prop(stored, default=default)
            change.add(OutField(name, description, leaf, read, nullable, list=isinstance(default, list)))
        link_change = self.value_type(LinkChange)
        for name, prefix, description in (
            ("linksAdded", "links_added", "Relationships the change added (a load's or a write's)."),
            ("linksRemoved", "links_removed", "Relationships the change removed."),
        ):
            change.add(
                OutField(
                    name,
                    description,
                    link_change.name,
                    ColumnList(link_change.name, prefix),
                    False,
                    list=True,
                )
            )
        # The feed (`changes`): filtered by entity, type and action, in commit order.
        where = self.catalog.where("Change")
        for name, description, leaf in (
            ("seq", "The change's place in the feed.", Leaf.INT),
            ("entity", "Id of the entity changed.", Leaf.ID),
            (
                "type",
                "Type of the entity changed (Company, Partnership...; Load for a load's summary).",
                Leaf.STRING,
            ),
            ("action", "What was done.", Leaf.STRING),
            ("keyName", "Who: the key's name, or the loader.", Leaf.STRING),
        ):
            where.fields[name] = PropFilter(name, description, leaf, Prop(snake(name)))
        self.catalog.orders["Change"] = OrderSet(
            "Change", {"SEQ": OrderKey("SEQ", Prop("seq"), Leaf.INT, nullable=False)}, ("SEQ", False)
        )

    def finish(self) -> Catalog:
        for on, out_field in self.later:
            self.catalog.output(on).add(out_field)
        self.bookkeeping_types()
        self.catalog.wheres = {k: v for k, v in self.catalog.wheres.items() if v.fields}
        return self.catalog


_CHANGE_FIELDS: tuple[tuple[str, str, Leaf, bool, Any], ...] = (
    ("seq", "Its place in the feed: strictly increasing, in commit order (`changes`).", Leaf.INT, True, None),
    ("entity", "Id of the entity changed (null for a load's summary).", Leaf.ID, True, None),
    (
        "type",
        "Type of the entity changed (Company, Partnership...; Load for a load's summary).",
        Leaf.STRING,
        True,
        None,
    ),
    ("version", "The entity's version after this change.", Leaf.INT, False, None),
    (
        "action",
        "What was done: upsert, evidence, position, status, retract or retract_link through the API; "
        "load_create, load_update or load_remove by a curated load; load for a staged or bulk "
        "load's summary.",
        Leaf.STRING,
        False,
        None,
    ),
    ("at", "When (ISO 8601, UTC).", Leaf.STRING, False, None),
    ("keyId", "Id of the API key that made it (`loader` for a load).", Leaf.STRING, False, None),
    ("keyName", "Name of that key (`loader` for a load).", Leaf.STRING, False, None),
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


def _span(model: type[Model]) -> ValidSpan | None:
    """Where the model's declared valid time is stored (`Valid` markers), if it has one."""
    bounds = {m.bound: d for d in declarations(model) if (m := d.marker(Valid)) is not None}
    if not bounds:
        return None
    start, end = bounds.get("from"), bounds.get("until")
    return ValidSpan(
        start.stored if start else None,
        end.stored if end else None,
        f"{start.key}_precision" if start else None,
        f"{end.key}_precision" if end else None,
    )


def _valid_time(catalog: Catalog) -> None:
    """Which nodes and relationships hold when (`asOf`), from the declarations."""
    for model in ENTRY_MODELS:
        if (span := _span(model)) is not None:
            catalog.valid_nodes[model.__name__] = span
        for decl in declarations(model):
            link = decl.marker(Link)
            if link is None or (span := _span(decl.base)) is None:
                continue
            rels = (link.rel,) if link.rel else tuple(k.value.upper() for k in kind_values(decl.base))
            catalog.valid_links.update(dict.fromkeys(rels, span))
    for model in ENTRY_MODELS:
        for decl in declarations(model):
            if (sets := decl.marker(SetsStatus)) is not None:
                target = next(m for m in ENTRY_MODELS if m.__name__ == sets.target)
                since = next((d.stored for d in declarations(target) if d.marker(StatusSince)), None)
                catalog.dated_status[sets.target] = DatedStatus(
                    sets.status, decl.stored, sets.replaced, sets.before, since
                )
    # Derived edges carry their partnership's announcement date, under the same name.
    if (deal := catalog.valid_nodes.get("Partnership")) is not None:
        derived = ValidSpan(deal.start, start_precision=deal.start_precision)
        catalog.valid_links.update(dict.fromkeys((d.rel for d in DERIVED_LINKS), derived))


def _build() -> Catalog:
    builder = Builder()
    for model in ENTRY_MODELS:
        builder.entity(model)
    builder.derived_links()
    for model in ENTRY_MODELS:
        builder.input_type(model, top=True)
    catalog = builder.finish()
    _valid_time(catalog)
    return catalog


CATALOG = _build()
ENTITY_LABELS: tuple[str, ...] = tuple(model.__name__ for model in ENTRY_MODELS)
SOURCED_LABELS: tuple[str, ...] = tuple(m.__name__ for m in ENTRY_MODELS if issubclass(m, Sourced))
# What lists of each entity can be summed and grouped by (`aggregate`, `groupBy`).
AGGREGATES: dict[str, Aggregates] = build_aggregates(CATALOG, ENTITY_LABELS)

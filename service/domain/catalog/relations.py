"""The relations of the model as clients see them: refs, link objects, their inverses, peers
and the derived company links, each shown on the types at both ends."""

from abc import ABC, abstractmethod

from service.domain.catalog.declarations import (
    Decl,
    currents,
    declarations,
    doc,
    kind_values,
    leaf_of,
    sort_as,
)
from service.domain.catalog.reads import (
    Bound,
    Computed,
    Connection,
    Embedded,
    Grouped,
    Hop,
    ItemEvidence,
    Items,
    Leaf,
    Named_,
    One,
    OnlyTierC,
    OrderKey,
    OrderSet,
    Prop,
)
from service.domain.catalog.types import (
    Catalog,
    ListFilter,
    NestedFilter,
    OutField,
    OutType,
    PropFilter,
    UnionType,
)
from service.domain.declare import Embed, Filter, Link, Ref, Relation, Shape
from service.domain.flows import DERIVED_LINKS
from service.domain.rules import SUBJECT_LABELS, target_labels
from service.domain.values import Evidence, Model

__all__ = ["SUBJECT_LABELS", "Relations"]
_ITEM_ORDER = "ORDER"  # link objects have one order, their own


class Relations(ABC):
    """The relation-building half of the catalog's builder; the other half makes the types."""

    catalog: Catalog
    later: list[tuple[str, OutField]]

    @abstractmethod
    def enum(self, named: Named_) -> Named_: ...

    @abstractmethod
    def value_type(self, model: type[Model], name: str | None = None) -> OutType: ...

    @abstractmethod
    def leaf_fields(self, out: OutType, decl: Decl, on: str, prefix: str = "") -> None: ...

    def _show(self, on: str, out_field: OutField) -> None:
        self.later.append((on, out_field))

    def _relation_field(self, relation: Relation, hop: Hop, target: str) -> OutField:
        if relation.shape is Shape.ONE:
            return OutField(relation.name, relation.description, target, One(hop))
        union = target in self.catalog.unions  # ordered by id only: no orderBy
        return OutField(
            relation.name,
            relation.description,
            target,
            Connection(hop),
            nullable=False,
            connection=target,
            where=target,
            order=None if union else target,
        )

    def _ref(self, label: str, decl: Decl, ref: Ref) -> None:
        targets = target_labels(ref.target)
        backward = Hop((ref.rel,), False, label)
        if ref.shown is not None:
            target = targets[0] if len(targets) == 1 else self._union(label, ref.shown, targets)
            forward = Hop((ref.rel,), True, target)
            self._show(label, self._relation_field(ref.shown, forward, target))
            if ref.shown.filter:
                read: One | Connection = One(forward) if ref.shown.shape is Shape.ONE else Connection(forward)
                self.catalog.where(label).fields[ref.shown.name] = ListFilter(
                    ref.shown.name, ref.shown.description, target, read
                )
        if ref.inverse is not None:
            for target in targets:
                self._show(target, self._relation_field(ref.inverse, backward, label))
                if ref.inverse.filter:
                    self.catalog.where(target).fields[ref.inverse.name] = ListFilter(
                        ref.inverse.name, ref.inverse.description, label, Connection(backward)
                    )

    def _union(self, label: str, relation: Relation, members: tuple[str, ...]) -> str:
        """A union of entity types, for a reference that may name any of them: lists of it are
        ordered by id and filtered by id, the one thing its members share."""
        name = relation.type_name
        if name is None:
            raise TypeError(f"{label}.{relation.name}: a reference to several types needs a type_name")
        description = "One of: " + ", ".join(members) + "."
        known = self.catalog.unions.setdefault(name, UnionType(name, description, members))
        if known.members != members:
            raise TypeError(f"union {name} is declared with two different member lists")
        self.catalog.orders.setdefault(
            name, OrderSet(name, {"ID": OrderKey("ID", Prop("id"), Leaf.ID, nullable=False)})
        )
        self.catalog.where(name).fields["id"] = PropFilter("id", "The id.", Leaf.ID, Prop("id"))
        return name

    def _link(self, label: str, decl: Decl, link: Link) -> None:
        item_model: type[Model] = decl.base
        rels = (link.rel,) if link.rel else tuple(k.value.upper() for k in kind_values(item_model))
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
                    _ITEM_ORDER, Prop(decl.stored, "r"), sort_as(decl.base, key), nullable=decl.optional
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
        kind = self.enum(leaf_of(decl.base, key))
        return OutField(name, decl.description, kind, Prop(key), nullable=False, list=True)

    def _item_type(self, name: str, model: type[Model], link: Link, owner: str) -> None:
        out = self.catalog.output(name, doc(model))
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
                out.add(
                    OutField(
                        "onlyTierC",
                        "True when every source of this link's evidence is tier C: it rests on "
                        "unconfirmed sources only.",
                        Leaf.BOOLEAN,
                        OnlyTierC(link.owner_role),
                        nullable=False,
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
                leaf = self.enum(leaf_of(decl.base, decl.key))
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

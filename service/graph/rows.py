"""Entries as the flat rows the graph keeps: one row per node, one per relationship.

Read off the declarations: a leaf is a property (a partial date two: the first day and its
precision), an embedded value its owner's prefixed properties, a column list parallel list
properties, a ref a relationship to each id, a link object a relationship with its fields as
properties, and evidence SOURCED_BY relationships in order (a link's own evidence follows the
entity's, from the link's `evidence_ord`). Every link row has `from`, `to` and its properties.

Each entity row carries `content_hash`, the hash of everything the entry says (its own links
included), so a load can skip what has not changed and say so.
"""

import hashlib
import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from service.domain.catalog import declarations, derived_values
from service.domain.dates import PartialDateValue
from service.domain.declare import Columns, Embed, Link, Ref
from service.domain.entities import ENTRY_MODELS, Entry, Partnership, Source
from service.domain.flows import DERIVED_LINKS, flows
from service.domain.values import Evidence, Model

# Bump when the mapping changes, so the next load rewrites every entity.
ROW_FORMAT = "5"
SEARCHED = ("name", "aliases_text", "legal_name", "title", "publisher")  # the full-text index's properties

Row = dict[str, Any]


def content_hash(entry: Model) -> str:
    payload = ROW_FORMAT + json.dumps(entry.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


@dataclass
class Rows:
    """Rows grouped by the statement that writes them: nodes by label, links by type."""

    nodes: dict[str, list[Row]] = field(default_factory=dict)
    links: dict[str, list[Row]] = field(default_factory=dict)

    def node(self, label: str, row: Row) -> None:
        self.nodes.setdefault(label, []).append(row)

    def link(self, rel: str, row: Row) -> None:
        self.links.setdefault(rel, []).append(row)

    def relationship_count(self) -> int:
        return sum(len(rows) for rows in self.links.values())


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def leaf_props(model: type[Model], value: Model | None, prefix: str = "") -> Row:
    """The properties of a value's (or an entry's) leaves; all keys present, None where unset."""
    row: Row = {}
    for decl in declarations(model):
        if decl.marker(Ref) or decl.marker(Link) or decl.marker(Embed) or decl.marker(Columns):
            continue
        if decl.base is Evidence:
            continue
        stored = f"{prefix}_{decl.stored}" if prefix else decl.stored
        item = getattr(value, decl.key) if value is not None else None
        if decl.base is PartialDateValue:
            precision = f"{prefix}_{decl.key}_precision" if prefix else f"{decl.key}_precision"
            row[stored] = item.start if item else None
            row[precision] = item.precision.value if item else None
        else:
            row[stored] = _plain(item)
    return row


def _embedded(model: type[Model], entry: Model) -> Row:
    row: Row = {}
    for decl in declarations(model):
        if (embed := decl.marker(Embed)) is not None:
            row.update(leaf_props(decl.base, getattr(entry, decl.key), embed.prefix))
        elif (columns := decl.marker(Columns)) is not None:
            items = getattr(entry, decl.key)
            for inner in declarations(decl.base):
                # Neo4j lists hold no nulls: an unset value is kept as "" (read back as unset).
                values = [_plain(getattr(item, inner.key)) for item in items]
                row[f"{columns.prefix}_{inner.stored}s"] = ["" if v is None else v for v in values]
    return row


def node_row(entry: Entry, origin: str) -> Row:
    model = type(entry)
    row: Row = {**leaf_props(model, entry), **_embedded(model, entry)}
    for name, _ in derived_values(model):
        row[name] = getattr(entry, name)()
    aliases = getattr(entry, "aliases", None)
    row["aliases_text"] = " | ".join(aliases) if aliases else ""
    row["unknown"] = list(getattr(entry, "unknown", []))
    row["origin"] = origin
    row["content_hash"] = content_hash(entry)
    return row


def evidence_row(owner: str, item: Evidence, order: int) -> Row:
    props = {k: v for k, v in leaf_props(Evidence, item).items() if k != "source"}
    return {"from": owner, "to": item.source, "ord": order, **props}


def add_entry(rows: Rows, entry: Entry, origin: str) -> None:
    """The node and link rows of one entry."""
    model = type(entry)
    rows.node(model.__name__, node_row(entry, origin))
    if isinstance(entry, Source):
        return
    order = 0
    for item in entry.evidence:
        rows.link("SOURCED_BY", evidence_row(entry.id, item, order))
        order += 1
    for decl in declarations(model):
        value = getattr(entry, decl.key)
        if (ref := decl.marker(Ref)) is not None and value:
            for target in value if isinstance(value, list) else [value]:
                rows.link(ref.rel, {"from": entry.id, "to": target})
        elif (link := decl.marker(Link)) is not None and link.target != "Source":
            for index, item in enumerate(value):
                order = _link_row(rows, entry.id, link, item, index, order)
    if isinstance(entry, Partnership):
        for flow in flows(entry):
            rows.link(
                flow.rel,
                {
                    "from": flow.source,
                    "to": flow.target,
                    "partnership": flow.partnership,
                    "kind": flow.kind,
                    "status": flow.status,
                    "value_usd": flow.value_usd,
                    "value_basis": flow.value_basis.value,
                    "announced_on": flow.announced_on,
                },
            )


def _link_row(rows: Rows, owner: str, link: Link, item: Model, index: int, order: int) -> int:
    """Write one link object; returns the next evidence order."""
    end = getattr(item, link.end)
    props = {k: v for k, v in leaf_props(type(item), item).items() if k not in (link.end, "kind")}
    props.update(_item_embedded(item))
    if link.ordered:
        props["ord"] = index
    evidence: list[Evidence] = getattr(item, "evidence", None) or []
    if evidence:
        props["sources"] = [e.source for e in evidence]
        props["quotes"] = [e.quote for e in evidence]
        props["evidence_ord"] = order
        for e in evidence:
            rows.link("SOURCED_BY", evidence_row(owner, e, order))
            order += 1
    rel = link.rel or str(_plain(item.kind)).upper()  # type: ignore[attr-defined]
    ends = {"from": end, "to": owner} if link.incoming else {"from": owner, "to": end}
    rows.link(rel, {**ends, **props})
    return order


def _item_embedded(item: Model) -> Row:
    row: Row = {}
    for decl in declarations(type(item)):
        if (embed := decl.marker(Embed)) is not None:
            row.update(leaf_props(decl.base, getattr(item, decl.key), embed.prefix))
    return row


# -- what each relationship type carries, for the statements and the bulk importer's headers ---------


@dataclass(frozen=True)
class LinkShape:
    props: tuple[str, ...]
    derived: bool = False


def _link_shapes() -> dict[str, LinkShape]:
    evidence = [k for k in leaf_props(Evidence, None) if k != "source"]
    shapes: dict[str, LinkShape] = {"SOURCED_BY": LinkShape(("ord", *evidence))}
    for model in ENTRY_MODELS:
        for decl in declarations(model):
            if (ref := decl.marker(Ref)) is not None:
                shapes[ref.rel] = LinkShape(())
            elif (link := decl.marker(Link)) is not None and link.target != "Source":
                item_model: type[Model] = decl.base
                props = [k for k in leaf_props(item_model, None) if k not in (link.end, "kind")]
                for inner in declarations(item_model):
                    if (embed := inner.marker(Embed)) is not None:
                        props.extend(leaf_props(inner.base, None, embed.prefix))
                if link.ordered:
                    props.append("ord")
                if any(d.base is Evidence for d in declarations(item_model)):
                    props.extend(("sources", "quotes", "evidence_ord"))
                for rel in link_types(link, item_model):
                    shapes[rel] = LinkShape(tuple(props))
    flow_props = ("partnership", "kind", "status", "value_usd", "value_basis", "announced_on")
    for derived in DERIVED_LINKS:
        shapes[derived.rel] = LinkShape(flow_props, derived=True)
    return shapes


def link_types(link: Link, item_model: type[Model]) -> list[str]:
    """A link's relationship type, or one per value of its items' `kind`."""
    if link.rel:
        return [link.rel]
    kinds = next(d for d in declarations(item_model) if d.key == "kind").base
    return [kind.value.upper() for kind in kinds]


LINK_SHAPES = _link_shapes()

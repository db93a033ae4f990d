"""Entities read back as entries in the seed files' terms: the inverse of `service.graph.rows`,
read off the same declarations. `python -m seed export` writes them as data files, and the
API's edits start from them.

An entity's record holds its properties, its evidence in order, and the relationships its entry
owns (with the other end's id and their properties); `entry_data` turns it into the mapping a
data file would hold, with a fixed key and list order, so that export → load into an empty
database → export gives the same files. Links the format does not order (positions, facility
links, ids) are sorted. Retracted and staged nodes are never read.
"""

from collections.abc import Iterator
from typing import Any

from neo4j import AsyncManagedTransaction, ManagedTransaction, Transaction

from service.domain.catalog import CATALOG, ENTITY_LABELS, declarations
from service.domain.dates import PartialDateValue
from service.domain.declare import Columns, Embed, Link, Ref
from service.domain.entities import Entry
from service.domain.values import Evidence, Model
from service.domain.vocab import DatePrecision
from service.graph.rows import link_types
from service.graph.writes import OWNED_INCOMING, OWNED_OUTGOING

Record = dict[str, Any]
EntryData = dict[str, Any]

_ENTITY = (
    " RETURN n.id AS id, [l IN labels(n) WHERE l IN $labels][0] AS label, properties(n) AS props,"
    " COLLECT { MATCH (n)-[r:SOURCED_BY]->(s:Source)"
    " RETURN {other: s.id, props: properties(r)} ORDER BY r.ord }"
    " AS evidence,"
    f" COLLECT {{ MATCH (n)-[r:{'|'.join(t for t in OWNED_OUTGOING if t != 'SOURCED_BY')}]->(x:Entity)"
    " RETURN {type: type(r), other: x.id, props: properties(r)} } AS outgoing,"
    f" COLLECT {{ MATCH (n)<-[r:{'|'.join(OWNED_INCOMING)}]-(x:Entity)"
    " RETURN {type: type(r), other: x.id, props: properties(r)} } AS incoming"
)
# A retracted entity has lost its kind's label, so `label` is null and it is skipped.
_BY_IDS = "MATCH (n:Entity) WHERE n.id IN $ids AND any(l IN labels(n) WHERE l IN $labels)" + _ENTITY
_BY_ORIGIN = (
    "MATCH (n:Entity) WHERE ($origin IS NULL OR n.origin = $origin) "
    "AND any(l IN labels(n) WHERE l IN $labels) "
    "WITH n ORDER BY n.id SKIP $skip LIMIT $limit" + _ENTITY
)
PAGE = 2_000


def read_entities(tx: ManagedTransaction, ids: list[str]) -> list[Record]:
    return [r.data() for r in tx.run(_BY_IDS, ids=ids, labels=list(ENTITY_LABELS))]


async def read_entities_async(tx: AsyncManagedTransaction, ids: list[str]) -> list[Record]:
    result = await tx.run(_BY_IDS, ids=ids, labels=list(ENTITY_LABELS))
    return [r.data() async for r in result]


def read_all(tx: Transaction, origin: str | None) -> Iterator[Record]:
    """Every live entity (of one origin, or all), in id order, a page at a time, all in the
    caller's one transaction (a consistent snapshot)."""
    skip = 0
    while True:
        page = [
            r.data()
            for r in tx.run(_BY_ORIGIN, origin=origin, skip=skip, limit=PAGE, labels=list(ENTITY_LABELS))
        ]
        yield from page
        if len(page) < PAGE:
            return
        skip += PAGE


class EntryError(ValueError):
    """The graph holds something the seed format cannot say (e.g. evidence that matches no link)."""


def _keep(value: Any, default: Any) -> bool:
    """Only what the entry says: no None, no empty list, no False where False is the default."""
    return not (value is None or value == [] or (value is False and default is False))


def _date(props: Record, stored: str, precision: str) -> str | None:
    value = props.get(stored)
    if value is None:
        return None
    start = value.to_native() if hasattr(value, "to_native") else value
    return PartialDateValue(start, DatePrecision(props.get(precision) or "day")).text


def leaf_data(model: type[Model], props: Record, prefix: str = "", skip: tuple[str, ...] = ()) -> EntryData:
    """The entry's (or a value's) leaves from properties; the inverse of `rows.leaf_props`."""
    data: EntryData = {}
    for decl in declarations(model):
        if decl.key in skip or decl.base is Evidence or decl.marker(Ref) or decl.marker(Link):
            continue
        if decl.marker(Embed) or decl.marker(Columns):
            continue
        stored = f"{prefix}_{decl.stored}" if prefix else decl.stored
        if decl.base is PartialDateValue:
            precision = f"{prefix}_{decl.key}_precision" if prefix else f"{decl.key}_precision"
            value: Any = _date(props, stored, precision)
        else:
            value = props.get(stored)
        if _keep(value, decl.info.default):
            data[decl.key] = value
    return data


def _evidence(item: Record) -> EntryData:
    return {"source": item["other"], **leaf_data(Evidence, item["props"], skip=("source",))}


def _ordered_keys(model: type[Model]) -> list[str]:
    """id, the model's own fields, inherited ones, and evidence last (as the curated files)."""
    keys = [d.key for d in declarations(model)]
    own = [k for k in vars(model).get("__annotations__", {}) if k in keys and k != "id"]
    rest = [k for k in keys if k not in own and k not in ("id", "evidence")]
    return ["id", *own, *rest, *(["evidence"] if "evidence" in keys else [])]


def entry_data(record: Record) -> tuple[str, EntryData]:
    """(label, the entry as a data file would hold it) for one record of `read_*`."""
    label, props, entity = record["label"], record["props"], record["id"]
    model = CATALOG.entities.get(label)
    if model is None:
        raise EntryError(f"{entity}: no seed format for label {label}")
    leaves = leaf_data(model, props)
    decls = {d.key: d for d in declarations(model)}
    evidence: list[Record] = list(record.get("evidence") or [])
    claimed: set[int] = set()
    data: EntryData = {}
    for key in _ordered_keys(model):
        decl = decls[key]
        value: Any = leaves.get(key)
        if (embed := decl.marker(Embed)) is not None:
            inner = leaf_data(decl.base, props, embed.prefix)
            value = inner if inner and (embed.present is None or embed.present in inner) else None
        elif (columns := decl.marker(Columns)) is not None:
            value = _columns(decl.base, props, columns.prefix)
        elif (ref := decl.marker(Ref)) is not None:
            ids = [r["other"] for r in record["outgoing"] if r["type"] == ref.rel]
            value = sorted(ids) if decl.many else (ids[0] if ids else None)
        elif (link := decl.marker(Link)) is not None and link.target != "Source":
            value = _links(entity, decl.base, link, record, evidence, claimed)
        elif key == "evidence":
            value = [_evidence(item) for index, item in enumerate(evidence) if index not in claimed]
        if _keep(value, decl.info.default):
            data[key] = value
    if claimed - set(range(len(evidence))):
        raise EntryError(f"{entity}: its links cite more evidence than it has")
    return label, data


def _columns(model: type[Model], props: Record, prefix: str) -> list[EntryData]:
    columns = {d.key: props.get(f"{prefix}_{d.stored}s") or [] for d in declarations(model)}
    length = max((len(v) for v in columns.values()), default=0)
    items = []
    for index in range(length):
        item = {k: v[index] for k, v in columns.items() if index < len(v) and v[index] not in (None, "")}
        items.append(item)
    return items


def _links(
    entity: str,
    item_model: type[Model],
    link: Link,
    record: Record,
    evidence: list[Record],
    claimed: set[int],
) -> list[EntryData]:
    rels = set(link_types(link, item_model))
    found = [r for r in record["incoming" if link.incoming else "outgoing"] if r["type"] in rels]
    items = []
    for rel in found:
        rel_props = rel["props"]
        item: EntryData = {link.end: rel["other"]}
        if not link.rel:
            item["kind"] = rel["type"].lower()
        item.update(leaf_data(item_model, rel_props, skip=(link.end, "kind")))
        for decl in declarations(item_model):
            if (embed := decl.marker(Embed)) is not None:
                inner = leaf_data(decl.base, rel_props, embed.prefix)
                if inner and (embed.present is None or embed.present in inner):
                    item[decl.key] = inner
            elif decl.base is Evidence:
                start, count = rel_props.get("evidence_ord"), len(rel_props.get("sources") or [])
                if not isinstance(start, int) or start + count > len(evidence):
                    raise EntryError(f"{entity}: a {rel['type']} link's evidence is not among its evidence")
                item[decl.key] = [_evidence(evidence[i]) for i in range(start, start + count)]
                claimed.update(range(start, start + count))
        items.append((rel_props.get("ord"), item))
    if link.ordered:
        return [item for _, item in sorted(items, key=lambda pair: pair[0] or 0)]
    return sorted((item for _, item in items), key=_link_key)


def _link_key(item: EntryData) -> tuple[str, ...]:
    return (
        str(item.get("company", "")),
        str(item.get("kind") or item.get("title", "")),
        str(item.get("since", "")),
    )


def entry(record: Record) -> Entry:
    """The validated model of one record (what the loader would build from the same YAML)."""
    label, data = entry_data(record)
    return CATALOG.entities[label].model_validate(data)

"""What a change event records beyond who and why: its place in the feed, and the relationships
it added and removed. Shared by the API's edits (one event per write) and the curated loader
(one per entity it creates, changes or removes, in the load's own transaction)."""

import json
from typing import Any

from neo4j import AsyncDriver, ManagedTransaction
from pydantic import ValidationError

from service.domain.catalog import CATALOG
from service.domain.entities import Entry
from service.graph.rows import LINK_SHAPES, Rows, add_entry

EntryData = dict[str, Any]
Link = tuple[str, str]  # (relationship type, the other end's id)

# The feed's sequence: one node whose write lock every change takes last, just before its
# transaction commits, and keeps until it has. Two writers therefore commit in the order of the
# numbers they took, and a reader that has seen N can never later see a new change below N. A
# rolled-back transaction gives its number back, so the sequence has no gaps either.
NEXT_SEQ = "MERGE (sequence:Sequence {name: 'changes'}) SET sequence.value = coalesce(sequence.value, 0) + "

LOADER = "loader"  # keyId and keyName of a load's changes


def client_names(label: str, keys: list[str]) -> list[str]:
    """Entry keys as clients name them (`legal_name` → `legalName`)."""
    in_type = CATALOG.inputs.get(f"{label}Input")
    names = {f.key: f.name for f in in_type.fields} if in_type else {}
    return sorted(names.get(key, key) for key in keys)


def entry_links(entry: Entry) -> set[Link]:
    """The entry's relationships, derived edges included."""
    rows = Rows()
    add_entry(rows, entry, "")
    # Derived edges (SUPPLIES, INVESTS_IN, MONEY_FLOW) join two companies, not this entry: they
    # follow from its PARTY_TO links, which are listed.
    return {
        (rel, str(row["to"] if row["from"] == entry.id else row["from"]))
        for rel, link_rows in rows.links.items()
        if not LINK_SHAPES[rel].derived
        for row in link_rows
    }


def data_links(label: str, data: EntryData | None) -> set[Link]:
    """The relationships of an entry held as data (None: it does not exist)."""
    if data is None:
        return set()
    try:
        return entry_links(CATALOG.model_of(label).model_validate(data))
    except ValidationError:
        return set()


def link_columns(prefix: str, links: list[Link], types: dict[str, str]) -> dict[str, list[str]]:
    # Parallel lists, as `Change.linksAdded` and `linksRemoved` read them.
    return {
        f"{prefix}_relationships": [rel for rel, _ in links],
        f"{prefix}_ids": [other for _, other in links],
        f"{prefix}_types": [types.get(other, "Entity") for _, other in links],
    }


def link_changes(before: set[Link], after: set[Link], types: dict[str, str]) -> dict[str, list[str]]:
    return {
        **link_columns("links_added", sorted(after - before), types),
        **link_columns("links_removed", sorted(before - after), types),
    }


def load_change(
    label: str,
    entity_id: str,
    action: str,
    before: EntryData | None,
    after: EntryData | None,
    types: dict[str, str],
    reason: str,
) -> dict[str, Any]:
    """One event of a curated load, in the history's shape (entries as `entry_data` reads them)."""
    keys = sorted({*(before or {}), *(after or {})})
    changed = [k for k in keys if (before or {}).get(k) != (after or {}).get(k)]
    return {
        "entity": entity_id,
        "type": label,
        "action": action,
        "key_id": LOADER,
        "key_name": LOADER,
        "reason": reason,
        "fields": client_names(label, changed),
        "before": json.dumps(before, sort_keys=True) if before is not None else None,
        "after": json.dumps(after, sort_keys=True) if after is not None else None,
        **link_changes(data_links(label, before), data_links(label, after), types),
    }


def record_load_changes(tx: ManagedTransaction, changes: list[dict[str, Any]]) -> None:
    """Keep a load's events, numbered in one block of the sequence, each tied to its entity when
    it still exists (a removed entity's event stands alone)."""
    if not changes:
        return
    # A load's event is named by its seq ("openai@load12"): the API's are by version ("openai@3").
    tx.run(
        f"{NEXT_SEQ} size($changes) "
        "WITH sequence.value - size($changes) AS base "
        "UNWIND range(0, size($changes) - 1) AS i WITH base, i, $changes[i] AS change "
        "OPTIONAL MATCH (n:Entity {id: change.entity}) "
        "CREATE (c:Change) SET c = change, c.at = datetime(), c.seq = base + i + 1, "
        "c.id = change.entity + '@load' + toString(base + i + 1), c.version = coalesce(n.version, 0) "
        "FOREACH (_ IN CASE WHEN n IS NULL THEN [] ELSE [1] END | CREATE (n)-[:HAS_CHANGE]->(c))",
        changes=changes,
    ).consume()


def record_load_summary(tx: ManagedTransaction, reason: str) -> None:
    """One event for a load too large to list (staged, bulk): what it was, by the loader."""
    summary = {"type": "Load", "action": "load", "key_id": LOADER, "key_name": LOADER, "reason": reason}
    record_load_changes(tx, [{**summary, "entity": None, "fields": []}])


# Up to which seq the feed has been pruned: kept on the sequence node, so every process and
# every client sees one answer. The cutoff only ever grows.
_CUTOFF = (
    "MATCH (s:Sequence {name: 'changes'}) "
    "CALL () { MATCH (c:Change) WHERE $days > 0 AND c.at < datetime() - duration({days: $days}) "
    "RETURN max(c.seq) AS by_age } "
    "WITH s, CASE WHEN $count > 0 THEN s.value - $count ELSE 0 END AS by_count, "
    "coalesce(by_age, 0) AS by_age "
    "WITH s, CASE WHEN by_count > by_age THEN by_count ELSE by_age END AS cutoff "
    "SET s.pruned = CASE WHEN coalesce(s.pruned, 0) > cutoff THEN s.pruned ELSE cutoff END "
    "RETURN s.pruned AS pruned"
)
_DELETE = "MATCH (c:Change) WHERE c.seq <= $cutoff CALL (c) { DETACH DELETE c } IN TRANSACTIONS OF 5000 ROWS"


async def prune(driver: AsyncDriver, database: str, days: int, count: int) -> int:
    """Drop the events older than `days` or beyond the newest `count` (0: no such limit) — and
    with them those entries of the entities' history; returns the seq up to which none is kept."""
    async with driver.session(database=database) as session:
        result = await session.run(_CUTOFF, days=days, count=count)
        record = await result.single()
        cutoff = int(record["pruned"]) if record is not None and record["pruned"] is not None else 0
        if cutoff:
            await (await session.run(_DELETE, cutoff=cutoff)).consume()
    return cutoff

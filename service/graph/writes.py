"""The Cypher of writes from the API: the same node and link statements as the seed loader
(`seed_writes`), run in one async transaction per mutation, plus what only the API needs:
claiming an id, versions, the history of changes and retraction.

Labels come from the fixed tables below, never from input.
"""

from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from service.graph.seed_writes import (
    DELETE_DERIVED,
    DELETE_OWNED,
    LABELS,
    LINK_STATEMENTS,
    NODE_STATEMENTS,
    WriteMismatch,
    split_facility_links,
)

# A retracted entity swaps its kind's label for these, so no query of live data can reach it,
# while `includeRetracted` lookups still can; `Retracted` marks all of them.
RETRACTED: dict[str, LiteralString] = {label: "Retracted" + label for label in LABELS}


_STATE: LiteralString = "RETURN coalesce(n.version, 1) AS version, labels(n) AS labels, n.origin AS origin"


def _state(record: dict[str, Any], created: bool = False) -> dict[str, Any]:
    labels = record["labels"]
    live = [label for label in LABELS if label in labels]
    hidden = [label for label in LABELS if RETRACTED[label] in labels]
    return {
        "created": created,
        "version": 0 if created else record["version"],
        "label": (live or hidden or ["Entity"])[0],
        "retracted": bool(hidden) and not live,
        "origin": record["origin"],
    }


async def claim(tx: AsyncManagedTransaction, entity_id: str, label: str) -> dict[str, Any]:
    """Create the entity's node if the id is free, and hold its lock until the transaction ends:
    {created, version, label, retracted, origin}.

    Two concurrent creates of one id queue on the `entity_id` constraint here: the second finds
    the node the first made and becomes an update (or a Conflict, with `expectedVersion`)."""
    kind = _label(label)
    result = await tx.run(
        "MERGE (n:Entity {id: $id}) "
        "ON CREATE SET n:" + kind + ", n.claimed = true "
        "WITH n, coalesce(n.claimed, false) AS created REMOVE n.claimed "
        "WITH n, created " + _STATE + ", created",
        id=entity_id,
    )
    record = (await result.single(strict=True)).data()
    return _state(record, bool(record["created"]))


async def lock(tx: AsyncManagedTransaction, entity_id: str) -> dict[str, Any] | None:
    """An existing entity's state, write-locked until the transaction ends; None if no such id."""
    result = await tx.run(
        "MATCH (n:Entity {id: $id}) SET n.version = coalesce(n.version, 1) " + _STATE, id=entity_id
    )
    record = await result.single()
    return None if record is None else _state(record.data())


async def stamp_version(tx: AsyncManagedTransaction, entity_id: str, version: int) -> None:
    await _consume(tx, "MATCH (n:Entity {id: $id}) SET n.version = $version", id=entity_id, version=version)


async def missing_references(tx: AsyncManagedTransaction, refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The references (`{path, id, labels}`) that name no live entity of the expected kinds."""
    result = await tx.run(
        "UNWIND $refs AS ref OPTIONAL MATCH (x:Entity {id: ref.id}) "
        "WITH ref, x WHERE x IS NULL OR none(l IN labels(x) WHERE l IN ref.labels) "
        "RETURN ref.path AS path, ref.id AS id",
        refs=refs,
    )
    return [record.data() async for record in result]


async def write_rows(
    tx: AsyncManagedTransaction, entity_id: str, nodes: dict[str, list[Any]], links: dict[str, list[Any]]
) -> None:
    """Replace the entity's owned links (and derived edges) and write its rows, as a load would."""
    for statement in DELETE_OWNED:
        await _consume(tx, statement, ids=[entity_id])
    for label, rows in nodes.items():
        await _consume(tx, NODE_STATEMENTS["Entity"][_label(label)], rows=rows, load_id="")
    for kind, rows in split_facility_links(links).items():
        result = await tx.run(LINK_STATEMENTS["Entity"][kind], rows=rows)
        created = (await result.consume()).counters.relationships_created
        if created != len(rows):
            raise WriteMismatch(f"{kind}: {len(rows)} rows but {created} relationships written")


async def stamp(tx: AsyncManagedTransaction, entity_id: str, version: int, key_id: str, origin: str) -> None:
    await _consume(
        tx,
        "MATCH (n:Entity {id: $id}) SET n.version = $version, n.updated_at = datetime(), "
        "n.updated_by = $key, n.origin = $origin",
        id=entity_id,
        version=version,
        key=key_id,
        origin=origin,
    )


async def record_change(tx: AsyncManagedTransaction, change: dict[str, Any]) -> dict[str, Any]:
    """Keep a change (who, when, which key, what, why, the values before and after)."""
    result = await tx.run(
        "MATCH (n:Entity {id: $change.entity}) "
        "CREATE (n)-[:HAS_CHANGE]->(c:Change) SET c = $change, c.at = datetime() "
        "RETURN toString(c.at) AS at",
        change=change,
    )
    record = await result.single(strict=True)
    return record.data()


async def retract(tx: AsyncManagedTransaction, entity_id: str, label: str, reason: str, key_id: str) -> None:
    """Hide an entity from every live query, keeping the node, its links and its history; a
    partnership's derived edges go (they are rebuilt if it is written again)."""
    kind = _label(label)
    for statement in DELETE_DERIVED:
        await _consume(tx, statement, ids=[entity_id])
    await _consume(
        tx,
        "MATCH (n:" + kind + " {id: $id}) REMOVE n:" + kind + " SET n:Retracted:" + RETRACTED[kind] + ", "
        "n.retracted_reason = $reason, n.retracted_by = $key, n.retracted_at = datetime()",
        id=entity_id,
        reason=reason,
        key=key_id,
    )


def _label(label: str) -> LiteralString:
    for known in LABELS:
        if known == label:
            return known
    raise ValueError(f"not an entity label: {label}")


async def _consume(tx: AsyncManagedTransaction, text: LiteralString, **params: Any) -> None:
    result = await tx.run(text, **params)
    await result.consume()

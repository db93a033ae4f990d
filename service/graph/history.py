"""The Cypher of an entity's bookkeeping: claiming an id, locking, versions and the history of
its changes (`(entity)-[:HAS_CHANGE]->(:Change)`), for the API's edits."""

from typing import Any

from neo4j import AsyncManagedTransaction

from service.domain.catalog import ENTITY_LABELS
from service.graph.changes import NEXT_SEQ
from service.graph.fragments import RETRACTED, identifier

_STATE = (
    "RETURN coalesce(n.version, 1) AS version, labels(n) AS labels, n.origin AS origin, "
    "n.merged_into AS merged_into"
)


def _state(record: dict[str, Any], created: bool = False) -> dict[str, Any]:
    labels = record["labels"]
    live = [label for label in ENTITY_LABELS if label in labels]
    hidden = [label for label in ENTITY_LABELS if f"{RETRACTED}{label}" in labels]
    return {
        "created": created,
        "version": 0 if created else record["version"],
        "label": (live or hidden or ["Entity"])[0],
        "retracted": bool(hidden) and not live,
        "origin": record["origin"],
        "merged_into": record["merged_into"],  # set on a duplicate merged into another entity
    }


async def claim(tx: AsyncManagedTransaction, entity_id: str, label: str) -> dict[str, Any]:
    """Create the entity's node if the id is free, and hold its lock until the transaction ends:
    {created, version, label, retracted, origin}.

    Two concurrent creates of one id queue on the `entity_id` constraint here: the second finds
    the node the first made and becomes an update (or a Conflict, with `expectedVersion`)."""
    kind = identifier(label)
    result = await tx.run(
        f"MERGE (n:Entity {{id: $id}}) ON CREATE SET n:{kind}, n.claimed = true "
        "WITH n, coalesce(n.claimed, false) AS created REMOVE n.claimed "
        f"WITH n, created {_STATE}, created",
        id=entity_id,
    )
    record = (await result.single(strict=True)).data()
    return _state(record, bool(record["created"]))


async def lock(tx: AsyncManagedTransaction, entity_id: str) -> dict[str, Any] | None:
    """An existing entity's state, write-locked until the transaction ends; None if no such id."""
    result = await tx.run(
        f"MATCH (n:Entity {{id: $id}}) SET n.version = coalesce(n.version, 1) {_STATE}", id=entity_id
    )
    record = await result.single()
    return None if record is None else _state(record.data())


async def stamp_version(tx: AsyncManagedTransaction, entity_id: str, version: int) -> None:
    result = await tx.run(
        "MATCH (n:Entity {id: $id}) SET n.version = $version", id=entity_id, version=version
    )
    await result.consume()


async def stamp(tx: AsyncManagedTransaction, entity_id: str, version: int, key_id: str, origin: str) -> None:
    result = await tx.run(
        "MATCH (n:Entity {id: $id}) SET n.version = $version, n.updated_at = datetime(), "
        "n.updated_by = $key, n.origin = $origin",
        id=entity_id,
        version=version,
        key=key_id,
        origin=origin,
    )
    await result.consume()


async def missing_references(tx: AsyncManagedTransaction, refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The references (`{path, id, labels}`) that name no live entity of the expected kinds."""
    result = await tx.run(
        "UNWIND $refs AS ref OPTIONAL MATCH (x:Entity {id: ref.id}) "
        "WITH ref, x WHERE x IS NULL OR none(l IN labels(x) WHERE l IN ref.labels) "
        "RETURN ref.path AS path, ref.id AS id",
        refs=refs,
    )
    return [record.data() async for record in result]


async def record_change(tx: AsyncManagedTransaction, change: dict[str, Any]) -> None:
    """Keep a change (who, when, which key, what, why, the values before and after, the links
    added and removed) with the feed's next sequence number."""
    result = await tx.run(
        "MATCH (n:Entity {id: $change.entity}) "
        f"{NEXT_SEQ} 1 "
        "CREATE (n)-[:HAS_CHANGE]->(c:Change) SET c = $change, c.at = datetime(), c.seq = sequence.value",
        change=change,
    )
    await result.consume()


async def labels_of(tx: AsyncManagedTransaction, ids: list[str]) -> dict[str, str]:
    """Each id's entity type, retracted ones included."""
    result = await tx.run(
        "UNWIND $ids AS id MATCH (x:Entity {id: id}) "
        "RETURN id, [l IN labels(x) WHERE l IN $labels | l][0] AS label",
        ids=ids,
        labels=[*ENTITY_LABELS, *(f"{RETRACTED}{label}" for label in ENTITY_LABELS)],
    )
    return {r["id"]: str(r["label"]).removeprefix(RETRACTED) async for r in result}

"""The Cypher of watches: `(:Watch {id, name, owner, entities, within, rels, links, actions})`.

A watch is a saved neighbourhood of the change feed: the entities a key cares about, how many
links out from them, along which kinds of link, and which actions. `changes(watch:)`, the
subscription and webhooks read it inside their own statement (`service.compiler.lists`), so a
watch changed now applies to the next page. Watches belong to the key that saved them; they are
not entities (no :Entity label), so no query, export or load sees them.
"""

from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncDriver, Query, RoutingControl

MAX_WATCHES_PER_KEY = 50

_FIELDS: LiteralString = (
    "w {.id, .name, .entities, .within, .links, .actions, ownerName: w.owner_name, "
    "createdAt: toString(w.created_at), updatedAt: toString(w.updated_at)}"
)


@dataclass(frozen=True)
class WatchSpec:
    """What a watch follows: `rels` are the relationship types of `links` (empty: every link)."""

    name: str
    entities: list[str]
    within: int
    links: list[str]
    rels: list[str]
    actions: list[str]


async def missing_entities(driver: AsyncDriver, database: str, ids: list[str], timeout: float) -> list[str]:
    """The ids of `ids` that name no entity."""
    records, _, _ = await driver.execute_query(
        Query(
            "UNWIND $ids AS id OPTIONAL MATCH (n:Entity {id: id}) WITH id, n WHERE n IS NULL "
            "RETURN collect(id) AS missing",
            timeout=timeout,
        ),
        ids=ids,
        database_=database,
        routing_=RoutingControl.READ,
    )
    return list(records[0]["missing"])


async def save_watch(
    driver: AsyncDriver,
    database: str,
    watch_id: str,
    owner: tuple[str, str],
    spec: WatchSpec,
    replace: bool,
) -> dict[str, Any] | None:
    """Create the watch (or, with `replace`, change the owner's watch of that id); its fields,
    or None when `replace` names no watch of this owner or the owner has too many."""
    if replace:
        text: LiteralString = (
            "MATCH (w:Watch {id: $id, owner: $owner}) "
            "SET w += $spec, w.updated_at = datetime() RETURN " + _FIELDS + " AS watch"
        )
    else:
        text = (
            "OPTIONAL MATCH (other:Watch {owner: $owner}) WITH count(other) AS saved "
            "WHERE saved < $most "
            "CREATE (w:Watch {id: $id, owner: $owner, owner_name: $owner_name, created_at: datetime()}) "
            "SET w += $spec, w.updated_at = w.created_at RETURN " + _FIELDS + " AS watch"
        )
    records, _, _ = await driver.execute_query(
        text,
        id=watch_id,
        owner=owner[0],
        owner_name=owner[1],
        most=MAX_WATCHES_PER_KEY,
        spec=vars(spec),
        database_=database,
    )
    return dict(records[0]["watch"]) if records else None


async def remove_watch(
    driver: AsyncDriver, database: str, watch_id: str, owner: str | None
) -> list[str] | None:
    """Delete the watch (of `owner`; None: of anyone) unless webhooks follow it: None when there
    is no such watch, else the ids of the webhooks that keep it (empty: it is gone)."""
    records, _, _ = await driver.execute_query(
        "MATCH (w:Watch {id: $id}) WHERE $owner IS NULL OR w.owner = $owner "
        "OPTIONAL MATCH (h:Webhook {watch: w.id}) WITH w, collect(h.id) AS hooks "
        "CALL (w, hooks) { WITH w WHERE size(hooks) = 0 DETACH DELETE w } "
        "RETURN hooks",
        id=watch_id,
        owner=owner,
        database_=database,
    )
    return list(records[0]["hooks"]) if records else None


async def list_watches(
    driver: AsyncDriver, database: str, owner: str, timeout: float
) -> list[dict[str, Any]]:
    """The owner's watches, oldest first."""
    records, _, _ = await driver.execute_query(
        Query(
            "MATCH (w:Watch {owner: $owner}) RETURN " + _FIELDS + " AS watch ORDER BY w.created_at, w.id",
            timeout=timeout,
        ),
        owner=owner,
        database_=database,
        routing_=RoutingControl.READ,
    )
    return [dict(record["watch"]) for record in records]

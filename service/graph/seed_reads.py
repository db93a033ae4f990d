"""The Cypher that reads entities back in the seed format's terms: each node's properties and
the links its entry owns (the inverse of `seed_writes`), for `python -m seed export` and for
mutations that change part of an entry. Retracted and staged nodes are never read.
"""

from collections.abc import Iterator
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction, ManagedTransaction, Transaction

# One row per entity: its properties and every link its entry describes.
_ENTITY: LiteralString = """
RETURN n.id AS id, [l IN labels(n) WHERE l IN $labels][0] AS label, properties(n) AS props,
  COLLECT { MATCH (n)-[r:SOURCED_BY]->(s:Source) RETURN {source: s.id, props: properties(r)} ORDER BY r.ord }
    AS evidence,
  COLLECT { MATCH (n)-[:SUBSIDIARY_OF]->(p:Entity) RETURN p.id } AS parent,
  COLLECT { MATCH (n)-[r:HOLDS_POSITION]->(c:Entity) RETURN {company: c.id, props: properties(r)} }
    AS positions,
  COLLECT { MATCH (c:Entity)-[r:OWNS|OPERATES|DEVELOPS|OCCUPIES]->(n)
            RETURN {company: c.id, type: type(r), props: properties(r)} } AS facility_links,
  COLLECT { MATCH (c:Entity)-[r:PARTY_TO]->(n) RETURN {company: c.id, props: properties(r)} ORDER BY r.ord }
    AS parties,
  COLLECT { MATCH (n)-[:CONCERNS]->(f:Entity) RETURN f.id } AS facilities,
  COLLECT { MATCH (n)-[:PART_OF]->(p:Entity) RETURN p.id } AS part_of,
  COLLECT { MATCH (n)-[:ABOUT]->(x:Entity) RETURN x.id } AS subjects
"""

LABELS: list[LiteralString] = ["Source", "Company", "Person", "Facility", "Partnership", "Event"]
# A retracted entity has lost its kind's label (see service.graph.writes), so `label` is null.
_BY_IDS: LiteralString = (
    "MATCH (n:Entity) WHERE n.id IN $ids AND any(l IN labels(n) WHERE l IN $labels)" + _ENTITY
)
_BY_ORIGIN: LiteralString = (
    "MATCH (n:Entity) WHERE ($origin IS NULL OR n.origin = $origin) "
    "AND any(l IN labels(n) WHERE l IN $labels) "
    "WITH n ORDER BY n.id SKIP $skip LIMIT $limit" + _ENTITY
)
PAGE = 2_000


def read_entities(tx: ManagedTransaction, ids: list[str]) -> list[dict[str, Any]]:
    return [r.data() for r in tx.run(_BY_IDS, ids=ids, labels=LABELS)]


async def read_entities_async(tx: AsyncManagedTransaction, ids: list[str]) -> list[dict[str, Any]]:
    result = await tx.run(_BY_IDS, ids=ids, labels=LABELS)
    return [r.data() async for r in result]


def read_all(tx: Transaction, origin: str | None) -> Iterator[dict[str, Any]]:
    """Every live entity (of one origin, or all), in id order, a page at a time, all in the
    caller's one transaction (a consistent snapshot)."""
    skip = 0
    while True:
        page = [r.data() for r in tx.run(_BY_ORIGIN, origin=origin, skip=skip, limit=PAGE, labels=LABELS)]
        yield from page
        if len(page) < PAGE:
            return
        skip += PAGE

"""The Cypher that writes rows: node upserts, links, owned-link and derived-link deletions, and
staged publishing, shared by the seed loader and the API's edits.

Two targets share the statements: `Entity` (the live graph) and `Staged` (large loads: nodes
wait under the Staged label, invisible to every query that matches a real label, until one
transaction publishes them). Labels and relationship types come from the declarations, checked
as identifiers; values are always parameters.
"""

from typing import Literal

from neo4j import ManagedTransaction

from service.domain.catalog import ENTITY_LABELS, declarations
from service.domain.declare import Link, Ref
from service.domain.entities import ENTRY_MODELS
from service.domain.flows import DERIVED_LINKS
from service.graph.fragments import ARCHIVED, EARLIER, VERSION, identifier
from service.graph.rows import LINK_SHAPES, Row, link_types

Target = Literal["Entity", "Staged"]
DERIVED: tuple[str, ...] = tuple(link.rel for link in DERIVED_LINKS)


def _owned() -> tuple[list[str], list[str]]:
    """Relationship types an entry owns: (outgoing from it, incoming to it)."""
    outgoing: set[str] = {"SOURCED_BY"}
    incoming: set[str] = set()
    for model in ENTRY_MODELS:
        for decl in declarations(model):
            if (ref := decl.marker(Ref)) is not None:
                outgoing.add(ref.rel)
            elif (link := decl.marker(Link)) is not None and link.target != "Source":
                (incoming if link.incoming else outgoing).update(link_types(link, decl.base))
    return sorted(outgoing), sorted(incoming)


OWNED_OUTGOING, OWNED_INCOMING = _owned()


def node_statement(label: str, target: Target) -> str:
    label = identifier(label)
    if target == "Staged":
        return (
            "UNWIND $rows AS row CREATE (n:Staged) "
            f"SET n = row, n.load_id = $load_id, n.staged_label = '{label}'"
        )
    # `recorded_at`: when the graph first held the entity (transaction time, for `knownAt`).
    return (
        f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) "
        "SET n += row, n:Entity, n.recorded_at = coalesce(n.recorded_at, datetime())"
    )


def link_statement(rel: str, target: Target) -> str:
    # Properties go inline into CREATE: a later SET from a map would make the planner add an
    # Eager step that materialises every row first (measured ~15% slower on SOURCED_BY).
    shape = LINK_SHAPES[rel]
    inline = [f"{identifier(p)}: row.{p}" for p in shape.props]
    inline.append("recorded_at: datetime()")
    if shape.derived:
        inline.append("derived: true")
    return (
        f"UNWIND $rows AS row MATCH (a:{target} {{id: row.from}}) MATCH (b:{target} {{id: row.to}}) "
        f"CREATE (a)-[:{identifier(rel)} {{{', '.join(inline)}}}]->(b)"
    )


# A link that goes is kept as an archived copy (`WAS`, its type in `was_type`, with the moment
# it went): live queries never match that type; `knownAt` queries read the links of then.
_RETIRE = (
    f"CREATE (a)-[w:{ARCHIVED}]->(b) SET w = properties(r), w.was_type = type(r), "
    "w.removed_at = datetime() DELETE r"
)
# Statements taking $ids, shared by the loader and the API's edits.
DELETE_DERIVED: tuple[str, ...] = tuple(
    f"UNWIND $ids AS id MATCH (a)-[r:{rel} {{partnership: id}}]->(b) {_RETIRE}" for rel in DERIVED
)
DELETE_OWNED: tuple[str, ...] = (
    f"UNWIND $ids AS id MATCH (a:Entity {{id: id}})-[r:{'|'.join(OWNED_OUTGOING)}]->(b) {_RETIRE}",
    f"UNWIND $ids AS id MATCH (a)-[r:{'|'.join(OWNED_INCOMING)}]->(b:Entity {{id: id}}) {_RETIRE}",
    *DELETE_DERIVED,
)
# Before an entity is written again, its values until now become a version of it, so that a
# `knownAt` query reads the values of then.
KEEP_VERSION = (
    f"UNWIND $ids AS id MATCH (n:Entity {{id: id}}) "
    f"CREATE (n)-[:{EARLIER}]->(v:{VERSION}) SET v = properties(n), v.replaced_at = datetime()"
)


class WriteMismatch(Exception):
    """A write touched fewer relationships than rows: some referenced node is missing."""


def existing_hashes(tx: ManagedTransaction, origin: str) -> dict[str, str]:
    result = tx.run(
        "MATCH (n:Entity) WHERE n.origin = $origin RETURN n.id AS id, n.content_hash AS hash", origin=origin
    )
    return {record["id"]: record["hash"] for record in result}


def hashes_of(tx: ManagedTransaction, ids: list[str]) -> dict[str, str]:
    result = tx.run(
        "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN n.id AS id, n.content_hash AS hash", ids=ids
    )
    return {record["id"]: record["hash"] for record in result}


def delete_entities(tx: ManagedTransaction, ids: list[str]) -> None:
    """Remove entities and the derived links their partnerships produced."""
    for statement in DELETE_DERIVED:
        tx.run(statement, ids=ids).consume()
    tx.run("UNWIND $ids AS id MATCH (n:Entity {id: id}) DETACH DELETE n", ids=ids).consume()


def delete_owned_links(tx: ManagedTransaction, ids: list[str]) -> None:
    """Retire the links the given entities own, and keep their values as a version, before they
    are written again."""
    tx.run(KEEP_VERSION, ids=ids).consume()
    for statement in DELETE_OWNED:
        tx.run(statement, ids=ids).consume()


def write_nodes(
    tx: ManagedTransaction, target: Target, label: str, rows: list[Row], load_id: str = ""
) -> int:
    summary = tx.run(node_statement(label, target), rows=rows, load_id=load_id).consume()
    return summary.counters.nodes_created


def write_links(tx: ManagedTransaction, target: Target, rel: str, rows: list[Row]) -> int:
    summary = tx.run(link_statement(rel, target), rows=rows).consume()
    created = summary.counters.relationships_created
    if created != len(rows):
        raise WriteMismatch(
            f"{rel}: {len(rows)} rows but {created} relationships written (a referenced id is missing)"
        )
    return created


def publish_staged(tx: ManagedTransaction, load_id: str) -> int:
    """Give staged nodes their real labels, all in the caller's single transaction."""
    published = 0
    for label in ENTITY_LABELS:
        summary = tx.run(
            f"MATCH (n:Staged {{load_id: $load_id}}) WHERE n.staged_label = '{identifier(label)}' "
            f"SET n:Entity:{label}, n.recorded_at = datetime() REMOVE n:Staged, n.staged_label, n.load_id",
            load_id=load_id,
        ).consume()
        published += summary.counters.labels_added // 2
    return published


def staged_load_ids(tx: ManagedTransaction) -> list[str]:
    return [r["load_id"] for r in tx.run("MATCH (n:Staged) RETURN DISTINCT n.load_id AS load_id")]


def delete_staged_batch(tx: ManagedTransaction, batch_size: int) -> int:
    """Delete up to `batch_size` staged nodes left by an aborted load; 0 when none are left."""
    summary = tx.run("MATCH (n:Staged) WITH n LIMIT $limit DETACH DELETE n", limit=batch_size).consume()
    return summary.counters.nodes_deleted

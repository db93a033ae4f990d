"""The Cypher of API keys: `(:ApiKey {id, name, role, hash, created_at, revoked_at})` nodes.

Keys are not entities (no :Entity label): no query, export or load of the data sees them. The
CLI (`python -m service keys`) manages them with the sync driver; the API only looks them up.
Only the hash of a key's secret is stored; nothing here ever returns it except `find_key`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString

from neo4j import AsyncDriver, Driver, Query, RoutingControl


@dataclass(frozen=True)
class KeyInfo:
    """What an operator may see of a key."""

    id: str
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class StoredKey(KeyInfo):
    """A key with the hash of its secret, to verify a presented key against."""

    hash: str


_FIELDS: LiteralString = (
    "k.id AS id, k.name AS name, k.role AS role, k.created_at AS created_at, k.revoked_at AS revoked_at"
)


def _info(record: Any) -> KeyInfo:
    return KeyInfo(
        id=record["id"],
        name=record["name"],
        role=record["role"],
        created_at=record["created_at"].to_native(),
        revoked_at=record["revoked_at"].to_native() if record["revoked_at"] is not None else None,
    )


def create_key(driver: Driver, database: str, key_id: str, name: str, role: str, secret_hash: str) -> KeyInfo:
    """Stores a new key (the id is unique by constraint) and returns it."""
    records, _, _ = driver.execute_query(
        "CREATE (k:ApiKey {id: $id, name: $name, role: $role, hash: $hash, created_at: datetime()}) "
        "RETURN " + _FIELDS,
        id=key_id,
        name=name,
        role=role,
        hash=secret_hash,
        database_=database,
    )
    return _info(records[0])


def list_keys(driver: Driver, database: str) -> list[KeyInfo]:
    """Every key, oldest first, revoked ones included."""
    records, _, _ = driver.execute_query(
        "MATCH (k:ApiKey) RETURN " + _FIELDS + " ORDER BY k.created_at, k.id",
        database_=database,
        routing_=RoutingControl.READ,
    )
    return [_info(record) for record in records]


def revoke_key(driver: Driver, database: str, key_id: str) -> KeyInfo | None:
    """Marks the key revoked (keeping the first revocation time); None for an unknown id."""
    records, _, _ = driver.execute_query(
        "MATCH (k:ApiKey {id: $id}) SET k.revoked_at = coalesce(k.revoked_at, datetime()) RETURN " + _FIELDS,
        id=key_id,
        database_=database,
    )
    return _info(records[0]) if records else None


async def find_key(driver: AsyncDriver, database: str, key_id: str, timeout: float) -> StoredKey | None:
    """The key with this id, with its hash; None when there is none."""
    records, _, _ = await driver.execute_query(
        Query("MATCH (k:ApiKey {id: $id}) RETURN " + _FIELDS + ", k.hash AS hash", timeout=timeout),
        id=key_id,
        database_=database,
        routing_=RoutingControl.READ,
    )
    if not records:
        return None
    info = _info(records[0])
    return StoredKey(**vars(info), hash=records[0]["hash"])

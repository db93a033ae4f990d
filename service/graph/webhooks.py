"""The Cypher of webhooks: `(:Webhook)` registrations, their leases and their delivery log.

A webhook keeps its own place in the feed (`cursor`: the last seq delivered or passed over), so
deliveries survive restarts of the API and of Neo4j: a process delivers a webhook only while it
holds its lease (`lease_holder` until `lease_until`), renews it as it works, and moves the
cursor only after the receiver answered 2xx. A process that dies mid-delivery loses its lease
and another one resends from the cursor: at least once, never skipped. Each attempt is a
`(:WebhookDelivery)` node, the newest `KEEP_DELIVERIES` per webhook. Webhooks are not entities.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString

from neo4j import AsyncDriver, Query, RoutingControl

MAX_WEBHOOKS = 100
KEEP_DELIVERIES = 500

_PROPS: LiteralString = (
    ".id, .url, .description, .enabled, .cursor, .attempts, "
    "filter: w.filter, disabledReason: w.disabled_reason, createdBy: w.created_by, "
    "createdAt: toString(w.created_at), nextAttemptAt: toString(w.next_attempt_at), "
    "lastSuccessAt: toString(w.last_success_at), lastFailureAt: toString(w.last_failure_at)"
)
_FIELDS: LiteralString = "w {" + _PROPS + "}"
_DELIVERY: LiteralString = (
    "d {.seq, .attempt, .status, .error, .ok, durationMs: d.ms, at: toString(d.at), "
    "nextAttemptAt: toString(d.next_attempt_at)}"
)


@dataclass(frozen=True)
class Claimed:
    """A webhook this process holds the lease of, as it stood when claimed or renewed."""

    id: str
    url: str
    secret: str
    filter: str  # JSON: where, near, within, watch
    cursor: int
    attempts: int
    next_attempt_at: datetime | None


async def create_webhook(
    driver: AsyncDriver, database: str, webhook_id: str, spec: dict[str, Any]
) -> dict[str, Any] | None:
    """Register a webhook that starts after the feed's current head; None when there are
    MAX_WEBHOOKS already."""
    records, _, _ = await driver.execute_query(
        "OPTIONAL MATCH (other:Webhook) WITH count(other) AS registered WHERE registered < $most "
        "OPTIONAL MATCH (s:Sequence {name: 'changes'}) "
        "CREATE (w:Webhook {id: $id, enabled: true, attempts: 0, created_at: datetime(), "
        "cursor: coalesce(s.value, 0)}) SET w += $spec RETURN " + _FIELDS + " AS webhook",
        id=webhook_id,
        most=MAX_WEBHOOKS,
        spec=spec,
        database_=database,
    )
    return dict(records[0]["webhook"]) if records else None


async def list_webhooks(
    driver: AsyncDriver, database: str, deliveries: int, timeout: float
) -> list[dict[str, Any]]:
    """Every webhook, oldest first, each with its newest `deliveries` attempts."""
    records, _, _ = await driver.execute_query(
        Query(
            "MATCH (w:Webhook) "
            "CALL (w) { OPTIONAL MATCH (w)-[:DELIVERED]->(d:WebhookDelivery) "
            "WITH d ORDER BY d.at DESC, d.attempt DESC LIMIT $deliveries "
            "RETURN collect(" + _DELIVERY + ") AS log } "
            "RETURN w {" + _PROPS + ", deliveries: log} AS webhook ORDER BY w.created_at, w.id",
            timeout=timeout,
        ),
        deliveries=deliveries,
        database_=database,
        routing_=RoutingControl.READ,
    )
    return [dict(record["webhook"]) for record in records]


async def set_enabled(
    driver: AsyncDriver, database: str, webhook_id: str, enabled: bool
) -> dict[str, Any] | None:
    """Enable (from where its cursor stands, with a fresh count of attempts) or disable."""
    records, _, _ = await driver.execute_query(
        "MATCH (w:Webhook {id: $id}) SET w.enabled = $enabled, "
        "w.disabled_reason = CASE WHEN $enabled THEN null ELSE 'disabled by an admin' END, "
        "w.attempts = CASE WHEN $enabled THEN 0 ELSE w.attempts END, "
        "w.next_attempt_at = CASE WHEN $enabled THEN null ELSE w.next_attempt_at END "
        "RETURN " + _FIELDS + " AS webhook",
        id=webhook_id,
        enabled=enabled,
        database_=database,
    )
    return dict(records[0]["webhook"]) if records else None


async def remove_webhook(driver: AsyncDriver, database: str, webhook_id: str) -> bool:
    """Delete the webhook and its delivery log; whether there was one."""
    records, _, _ = await driver.execute_query(
        "MATCH (w:Webhook {id: $id}) OPTIONAL MATCH (w)-[:DELIVERED]->(d:WebhookDelivery) "
        "WITH w, collect(d) AS log FOREACH (d IN log | DETACH DELETE d) "
        "DETACH DELETE w RETURN count(*) AS removed",
        id=webhook_id,
        database_=database,
    )
    return bool(records and records[0]["removed"])


_CLAIMED: LiteralString = (
    "RETURN w.id AS id, w.url AS url, w.secret AS secret, w.filter AS filter, w.cursor AS cursor, "
    "w.attempts AS attempts, w.next_attempt_at AS next_attempt_at"
)


def _claimed(record: Any) -> Claimed:
    moment = record["next_attempt_at"]
    return Claimed(
        id=record["id"],
        url=record["url"],
        secret=record["secret"],
        filter=record["filter"],
        cursor=int(record["cursor"]),
        attempts=int(record["attempts"]),
        next_attempt_at=moment.to_native() if moment is not None else None,
    )


async def claim(driver: AsyncDriver, database: str, holder: str, lease_s: float) -> list[Claimed]:
    """Take (or keep) the lease of every enabled webhook no other live process holds."""
    records, _, _ = await driver.execute_query(
        "MATCH (w:Webhook {enabled: true}) "
        "WHERE w.lease_holder IS NULL OR w.lease_holder = $holder OR w.lease_until < datetime() "
        "SET w.lease_holder = $holder, "
        "w.lease_until = datetime() + duration({milliseconds: toInteger($lease_s * 1000)}) " + _CLAIMED,
        holder=holder,
        lease_s=lease_s,
        database_=database,
    )
    return [_claimed(record) for record in records]


async def renew(
    driver: AsyncDriver, database: str, webhook_id: str, holder: str, lease_s: float
) -> Claimed | None:
    """Extend the lease and read the webhook again; None once it is removed, disabled or held by
    another process."""
    records, _, _ = await driver.execute_query(
        "MATCH (w:Webhook {id: $id, enabled: true, lease_holder: $holder}) "
        "SET w.lease_until = datetime() + duration({milliseconds: toInteger($lease_s * 1000)}) " + _CLAIMED,
        id=webhook_id,
        holder=holder,
        lease_s=lease_s,
        database_=database,
    )
    return _claimed(records[0]) if records else None


async def release(driver: AsyncDriver, database: str, holder: str) -> None:
    """Give up every lease this process holds (it is stopping)."""
    await driver.execute_query(
        "MATCH (w:Webhook {lease_holder: $holder}) SET w.lease_holder = null, w.lease_until = null",
        holder=holder,
        database_=database,
    )


async def pass_over(driver: AsyncDriver, database: str, webhook_id: str, holder: str, seq: int) -> bool:
    """Move the cursor to `seq` with nothing to deliver up to it; False if the lease was lost."""
    records, _, _ = await driver.execute_query(
        "MATCH (w:Webhook {id: $id, lease_holder: $holder}) "
        "SET w.cursor = CASE WHEN w.cursor < $seq THEN $seq ELSE w.cursor END RETURN w.id AS id",
        id=webhook_id,
        holder=holder,
        seq=seq,
        database_=database,
    )
    return bool(records)


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt of the event `seq`, as the log keeps it."""

    seq: int
    attempt: int
    ok: bool
    status: int | None
    error: str | None
    ms: float
    retry_in_s: float | None  # when the next attempt is due (failures only)
    disable: str | None  # why the webhook stops (after the last allowed attempt)


async def record_attempt(
    driver: AsyncDriver, database: str, webhook_id: str, holder: str, attempt: Attempt, lease_s: float
) -> Claimed | None:
    """Log the attempt; after a success move the cursor past the event, after a failure set the
    next attempt (or disable the webhook); renew the lease. The webhook as it is now, or None
    if it was disabled or removed meanwhile, or the lease lost (then nothing is written)."""
    records, _, _ = await driver.execute_query(
        "MATCH (w:Webhook {id: $id, lease_holder: $holder, enabled: true}) "
        "SET w.lease_until = datetime() + duration({milliseconds: toInteger($lease_s * 1000)}) "
        "WITH w, CASE WHEN $retry_in_s IS NULL THEN null "
        "ELSE datetime() + duration({milliseconds: toInteger($retry_in_s * 1000)}) END AS next "
        "CREATE (w)-[:DELIVERED]->(d:WebhookDelivery {webhook: w.id, seq: $seq, attempt: $attempt, "
        "ok: $ok, status: $status, error: $error, ms: $ms, at: datetime(), next_attempt_at: next}) "
        "SET w.cursor = CASE WHEN $ok AND w.cursor < $seq THEN $seq ELSE w.cursor END, "
        "w.attempts = CASE WHEN $ok THEN 0 ELSE $attempt END, w.next_attempt_at = next, "
        "w.last_success_at = CASE WHEN $ok THEN d.at ELSE w.last_success_at END, "
        "w.last_failure_at = CASE WHEN $ok THEN w.last_failure_at ELSE d.at END, "
        "w.enabled = CASE WHEN $disable IS NULL THEN w.enabled ELSE false END, "
        "w.disabled_reason = coalesce($disable, w.disabled_reason) "
        "WITH w CALL (w) { MATCH (w)-[:DELIVERED]->(old:WebhookDelivery) "
        "WITH old ORDER BY old.at DESC SKIP $keep DETACH DELETE old } "
        "WITH w WHERE w.enabled " + _CLAIMED,
        id=webhook_id,
        holder=holder,
        seq=attempt.seq,
        attempt=attempt.attempt,
        ok=attempt.ok,
        status=attempt.status,
        error=attempt.error,
        ms=round(attempt.ms, 1),
        retry_in_s=attempt.retry_in_s,
        disable=attempt.disable,
        keep=KEEP_DELIVERIES,
        lease_s=lease_s,
        database_=database,
    )
    return _claimed(records[0]) if records else None

"""Writes from other services: validated exactly as a load validates, written with the loader's
statements in one transaction, versioned, and remembered.

Every edit reads the entity's current entry (`service.graph.entries`), changes it, validates
the result with the entry models and rules, and rewrites the entity's rows and owned links
(derived links included) as a load would, then stamps the new version and keeps a Change with
the entry before and after. Anything that fails leaves nothing behind: the transaction is
rolled back, including the claim of a new id.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction, AsyncSession
from neo4j.exceptions import DriverError, Neo4jError
from pydantic import ValidationError

from service.domain.catalog import CATALOG
from service.domain.entities import Entry
from service.domain.roles import Principal
from service.domain.rules import entry_problems, references
from service.graph import history
from service.graph.changes import client_names, data_links, link_changes
from service.graph.entries import entry_data, read_entities_async
from service.graph.fragments import RETRACTED, identifier
from service.graph.rows import Rows, add_entry
from service.graph.writes import (
    DELETE_DERIVED,
    DELETE_OWNED,
    KEEP_VERSION,
    WriteMismatch,
    link_statement,
    node_statement,
)

API_ORIGIN = "api"

EntryData = dict[str, Any]
Change = Callable[[EntryData | None], EntryData]


@dataclass
class Written:
    id: str
    label: str
    version: int
    created: bool
    changed: list[str]


@dataclass
class Invalid:
    errors: list[tuple[str, str]]  # (path in the entry, message)


@dataclass
class Missing:
    id: str
    message: str


@dataclass
class Clash:
    id: str
    message: str
    current_version: int | None = None


Outcome = Written | Invalid | Missing | Clash


# Waits between attempts of a write (1.25 s in all): an outage is answered SERVICE_UNAVAILABLE
# within about 1.5 s, and a write waiting when Neo4j returns runs within 0.3 s of it.
WRITE_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.3, 0.3, 0.3)


class Abort(Exception):
    """Ends the transaction (rolled back) with an outcome for the client."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(str(outcome))
        self.outcome = outcome


@dataclass
class Edit:
    """One entity's change: what to do to its entry, and who asks and why."""

    entity_id: str
    label: str | None  # known for upserts (the id may be new); None: the entity must exist
    change: Change
    action: str
    principal: Principal
    reason: str | None = None
    expected_version: int | None = None
    extra: list["Edit"] = field(default_factory=list)  # written in the same transaction (an event)
    must_be: str | None = None  # for edits of existing entities: the kind it must be


class Store:
    """The graph as the API writes to it: one write transaction per edit."""

    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self.driver = driver
        self.database = database

    def _session(self) -> AsyncSession:
        # The driver's shared bookmarks: the read that answers `Written.node` sees this write.
        return self.driver.session(
            database=self.database, bookmark_manager=self.driver.execute_query_bookmark_manager
        )

    async def _write(self, work: Callable[[AsyncManagedTransaction], Awaitable[Outcome]]) -> Outcome:
        """Run `work` in a write transaction, again after a retryable failure (Neo4j away, a
        deadlock) at short intervals. The driver's own retries wait 1 s and then 2 s: a write
        arriving during an outage would sleep through Neo4j's return (its retry time is 0 here)."""
        delays = iter(WRITE_RETRY_DELAYS)
        while True:
            try:
                async with self._session() as session:
                    return await session.execute_write(work)
            except (Neo4jError, DriverError) as error:
                delay = next(delays, None)
                if delay is None or not error.is_retryable():
                    raise
                await asyncio.sleep(delay)

    async def apply(self, edit: Edit) -> Outcome:
        """Run the edit (and its extras) in one write transaction."""

        async def work(tx: AsyncManagedTransaction) -> Outcome:
            outcome = await apply_edit(tx, edit)
            for extra in edit.extra:
                await apply_edit(tx, extra)
            return outcome

        try:
            return await self._write(work)
        except Abort as abort:
            return abort.outcome

    async def retract(
        self, entity_id: str, principal: Principal, reason: str, expected_version: int | None
    ) -> Outcome:
        """Hide an entity from live queries; it keeps its node, links and history."""

        async def work(tx: AsyncManagedTransaction) -> Outcome:
            state = await history.lock(tx, entity_id)
            if state is None:
                raise Abort(Missing(entity_id, f"no entity has the id {entity_id!r}"))
            if state["retracted"]:
                raise Abort(Clash(entity_id, f"{entity_id!r} is already retracted", state["version"]))
            check_version(entity_id, state["version"], expected_version)
            label = state["label"]
            before = await read_entry(tx, entity_id)
            await retract_entity(tx, entity_id, label, reason, principal.key_id)
            version = state["version"] + 1
            await history.stamp_version(tx, entity_id, version)
            await remember(
                tx, entity_id, label, version, "retract", principal, reason, before, None, ["retracted"]
            )
            return Written(entity_id, label, version, False, ["retracted"])

        try:
            return await self._write(work)
        except Abort as abort:
            return abort.outcome


async def apply_edit(tx: AsyncManagedTransaction, edit: Edit) -> Outcome:
    entity_id = edit.entity_id
    state = (
        await history.claim(tx, entity_id, edit.label) if edit.label else await history.lock(tx, entity_id)
    )
    if state is None:
        raise Abort(Missing(entity_id, f"no entity has the id {entity_id!r}"))
    if state["merged_into"]:
        message = f"{entity_id!r} was merged into {state['merged_into']!r}; write to that one"
        raise Abort(Clash(entity_id, message, state["version"]))
    if state["retracted"]:
        raise Abort(Clash(entity_id, f"{entity_id!r} was retracted; it cannot be written", state["version"]))
    label = state["label"]
    wanted = edit.label or edit.must_be
    if wanted is not None and label != wanted:
        raise Abort(Clash(entity_id, f"the id {entity_id!r} belongs to a {label}, not a {wanted}"))
    created = bool(state["created"])
    check_version(entity_id, 0 if created else state["version"], edit.expected_version)

    before = None if created else await read_entry(tx, entity_id)
    data = edit.change(json.loads(json.dumps(before)) if before is not None else None)
    data["id"] = entity_id
    model = _validate(label, data)
    if not created and before is not None and _validate(label, before) == model:
        return Written(entity_id, label, state["version"], False, [])  # nothing to change

    refs = [{"path": path, "id": ref, "labels": list(labels)} for path, ref, labels in references(model)]
    missing = await history.missing_references(tx, refs)
    if missing:
        raise Abort(Invalid([(m["path"], f"no live entity {m['id']!r} of the right kind") for m in missing]))
    rows = Rows()
    origin = API_ORIGIN if created or not state["origin"] else str(state["origin"])
    add_entry(rows, model, origin)
    await write_rows(tx, entity_id, rows, created)
    version = (0 if created else state["version"]) + 1
    await history.stamp(tx, entity_id, version, edit.principal.key_id, origin)
    after = await read_entry(tx, entity_id)
    changed = sorted(k for k in {*(before or {}), *after} if (before or {}).get(k) != after.get(k))
    await remember(
        tx, entity_id, label, version, edit.action, edit.principal, edit.reason, before, after, changed
    )
    return Written(entity_id, label, version, created, client_names(label, changed))


async def write_rows(tx: AsyncManagedTransaction, entity_id: str, rows: Rows, created: bool) -> None:
    """Replace the entity's owned links (and derived links) and write its rows, as a load would,
    keeping what it was as a version (transaction time)."""
    if not created:
        await (await tx.run(KEEP_VERSION, ids=[entity_id])).consume()
    for statement in DELETE_OWNED:
        await (await tx.run(statement, ids=[entity_id])).consume()
    for label, node_rows in rows.nodes.items():
        await (await tx.run(node_statement(label, "Entity"), rows=node_rows, load_id="")).consume()
    for rel, link_rows in rows.links.items():
        result = await tx.run(link_statement(rel, "Entity"), rows=link_rows)
        written = (await result.consume()).counters.relationships_created
        if written != len(link_rows):
            raise WriteMismatch(f"{rel}: {len(link_rows)} rows but {written} relationships written")


async def retract_entity(
    tx: AsyncManagedTransaction, entity_id: str, label: str, reason: str, key_id: str
) -> None:
    """Hide an entity from every live query, keeping the node, its links and its history; a
    partnership's derived links go (they are rebuilt if it is written again)."""
    kind = identifier(label)
    for statement in DELETE_DERIVED:
        await (await tx.run(statement, ids=[entity_id])).consume()
    result = await tx.run(
        f"MATCH (n:{kind} {{id: $id}}) REMOVE n:{kind} SET n:{RETRACTED}:{RETRACTED}{kind}, "
        "n.retracted_reason = $reason, n.retracted_by = $key, n.retracted_at = datetime()",
        id=entity_id,
        reason=reason,
        key=key_id,
    )
    await result.consume()


def check_version(entity_id: str, current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        message = f"{entity_id!r} is at version {current}, not {expected}: someone else wrote first"
        raise Abort(Clash(entity_id, message, current))


def _validate(label: str, data: EntryData) -> Entry:
    try:
        model = CATALOG.entities[label].model_validate(data)
    except ValidationError as error:
        problems = [(".".join(str(p) for p in e["loc"]) or "(entry)", e["msg"]) for e in error.errors()]
        raise Abort(Invalid(problems)) from None
    problems = list(entry_problems(model))
    if problems:
        raise Abort(Invalid(problems))
    return model


async def read_entry(tx: AsyncManagedTransaction, entity_id: str) -> EntryData:
    records = await read_entities_async(tx, [entity_id])
    return entry_data(records[0])[1]


async def remember(
    tx: AsyncManagedTransaction,
    entity_id: str,
    label: str,
    version: int,
    action: str,
    principal: Principal,
    reason: str | None,
    before: EntryData | None,
    after: EntryData | None,
    changed: list[str],
) -> None:
    links_before = data_links(label, before)
    links_after = links_before if action == "retract" else data_links(label, after)
    types = await history.labels_of(tx, sorted({other for _, other in links_before ^ links_after}))
    await history.record_change(
        tx,
        {
            "id": f"{entity_id}@{version}",
            "entity": entity_id,
            "type": label,
            **link_changes(links_before, links_after, types),
            "version": version,
            "action": action,
            "key_id": principal.key_id,
            "key_name": principal.name,
            "reason": reason,
            "fields": client_names(label, changed),
            "before": json.dumps(before, sort_keys=True) if before is not None else None,
            "after": json.dumps(after, sort_keys=True) if after is not None else None,
        },
    )

"""Writes from other services: validated exactly as the seed loader validates, written with the
loader's statements in one transaction, versioned, and remembered.

Every edit reads the entity's current entry (in the seed file format, `seed.export`), changes
it, validates the result with the seed models and reference rules, and rewrites the entity's
rows and owned links (derived edges included) as a load would, then stamps the new version and
keeps a Change with the entry before and after. Anything that fails leaves nothing behind: the
transaction is rolled back, including the claim of a new id.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction, AsyncSession
from pydantic import ValidationError

from seed.export import MODELS, entry_data
from seed.models import Source, Sourced
from seed.rows import Rows, add_entry
from seed.validate import entry_problems, references
from service.access.roles import Principal
from service.graph import writes
from service.graph.seed_reads import read_entities_async

# Kinds a reference may point at (seed.validate's names) and the labels that satisfy them.
_REFERENCE_LABELS = {
    "sources": ["Source"],
    "companies": ["Company"],
    "facilities": ["Facility"],
    "partnerships": ["Partnership"],
    "entities": ["Company", "Person", "Facility", "Partnership", "Event"],
}
API_ORIGIN = "api"

Entry = dict[str, Any]
Change = Callable[[Entry | None], Entry]


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


class _Abort(Exception):
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


async def apply(driver: AsyncDriver, database: str, edit: Edit) -> Outcome:
    """Run the edit (and its extras) in one write transaction."""

    async def work(tx: AsyncManagedTransaction) -> Outcome:
        outcome = await _apply(tx, edit)
        for extra in edit.extra:
            await _apply(tx, extra)
        return outcome

    try:
        async with _session(driver, database) as session:
            return await session.execute_write(work)
    except _Abort as abort:
        return abort.outcome


async def retract(driver: AsyncDriver, database: str, entity_id: str, principal: Principal, reason: str,
                  expected_version: int | None) -> Outcome:  # fmt: skip
    """Hide an entity from live queries; it keeps its node, links and history."""

    async def work(tx: AsyncManagedTransaction) -> Outcome:
        state = await writes.lock(tx, entity_id)
        if state is None:
            raise _Abort(Missing(entity_id, f"no entity has the id {entity_id!r}"))
        if state["retracted"]:
            raise _Abort(Clash(entity_id, f"{entity_id!r} is already retracted", state["version"]))
        _check_version(entity_id, state["version"], expected_version)
        label = state["label"]
        before = await _entry(tx, entity_id)
        await writes.retract(tx, entity_id, label, reason, principal.key_id)
        version = state["version"] + 1
        await writes.stamp_version(tx, entity_id, version)
        await _remember(tx, entity_id, version, "retract", principal, reason, before, None, ["retracted"])
        return Written(entity_id, label, version, False, ["retracted"])

    try:
        async with _session(driver, database) as session:
            return await session.execute_write(work)
    except _Abort as abort:
        return abort.outcome


def _session(driver: AsyncDriver, database: str) -> AsyncSession:
    # The driver's shared bookmarks: the read that answers `Written.node` sees this write.
    return driver.session(database=database, bookmark_manager=driver.execute_query_bookmark_manager)


async def _apply(tx: AsyncManagedTransaction, edit: Edit) -> Outcome:
    entity_id = edit.entity_id
    state = await writes.claim(tx, entity_id, edit.label) if edit.label else await writes.lock(tx, entity_id)
    if state is None:
        raise _Abort(Missing(entity_id, f"no entity has the id {entity_id!r}"))
    if state["retracted"]:
        raise _Abort(Clash(entity_id, f"{entity_id!r} was retracted; it cannot be written", state["version"]))
    label = state["label"]
    wanted = edit.label or edit.must_be
    if wanted is not None and label != wanted:
        raise _Abort(Clash(entity_id, f"the id {entity_id!r} belongs to a {label}, not a {wanted}"))
    created = bool(state["created"])
    _check_version(entity_id, 0 if created else state["version"], edit.expected_version)

    before = None if created else await _entry(tx, entity_id)
    data = edit.change(json.loads(json.dumps(before)) if before is not None else None)
    data["id"] = entity_id
    model = _validate(label, data)
    if not created and before is not None and _validate(label, before) == model:
        return Written(entity_id, label, state["version"], False, [])  # nothing to change

    missing = await writes.missing_references(
        tx,
        [
            {"path": path, "id": ref, "labels": _REFERENCE_LABELS[kind]}
            for path, ref, kind in references(model)
        ],
    )
    if missing:
        raise _Abort(Invalid([(m["path"], f"no live entity {m['id']!r} of the right kind") for m in missing]))
    rows = Rows()
    origin = API_ORIGIN if created or not state["origin"] else str(state["origin"])
    add_entry(rows, model, origin)
    await writes.write_rows(tx, entity_id, rows.nodes, rows.links)
    version = (0 if created else state["version"]) + 1
    await writes.stamp(tx, entity_id, version, edit.principal.key_id, origin)
    after = await _entry(tx, entity_id)
    changed = sorted(k for k in {*(before or {}), *after} if (before or {}).get(k) != after.get(k))
    await _remember(tx, entity_id, version, edit.action, edit.principal, edit.reason, before, after, changed)
    return Written(entity_id, label, version, created, changed)


def _check_version(entity_id: str, current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        message = f"{entity_id!r} is at version {current}, not {expected}: someone else wrote first"
        raise _Abort(Clash(entity_id, message, current))


def _validate(label: str, data: Entry) -> Source | Sourced:
    try:
        model = MODELS[label].model_validate(data)
    except ValidationError as error:
        problems = [(".".join(str(p) for p in e["loc"]) or "(entry)", e["msg"]) for e in error.errors()]
        raise _Abort(Invalid(problems)) from None
    problems = list(entry_problems(model))
    if problems:
        raise _Abort(Invalid(problems))
    return model


async def _entry(tx: AsyncManagedTransaction, entity_id: str) -> Entry:
    records = await read_entities_async(tx, [entity_id])
    return entry_data(records[0])[1]


async def _remember(
    tx: AsyncManagedTransaction,
    entity_id: str,
    version: int,
    action: str,
    principal: Principal,
    reason: str | None,
    before: Entry | None,
    after: Entry | None,
    changed: list[str],
) -> None:
    await writes.record_change(
        tx,
        {
            "id": f"{entity_id}@{version}",
            "entity": entity_id,
            "version": version,
            "action": action,
            "key_id": principal.key_id,
            "key_name": principal.name,
            "reason": reason,
            "fields": changed,
            "before": json.dumps(before, sort_keys=True) if before is not None else None,
            "after": json.dumps(after, sort_keys=True) if after is not None else None,
        },
    )

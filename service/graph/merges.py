"""Merging a duplicate into the entity it duplicates, and undoing it: each one write transaction
made of the edits' own steps (validation, versions, history, one change event per entity).

A merge rewrites, through `edits`, every entry that names the dropped id (the kept id instead)
and the kept entry (the dropped one's evidence, links and names added); the dropped entity is
then retracted with `merged_into` set, so a lookup of its id answers the kept one. A `:Merge`
node keeps every rewritten entry before and after, and the dropped entry whole, which is what
`unmerge` gives back.
"""

import json
from typing import Any, Literal

from neo4j import AsyncManagedTransaction
from pydantic import ValidationError

from service.domain.catalog import CATALOG
from service.domain.merging import MERGEABLE, absorb, retarget, unmerge_entry
from service.domain.roles import Principal
from service.graph import history
from service.graph.changes import client_names
from service.graph.edits import (
    Abort,
    Edit,
    EntryData,
    Invalid,
    Outcome,
    Store,
    Written,
    apply_edit,
    check_version,
    read_entry,
    remember,
    retract_entity,
    write_rows,
)
from service.graph.entries import entry_data, read_entities_async
from service.graph.fragments import ARCHIVED, EARLIER, RETRACTED, identifier
from service.graph.rows import Rows, add_entry
from service.graph.writes import DELETE_OWNED, OWNED_INCOMING, OWNED_OUTGOING

# A merge rewrites every entity linked to the dropped one in one transaction: past this many
# relationships (derived ones included) it is refused before anything is written.
MAX_MERGE_LINKS = 500
_BOOKKEEPING = [ARCHIVED, EARLIER, "HAS_CHANGE"]
_OWNED = sorted({*OWNED_OUTGOING, *OWNED_INCOMING} - {"SOURCED_BY"})

Refusal = Literal["bad_input", "not_found", "conflict", "too_large"]


class MergeRefused(Exception):
    """A merge or unmerge that cannot be done as asked; nothing was written."""

    def __init__(self, kind: Refusal, message: str) -> None:
        super().__init__(message)
        self.kind = kind


async def _lock_pair(
    tx: AsyncManagedTransaction, keep: str, drop: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both entities' states, locked in id order (two merges of the same pair cannot deadlock)."""
    states: dict[str, dict[str, Any]] = {}
    for entity_id in sorted((keep, drop)):
        state = await history.lock(tx, entity_id)
        if state is None:
            raise MergeRefused("not_found", f"no entity has the id {entity_id!r}")
        states[entity_id] = state
    return states[keep], states[drop]


async def _links_of(tx: AsyncManagedTransaction, entity_id: str) -> int:
    """The entity's relationships but its bookkeeping (archived links, versions, history), from
    the degree counts Neo4j keeps: bounded work however many links there are."""
    kept = " - ".join(f"COUNT {{ (d)-[:{rel}]-() }}" for rel in _BOOKKEEPING)
    result = await tx.run(
        f"MATCH (d:Entity {{id: $id}}) RETURN COUNT {{ (d)--() }} - {kept} AS links", id=entity_id
    )
    return int((await result.single(strict=True))["links"])


async def _neighbours(tx: AsyncManagedTransaction, entity_id: str, skip: list[str]) -> list[str]:
    """Ids of the live entities an owned link joins to this one (their entries may name it)."""
    result = await tx.run(
        "MATCH (:Entity {id: $id})-[r]-(x:Entity) WHERE type(r) IN $owned AND NOT x.id IN $skip "
        "RETURN DISTINCT x.id AS id ORDER BY id",
        id=entity_id,
        owned=_OWNED,
        skip=skip,
    )
    return [record["id"] async for record in result]


async def _entries(tx: AsyncManagedTransaction, ids: list[str]) -> dict[str, tuple[str, EntryData]]:
    """Live entities' (label, entry) by id; retracted ones are not read (they cannot be written)."""
    return {record["id"]: entry_data(record) for record in await read_entities_async(tx, ids)}


def _prefixed(entity_id: str, outcome: Invalid) -> Invalid:
    """A rewritten entity's problems, with its id in front of each path."""
    return Invalid([(f"{entity_id}.{path}", message) for path, message in outcome.errors])


async def _rewrite(
    tx: AsyncManagedTransaction,
    entity_id: str,
    entry: EntryData,
    action: str,
    principal: Principal,
    reason: str,
) -> Written:
    edit = Edit(entity_id, None, lambda _: json.loads(json.dumps(entry)), action, principal, reason)
    try:
        outcome = await apply_edit(tx, edit)
    except Abort as abort:
        if isinstance(abort.outcome, Invalid):
            raise Abort(_prefixed(entity_id, abort.outcome)) from None
        raise
    assert isinstance(outcome, Written)
    return outcome


def _checked(entity_id: str, label: str, make: Any, *args: Any) -> EntryData:
    """An entry built by the merge rules, or the problems it has as an Invalid outcome."""
    try:
        return make(label, *args)  # type: ignore[no-any-return]
    except ValidationError as error:
        problems = [(".".join(str(p) for p in e["loc"]) or "(entry)", e["msg"]) for e in error.errors()]
        raise Abort(_prefixed(entity_id, Invalid(problems))) from None


async def _set_redirects(tx: AsyncManagedTransaction, keep: str, drop: str) -> list[str]:
    """Point the dropped id, and the ids merged into it before (its `merged_from`, in order), at
    the kept entity; returns those earlier ids."""
    result = await tx.run(
        "MATCH (d:Entity {id: $drop}), (k:Entity {id: $keep}) "
        "WITH d, k, coalesce(d.merged_from, []) AS earlier "
        "SET d.merged_into = $keep, k.merged_from = coalesce(k.merged_from, []) + [$drop] + earlier "
        "REMOVE d.merged_from "
        "WITH earlier CALL (earlier) { UNWIND earlier AS id MATCH (x:Entity {id: id}) "
        "SET x.merged_into = $keep } RETURN earlier",
        drop=drop,
        keep=keep,
    )
    return [str(i) for i in (await result.single(strict=True))["earlier"]]


async def merge(
    store: Store, keep: str, drop: str, principal: Principal, reason: str, expected_version: int | None
) -> Outcome:
    """Merge `drop` into `keep` (see the module's docstring); Written names the kept entity."""
    if keep == drop:
        raise MergeRefused("bad_input", f"keep and drop are the same id ({keep!r}): nothing to merge")

    async def work(tx: AsyncManagedTransaction) -> Outcome:
        kept, dropped = await _lock_pair(tx, keep, drop)
        for entity_id, state in ((drop, dropped), (keep, kept)):
            if state["merged_into"]:
                raise MergeRefused(
                    "conflict", f"{entity_id!r} was already merged into {state['merged_into']!r}"
                )
            if state["retracted"]:
                raise MergeRefused("conflict", f"{entity_id!r} is retracted; it cannot be merged")
        label = kept["label"]
        if dropped["label"] != label:
            raise MergeRefused(
                "bad_input",
                f"{keep!r} is a {label} and {drop!r} a {dropped['label']}: only the same type merges",
            )
        if label not in MERGEABLE:
            raise MergeRefused("bad_input", f"a {label} cannot be merged (only {', '.join(MERGEABLE)})")
        check_version(keep, kept["version"], expected_version)
        links = await _links_of(tx, drop)
        if links > MAX_MERGE_LINKS:
            raise MergeRefused(
                "too_large", f"{drop!r} has {links} links, over the {MAX_MERGE_LINKS} one merge may move"
            )
        entries = await _entries(tx, [keep, drop, *await _neighbours(tx, drop, [keep, drop])])
        keep_before, drop_before = entries.pop(keep)[1], entries.pop(drop)[1]
        text = f"merge of {drop!r} into {keep!r}: {reason}"
        before: dict[str, EntryData] = {}
        for other, (other_label, entry) in entries.items():
            moved = _checked(other, other_label, retarget, entry, drop, keep)
            if moved != entry:
                before[other] = entry
                await _rewrite(tx, other, moved, "merge", principal, text)
        combined = _checked(keep, label, absorb, keep_before, drop_before)
        before[keep] = keep_before
        written = await _rewrite(tx, keep, combined, "merge", principal, text)
        after = {entity_id: await read_entry(tx, entity_id) for entity_id in before}

        for statement in DELETE_OWNED:
            await (await tx.run(statement, ids=[drop])).consume()
        await retract_entity(tx, drop, label, f"merged into {keep}: {reason}", principal.key_id)
        forwarded = await _set_redirects(tx, keep, drop)
        version = dropped["version"] + 1
        await history.stamp_version(tx, drop, version)
        await remember(tx, drop, label, version, "merge", principal, text, drop_before, None, ["mergedInto"])
        merge_id = f"{drop}@{version}"
        record = {
            "id": merge_id,
            "keep": keep,
            "drop": drop,
            "label": label,
            "key_id": principal.key_id,
            "key_name": principal.name,
            "reason": reason,
            "forwarded": forwarded,
            "dropped": json.dumps(drop_before, sort_keys=True),
            "before": json.dumps(before, sort_keys=True),
            "after": json.dumps(after, sort_keys=True),
        }
        await (
            await tx.run(
                "CREATE (m:Merge) SET m = $record, m.at = datetime(), m.undone = false", record=record
            )
        ).consume()
        return written

    try:
        return await store._write(work)
    except Abort as abort:
        return abort.outcome


async def _restore_dropped(
    tx: AsyncManagedTransaction, drop: str, label: str, entry: EntryData, origin: str
) -> None:
    """The dropped entity live again: its labels, its values and links exactly as before."""
    kind = identifier(label)
    await (
        await tx.run(
            f"MATCH (n:Entity {{id: $id}}) REMOVE n:{RETRACTED}:{RETRACTED}{kind}, n.retracted_reason, "
            f"n.retracted_by, n.retracted_at, n.merged_into SET n:{kind}",
            id=drop,
        )
    ).consume()
    rows = Rows()
    add_entry(rows, CATALOG.entities[label].model_validate(entry), origin)
    await write_rows(tx, drop, rows, False)


async def _drop_redirects(tx: AsyncManagedTransaction, keep: str, drop: str, earlier: list[str]) -> None:
    """The redirects as they were before the merge: the dropped entity's own `merged_from` back,
    and the ids merged into it pointing at it again."""
    await (
        await tx.run(
            "MATCH (k:Entity {id: $keep}), (d:Entity {id: $drop}) "
            "WITH k, d, [i IN coalesce(k.merged_from, []) WHERE NOT i IN $ids] AS left "
            "SET k.merged_from = CASE WHEN size(left) = 0 THEN null ELSE left END, "
            "d.merged_from = CASE WHEN size($earlier) = 0 THEN null ELSE $earlier END "
            "WITH 1 AS one CALL () { UNWIND $earlier AS id MATCH (x:Entity {id: id}) "
            "SET x.merged_into = $drop }",
            keep=keep,
            drop=drop,
            ids=[drop, *earlier],
            earlier=earlier,
        )
    ).consume()


async def unmerge(store: Store, merge_or_drop: str, principal: Principal, reason: str) -> Outcome:
    """Undo a merge, named by its id (`drop@version`) or by the dropped id; Written names the
    restored entity."""

    async def work(tx: AsyncManagedTransaction) -> Outcome:
        result = await tx.run(
            "MATCH (m:Merge) WHERE (m.id = $id OR m.drop = $id) AND NOT m.undone "
            "WITH m ORDER BY m.at DESC LIMIT 1 "
            "SET m.undone = true, m.undone_at = datetime(), m.undone_by = $key "
            "RETURN properties(m) AS m",
            id=merge_or_drop,
            key=principal.key_id,
        )
        found = await result.single()
        if found is None:
            raise MergeRefused(
                "not_found", f"no merge to undo has the id, or dropped the id, {merge_or_drop!r}"
            )
        record: dict[str, Any] = found["m"]
        keep, drop, label = str(record["keep"]), str(record["drop"]), str(record["label"])
        kept, dropped = await _lock_pair(tx, keep, drop)
        if dropped["merged_into"] != keep:
            raise MergeRefused("conflict", f"{drop!r} is not merged into {keep!r} now")
        if kept["merged_into"]:
            message = f"{keep!r} was merged into {kept['merged_into']!r} since: unmerge that first"
            raise MergeRefused("conflict", message)
        text = f"unmerge of {drop!r} from {keep!r}: {reason}"
        entry: EntryData = json.loads(record["dropped"])
        await _restore_dropped(tx, drop, label, entry, str(dropped["origin"] or "api"))
        await _drop_redirects(tx, keep, drop, [str(i) for i in record["forwarded"] or []])
        version = dropped["version"] + 1
        await history.stamp(tx, drop, version, principal.key_id, str(dropped["origin"] or "api"))
        await remember(tx, drop, label, version, "unmerge", principal, text, None, entry, ["mergedInto"])

        before, after = json.loads(record["before"]), json.loads(record["after"])
        current = await _entries(tx, list(before))
        for entity_id in sorted(before, key=lambda i: i == keep):  # the kept one last
            if entity_id not in current:
                continue  # retracted since: it cannot be written, and stays as it is
            restored = unmerge_entry(before[entity_id], after[entity_id], current[entity_id][1])
            await _rewrite(tx, entity_id, restored, "unmerge", principal, text)
        fields = client_names(label, sorted(entry))
        return Written(drop, label, version, False, fields)

    try:
        return await store._write(work)
    except Abort as abort:
        return abort.outcome

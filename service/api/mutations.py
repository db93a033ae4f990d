"""Mutations: sourced writes in the seed file's own terms, with expected failures in the schema.

Inputs are the entries of the seed data files (`service.api.inputs`, coerced by graphql-core
into snake_case keys) and go through the same models and rules as a load (`service.graph.edits`).
An upsert of an existing id changes only the fields it sends (a field sent as null is cleared;
a list sent replaces the list). Results are unions: `Written` on success; `ValidationError`,
`NotFound` and `Conflict` for failures a client should handle.

Each mutation names the role it needs; the engine refuses the whole request before anything
runs when the caller's key does not have it.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLString,
)

from service.api.entry_changes import (
    append_evidence,
    event_id,
    overlay,
    plain,
    set_position,
    set_status,
    without,
)
from service.api.inputs import entry_input
from service.api.matching import GUARDED, guard, guard_args
from service.api.types import Registry, non_null
from service.api.write_results import link_input, write_result
from service.compiler.statement import Statement
from service.domain.roles import Principal, Role
from service.domain.vocab import FacilityStatus, Status
from service.errors import ApiError, ErrorCode
from service.graph import edits, merges
from service.graph.edits import Edit, Outcome
from service.graph.reads import read_result

EXPECTED = "Fail with Conflict unless the entity is at this version (0: must not exist yet)."
REASON = "Why: kept in the history."
GUARD_TIMEOUT = 30.0  # seconds for the duplicate guard's read
DATE_TEXT = "A date as the data files write it: 2025, 2025-H2, 2025-Q3, 2025-11 or 2025-11-20."


@dataclass(frozen=True)
class Write:
    """What one mutation field runs once the caller's role is checked."""

    principal: Principal
    args: dict[str, Any]


Run = Callable[[edits.Store, Write], Awaitable[Outcome]]


@dataclass(frozen=True)
class Mutation:
    field: GraphQLField
    role: Role
    run: Run


# -- what each mutation does ---------------------------------------------------------------------


def _upsert(label: str, action: str = "upsert") -> Run:
    async def run(store: edits.Store, write: Write) -> Outcome:
        sent = plain(write.args["input"], top=True)
        entity_id = str(sent.pop("id"))

        async def read(statement: Statement) -> Any:
            return await read_result(
                store.driver, store.database, statement.text, statement.params, GUARD_TIMEOUT, True
            )

        reason = write.args.get("reason")
        if note := await guard(read, label, entity_id, sent, write.args):
            reason = f"{reason} ({note})" if reason else note
        edit = Edit(entity_id, label, overlay(sent), action, write.principal, reason)
        edit.expected_version = write.args.get("expectedVersion")
        return await store.apply(edit)

    return run


async def _upsert_position(store: edits.Store, write: Write) -> Outcome:
    args = write.args
    change = set_position(plain(args["position"]))
    edit = Edit(str(args["person"]), None, change, "position", write.principal, args.get("reason"))
    edit.expected_version, edit.must_be = args.get("expectedVersion"), "Person"
    return await store.apply(edit)


async def _attach_evidence(store: edits.Store, write: Write) -> Outcome:
    args = write.args
    edit = Edit(str(args["id"]), None, append_evidence(plain(args["evidence"])), "evidence", write.principal)
    edit.reason, edit.expected_version = args.get("reason"), args.get("expectedVersion")
    return await store.apply(edit)


def _status_change(label: str) -> Run:
    async def run(store: edits.Store, write: Write) -> Outcome:
        args = write.args
        entity_id, status, on, reason = str(args["id"]), plain(args["status"]), args["on"], args.get("reason")
        event = {
            "on": on,
            "kind": "status_change",
            "description": f"Status changed to {status}" + (f": {reason}" if reason else ""),
            "subjects": [entity_id],
            "evidence": plain(args["evidence"]),
            # The status it set, dated: what `asOf` reads for the status of then.
            ("facility_status" if label == "Facility" else "partnership_status"): status,
        }
        replaced: dict[str, Any] = {}  # filled by the status edit, read by the event's (run after it)
        edit = Edit(
            entity_id,
            None,
            set_status(status, on, label == "Facility", replaced),
            "status",
            write.principal,
            reason,
        )
        edit.expected_version, edit.must_be = args.get("expectedVersion"), label

        def recorded(current: dict[str, Any] | None) -> dict[str, Any]:
            return overlay({**event, "replaced_status": replaced.get("status")})(current)

        edit.extra.append(
            Edit(event_id(entity_id, status, on), "Event", recorded, "upsert", write.principal, reason)
        )
        return await store.apply(edit)

    return run


async def _retract(store: edits.Store, write: Write) -> Outcome:
    args = write.args
    return await store.retract(str(args["id"]), write.principal, args["reason"], args.get("expectedVersion"))


async def _retract_link(store: edits.Store, write: Write) -> Outcome:
    args = write.args
    edit = Edit(str(args["id"]), None, without(args["link"]), "retract_link", write.principal, args["reason"])
    edit.expected_version = args.get("expectedVersion")
    try:
        return await store.apply(edit)
    except LookupError as error:
        return edits.Missing(str(args["id"]), str(error))


_REFUSALS: dict[merges.Refusal, ErrorCode] = {
    "bad_input": ErrorCode.BAD_USER_INPUT,
    "not_found": ErrorCode.NOT_FOUND,
    "conflict": ErrorCode.CONFLICT,
    "too_large": ErrorCode.QUERY_TOO_COMPLEX,
}


def _coded(outcome: Outcome) -> Outcome:
    """A merge's failures as coded errors: only data-rule problems are a ValidationError answer."""
    match outcome:
        case edits.Missing(message=message):
            raise ApiError(message, ErrorCode.NOT_FOUND)
        case edits.Clash(message=message):
            raise ApiError(message, ErrorCode.CONFLICT)
    return outcome


async def _merge(store: edits.Store, write: Write) -> Outcome:
    args = write.args
    try:
        outcome = await merges.merge(
            store,
            str(args["keep"]),
            str(args["drop"]),
            write.principal,
            args["reason"],
            args.get("expectedVersion"),
        )
    except merges.MergeRefused as refused:
        raise ApiError(str(refused), _REFUSALS[refused.kind]) from None
    return _coded(outcome)


async def _unmerge(store: edits.Store, write: Write) -> Outcome:
    try:
        outcome = await merges.unmerge(store, str(write.args["id"]), write.principal, write.args["reason"])
    except merges.MergeRefused as refused:
        raise ApiError(str(refused), _REFUSALS[refused.kind]) from None
    return _coded(outcome)


def mutations(registry: Registry) -> dict[str, Mutation]:
    """Every mutation root field, by name."""
    # Nullable on purpose: each mutation field commits on its own, so one field's error must
    # null only that field, never the whole `data` with the Written answers of those before it.
    result = write_result(registry)
    common = {
        "expectedVersion": GraphQLArgument(GraphQLInt, description=EXPECTED),
        "reason": GraphQLArgument(GraphQLString, description=REASON),
    }
    target = GraphQLArgument(non_null(GraphQLID), description="Id of the entity to change.")
    evidence = GraphQLArgument(
        non_null(GraphQLList(non_null(entry_input(registry, "EvidenceInput")))),
        description="Sources with verbatim quotes (at least one).",
    )
    table: dict[str, Mutation] = {}
    for label, what in (
        ("Source", "a source page"),
        ("Company", "a company"),
        ("Person", "a person"),
        ("Facility", "a facility"),
        ("Partnership", "a partnership"),
    ):
        description = f"Create {what}, or change the fields sent."
        if label == "Partnership":
            description += (
                " Its SUPPLIES, INVESTS_IN and MONEY_FLOW links are rebuilt in the same transaction."
            )
        args = {
            "input": GraphQLArgument(
                non_null(entry_input(registry, f"{label}Input")), description="The entry, by id."
            )
        }
        if label in GUARDED:
            args.update(guard_args())
            description += (
                " A create whose name strongly matches an existing entity fails with POSSIBLE_DUPLICATE "
                "unless `distinctFrom` or `distinct` says it is another (docs/match.md)."
            )
        table[f"upsert{label}"] = Mutation(
            GraphQLField(result, args={**args, **common}, description=description),
            Role.EDITOR,
            _upsert(label),
        )
    table["upsertPosition"] = Mutation(
        GraphQLField(
            result,
            args={
                "person": GraphQLArgument(non_null(GraphQLID), description="Id of the person."),
                "position": GraphQLArgument(
                    non_null(entry_input(registry, "PositionInput")), description="The position."
                ),
                **common,
            },
            description="Add a person's position, or replace the one with the same company and title.",
        ),
        Role.EDITOR,
        _upsert_position,
    )
    table["attachEvidence"] = Mutation(
        GraphQLField(
            result,
            args={"id": target, "evidence": evidence, **common},
            description="Add evidence (a source and a quote) to an entity.",
        ),
        Role.EDITOR,
        _attach_evidence,
    )
    for label, enum in (("Partnership", Status), ("Facility", FacilityStatus)):
        table[f"change{label}Status"] = Mutation(
            GraphQLField(
                result,
                args={
                    "id": target,
                    "status": GraphQLArgument(non_null(registry.enum(enum)), description="The new status."),
                    "on": GraphQLArgument(non_null(GraphQLString), description=DATE_TEXT),
                    "evidence": evidence,
                    **common,
                },
                description=f"Record a {label.lower()}'s new status as a dated, sourced event (kind "
                "status_change), and make it the current status.",
            ),
            Role.EDITOR,
            _status_change(label),
        )
    reason = GraphQLArgument(non_null(GraphQLString), description=REASON)
    table["retract"] = Mutation(
        GraphQLField(
            result,
            args={"id": target, "reason": reason, "expectedVersion": common["expectedVersion"]},
            description="Hide an entity from every default query, keeping it and its history "
            "(`includeRetracted` shows it). Needs admin.",
        ),
        Role.ADMIN,
        _retract,
    )
    table["retractLink"] = Mutation(
        GraphQLField(
            result,
            args={
                "id": target,
                "link": GraphQLArgument(non_null(link_input(registry)), description="Which link."),
                "reason": reason,
                "expectedVersion": common["expectedVersion"],
            },
            description="Remove one link of an entity (evidence, position, facility tie, party, facility); "
            "the entry before stays in the history. Needs admin.",
        ),
        Role.ADMIN,
        _retract_link,
    )
    table["merge"] = Mutation(
        GraphQLField(
            result,
            args={
                "keep": GraphQLArgument(non_null(GraphQLID), description="Id of the entity that stays."),
                "drop": GraphQLArgument(
                    non_null(GraphQLID),
                    description="Id of its duplicate, of the same type: merged and hidden.",
                ),
                "reason": reason,
                "expectedVersion": GraphQLArgument(
                    GraphQLInt, description="Fail with CONFLICT unless `keep` is at this version."
                ),
            },
            description="Merge a duplicate into the entity it duplicates: its links and evidence move "
            "to `keep` (the same link combined, its names kept as aliases), entities naming it name "
            "`keep`, and lookups of its id answer `keep` (`mergedFrom` lists it). `Written` is `keep`. "
            "Reversible with `unmerge`. Needs admin.",
        ),
        Role.ADMIN,
        _merge,
    )
    table["unmerge"] = Mutation(
        GraphQLField(
            result,
            args={
                "id": GraphQLArgument(
                    non_null(GraphQLID),
                    description="The dropped entity's id, or the merge's id (`<drop>@<version>`, the id of "
                    "the dropped entity's `merge` change).",
                ),
                "reason": reason,
            },
            description="Undo a merge: the dropped entity comes back with exactly its values, links and "
            "evidence, and what the merge added elsewhere goes (later writes stay). `Written` is the "
            "restored entity. Needs admin.",
        ),
        Role.ADMIN,
        _unmerge,
    )
    return table

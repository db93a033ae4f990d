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
from enum import Enum
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLID,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLObjectType,
    GraphQLString,
    GraphQLUnionType,
)

from service.api.inputs import entry_input
from service.api.types import Registry, list_of, non_null
from service.compiler.statement import TYPE_KEY
from service.domain.roles import Principal, Role
from service.domain.vocab import FacilityStatus, Status
from service.graph import edits
from service.graph.edits import Edit, EntryData, Outcome

EXPECTED = "Fail with Conflict unless the entity is at this version (0: must not exist yet)."
REASON = "Why: kept in the history."
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


class LinkKindInput(Enum):
    EVIDENCE = "evidence"
    POSITION = "positions"
    FACILITY_LINK = "links"
    PARTY = "parties"
    FACILITY = "facilities"


# -- inputs as entries ----------------------------------------------------------------------------


def plain(value: Any, top: bool = False) -> Any:
    """A coerced input as the data files would write it: vocabulary values, nothing unsent.

    Only an upsert's own fields keep an explicit null (it clears the field); inside nested
    inputs, null means "not given", as a missing key does in a data file."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if top or v is not None}
    return value


def overlay(sent: dict[str, Any]) -> Callable[[EntryData | None], EntryData]:
    """The change an upsert makes: sent fields over the current entry (None clears a field)."""

    def change(current: EntryData | None) -> EntryData:
        data = dict(current or {})
        for key, value in sent.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return data

    return change


def _append_evidence(items: list[dict[str, Any]]) -> Callable[[EntryData | None], EntryData]:
    def change(current: EntryData | None) -> EntryData:
        data = dict(current or {})
        data["evidence"] = [*data.get("evidence", []), *items]
        return data

    return change


def _set_position(position: dict[str, Any]) -> Callable[[EntryData | None], EntryData]:
    def change(current: EntryData | None) -> EntryData:
        data = dict(current or {})
        kept = [
            p
            for p in data.get("positions", [])
            if (p["company"], p["title"]) != (position["company"], position["title"])
        ]
        data["positions"] = [*kept, position]
        return data

    return change


def _status(status: str, on: str, facility: bool) -> Callable[[EntryData | None], EntryData]:
    def change(current: EntryData | None) -> EntryData:
        data = dict(current or {})
        data["status"] = status
        if facility:
            data["status_as_of"] = on
        return data

    return change


def _without(link: dict[str, Any]) -> Callable[[EntryData | None], EntryData]:
    """Drop the entry's matching link items; nothing matching is a LookupError (NotFound)."""
    kind: LinkKindInput = link["kind"]
    target, quote, title = str(link["target"]), link.get("quote"), link.get("title")

    def matches(item: Any) -> bool:
        match kind:
            case LinkKindInput.EVIDENCE:
                return bool(item["source"] == target and quote in (None, item["quote"]))
            case LinkKindInput.POSITION:
                return bool(item["company"] == target and title in (None, item["title"]))
            case LinkKindInput.FACILITY:
                return bool(item == target)
        return bool(item["company"] == target)

    def change(current: EntryData | None) -> EntryData:
        data = dict(current or {})
        items = data.get(kind.value, [])
        kept = [item for item in items if not matches(item)]
        if len(kept) == len(items):
            raise LookupError(f"no {kind.name.lower().replace('_', ' ')} link to {target!r}")
        data[kind.value] = kept
        return data

    return change


def _event_id(entity_id: str, status: str, on: str) -> str:
    return f"{entity_id}-{status}-{on}".lower().replace("_", "-")[:120]


# -- what each mutation does ---------------------------------------------------------------------


def _upsert(label: str, action: str = "upsert") -> Run:
    async def run(store: edits.Store, write: Write) -> Outcome:
        sent = plain(write.args["input"], top=True)
        entity_id = str(sent.pop("id"))
        edit = Edit(entity_id, label, overlay(sent), action, write.principal, write.args.get("reason"))
        edit.expected_version = write.args.get("expectedVersion")
        return await store.apply(edit)

    return run


async def _upsert_position(store: edits.Store, write: Write) -> Outcome:
    args = write.args
    change = _set_position(plain(args["position"]))
    edit = Edit(str(args["person"]), None, change, "position", write.principal, args.get("reason"))
    edit.expected_version, edit.must_be = args.get("expectedVersion"), "Person"
    return await store.apply(edit)


async def _attach_evidence(store: edits.Store, write: Write) -> Outcome:
    args = write.args
    edit = Edit(str(args["id"]), None, _append_evidence(plain(args["evidence"])), "evidence", write.principal)
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
        }
        edit = Edit(
            entity_id, None, _status(status, on, label == "Facility"), "status", write.principal, reason
        )
        edit.expected_version, edit.must_be = args.get("expectedVersion"), label
        edit.extra.append(
            Edit(_event_id(entity_id, status, on), "Event", overlay(event), "upsert", write.principal, reason)
        )
        return await store.apply(edit)

    return run


async def _retract(store: edits.Store, write: Write) -> Outcome:
    args = write.args
    return await store.retract(str(args["id"]), write.principal, args["reason"], args.get("expectedVersion"))


async def _retract_link(store: edits.Store, write: Write) -> Outcome:
    args = write.args
    edit = Edit(
        str(args["id"]), None, _without(args["link"]), "retract_link", write.principal, args["reason"]
    )
    edit.expected_version = args.get("expectedVersion")
    try:
        return await store.apply(edit)
    except LookupError as error:
        return edits.Missing(str(args["id"]), str(error))


# -- the schema's side ---------------------------------------------------------------------------


def write_result(registry: Registry) -> GraphQLUnionType:
    if "WriteResult" in registry.types:
        found = registry.types["WriteResult"]
        assert isinstance(found, GraphQLUnionType)
        return found
    node = registry.node_interface()
    written = GraphQLObjectType(
        "Written",
        {
            "id": GraphQLField(non_null(GraphQLID), description="The entity's id."),
            "version": GraphQLField(
                non_null(GraphQLInt), description="Its version now (unchanged when nothing changed)."
            ),
            "created": GraphQLField(
                non_null(GraphQLBoolean), description="True when this created the entity."
            ),
            "changed": GraphQLField(
                list_of(GraphQLString),
                description="Fields of the entry that changed, as this API names them "
                "(empty: nothing changed).",
            ),
            "node": GraphQLField(
                node,
                description="The entity as it is now (use fragments for its fields); null, with an error at "
                "this path, if it could not be read back after the write committed.",
            ),
        },
        description="The write was committed (or there was nothing to change).",
    )
    field_error = GraphQLObjectType(
        "FieldError",
        {
            "path": GraphQLField(
                list_of(GraphQLString), description='Path in the entry, e.g. ["parties", "0", "company"].'
            ),
            "message": GraphQLField(non_null(GraphQLString), description="What is wrong."),
        },
        description="One problem with the input: where (the entry's field path) and what.",
    )
    validation = GraphQLObjectType(
        "ValidationError",
        {
            "message": GraphQLField(non_null(GraphQLString), description="A summary."),
            "errors": GraphQLField(list_of(field_error), description="Every problem found."),
        },
        description="The input breaks the data rules; nothing was written.",
    )
    not_found = GraphQLObjectType(
        "NotFound",
        {
            "id": GraphQLField(non_null(GraphQLID), description="The id asked for."),
            "message": GraphQLField(non_null(GraphQLString), description="What was not found."),
        },
        description="The entity to change does not exist; nothing was written.",
    )
    conflict = GraphQLObjectType(
        "Conflict",
        {
            "id": GraphQLField(non_null(GraphQLID), description="The entity's id."),
            "message": GraphQLField(non_null(GraphQLString), description="What conflicts."),
            "currentVersion": GraphQLField(GraphQLInt, description="Its version now, to retry against."),
        },
        description="Someone else wrote first, or the id is taken or retracted; nothing was written.",
    )
    for kind in (written, field_error, validation, not_found, conflict):
        registry.add(kind)
    return registry.add(  # type: ignore[no-any-return]
        GraphQLUnionType(
            "WriteResult",
            [written, validation, not_found, conflict],
            description="What a write did, or why it did not.",
        )
    )


def _link_input(registry: Registry) -> GraphQLInputObjectType:
    kinds = registry.add(
        GraphQLEnumType(
            "LinkKindInput",
            {
                "EVIDENCE": GraphQLEnumValue(
                    LinkKindInput.EVIDENCE, description="Evidence citing `target` (a Source id)."
                ),
                "POSITION": GraphQLEnumValue(
                    LinkKindInput.POSITION, description="A person's position at `target`."
                ),
                "FACILITY_LINK": GraphQLEnumValue(
                    LinkKindInput.FACILITY_LINK, description="A facility's tie to the company `target`."
                ),
                "PARTY": GraphQLEnumValue(LinkKindInput.PARTY, description="A partnership's party `target`."),
                "FACILITY": GraphQLEnumValue(
                    LinkKindInput.FACILITY, description="A partnership's facility `target`."
                ),
            },
            description="Which link of an entity to retract.",
        )
    )
    return registry.add(  # type: ignore[no-any-return]
        GraphQLInputObjectType(
            "LinkInput",
            {
                "kind": GraphQLInputField(non_null(kinds), description="Which kind of link."),
                "target": GraphQLInputField(non_null(GraphQLID), description="The id at the other end."),
                "title": GraphQLInputField(
                    GraphQLString, description="For POSITION: only the position with this title."
                ),
                "quote": GraphQLInputField(
                    GraphQLString, description="For EVIDENCE: only the item with this quote."
                ),
            },
            description="A link of an entity: its kind, the entity at the other end, and details.",
        )
    )


def mutations(registry: Registry) -> dict[str, Mutation]:
    """Every mutation root field, by name."""
    result = non_null(write_result(registry))
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
                "link": GraphQLArgument(non_null(_link_input(registry)), description="Which link."),
                "reason": reason,
                "expectedVersion": common["expectedVersion"],
            },
            description="Remove one link of an entity (evidence, position, facility tie, party, facility); "
            "the entry before stays in the history. Needs admin.",
        ),
        Role.ADMIN,
        _retract_link,
    )
    return table


def outcome_map(outcome: Outcome) -> dict[str, Any]:
    """The union member's map for an outcome (`Written.node` is added by the engine)."""
    match outcome:
        case edits.Written(id=entity_id, version=version, created=created, changed=changed):
            return {
                TYPE_KEY: "Written",
                "id": entity_id,
                "version": version,
                "created": created,
                "changed": changed,
            }
        case edits.Invalid(errors=errors):
            return {
                TYPE_KEY: "ValidationError",
                "message": f"{len(errors)} problem(s); nothing was written",
                "errors": [{"path": path.split("."), "message": message} for path, message in errors],
            }
        case edits.Missing(id=entity_id, message=message):
            return {TYPE_KEY: "NotFound", "id": entity_id, "message": message}
        case edits.Clash(id=entity_id, message=message, current_version=version):
            return {TYPE_KEY: "Conflict", "id": entity_id, "message": message, "currentVersion": version}
    raise AssertionError(outcome)

"""The mutations' answers as GraphQL types: the `WriteResult` union and what it holds, the link
input of `retractLink`, and the map an edit's outcome becomes."""

from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLID,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLObjectType,
    GraphQLString,
    GraphQLUnionType,
)

from service.api.entry_changes import LinkKindInput
from service.api.types import Registry, list_of, non_null
from service.compiler.statement import TYPE_KEY
from service.graph import edits
from service.graph.edits import Outcome


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


def link_input(registry: Registry) -> GraphQLInputObjectType:
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

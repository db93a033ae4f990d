"""Mutations: sourced writes in the seed file's own terms, with expected failures in the schema.

Inputs mirror the entries of the seed data files (`seed/data/*.yaml`, GraphQL's camelCase for
their snake_case keys) and go through the same models and rules (`service.edits`). An upsert of
an existing id changes only the fields it sends (a field sent as null is cleared; a list sent
replaces the list). Results are unions: `Written` on success; `ValidationError`, `NotFound`
and `Conflict` for failures a client should handle; anything unexpected is a masked error.
"""

from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types import Info
from strawberry.types.unset import UNSET

from service import edits
from service.access.roles import Principal, Role, require
from service.api.context import Context
from service.api.selection import root_selection
from service.api.types import (
    CompanyKindEnum,
    FacilityKindEnum,
    FacilityRoleEnum,
    FacilityStatusEnum,
    LocationPrecisionEnum,
    MoneyQualifierEnum,
    Node,
    PartnershipKindEnum,
    PartyRoleEnum,
    PositionRoleEnum,
    SourceTierEnum,
    StatusEnum,
    f,
)
from service.edits import Edit, Entry, Outcome
from service.graph.query.compiler import TYPE_KEY, Compiler
from service.graph.reads import read_result

# -- inputs -------------------------------------------------------------------------------------


def opt(description: str) -> Any:
    """An optional input field that is UNSET (not null) when the client leaves it out."""
    return strawberry.field(description=description, default=UNSET)


DATE_TEXT = "A date as the data files write it: 2025, 2025-H2, 2025-Q3, 2025-11 or 2025-11-20."


@strawberry.input(description="One source's support: the page (a Source id) and a verbatim quote.")
class EvidenceInput:
    source: strawberry.ID = f("Id of an existing Source.")
    quote: str = f("The words on the page that support the fact, verbatim.")
    row: str | None = opt("Row id in the research file, if any.")
    attribute: str | None = opt("What the quote supports, e.g. `Value`.")
    value: str | None = opt("The value it supports, as written.")
    preferred: bool | None = opt("Where sources disagree: true on the claim preferred.")
    note: str | None = opt("Remarks.")
    post_2025: bool | None = strawberry.field(
        name="post2025", description="True for facts after 2025.", default=UNSET
    )


@strawberry.input(description="A web page or release that facts are taken from.")
class SourceInput:
    id: strawberry.ID = f("Slug id, e.g. `reuters-2025-11-20-openai-foxconn`.")
    url: str | None = opt("Address (http or https).")
    title: str | None = opt("Headline.")
    publisher: str | None = opt("Site that hosts the page (required when creating).")
    published: str | None = opt(f"Publication date. {DATE_TEXT}")
    date_basis: str | None = opt("How the date was read: meta, dl, url or cited.")
    tier: SourceTierEnum | None = opt("Reliability (required when creating).")
    note: str | None = opt("Remarks.")


@strawberry.input(description="A company, fund, joint venture or public body.")
class CompanyInput:
    id: strawberry.ID = f("Slug id, e.g. `openai`.")
    name: str | None = opt("Common name (required when creating).")
    kind: CompanyKindEnum | None = opt("What sort of organisation (default COMPANY).")
    legal_name: str | None = opt("Registered name.")
    aliases: list[str] | None = opt("Other names.")
    country: str | None = opt("ISO 3166-1 alpha-2 code.")
    ticker: str | None = opt("Stock ticker.")
    parent: strawberry.ID | None = opt("Id of the parent company.")
    description: str | None = opt("A short neutral description.")
    unknown: list[str] | None = opt("Fields the sources do not give.")
    evidence: list[EvidenceInput] | None = opt("Where the facts come from (at least one in all).")


@strawberry.input(description="A person's title at a company.")
class PositionInput:
    company: strawberry.ID = f("Id of the company.")
    title: str = f("Title as the source gives it.")
    role: PositionRoleEnum = f("The kind of position.")
    since: str | None = opt(f"Start. {DATE_TEXT}")
    until: str | None = opt(f"End. {DATE_TEXT}")
    evidence: list[EvidenceInput] = f("Where this comes from (at least one).")


@strawberry.input(description="A person.")
class PersonInput:
    id: strawberry.ID = f("Slug id, e.g. `sam-altman`.")
    name: str | None = opt("Name (required when creating).")
    aliases: list[str] | None = opt("Other names.")
    positions: list[PositionInput] | None = opt("Every title (replaces the list; see upsertPosition).")
    unknown: list[str] | None = opt("Fields the sources do not give.")
    evidence: list[EvidenceInput] | None = opt("Where the facts come from.")


@strawberry.input(description="Where a facility is.")
class LocationInput:
    city: str | None = opt("City.")
    region: str | None = opt("State or region.")
    country: str | None = opt("ISO 3166-1 alpha-2 code.")
    latitude: float | None = opt("WGS-84 latitude.")
    longitude: float | None = opt("WGS-84 longitude.")
    precision: LocationPrecisionEnum = f("How precisely the location is known.")


@strawberry.input(description="A non-money quantity: power, units, floor space, jobs.")
class CapacityInput:
    amount: float = f("The number.")
    unit: str = f("gw, mw, gpus, racks, racks_per_week, servers, units, acres, sq_ft, jobs, ...")
    qualifier: MoneyQualifierEnum | None = opt("How exact (default EXACT).")


@strawberry.input(description="An amount of money.")
class MoneyInput:
    amount: float | None = opt("Amount in `currency` (none when undisclosed).")
    currency: str | None = opt("ISO 4217 code (default USD).")
    usd: float | None = opt("Value in US dollars, where known.")
    qualifier: MoneyQualifierEnum = f("How exact.")


@strawberry.input(description="Who owns, operates, develops or occupies a facility.")
class FacilityLinkInput:
    company: strawberry.ID = f("Id of the company.")
    kind: FacilityRoleEnum = f("How it is tied to the facility.")
    since: str | None = opt(f"Start. {DATE_TEXT}")
    until: str | None = opt(f"End. {DATE_TEXT}")
    evidence: list[EvidenceInput] = f("Where this comes from (at least one).")


@strawberry.input(description="A data centre, factory, fab or power plant.")
class FacilityInput:
    id: strawberry.ID = f("Slug id, e.g. `foxconn-lordstown`.")
    name: str | None = opt("Name (required when creating).")
    kind: FacilityKindEnum | None = opt("What it is (required when creating).")
    status: FacilityStatusEnum | None = opt("Where it stands; see changeFacilityStatus for a dated change.")
    status_as_of: str | None = opt(f"When the status was last reported. {DATE_TEXT}")
    aliases: list[str] | None = opt("Other names.")
    location: LocationInput | None = opt("Where it is (required when creating).")
    capacity: list[CapacityInput] | None = opt("Quantities.")
    links: list[FacilityLinkInput] | None = opt("Companies tied to it (replaces the list).")
    part_of: strawberry.ID | None = opt("Id of the facility this is part of.")
    description: str | None = opt("A short description.")
    unknown: list[str] | None = opt("Fields the sources do not give.")
    evidence: list[EvidenceInput] | None = opt("Where the facts come from.")


@strawberry.input(description="A party to a partnership and its role.")
class PartyInput:
    company: strawberry.ID = f("Id of the company.")
    role: PartyRoleEnum = f("Its role.")
    value: MoneyInput | None = opt("Its own share, if stated.")


@strawberry.input(description="A deal: parties with roles, money, capacity, facilities, status.")
class PartnershipInput:
    id: strawberry.ID = f("Slug id, e.g. `nvidia-openai-10gw`.")
    name: str | None = opt("Name (required when creating).")
    kind: PartnershipKindEnum | None = opt("What it is about (required when creating).")
    status: StatusEnum | None = opt("Where it stands; see changePartnershipStatus for a dated change.")
    announced: str | None = opt(f"When it was announced. {DATE_TEXT}")
    summary: str | None = opt("A short summary.")
    parties: list[PartyInput] | None = opt("At least two different companies (replaces the list).")
    value: MoneyInput | None = opt("Its total value.")
    capacity: list[CapacityInput] | None = opt("Quantities.")
    facilities: list[strawberry.ID] | None = opt("Ids of the facilities it concerns.")
    products: list[str] | None = opt("Products it covers.")
    part_of: strawberry.ID | None = opt("Id of the partnership this is a part of.")
    unknown: list[str] | None = opt("Fields the sources do not give.")
    evidence: list[EvidenceInput] | None = opt("Where the facts come from.")


@strawberry.enum(
    description="Which link of an entity to retract: EVIDENCE citing `target` (a Source id), a person's "
    "POSITION at `target`, a facility's FACILITY_LINK to `target`, a partnership's PARTY `target` or "
    "its FACILITY `target`."
)
class LinkKindInput(Enum):
    EVIDENCE = "evidence"
    POSITION = "positions"
    FACILITY_LINK = "links"
    PARTY = "parties"
    FACILITY = "facilities"


@strawberry.input(description="A link of an entity: its kind, the entity at the other end, and details.")
class LinkInput:
    kind: LinkKindInput = f("Which kind of link.")
    target: strawberry.ID = f("The id at the other end.")
    title: str | None = opt("For POSITION: only the position with this title.")
    quote: str | None = opt("For EVIDENCE: only the item with this quote.")


# -- results ------------------------------------------------------------------------------------


@strawberry.type(description="The write was made (or there was nothing to change).")
class Written:
    id: strawberry.ID = f("The entity's id.")
    version: int = f("Its version now (unchanged when nothing changed).")
    created: bool = f("True when this created the entity.")
    changed: list[str] = f("Top-level fields of the entry that changed (empty: nothing changed).")
    node: Node | None = f("The entity as it is now (use fragments for its fields).")


@strawberry.type(description="One problem with the input: where (the entry's field path) and what.")
class FieldError:
    path: list[str] = f('Path in the entry, e.g. ["parties", "0", "company"].')
    message: str = f("What is wrong.")


@strawberry.type(description="The input breaks the data rules; nothing was written.")
class ValidationError:
    message: str = f("A summary.")
    errors: list[FieldError] = f("Every problem found.")


@strawberry.type(description="The entity to change does not exist; nothing was written.")
class NotFound:
    id: strawberry.ID = f("The id asked for.")
    message: str = f("What was not found.")


@strawberry.type(
    description="Someone else wrote first, or the id is taken or retracted; nothing was written."
)
class Conflict:
    id: strawberry.ID = f("The entity's id.")
    message: str = f("What conflicts.")
    current_version: int | None = f("Its version now, to retry against.")


WriteResult = Annotated[
    Written | ValidationError | NotFound | Conflict,
    strawberry.union("WriteResult", description="What a write did, or why it did not."),
]

EXPECTED = "Fail with Conflict unless the entity is at this version (0: must not exist yet)."
REASON = "Why: kept in the history."

# -- resolution ---------------------------------------------------------------------------------


def _plain(value: Any, top: bool = False) -> Any:
    """An input as the data files would write it: snake_case keys, enum values, nothing unsent.

    Only an upsert's own fields keep an explicit null (it clears the field); inside nested
    inputs, null means "not given", as a missing key does in a data file."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "__strawberry_definition__"):
        return {k: _plain(v) for k, v in vars(value).items() if v is not UNSET and (top or v is not None)}
    return value


def _overlay(sent: dict[str, Any]) -> Any:
    """The change an upsert makes: sent fields over the current entry (None clears a field)."""

    def change(current: Entry | None) -> Entry:
        data = dict(current or {})
        for key, value in sent.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return data

    return change


async def _result(info: Info[Context, None], outcome: Outcome) -> Any:
    match outcome:
        case edits.Written(id=entity_id, version=version, created=created, changed=changed):
            result: dict[str, Any] = {
                TYPE_KEY: "Written",
                "id": entity_id,
                "version": version,
                "created": created,
                "changed": changed,
            }
            await _project_node(info, entity_id, result)
            return result
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


async def _project_node(info: Info[Context, None], entity_id: str, result: dict[str, Any]) -> None:
    """Answer `node { ... }` under Written with the compiled read of the entity (after the write)."""
    ctx = info.context
    for child in root_selection(info).for_type("Written"):
        if child.name == "node":
            statement = Compiler().node(entity_id, child, retracted=True)
            ctx.statements += 1
            settings = ctx.settings
            result[child.key] = await read_result(
                ctx.driver, settings.neo4j_database, statement, settings.neo4j_query_timeout, causal=True
            )


def _principal(info: Info[Context, None], role: Role, action: str) -> Principal:
    return require(info.context.principal, role, action)


async def _edit(info: Info[Context, None], edit: Edit) -> Any:
    ctx = info.context
    ctx.statements += 1
    return await _result(info, await edits.apply(ctx.driver, ctx.settings.neo4j_database, edit))


def _upsert(
    label: str,
    input_value: Any,
    info: Info[Context, None],
    name: str,
    expected: int | None,
    reason: str | None,
) -> Edit:
    principal = _principal(info, Role.EDITOR, name)
    sent = _plain(input_value, top=True)
    entity_id = str(sent.pop("id"))
    return Edit(entity_id, label, _overlay(sent), "upsert", principal, reason, expected)


def _append_evidence(items: list[dict[str, Any]]) -> Any:
    def change(current: Entry | None) -> Entry:
        data = dict(current or {})
        data["evidence"] = [*data.get("evidence", []), *items]
        return data

    return change


def _set_position(position: dict[str, Any]) -> Any:
    def change(current: Entry | None) -> Entry:
        data = dict(current or {})
        kept = [
            p
            for p in data.get("positions", [])
            if (p["company"], p["title"]) != (position["company"], position["title"])
        ]
        data["positions"] = [*kept, position]
        return data

    return change


def _status(status: str, on: str, facility: bool) -> Any:
    def change(current: Entry | None) -> Entry:
        data = dict(current or {})
        data["status"] = status
        if facility:
            data["status_as_of"] = on
        return data

    return change


def _without(link: LinkInput) -> Any:
    """Drop the entry's matching link items; nothing matching is a LookupError (NotFound)."""
    kind, target = link.kind, str(link.target)
    quote = link.quote if isinstance(link.quote, str) else None
    title = link.title if isinstance(link.title, str) else None

    def matches(item: Any) -> bool:
        match kind:
            case LinkKindInput.EVIDENCE:
                return bool(item["source"] == target and quote in (None, item["quote"]))
            case LinkKindInput.POSITION:
                return bool(item["company"] == target and title in (None, item["title"]))
            case LinkKindInput.FACILITY:
                return bool(item == target)
        return bool(item["company"] == target)

    def change(current: Entry | None) -> Entry:
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


Expected = Annotated[int | None, strawberry.argument(description=EXPECTED)]
Reason = Annotated[str | None, strawberry.argument(description=REASON)]
TargetId = Annotated[strawberry.ID, strawberry.argument(description="Id of the entity to change.")]
Evidence = Annotated[
    list[EvidenceInput], strawberry.argument(description="Sources with verbatim quotes (at least one).")
]


@strawberry.type(description="Writes: each needs an API key (editor; retractions need admin).")
class Mutation:
    @strawberry.mutation(description="Create a source page, or change the fields sent.")
    async def upsert_source(
        self,
        info: Info[Context, None],
        input: Annotated[SourceInput, strawberry.argument(description="The source page.")],
        expected_version: Expected = None,
        reason: Reason = None,
    ) -> WriteResult:
        return await _edit(info, _upsert("Source", input, info, "upsertSource", expected_version, reason))

    @strawberry.mutation(description="Create a company, or change the fields sent.")
    async def upsert_company(
        self,
        info: Info[Context, None],
        input: Annotated[CompanyInput, strawberry.argument(description="The company, by id.")],
        expected_version: Expected = None,
        reason: Reason = None,
    ) -> WriteResult:
        return await _edit(info, _upsert("Company", input, info, "upsertCompany", expected_version, reason))

    @strawberry.mutation(description="Create a person, or change the fields sent.")
    async def upsert_person(
        self,
        info: Info[Context, None],
        input: Annotated[PersonInput, strawberry.argument(description="The person, by id.")],
        expected_version: Expected = None,
        reason: Reason = None,
    ) -> WriteResult:
        return await _edit(info, _upsert("Person", input, info, "upsertPerson", expected_version, reason))

    @strawberry.mutation(description="Create a facility, or change the fields sent.")
    async def upsert_facility(
        self,
        info: Info[Context, None],
        input: Annotated[FacilityInput, strawberry.argument(description="The facility, by id.")],
        expected_version: Expected = None,
        reason: Reason = None,
    ) -> WriteResult:
        return await _edit(info, _upsert("Facility", input, info, "upsertFacility", expected_version, reason))

    @strawberry.mutation(
        description="Create a partnership, or change the fields sent; its SUPPLIES, INVESTS_IN and "
        "MONEY_FLOW edges are rebuilt in the same transaction."
    )
    async def upsert_partnership(
        self,
        info: Info[Context, None],
        input: Annotated[PartnershipInput, strawberry.argument(description="The partnership, by id.")],
        expected_version: Expected = None,
        reason: Reason = None,
    ) -> WriteResult:
        edit = _upsert("Partnership", input, info, "upsertPartnership", expected_version, reason)
        return await _edit(info, edit)

    @strawberry.mutation(
        description="Add a person's position, or replace the one with the same company and title."
    )
    async def upsert_position(
        self,
        info: Info[Context, None],
        person: Annotated[strawberry.ID, strawberry.argument(description="Id of the person.")],
        position: Annotated[PositionInput, strawberry.argument(description="The position.")],
        expected_version: Expected = None,
        reason: Reason = None,
    ) -> WriteResult:
        principal = _principal(info, Role.EDITOR, "upsertPosition")
        change = _set_position(_plain(position))
        edit = Edit(
            str(person), None, change, "position", principal, reason, expected_version, must_be="Person"
        )
        return await _edit(info, edit)

    @strawberry.mutation(description="Add evidence (a source and a quote) to an entity.")
    async def attach_evidence(
        self,
        info: Info[Context, None],
        id: TargetId,
        evidence: Evidence,
        expected_version: Expected = None,
        reason: Reason = None,
    ) -> WriteResult:
        principal = _principal(info, Role.EDITOR, "attachEvidence")
        change = _append_evidence(_plain(evidence))
        return await _edit(info, Edit(str(id), None, change, "evidence", principal, reason, expected_version))

    @strawberry.mutation(
        description="Record a partnership's new status as a dated, sourced event (kind status_change), "
        "and make it the current status."
    )
    async def change_partnership_status(
        self,
        info: Info[Context, None],
        id: TargetId,
        status: Annotated[StatusEnum, strawberry.argument(description="The new status.")],
        on: Annotated[str, strawberry.argument(description=DATE_TEXT)],
        evidence: Evidence,
        expected_version: Expected = None,
        reason: Reason = None,
    ) -> WriteResult:
        value = _plain(status)
        return await _status_change(
            info, "Partnership", str(id), value, on, evidence, expected_version, reason
        )

    @strawberry.mutation(
        description="Record a facility's new status as a dated, sourced event (kind status_change), "
        "and make it the current status as of that date."
    )
    async def change_facility_status(
        self,
        info: Info[Context, None],
        id: TargetId,
        status: Annotated[FacilityStatusEnum, strawberry.argument(description="The new status.")],
        on: Annotated[str, strawberry.argument(description=DATE_TEXT)],
        evidence: Evidence,
        expected_version: Expected = None,
        reason: Reason = None,
    ) -> WriteResult:
        value = _plain(status)
        return await _status_change(info, "Facility", str(id), value, on, evidence, expected_version, reason)

    @strawberry.mutation(
        description="Hide an entity from every default query, keeping it and its history "
        "(`includeRetracted` shows it). Needs admin."
    )
    async def retract(
        self,
        info: Info[Context, None],
        id: TargetId,
        reason: Annotated[str, strawberry.argument(description=REASON)],
        expected_version: Expected = None,
    ) -> WriteResult:
        principal = _principal(info, Role.ADMIN, "retract")
        ctx = info.context
        ctx.statements += 1
        database = ctx.settings.neo4j_database
        outcome = await edits.retract(ctx.driver, database, str(id), principal, reason, expected_version)
        return await _result(info, outcome)

    @strawberry.mutation(
        description="Remove one link of an entity (evidence, position, facility tie, party, facility); "
        "the entry before stays in the history. Needs admin."
    )
    async def retract_link(
        self,
        info: Info[Context, None],
        id: TargetId,
        link: Annotated[LinkInput, strawberry.argument(description="Which link.")],
        reason: Annotated[str, strawberry.argument(description=REASON)],
        expected_version: Expected = None,
    ) -> WriteResult:
        principal = _principal(info, Role.ADMIN, "retractLink")
        edit = Edit(str(id), None, _without(link), "retract_link", principal, reason, expected_version)
        try:
            return await _edit(info, edit)
        except LookupError as error:
            return await _result(info, edits.Missing(str(id), str(error)))


async def _status_change(
    info: Info[Context, None],
    label: str,
    entity_id: str,
    status: str,
    on: str,
    evidence: list[EvidenceInput],
    expected: int | None,
    reason: str | None,
) -> Any:
    name = "changeFacilityStatus" if label == "Facility" else "changePartnershipStatus"
    principal = _principal(info, Role.EDITOR, name)
    items = _plain(evidence)
    event = {
        "on": on,
        "kind": "status_change",
        "description": f"Status changed to {status}" + (f": {reason}" if reason else ""),
        "subjects": [entity_id],
        "evidence": items,
    }
    event_edit = Edit(_event_id(entity_id, status, on), "Event", _overlay(event), "upsert", principal, reason)
    change = _status(status, on, label == "Facility")
    edit = Edit(entity_id, None, change, "status", principal, reason, expected, must_be=label)
    edit.extra.append(event_edit)
    return await _edit(info, edit)

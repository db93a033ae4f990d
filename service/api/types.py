"""The GraphQL object types: what clients see and GraphiQL documents.

These classes only declare the schema. Values come from the compiled Cypher statement, already
shaped as maps keyed by response key; `service.api.schema` wires every field to read its key.
"""

from collections.abc import Mapping
from enum import Enum
from typing import Annotated, Any, NewType, NoReturn

import strawberry

from seed.vocab import (
    COMPANY_KIND_DEFINITIONS,
    FACILITY_KIND_DEFINITIONS,
    FACILITY_STATUS_DEFINITIONS,
    MONEY_QUALIFIER_DEFINITIONS,
    PARTNERSHIP_KIND_DEFINITIONS,
    PARTY_ROLE_DEFINITIONS,
    SOURCE_TIER_DEFINITIONS,
    STATUS_DEFINITIONS,
    CompanyKind,
    DatePrecision,
    FacilityKind,
    FacilityLinkKind,
    FacilityStatus,
    LocationPrecision,
    MoneyQualifier,
    PartnershipKind,
    PartyRole,
    PositionRole,
    SourceTier,
    Status,
)

Date = NewType("Date", str)
# Registered through StrawberryConfig.scalar_map (see service.api.schema.build_schema).
DATE_SCALAR = strawberry.scalar(
    name="Date",
    description="A calendar date, ISO 8601 (YYYY-MM-DD). Partial dates come with a precision field "
    "and are stored as the first day of their period.",
    serialize=str,
    parse_value=str,
)

# (enum, description, value definitions) — the definitions of seed/vocab.py become the value
# descriptions clients see in GraphiQL.
ENUMS: dict[str, tuple[type[Enum], str, Mapping[Any, str]]] = {
    "CompanyKind": (CompanyKind, "What sort of organisation a company is.", COMPANY_KIND_DEFINITIONS),
    "PartnershipKind": (PartnershipKind, "What a partnership is about.", PARTNERSHIP_KIND_DEFINITIONS),
    "Status": (Status, "Where a partnership stands.", STATUS_DEFINITIONS),
    "PartyRole": (PartyRole, "A party's role in a partnership.", PARTY_ROLE_DEFINITIONS),
    "MoneyQualifier": (MoneyQualifier, "How exact an amount is.", MONEY_QUALIFIER_DEFINITIONS),
    "FacilityKind": (FacilityKind, "What a facility is.", FACILITY_KIND_DEFINITIONS),
    "FacilityStatus": (FacilityStatus, "Where a facility stands.", FACILITY_STATUS_DEFINITIONS),
    "FacilityRole": (FacilityLinkKind, "How a company is tied to a facility.", {}),
    "LocationPrecision": (LocationPrecision, "How precisely a location is known.", {}),
    "DatePrecision": (DatePrecision, "How precisely a date is known (a month is not a day).", {}),
    "PositionRole": (PositionRole, "The kind of position an executive holds.", {}),
    "SourceTier": (SourceTier, "How reliable a source is.", SOURCE_TIER_DEFINITIONS),
}
CompanyKindEnum = strawberry.enum(CompanyKind, name="CompanyKind", description=ENUMS["CompanyKind"][1])
PartnershipKindEnum = strawberry.enum(
    PartnershipKind, name="PartnershipKind", description=ENUMS["PartnershipKind"][1]
)
StatusEnum = strawberry.enum(Status, name="Status", description=ENUMS["Status"][1])
PartyRoleEnum = strawberry.enum(PartyRole, name="PartyRole", description=ENUMS["PartyRole"][1])
MoneyQualifierEnum = strawberry.enum(
    MoneyQualifier, name="MoneyQualifier", description=ENUMS["MoneyQualifier"][1]
)
FacilityKindEnum = strawberry.enum(FacilityKind, name="FacilityKind", description=ENUMS["FacilityKind"][1])
FacilityStatusEnum = strawberry.enum(
    FacilityStatus, name="FacilityStatus", description=ENUMS["FacilityStatus"][1]
)
FacilityRoleEnum = strawberry.enum(
    FacilityLinkKind, name="FacilityRole", description=ENUMS["FacilityRole"][1]
)
LocationPrecisionEnum = strawberry.enum(
    LocationPrecision, name="LocationPrecision", description=ENUMS["LocationPrecision"][1]
)
DatePrecisionEnum = strawberry.enum(
    DatePrecision, name="DatePrecision", description=ENUMS["DatePrecision"][1]
)
PositionRoleEnum = strawberry.enum(PositionRole, name="PositionRole", description=ENUMS["PositionRole"][1])
SourceTierEnum = strawberry.enum(SourceTier, name="SourceTier", description=ENUMS["SourceTier"][1])


WHERE_ARG = strawberry.argument(description="Filters (nested operators, AND/OR/NOT, some/none/all).")
ORDER_ARG = strawberry.argument(description="Ordering; ties are broken by id.")
FIRST_ARG = strawberry.argument(description="Page size: default 20, at most 100.")
AFTER_ARG = strawberry.argument(
    description="Items after this cursor (an `endCursor` of the same list and order)."
)


def f(description: str) -> Any:
    """A field with a client-facing description (values are filled by the compiled statement)."""
    return strawberry.field(description=description)


@strawberry.type(description="Why and when an entity was retracted (it keeps its data and history).")
class Retraction:
    reason: str = f("Why, as the admin who retracted it said.")
    at: str = f("When (ISO 8601, UTC).")
    key_id: str = f("Id of the API key that retracted it.")


@strawberry.type(
    description="One change made through the API: who, when, what and why, with the entry before and after."
)
class Change:
    version: int = f("The entity's version after this change.")
    action: str = f("What was done: upsert, evidence, position, status, retract or retract_link.")
    at: str = f("When (ISO 8601, UTC).")
    key_id: str = f("Id of the API key that made it.")
    key_name: str = f("Name of that key.")
    reason: str | None = f("Why, as the writer said.")
    fields: list[str] = f("Top-level fields of the entry that changed.")
    before: str | None = f("The entry before, as JSON in the seed file format (null when it was created).")
    after: str | None = f("The entry after, as JSON in the seed file format.")


@strawberry.interface(description="Anything with a stable, human-readable id (a lower-case slug).")
class Node:
    id: strawberry.ID = f("Stable slug id, unique across all types, e.g. `openai` or `foxconn-lordstown`.")
    version: int = f("1 as loaded, plus one for every change made through the API (see `expectedVersion`).")
    retracted: bool = f("True once retracted: hidden from lists and lookups unless `includeRetracted`.")
    retraction: Retraction | None = f("Why and when it was retracted.")

    @strawberry.field(description="Changes made through the API, newest first.")
    def history(
        self, first: Annotated[int, FIRST_ARG] = 20, after: Annotated[str | None, AFTER_ARG] = None
    ) -> "ChangeConnection":
        return compiled()


@strawberry.type(description="Pagination state of a connection (keyset cursors: stable under inserts).")
class PageInfo:
    has_next_page: bool = f("True when more items follow `endCursor`.")
    has_previous_page: bool = f("True when this page was asked for with `after`.")
    start_cursor: str | None = f("Cursor of the first item of this page.")
    end_cursor: str | None = f("Cursor of the last item of this page; pass it as `after` for the next page.")


@strawberry.type(description="A web page or release that facts are taken from.")
class Source(Node):
    title: str | None = f("Headline as it appears on the page, when it has one.")
    publisher: str = f("Site that hosts the page, with syndication notes.")
    url: str | None = f("Address of the page.")
    published_on: Date | None = f("Publication date (first day of the period for partial dates).")
    published_precision: DatePrecisionEnum | None = f("Precision of `publishedOn`.")
    date_basis: str | None = f("How the date was read: meta, dl (dateline), url or cited.")
    tier: SourceTierEnum = f("Reliability: A primary, B established outlet, C lead to be confirmed.")
    note: str | None = f("Remarks from the source register.")
    synthetic: bool = f("True for generated test data.")


@strawberry.type(description="One source's support for a fact: the page and the verbatim quote.")
class Evidence:
    source: Source = f("The page.")
    quote: str | None = f("Verbatim quote from the page (at most 25 words).")
    attribute: str | None = f("What the quote supports, e.g. `status` or `Identity`.")
    value: str | None = f("The value it supports, as stated.")
    preferred: bool | None = f("Where sources disagree: true on the preferred claim, false on the other.")
    note: str | None = f("Notes such as the conflict it belongs to, or 'tier C only; unconfirmed'.")
    row: str | None = f("Row id in the research file, e.g. D01.")
    post2025: bool = f("True when the page is dated after 2025.")


def connection(
    module: str, name: str, node: str, edge_fields: dict[str, tuple[str, str]] | None = None
) -> tuple[type, type]:
    """A GitHub-style connection type and its edge type; names in the annotations resolve in `module`."""
    annotations = {"cursor": "str", "node": node, **{k: t for k, (t, _) in (edge_fields or {}).items()}}
    edge_ns: dict[str, object] = {
        "__annotations__": annotations,
        "__module__": module,
        "cursor": f("Cursor of this edge."),
        "node": f(f"The {node.lower()}."),
        **{k: f(d) for k, (_, d) in (edge_fields or {}).items()},
    }
    edge = strawberry.type(type(f"{name}Edge", (), edge_ns), description=f"An edge to a {node.lower()}.")
    connection_ns: dict[str, object] = {
        "__annotations__": {
            "total_count": "int",
            "page_info": "PageInfo",
            "edges": f"list[{name}Edge]",
            "nodes": f"list[{node}]",
        },
        "__module__": module,
        "total_count": f("Number of items in the whole list (counted only when asked for)."),
        "page_info": f("Paging state."),
        "edges": f("Items with their cursors and edge data."),
        "nodes": f("Items without cursors."),
    }
    connection = strawberry.type(
        type(f"{name}Connection", (), connection_ns), description=f"A page of {node.lower()} items."
    )
    return connection, edge


EvidenceConnection, EvidenceEdge = connection(__name__, "Evidence", "Evidence")


@strawberry.type(description="A dated happening in the history of a facility, company or partnership.")
class Event(Node):
    on: Date = f("When it happened (first day of the period for partial dates).")
    on_precision: DatePrecisionEnum = f("Precision of `on`.")
    kind: str = f("e.g. groundbreaking, sale, scale_back, status_change.")
    description: str = f("What happened.")

    @strawberry.field(description="Where this is documented.")
    def sources(
        self, first: Annotated[int, FIRST_ARG] = 20, after: Annotated[str | None, AFTER_ARG] = None
    ) -> EvidenceConnection:
        return compiled()


EventConnection, EventEdge = connection(__name__, "Event", "Event")


@strawberry.type(description="An amount of money with its currency, USD value and exactness.")
class Money:
    amount: float | None = f("Amount in `currency`; empty when undisclosed.")
    currency: str | None = f("ISO 4217 currency code.")
    usd: float | None = f("Value in US dollars, where the amount is in USD or a source gives it.")
    qualifier: MoneyQualifierEnum = f("exact, up to, at least, approximately, undisclosed, estimated.")


@strawberry.type(description="A non-money quantity: power, units, floor space, jobs.")
class Capacity:
    amount: float = f("The number.")
    unit: str = f(
        "gw, mw, gpus, racks, racks_per_week, servers, units, acres, sq_ft, jobs, "
        "wafers_per_month or percent."
    )
    qualifier: MoneyQualifierEnum = f("How exact the number is.")


@strawberry.type(
    description="Where a facility is. No coordinates are invented: they stay empty when unknown."
)
class Location:
    city: str | None = f("City or town.")
    state: str | None = f("State, province or region.")
    country: str | None = f("ISO 3166-1 alpha-2 country code.")
    latitude: float | None = f("WGS-84 latitude, when a source gives it.")
    longitude: float | None = f("WGS-84 longitude, when a source gives it.")
    precision: LocationPrecisionEnum = f("How precisely the location is known.")


def compiled() -> NoReturn:
    """Body of fields that take arguments: the compiled statement answers them, never this."""
    raise RuntimeError("answered by the compiled Cypher statement")


ChangeConnection, ChangeEdge = connection(__name__, "Change", "Change")


@strawberry.enum(description="Kinds of link a path may use.")
class LinkKind(Enum):
    SUPPLY = strawberry.enum_value("SUPPLY", description="SUPPLIES: supplier to customer.")
    MONEY = strawberry.enum_value("MONEY", description="MONEY_FLOW: payer to payee.")
    OWNERSHIP = strawberry.enum_value("OWNERSHIP", description="INVESTS_IN and SUBSIDIARY_OF.")
    EXECUTIVE = strawberry.enum_value("EXECUTIVE", description="HOLDS_POSITION: a person's title.")
    FACILITY = strawberry.enum_value(
        "FACILITY", description="OWNS, OPERATES, DEVELOPS, OCCUPIES, CONCERNS and PART_OF."
    )
    PARTNERSHIP = strawberry.enum_value("PARTNERSHIP", description="PARTY_TO: a company in a deal.")
    HISTORY = strawberry.enum_value("HISTORY", description="ABOUT: a dated event and what it concerns.")


@strawberry.type(description="How many links of one kind a company has.")
class LinkCount:
    kind: LinkKind = f("The kind of link.")
    count: int = f("How many.")


@strawberry.type(description="Value of a company's deals with one status and qualifier.")
class MoneyByStatus:
    status: StatusEnum = f("Partnership status (signed apart from unfinalized, and so on).")
    qualifier: MoneyQualifierEnum | None = f("Exactness: 'up to' amounts apart from exact ones.")
    value_usd: float | None = f("Sum of the deals' USD values, where known.")
    partnerships: int = f("Number of deals.")


@strawberry.type(description="Figures about one company.")
class CompanyStats:
    degree: list[LinkCount] = f("Links by kind.")
    suppliers: int = f("Distinct companies that supply it.")
    customers: int = f("Distinct companies it supplies.")
    money_in: list[MoneyByStatus] = f("Deals that pay it, by status and exactness.")
    money_out: list[MoneyByStatus] = f("Deals it pays into, by status and exactness.")

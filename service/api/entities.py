"""The entity types (Company, Person, Facility, Partnership), their positions, parties, edges and
connections. Fields with arguments take one of the shared resolvers below for their signature;
the compiled statement answers them, so the resolvers never run.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from service.api.inputs import (
    CompanyOrder,
    CompanyWhere,
    EventOrder,
    FacilityOrder,
    FacilityWhere,
    PartnershipOrder,
    PartnershipWhere,
)
from service.api.types import (
    AFTER_ARG,
    FIRST_ARG,
    ORDER_ARG,
    WHERE_ARG,
    Capacity,
    CompanyKindEnum,
    CompanyStats,
    Date,
    DatePrecisionEnum,
    EventConnection,
    Evidence,
    EvidenceConnection,
    FacilityKindEnum,
    FacilityRoleEnum,
    FacilityStatusEnum,
    Location,
    Money,
    Node,
    PageInfo,
    PartnershipKindEnum,
    PartyRoleEnum,
    PositionRoleEnum,
    Source,
    StatusEnum,
    compiled,
    connection,
    f,
)

First = Annotated[int, FIRST_ARG]
After = Annotated[str | None, AFTER_ARG]


def _evidence(first: First = 20, after: After = None) -> EvidenceConnection:
    return compiled()


def _events(
    first: First = 20, after: After = None, order_by: Annotated[EventOrder | None, ORDER_ARG] = None
) -> EventConnection:
    return compiled()


def _positions(first: First = 20, after: After = None) -> ExecutiveConnection:
    return compiled()


def _company_links(
    where: Annotated[CompanyWhere | None, WHERE_ARG] = None,
    order_by: Annotated[CompanyOrder | None, ORDER_ARG] = None,
    first: First = 20,
    after: After = None,
) -> CompanyLinkConnection:
    return compiled()


def _companies(
    where: Annotated[CompanyWhere | None, WHERE_ARG] = None,
    order_by: Annotated[CompanyOrder | None, ORDER_ARG] = None,
    first: First = 20,
    after: After = None,
) -> CompanyConnection:
    return compiled()


def _facility_companies(
    where: Annotated[CompanyWhere | None, WHERE_ARG] = None,
    order_by: Annotated[CompanyOrder | None, ORDER_ARG] = None,
    first: First = 20,
    after: After = None,
) -> FacilityCompanyConnection:
    return compiled()


def _company_facilities(
    where: Annotated[FacilityWhere | None, WHERE_ARG] = None,
    order_by: Annotated[FacilityOrder | None, ORDER_ARG] = None,
    first: First = 20,
    after: After = None,
) -> CompanyFacilityConnection:
    return compiled()


def _facilities(
    where: Annotated[FacilityWhere | None, WHERE_ARG] = None,
    order_by: Annotated[FacilityOrder | None, ORDER_ARG] = None,
    first: First = 20,
    after: After = None,
) -> FacilityConnection:
    return compiled()


def _company_partnerships(
    where: Annotated[PartnershipWhere | None, WHERE_ARG] = None,
    order_by: Annotated[PartnershipOrder | None, ORDER_ARG] = None,
    first: First = 20,
    after: After = None,
) -> CompanyPartnershipConnection:
    return compiled()


def _partnerships(
    where: Annotated[PartnershipWhere | None, WHERE_ARG] = None,
    order_by: Annotated[PartnershipOrder | None, ORDER_ARG] = None,
    first: First = 20,
    after: After = None,
) -> PartnershipConnection:
    return compiled()


def _related(resolver: object, description: str) -> Any:
    return strawberry.field(resolver=resolver, description=description)  # type: ignore[call-overload]


@strawberry.type(description="A company, fund, joint venture or public body.")
class Company(Node):
    name: str = f("Common name.")
    kind: CompanyKindEnum = f("What sort of organisation it is.")
    legal_name: str | None = f("Registered name, where the sources give it.")
    aliases: list[str] = f("Other names it goes by.")
    country: str | None = f("ISO 3166-1 alpha-2 country code, where the sources give it.")
    ticker: str | None = f("Stock ticker.")
    description: str | None = f("A short neutral description from the sources.")
    unknown: list[str] = f("Fields the sources did not give (left empty on purpose).")
    synthetic: bool = f("True for generated test data.")
    sources: EvidenceConnection = _related(_evidence, "Where the facts about this company come from.")
    events: EventConnection = _related(_events, "Dated events that concern this company.")
    executives: ExecutiveConnection = _related(
        _positions, "People holding positions at this company (one item per title)."
    )
    facilities: CompanyFacilityConnection = _related(
        _company_facilities, "Facilities it owns, operates, develops or occupies, with its roles."
    )
    partnerships: CompanyPartnershipConnection = _related(
        _company_partnerships, "Partnerships it is a party to, with its roles in each."
    )
    suppliers: CompanyLinkConnection = _related(
        _company_links, "Companies that supply it, each with the partnerships that make the link."
    )
    customers: CompanyLinkConnection = _related(
        _company_links, "Companies it supplies, each with the partnerships that make the link."
    )
    investors: CompanyLinkConnection = _related(
        _company_links, "Companies that invest in it, with the partnerships behind each."
    )
    investments: CompanyLinkConnection = _related(
        _company_links, "Companies it invests in, with the partnerships behind each."
    )
    partners: CompanyLinkConnection = _related(
        _company_links, "Companies that share at least one partnership with it."
    )
    parent: Company | None = f("The company this one belongs to, if any.")
    subsidiaries: CompanyConnection = _related(_companies, "Companies that belong to this one.")
    stats: CompanyStats = f("Figures: links by kind, suppliers and customers, money in and out by status.")


@strawberry.type(description="A person named in the sources.")
class Person(Node):
    name: str = f("Full name.")
    aliases: list[str] = f("Other names.")
    unknown: list[str] = f("Fields the sources did not give.")
    synthetic: bool = f("True for generated test data.")
    sources: EvidenceConnection = _related(_evidence, "Where the facts about this person come from.")
    positions: ExecutiveConnection = _related(
        _positions, "Positions this person holds or held (one item per title)."
    )


@strawberry.type(description="A person's position at a company: one title, with its dates and sources.")
class Executive:
    person: Person = f("Who.")
    company: Company = f("Where.")
    title: str = f("Title as stated, e.g. 'Chairman and CEO' is two positions.")
    role: PositionRoleEnum = f("Kind of position.")
    since: Date | None = f("Start, where known.")
    since_precision: DatePrecisionEnum | None = f("Precision of `since`.")
    until: Date | None = f("End, where known.")
    until_precision: DatePrecisionEnum | None = f("Precision of `until`.")
    current: bool = f("Held today: no end date, or an end date in the future.")
    sources: list[Evidence] = f("Where the position is documented.")


@strawberry.type(description="A data centre, fab, factory or other site.")
class Facility(Node):
    name: str = f("Name.")
    kind: FacilityKindEnum = f("What it is.")
    status: FacilityStatusEnum = f("Where it stands (as of `statusAsOf`).")
    status_as_of: Date | None = f("Date of the page the status comes from.")
    status_as_of_precision: DatePrecisionEnum | None = f("Precision of `statusAsOf`.")
    aliases: list[str] = f("Other names.")
    description: str | None = f("A short description from the sources.")
    power_mw: float | None = f("Largest stated power capacity, in MW.")
    location: Location = f("Where it is.")
    capacity: list[Capacity] = f("Stated capacities (power, GPUs, jobs, floor space...).")
    unknown: list[str] = f("Fields the sources did not give.")
    synthetic: bool = f("True for generated test data.")
    sources: EvidenceConnection = _related(_evidence, "Where the facts about this facility come from.")
    events: EventConnection = _related(_events, "Its history: dated events.")
    companies: FacilityCompanyConnection = _related(
        _facility_companies, "Companies that own, operate, develop or occupy it, with their roles."
    )
    partnerships: PartnershipConnection = _related(_partnerships, "Partnerships that concern it.")
    part_of: Facility | None = f("The larger site this one is part of.")
    parts: FacilityConnection = _related(_facilities, "Buildings or phases that are part of this site.")


@strawberry.type(description="A company taking part in a partnership, in one role.")
class Party:
    company: Company = f("The company.")
    role: PartyRoleEnum = f("Its role; a company may take part in several roles.")
    value: Money | None = f("This party's own amount, where the sources give one.")


@strawberry.type(description="A deal, agreement or collaboration between companies.")
class Partnership(Node):
    name: str = f("Descriptive name.")
    kind: PartnershipKindEnum = f("What it is about.")
    status: StatusEnum = f("Where it stands, by the newest sourced information.")
    announced_on: Date | None = f("Announcement date (first day of the period for partial dates).")
    announced_precision: DatePrecisionEnum | None = f("Precision of `announcedOn`.")
    summary: str | None = f("One neutral sentence from the sources.")
    value: Money | None = f("Total value, with currency, USD value and exactness.")
    capacity: list[Capacity] = f("Non-money quantities (GW, GPUs, wafers per month...).")
    products: list[str] = f("Products it concerns.")
    parties: list[Party] = f("Companies taking part and their roles.")
    unknown: list[str] = f("Fields the sources did not give (e.g. an undisclosed value).")
    synthetic: bool = f("True for generated test data.")
    sources: EvidenceConnection = _related(_evidence, "Where the facts about this partnership come from.")
    events: EventConnection = _related(_events, "Dated events in its history (e.g. status changes).")
    facilities: FacilityConnection = _related(_facilities, "Facilities it concerns.")
    part_of: Partnership | None = f("The larger agreement this one is a part or tranche of.")
    parts: PartnershipConnection = _related(
        _partnerships, "Agreements that are parts or tranches of this one."
    )


CompanyConnection, CompanyEdge = connection(__name__, "Company", "Company")
PersonConnection, PersonEdge = connection(__name__, "Person", "Person")
FacilityConnection, FacilityEdge = connection(__name__, "Facility", "Facility")
PartnershipConnection, PartnershipEdge = connection(__name__, "Partnership", "Partnership")
ExecutiveConnection, ExecutiveEdge = connection(__name__, "Executive", "Executive")
CompanyLinkConnection, CompanyLinkEdge = connection(
    __name__,
    "CompanyLink",
    "Company",
    {"partnerships": ("list[Partnership]", "The partnerships that make this link, newest first.")},
)
CompanyFacilityConnection, CompanyFacilityEdge = connection(
    __name__,
    "CompanyFacility",
    "Facility",
    {"roles": ("list[FacilityRoleEnum]", "How the company is tied to it.")},
)
FacilityCompanyConnection, FacilityCompanyEdge = connection(
    __name__,
    "FacilityCompany",
    "Company",
    {"roles": ("list[FacilityRoleEnum]", "How the company is tied to it.")},
)
CompanyPartnershipConnection, CompanyPartnershipEdge = connection(
    __name__,
    "CompanyPartnership",
    "Partnership",
    {"roles": ("list[PartyRoleEnum]", "The company's roles in it.")},
)
SourceConnection, SourceEdge = connection(__name__, "Source", "Source")
_ = (PageInfo, FacilityRoleEnum, PartyRoleEnum, Source)  # named in the generated annotations

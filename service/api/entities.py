"""The entity types (Company, Person, Facility, Partnership), their positions, parties, edges and
connections. Fields with arguments are declared as methods; the compiled statement answers them.
"""

from __future__ import annotations

from typing import Annotated

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
    f,
)


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

    @strawberry.field(description="Where the facts about this company come from.")
    def sources(
        self, first: Annotated[int, FIRST_ARG] = 20, after: Annotated[str | None, AFTER_ARG] = None
    ) -> EvidenceConnection:
        return compiled()

    @strawberry.field(description="Dated events that concern this company.")
    def events(
        self,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
        order_by: Annotated[EventOrder | None, ORDER_ARG] = None,
    ) -> EventConnection:
        return compiled()

    @strawberry.field(description="People holding positions at this company (one item per title).")
    def executives(
        self, first: Annotated[int, FIRST_ARG] = 20, after: Annotated[str | None, AFTER_ARG] = None
    ) -> ExecutiveConnection:
        return compiled()

    @strawberry.field(description="Facilities it owns, operates, develops or occupies, with its roles.")
    def facilities(
        self,
        where: Annotated[FacilityWhere | None, WHERE_ARG] = None,
        order_by: Annotated[FacilityOrder | None, ORDER_ARG] = None,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
    ) -> CompanyFacilityConnection:
        return compiled()

    @strawberry.field(description="Partnerships it is a party to, with its roles in each.")
    def partnerships(
        self,
        where: Annotated[PartnershipWhere | None, WHERE_ARG] = None,
        order_by: Annotated[PartnershipOrder | None, ORDER_ARG] = None,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
    ) -> CompanyPartnershipConnection:
        return compiled()

    @strawberry.field(description="Companies that supply it, each with the partnerships that make the link.")
    def suppliers(
        self,
        where: Annotated[CompanyWhere | None, WHERE_ARG] = None,
        order_by: Annotated[CompanyOrder | None, ORDER_ARG] = None,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
    ) -> CompanyLinkConnection:
        return compiled()

    @strawberry.field(description="Companies it supplies, each with the partnerships that make the link.")
    def customers(
        self,
        where: Annotated[CompanyWhere | None, WHERE_ARG] = None,
        order_by: Annotated[CompanyOrder | None, ORDER_ARG] = None,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
    ) -> CompanyLinkConnection:
        return compiled()

    @strawberry.field(description="Companies that invest in it, with the partnerships behind each.")
    def investors(
        self,
        where: Annotated[CompanyWhere | None, WHERE_ARG] = None,
        order_by: Annotated[CompanyOrder | None, ORDER_ARG] = None,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
    ) -> CompanyLinkConnection:
        return compiled()

    @strawberry.field(description="Companies it invests in, with the partnerships behind each.")
    def investments(
        self,
        where: Annotated[CompanyWhere | None, WHERE_ARG] = None,
        order_by: Annotated[CompanyOrder | None, ORDER_ARG] = None,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
    ) -> CompanyLinkConnection:
        return compiled()

    @strawberry.field(description="Companies that share at least one partnership with it.")
    def partners(
        self,
        where: Annotated[CompanyWhere | None, WHERE_ARG] = None,
        order_by: Annotated[CompanyOrder | None, ORDER_ARG] = None,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
    ) -> CompanyLinkConnection:
        return compiled()

    @strawberry.field(description="The company this one belongs to, if any.")
    def parent(self) -> Company | None:
        return compiled()

    @strawberry.field(description="Companies that belong to this one.")
    def subsidiaries(
        self,
        where: Annotated[CompanyWhere | None, WHERE_ARG] = None,
        order_by: Annotated[CompanyOrder | None, ORDER_ARG] = None,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
    ) -> CompanyConnection:
        return compiled()


@strawberry.type(description="A person named in the sources.")
class Person(Node):
    name: str = f("Full name.")
    aliases: list[str] = f("Other names.")
    unknown: list[str] = f("Fields the sources did not give.")
    synthetic: bool = f("True for generated test data.")

    @strawberry.field(description="Where the facts about this person come from.")
    def sources(
        self, first: Annotated[int, FIRST_ARG] = 20, after: Annotated[str | None, AFTER_ARG] = None
    ) -> EvidenceConnection:
        return compiled()

    @strawberry.field(description="Positions this person holds or held (one item per title).")
    def positions(
        self, first: Annotated[int, FIRST_ARG] = 20, after: Annotated[str | None, AFTER_ARG] = None
    ) -> ExecutiveConnection:
        return compiled()


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

    @strawberry.field(description="Where the facts about this facility come from.")
    def sources(
        self, first: Annotated[int, FIRST_ARG] = 20, after: Annotated[str | None, AFTER_ARG] = None
    ) -> EvidenceConnection:
        return compiled()

    @strawberry.field(description="Its history: dated events.")
    def events(
        self,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
        order_by: Annotated[EventOrder | None, ORDER_ARG] = None,
    ) -> EventConnection:
        return compiled()

    @strawberry.field(description="Companies that own, operate, develop or occupy it, with their roles.")
    def companies(
        self,
        where: Annotated[CompanyWhere | None, WHERE_ARG] = None,
        order_by: Annotated[CompanyOrder | None, ORDER_ARG] = None,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
    ) -> FacilityCompanyConnection:
        return compiled()

    @strawberry.field(description="Partnerships that concern it.")
    def partnerships(
        self,
        where: Annotated[PartnershipWhere | None, WHERE_ARG] = None,
        order_by: Annotated[PartnershipOrder | None, ORDER_ARG] = None,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
    ) -> PartnershipConnection:
        return compiled()

    @strawberry.field(description="The larger site this one is part of.")
    def part_of(self) -> Facility | None:
        return compiled()

    @strawberry.field(description="Buildings or phases that are part of this site.")
    def parts(
        self,
        where: Annotated[FacilityWhere | None, WHERE_ARG] = None,
        order_by: Annotated[FacilityOrder | None, ORDER_ARG] = None,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
    ) -> FacilityConnection:
        return compiled()


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

    @strawberry.field(description="Where the facts about this partnership come from.")
    def sources(
        self, first: Annotated[int, FIRST_ARG] = 20, after: Annotated[str | None, AFTER_ARG] = None
    ) -> EvidenceConnection:
        return compiled()

    @strawberry.field(description="Dated events in its history (e.g. status changes).")
    def events(
        self,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
        order_by: Annotated[EventOrder | None, ORDER_ARG] = None,
    ) -> EventConnection:
        return compiled()

    @strawberry.field(description="Facilities it concerns.")
    def facilities(
        self,
        where: Annotated[FacilityWhere | None, WHERE_ARG] = None,
        order_by: Annotated[FacilityOrder | None, ORDER_ARG] = None,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
    ) -> FacilityConnection:
        return compiled()

    @strawberry.field(description="The larger agreement this one is a part or tranche of.")
    def part_of(self) -> Partnership | None:
        return compiled()

    @strawberry.field(description="Agreements that are parts or tranches of this one.")
    def parts(
        self,
        where: Annotated[PartnershipWhere | None, WHERE_ARG] = None,
        order_by: Annotated[PartnershipOrder | None, ORDER_ARG] = None,
        first: Annotated[int, FIRST_ARG] = 20,
        after: Annotated[str | None, AFTER_ARG] = None,
    ) -> PartnershipConnection:
        return compiled()


def _connection(
    name: str, node: str, edge_fields: dict[str, tuple[str, str]] | None = None
) -> tuple[type, type]:
    """A GitHub-style connection type and its edge type."""
    annotations = {"cursor": "str", "node": node, **{k: t for k, (t, _) in (edge_fields or {}).items()}}
    edge_ns: dict[str, object] = {
        "__annotations__": annotations,
        "__module__": __name__,
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
        "__module__": __name__,
        "total_count": f("Number of items in the whole list (counted only when asked for)."),
        "page_info": f("Paging state."),
        "edges": f("Items with their cursors and edge data."),
        "nodes": f("Items without cursors."),
    }
    connection = strawberry.type(
        type(f"{name}Connection", (), connection_ns), description=f"A page of {node.lower()} items."
    )
    return connection, edge


CompanyConnection, CompanyEdge = _connection("Company", "Company")
PersonConnection, PersonEdge = _connection("Person", "Person")
FacilityConnection, FacilityEdge = _connection("Facility", "Facility")
PartnershipConnection, PartnershipEdge = _connection("Partnership", "Partnership")
ExecutiveConnection, ExecutiveEdge = _connection("Executive", "Executive")
CompanyLinkConnection, CompanyLinkEdge = _connection(
    "CompanyLink",
    "Company",
    {"partnerships": ("list[Partnership]", "The partnerships that make this link, newest first.")},
)
CompanyFacilityConnection, CompanyFacilityEdge = _connection(
    "CompanyFacility", "Facility", {"roles": ("list[FacilityRoleEnum]", "How the company is tied to it.")}
)
FacilityCompanyConnection, FacilityCompanyEdge = _connection(
    "FacilityCompany", "Company", {"roles": ("list[FacilityRoleEnum]", "How the company is tied to it.")}
)
CompanyPartnershipConnection, CompanyPartnershipEdge = _connection(
    "CompanyPartnership", "Partnership", {"roles": ("list[PartyRoleEnum]", "The company's roles in it.")}
)
SourceConnection, SourceEdge = _connection("Source", "Source")
_ = (PageInfo, FacilityRoleEnum, PartyRoleEnum, Source)  # named in the generated annotations

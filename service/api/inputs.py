"""Filter (`where`) and ordering (`orderBy`) inputs, in the nested-operator style.

The compiler reads the raw argument values; these classes give them a schema, validation and
descriptions. Operators: eq, ne, in, lt, lte, gt, gte, contains, containsIgnoreCase, startsWith,
endsWith, isNull; AND / OR / NOT; relationship quantifiers some / none / all.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from service.api.types import (
    CompanyKindEnum,
    Date,
    FacilityKindEnum,
    FacilityStatusEnum,
    MoneyQualifierEnum,
    PartnershipKindEnum,
    PartyRoleEnum,
    PositionRoleEnum,
    SourceTierEnum,
    StatusEnum,
)


def f(description: str) -> Any:
    return strawberry.field(default=None, description=description)


def logic(kind: str) -> Any:
    names = {
        "AND": "All of these must hold.",
        "OR": "At least one of these must hold.",
        "NOT": "This must not hold.",
    }
    return strawberry.field(default=None, name=kind, description=names[kind])


@strawberry.input(description="Conditions on an id.")
class IDFilter:
    eq: strawberry.ID | None = f("Equal to.")
    ne: strawberry.ID | None = f("Not equal to.")
    in_: list[strawberry.ID] | None = strawberry.field(default=None, name="in", description="One of.")


@strawberry.input(description="Conditions on a text value.")
class StringFilter:
    eq: str | None = f("Equal to.")
    ne: str | None = f("Not equal to.")
    in_: list[str] | None = strawberry.field(default=None, name="in", description="One of.")
    contains: str | None = f("Contains (case-sensitive).")
    contains_ignore_case: str | None = f("Contains, ignoring case.")
    starts_with: str | None = f("Starts with (case-sensitive).")
    ends_with: str | None = f("Ends with (case-sensitive).")
    is_null: bool | None = f("True: the value is missing; false: it is present.")


@strawberry.input(description="Conditions on a number.")
class FloatFilter:
    eq: float | None = f("Equal to.")
    ne: float | None = f("Not equal to.")
    in_: list[float] | None = strawberry.field(default=None, name="in", description="One of.")
    lt: float | None = f("Less than.")
    lte: float | None = f("Less than or equal to.")
    gt: float | None = f("Greater than.")
    gte: float | None = f("Greater than or equal to.")
    is_null: bool | None = f("True: the value is missing; false: it is present.")


@strawberry.input(description="Conditions on a date (YYYY-MM-DD).")
class DateFilter:
    eq: Date | None = f("On.")
    ne: Date | None = f("Not on.")
    lt: Date | None = f("Before.")
    lte: Date | None = f("On or before.")
    gt: Date | None = f("After.")
    gte: Date | None = f("On or after.")
    is_null: bool | None = f("True: the date is unknown; false: it is known.")


@strawberry.input(description="Conditions on a true/false value.")
class BooleanFilter:
    eq: bool | None = f("Equal to.")


def _enum_filter(name: str, enum: object) -> type:
    namespace = {
        "__annotations__": {"eq": enum | None, "ne": enum | None, "in_": list[enum] | None},  # type: ignore[operator]
        "eq": f("Equal to."),
        "ne": f("Not equal to."),
        "in_": strawberry.field(default=None, name="in", description="One of."),
    }
    return strawberry.input(type(name, (), namespace), description=f"Conditions on a {name[:-6]} value.")


StatusFilter = _enum_filter("StatusFilter", StatusEnum)
PartnershipKindFilter = _enum_filter("PartnershipKindFilter", PartnershipKindEnum)
PartyRoleFilter = _enum_filter("PartyRoleFilter", PartyRoleEnum)
MoneyQualifierFilter = _enum_filter("MoneyQualifierFilter", MoneyQualifierEnum)
CompanyKindFilter = _enum_filter("CompanyKindFilter", CompanyKindEnum)
FacilityKindFilter = _enum_filter("FacilityKindFilter", FacilityKindEnum)
FacilityStatusFilter = _enum_filter("FacilityStatusFilter", FacilityStatusEnum)
PositionRoleFilter = _enum_filter("PositionRoleFilter", PositionRoleEnum)
SourceTierFilter = _enum_filter("SourceTierFilter", SourceTierEnum)


@strawberry.input(description="Filters on companies.")
class CompanyWhere:
    id: IDFilter | None = f("The company's id.")
    name: StringFilter | None = f("The company's name.")
    kind: CompanyKindFilter | None = f("The kind of organisation.")
    country: StringFilter | None = f("ISO country code.")
    synthetic: BooleanFilter | None = f("Generated test data or not.")
    partnerships: PartnershipListFilter | None = f("Its partnerships.")
    suppliers: CompanyListFilter | None = f("Companies that supply it.")
    customers: CompanyListFilter | None = f("Companies it supplies.")
    investors: CompanyListFilter | None = f("Companies that invest in it.")
    investments: CompanyListFilter | None = f("Companies it invests in.")
    facilities: FacilityListFilter | None = f("Facilities it owns, operates, develops or occupies.")
    and_: list[CompanyWhere] | None = logic("AND")
    or_: list[CompanyWhere] | None = logic("OR")
    not_: CompanyWhere | None = logic("NOT")


@strawberry.input(description="Filters on people.")
class PersonWhere:
    id: IDFilter | None = f("The person's id.")
    name: StringFilter | None = f("The person's name.")
    positions: ExecutiveListFilter | None = f("The person's positions.")
    and_: list[PersonWhere] | None = logic("AND")
    or_: list[PersonWhere] | None = logic("OR")
    not_: PersonWhere | None = logic("NOT")


@strawberry.input(description="Filters on a position (a person's title at a company).")
class ExecutiveWhere:
    title: StringFilter | None = f("Title as stated.")
    role: PositionRoleFilter | None = f("Kind of position.")
    current: BooleanFilter | None = f("Held today (no end date, or an end date in the future).")
    company: CompanyWhere | None = f("The company.")
    person: PersonWhere | None = f("The person.")
    and_: list[ExecutiveWhere] | None = logic("AND")
    or_: list[ExecutiveWhere] | None = logic("OR")
    not_: ExecutiveWhere | None = logic("NOT")


@strawberry.input(description="Filters on facilities.")
class FacilityWhere:
    id: IDFilter | None = f("The facility's id.")
    name: StringFilter | None = f("The facility's name.")
    kind: FacilityKindFilter | None = f("What it is.")
    status: FacilityStatusFilter | None = f("Where it stands.")
    country: StringFilter | None = f("ISO country code.")
    state: StringFilter | None = f("State, province or region.")
    city: StringFilter | None = f("City.")
    power_mw: FloatFilter | None = f("Power capacity in MW.")
    synthetic: BooleanFilter | None = f("Generated test data or not.")
    companies: CompanyListFilter | None = f("Companies that own, operate, develop or occupy it.")
    partnerships: PartnershipListFilter | None = f("Partnerships that concern it.")
    and_: list[FacilityWhere] | None = logic("AND")
    or_: list[FacilityWhere] | None = logic("OR")
    not_: FacilityWhere | None = logic("NOT")


@strawberry.input(description="Filters on partnerships.")
class PartnershipWhere:
    id: IDFilter | None = f("The partnership's id.")
    name: StringFilter | None = f("The partnership's name.")
    kind: PartnershipKindFilter | None = f("What it is about.")
    status: StatusFilter | None = f("Where it stands.")
    announced_on: DateFilter | None = f("Announcement date.")
    value_usd: FloatFilter | None = f("Value in US dollars.")
    value_qualifier: MoneyQualifierFilter | None = f("How exact the value is.")
    synthetic: BooleanFilter | None = f("Generated test data or not.")
    parties: PartyListFilter | None = f("Its parties and their roles.")
    facilities: FacilityListFilter | None = f("Facilities it concerns.")
    and_: list[PartnershipWhere] | None = logic("AND")
    or_: list[PartnershipWhere] | None = logic("OR")
    not_: PartnershipWhere | None = logic("NOT")


@strawberry.input(description="Filters on a party of a partnership.")
class PartyWhere:
    role: PartyRoleFilter | None = f("The party's role.")
    company: CompanyWhere | None = f("The party.")


@strawberry.input(description="Filters on sources.")
class SourceWhere:
    id: IDFilter | None = f("The source's id.")
    tier: SourceTierFilter | None = f("Reliability tier.")
    publisher: StringFilter | None = f("Publisher.")
    title: StringFilter | None = f("Headline.")
    url: StringFilter | None = f("Address.")
    published_on: DateFilter | None = f("Publication date.")
    and_: list[SourceWhere] | None = logic("AND")
    or_: list[SourceWhere] | None = logic("OR")
    not_: SourceWhere | None = logic("NOT")


def _list_filter(name: str, where: str) -> type:
    namespace = {
        "__annotations__": {"some": f"{where} | None", "none": f"{where} | None", "all": f"{where} | None"},
        "some": f("At least one related item matches."),
        "none": f("No related item matches."),
        "all": f("Every related item matches."),
        "__module__": __name__,
    }
    return strawberry.input(
        type(name, (), namespace), description=f"Conditions on related {where[:-5]} items."
    )


CompanyListFilter = _list_filter("CompanyListFilter", "CompanyWhere")
PartnershipListFilter = _list_filter("PartnershipListFilter", "PartnershipWhere")
FacilityListFilter = _list_filter("FacilityListFilter", "FacilityWhere")
PartyListFilter = _list_filter("PartyListFilter", "PartyWhere")
ExecutiveListFilter = _list_filter("ExecutiveListFilter", "ExecutiveWhere")


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


def _order(name: str, fields: list[str], what: str) -> tuple[type, type]:
    members: type[Enum] = Enum(f"{name}Field", {f: f for f in fields})  # type: ignore[misc]
    field_enum = strawberry.enum(members, description=f"Fields {what} can be ordered by.")
    namespace = {
        "__annotations__": {"field": field_enum, "direction": OrderDirection | None},
        "field": strawberry.field(description="What to order by (ties are broken by id)."),
        "direction": strawberry.field(
            default=None, description="ASC or DESC; each list has its own default."
        ),
        "__module__": __name__,
    }
    return strawberry.input(type(name, (), namespace), description=f"Ordering of {what}."), field_enum


CompanyOrder, CompanyOrderField = _order("CompanyOrder", ["NAME", "ID", "COUNTRY"], "companies")
PersonOrder, PersonOrderField = _order("PersonOrder", ["NAME", "ID"], "people")
FacilityOrder, FacilityOrderField = _order(
    "FacilityOrder", ["NAME", "ID", "STATUS_AS_OF", "POWER_MW"], "facilities"
)
PartnershipOrder, PartnershipOrderField = _order(
    "PartnershipOrder", ["ANNOUNCED_ON", "VALUE_USD", "NAME", "ID"], "partnerships"
)
SourceOrder, SourceOrderField = _order("SourceOrder", ["PUBLISHED_ON", "PUBLISHER", "ID"], "sources")
EventOrder, EventOrderField = _order("EventOrder", ["ON", "ID"], "events")

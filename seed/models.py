"""The seed data's shape: one pydantic model per entity kind, shared by the loader and the API.

A data file is a YAML mapping with any of the keys `sources`, `companies`, `people`,
`facilities`, `partnerships` and `events`, each a list of entries of the models below.
Cross-references (a party's company, an evidence item's source) are checked in `seed.validate`,
which sees all files at once.
"""

import re
from datetime import date
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from seed.partial_date import PartialDate
from seed.vocab import (
    CompanyKind,
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

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LINE_KEY = "__line__"

_MULTIPLIERS = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
_AMOUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMBT])?\s*$", re.IGNORECASE)


def parse_amount(value: Any) -> float | None:
    """Read 375000000, '375M', '1.4T' or '2.5B' as a float; None stays None."""
    if value is None or isinstance(value, int | float):
        return None if value is None else float(value)
    if isinstance(value, str):
        match = _AMOUNT.match(value.replace(",", "").replace("_", ""))
        if match:
            return float(match.group(1)) * _MULTIPLIERS.get((match.group(2) or "").upper(), 1.0)
    raise ValueError(f"not an amount: {value!r} (write 375000000, '375M', '2.5B' or '1.4T')")


class Model(BaseModel):
    """Base of every seed model: unknown keys are errors, and the YAML line marker is dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)

    @model_validator(mode="before")
    @classmethod
    def _drop_line_marker(cls, data: Any) -> Any:
        if isinstance(data, dict) and LINE_KEY in data:
            return {k: v for k, v in data.items() if k != LINE_KEY}
        return data


Slug = Annotated[str, Field(pattern=SLUG.pattern, min_length=1, max_length=120)]
Quote = Annotated[str, Field(min_length=1, max_length=600)]


class Evidence(Model):
    """One source's support for an entity or link: the page, the verbatim quote and what it says."""

    source: Slug
    quote: Quote
    row: str | None = Field(default=None, description="Row id in the facts file, e.g. C06 or D01.")
    attribute: str | None = None
    value: str | None = None
    preferred: bool | None = Field(
        default=None, description="Set where sources disagree: true on the claim we prefer."
    )
    note: str | None = None
    post_2025: bool = False


class Sourced(Model):
    """An entity whose facts carry evidence; `unknown` names fields the sources did not give."""

    id: Slug
    evidence: list[Evidence] = Field(default_factory=list)
    unknown: list[str] = Field(default_factory=list)
    synthetic: bool = False

    def all_evidence(self) -> list[Evidence]:
        """Evidence for the entity itself and for the links it owns."""
        return list(self.evidence)


class Source(Model):
    """A web page (or release) that facts are taken from."""

    id: Slug
    url: str | None = None
    title: str | None = None
    publisher: str
    published: PartialDate | None = None
    date_basis: str | None = Field(
        default=None, description="How the date was read: meta, dl (dateline), url, cited."
    )
    tier: SourceTier
    note: str | None = None
    synthetic: bool = False

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value


class Company(Sourced):
    name: str = Field(min_length=1)
    kind: CompanyKind = CompanyKind.COMPANY
    legal_name: str | None = None
    aliases: list[str] = Field(default_factory=list)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    ticker: str | None = None
    parent: Slug | None = Field(default=None, description="Id of the parent company, if any.")
    description: str | None = None


class Position(Model):
    """A person's title at a company; one entry per title."""

    company: Slug
    title: str = Field(min_length=1)
    role: PositionRole
    since: PartialDate | None = None
    until: PartialDate | None = None
    evidence: list[Evidence] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.since and self.until and self.until.start < self.since.start:
            raise ValueError("until is before since")
        return self


class Person(Sourced):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    positions: list[Position] = Field(default_factory=list)

    def all_evidence(self) -> list[Evidence]:
        return [*self.evidence, *(e for p in self.positions for e in p.evidence)]


class Location(Model):
    city: str | None = None
    region: str | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    precision: LocationPrecision

    @model_validator(mode="after")
    def _both_coordinates(self) -> Self:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self


class Capacity(Model):
    """A non-money quantity: power, units, floor space, jobs."""

    amount: float
    unit: str = Field(
        pattern=r"^(gw|mw|gpus|racks|racks_per_week|servers|units|acres|sq_ft|jobs|"
        r"wafers_per_month|percent)$"
    )
    qualifier: MoneyQualifier = MoneyQualifier.EXACT
    note: str | None = None

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> float:
        parsed = parse_amount(value)
        if parsed is None:
            raise ValueError("amount is required")
        return parsed


class Money(Model):
    """An amount in its currency, its value in USD, and how exact it is."""

    amount: float | None = None
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    usd: float | None = None
    qualifier: MoneyQualifier

    @field_validator("amount", "usd", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> float | None:
        return parse_amount(value)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.qualifier is MoneyQualifier.UNDISCLOSED:
            if self.amount is not None or self.usd is not None:
                raise ValueError("an undisclosed value has no amount")
            return self
        if self.amount is None:
            raise ValueError(f"a {self.qualifier.value} value needs an amount")
        if self.currency == "USD" and self.usd is None:
            object.__setattr__(self, "usd", self.amount)
        return self


class FacilityLink(Model):
    """Who owns, operates, develops or occupies a facility, and since when."""

    company: Slug
    kind: FacilityLinkKind
    since: PartialDate | None = None
    until: PartialDate | None = None
    evidence: list[Evidence] = Field(min_length=1)


class Facility(Sourced):
    name: str = Field(min_length=1)
    kind: FacilityKind
    status: FacilityStatus
    status_as_of: PartialDate | None = None
    aliases: list[str] = Field(default_factory=list)
    location: Location
    capacity: list[Capacity] = Field(default_factory=list)
    links: list[FacilityLink] = Field(default_factory=list)
    part_of: Slug | None = Field(default=None, description="Id of the facility this is part of.")
    description: str | None = None

    def all_evidence(self) -> list[Evidence]:
        return [*self.evidence, *(e for link in self.links for e in link.evidence)]


class Party(Model):
    company: Slug
    role: PartyRole
    value: Money | None = Field(default=None, description="This party's own share, if stated.")


class Partnership(Sourced):
    name: str = Field(min_length=1)
    kind: PartnershipKind
    status: Status
    announced: PartialDate | None = None
    summary: str | None = None
    parties: list[Party] = Field(min_length=2)
    value: Money | None = None
    capacity: list[Capacity] = Field(default_factory=list)
    facilities: list[Slug] = Field(default_factory=list)
    products: list[str] = Field(default_factory=list)
    part_of: Slug | None = Field(
        default=None, description="Id of the partnership this one is a tranche or part of."
    )

    @model_validator(mode="after")
    def _distinct_parties(self) -> Self:
        seen = {(p.company, p.role) for p in self.parties}
        if len(seen) != len(self.parties):
            raise ValueError("a company is listed twice in the same role")
        if len({p.company for p in self.parties}) < 2:
            raise ValueError("a partnership needs at least two different companies")
        return self


class Event(Sourced):
    """A dated happening in a facility's or partnership's history."""

    on: PartialDate
    kind: str = Field(min_length=1, description="e.g. groundbreaking, sale, scale_back, approval")
    description: str = Field(min_length=1)
    subjects: list[Slug] = Field(min_length=1, description="Ids of the entities it concerns.")


class DataFile(Model):
    """One YAML file: lists of entries by kind."""

    sources: list[Source] = Field(default_factory=list)
    companies: list[Company] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    facilities: list[Facility] = Field(default_factory=list)
    partnerships: list[Partnership] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)


def as_date(value: PartialDate | None) -> date | None:
    """The first day of a partial date, as Neo4j stores it."""
    return None if value is None else value.start

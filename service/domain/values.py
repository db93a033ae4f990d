"""Value objects of the model: evidence, money, capacities, locations and the link objects that
tie two entities (a person's position, a facility link, a deal's party).

Each is a pydantic model whose fields are declared once, with the markers of
`service.domain.declare`; the seed files, the mutations' inputs, the graph and the GraphQL
output types all take them from here.
"""

import re
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from service.domain.dates import PartialDate
from service.domain.declare import Current, Embed, Filter, Named, Now, Stored, Valid
from service.domain.vocab import FacilityRole, LocationPrecision, MoneyQualifier, PartyRole, PositionRole

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LINE_KEY = "__line__"  # where a YAML entry starts; put there by the reader, never a field

Slug = Annotated[str, Field(pattern=SLUG.pattern, min_length=1, max_length=120)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
DATE_TEXT = "A date as the data files write it: 2025, 2025-H2, 2025-Q3, 2025-11 or 2025-11-20."

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
    """Base of every entry model: unknown keys are errors, and the YAML line marker is dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)

    @model_validator(mode="before")
    @classmethod
    def _drop_line_marker(cls, data: Any) -> Any:
        if isinstance(data, dict) and LINE_KEY in data:
            return {k: v for k, v in data.items() if k != LINE_KEY}
        return data


class Evidence(Model):
    """One source's support for a fact: the page and the verbatim quote."""

    source: Annotated[Slug, Field(description="Id of the Source: the page.")]
    quote: Annotated[
        str,
        Field(min_length=1, max_length=600, description="Verbatim quote from the page (at most 25 words)."),
    ]
    row: Annotated[str | None, Field(description="Row id in the research file, e.g. D01.")] = None
    attribute: Annotated[
        str | None, Field(description="What the quote supports, e.g. `status` or `Identity`.")
    ] = None
    value: Annotated[str | None, Field(description="The value it supports, as stated.")] = None
    preferred: Annotated[
        bool | None,
        Field(description="Where sources disagree: true on the preferred claim, false on the other."),
    ] = None
    note: Annotated[
        str | None,
        Field(description="Notes such as the conflict it belongs to, or 'tier C only; unconfirmed'."),
    ] = None
    post_2025: Annotated[bool, Field(description="True when the page is dated after 2025.")] = False


class Money(Model):
    """An amount of money with its currency, USD value and exactness."""

    amount: Annotated[float | None, Field(description="Amount in `currency`; empty when undisclosed.")] = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code.")] = "USD"
    usd: Annotated[
        float | None,
        Field(description="Value in US dollars, where the amount is in USD or a source gives it."),
    ] = None
    qualifier: Annotated[
        MoneyQualifier, Field(description="exact, up to, at least, approximately, undisclosed, estimated.")
    ]

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


CAPACITY_UNITS = (
    "gw",
    "mw",
    "gpus",
    "racks",
    "racks_per_week",
    "servers",
    "units",
    "acres",
    "sq_ft",
    "jobs",
    "wafers_per_month",
    "percent",
    "campuses",
    "data_centers",
    "facilities",
    "customers",
    "employees",
)


class Capacity(Model):
    """A non-money quantity: power, units, floor space, jobs."""

    amount: Annotated[float, Field(description="The number.")]
    unit: Annotated[
        str, Field(pattern=f"^({'|'.join(CAPACITY_UNITS)})$", description=f"{', '.join(CAPACITY_UNITS)}.")
    ]
    qualifier: Annotated[MoneyQualifier, Field(description="How exact the number is.")] = MoneyQualifier.EXACT
    note: Annotated[str | None, Field(description="What the number counts, as the sources say.")] = None

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> float:
        parsed = parse_amount(value)
        if parsed is None:
            raise ValueError("amount is required")
        return parsed


class Location(Model):
    """Where a facility is. No coordinates are invented: they stay empty when unknown."""

    city: Annotated[str | None, Field(description="City or town.")] = None
    region: Annotated[str | None, Field(description="State, province or region."), Named("state")] = None
    country: Annotated[Country | None, Field(description="ISO 3166-1 alpha-2 country code.")] = None
    latitude: Annotated[
        float | None, Field(ge=-90, le=90, description="WGS-84 latitude, when a source gives it.")
    ] = None
    longitude: Annotated[
        float | None, Field(ge=-180, le=180, description="WGS-84 longitude, when a source gives it.")
    ] = None
    precision: Annotated[
        LocationPrecision,
        Field(description="How precisely the location is known."),
        Stored("location_precision"),
    ]

    @model_validator(mode="after")
    def _both_coordinates(self) -> Self:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self


EvidenceList = Annotated[
    list[Evidence], Field(min_length=1, description="Where this comes from (at least one source and quote).")
]


class Position(Model):
    """A person's position at a company: one title, with its dates and sources."""

    company: Annotated[Slug, Field(description="Id of the company.")]
    title: Annotated[
        str,
        Field(min_length=1, description="Title as stated, e.g. 'Chairman and CEO' is two positions."),
        Filter(),
    ]
    role: Annotated[PositionRole, Field(description="Kind of position."), Filter()]
    since: Annotated[PartialDate | None, Field(description="Start, where known."), Valid("from")] = None
    until: Annotated[PartialDate | None, Field(description="End, where known."), Valid("until")] = None
    evidence: EvidenceList

    held: ClassVar[Current] = Current(
        "current", "Held today: no end date, or an end date in the future.", Now.HELD, filter=True
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.since and self.until and self.until.start < self.since.start:
            raise ValueError("until is before since")
        return self


class FacilityLink(Model):
    """Who owns, operates, develops or occupies a facility, and since when."""

    company: Annotated[Slug, Field(description="Id of the company.")]
    kind: Annotated[FacilityRole, Field(description="How it is tied to the facility.")]
    since: Annotated[PartialDate | None, Field(description="Start, where known."), Valid("from")] = None
    until: Annotated[PartialDate | None, Field(description="End, where known."), Valid("until")] = None
    evidence: EvidenceList


class Party(Model):
    """A company taking part in a partnership, in one role."""

    company: Annotated[Slug, Field(description="Id of the company.")]
    role: Annotated[
        PartyRole, Field(description="Its role; a company may take part in several roles."), Filter()
    ]
    value: Annotated[
        Money | None,
        Field(description="This party's own amount, where the sources give one."),
        Embed(prefix="value", present="qualifier"),
    ] = None


class LinkChange(Model):
    """A relationship a change added or removed: its type and the entity at its other end."""

    relationship: Annotated[str, Field(description="The relationship type, e.g. PARTY_TO or SOURCED_BY.")]
    id: Annotated[str, Field(description="Id of the entity at the other end.")]
    type: Annotated[str, Field(description="Type of that entity, e.g. Company.")]

"""The entities of the model, each field declared once: its seed-file key, type, constraints and
description (pydantic), and what clients see and where the graph keeps it (the markers of
`service.domain.declare`).

A data file is a YAML mapping with any of the keys of `SECTIONS`, each a list of entries of
these models. Cross-references (a party's company, an evidence item's source) are checked in
`service.domain.rules`, which sees all entries at once.

Adding a field: declare it here (or on its value object in `values.py`), then run `make schema`.
The seed files accept it, the loader and the mutations write it, the export reads it back, and
GraphQL shows it (with a filter or an ordering if marked so).
"""

from typing import Annotated, ClassVar, Self

from pydantic import Field, field_validator, model_validator

from service.domain.dates import PartialDate
from service.domain.declare import (
    Columns,
    Embed,
    Filter,
    Hidden,
    Link,
    LoadOnly,
    Named,
    Order,
    Ref,
    Relation,
    SetsStatus,
    Shape,
    StatusSince,
    Stored,
    Valid,
    Verbatim,
    derived,
)
from service.domain.values import (
    Capacity,
    Country,
    Evidence,
    FacilityLink,
    Location,
    Model,
    Money,
    Party,
    Position,
    Slug,
)
from service.domain.vocab import (
    CompanyKind,
    EventKind,
    FacilityKind,
    FacilityStatus,
    FigureMetric,
    MoneyQualifier,
    PartnershipKind,
    SourceTier,
    StakeType,
    Status,
)

SOURCED_BY = Link(
    "SOURCED_BY",
    end="source",
    target="Source",
    owner_role="entity",
    ordered=True,
    shown=Relation("sources", "Where the facts come from, each with its quote.", Shape.ITEMS, "Evidence"),
)


class Source(Model):
    """A web page or release that facts are taken from."""

    ordered_by: ClassVar[tuple[str, bool]] = (
        "PUBLISHED_ON",
        True,
    )  # lists' default order: (member, descending)

    id: Annotated[
        Slug, Field(description="Slug id, e.g. `reuters-2025-11-20-openai-foxconn`."), Filter(), Order("ID")
    ]
    url: Annotated[str | None, Field(description="Address of the page (http or https)."), Filter()] = None
    found_at: Annotated[
        str | None,
        Field(description="Where the document can be found when it has no URL (an archive, a filing)."),
    ] = None
    title: Annotated[
        str | None, Field(description="Headline as it appears on the page, when it has one."), Filter()
    ] = None
    publisher: Annotated[
        str,
        Field(min_length=1, description="Site that hosts the page, with syndication notes."),
        Filter(),
        Order("PUBLISHER"),
    ]
    published: Annotated[
        PartialDate | None,
        Field(description="Publication date (first day of the period for partial dates)."),
        Stored("published_on"),
        Named("publishedOn"),
        Filter(),
        Order("PUBLISHED_ON"),
    ] = None
    date_basis: Annotated[
        str | None, Field(description="How the date was read: meta, dl (dateline), url or cited.")
    ] = None
    tier: Annotated[
        SourceTier,
        Field(description="Reliability: A primary, B established outlet, C lead to be confirmed."),
        Filter(),
    ]
    note: Annotated[str | None, Field(description="Remarks from the source register.")] = None
    synthetic: Annotated[bool, Field(description="True for generated test data."), LoadOnly()] = False

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _findable(self) -> Self:
        if self.url is None and not self.found_at:
            raise ValueError("give the page's url, or found_at: where the document can be found")
        return self


class Sourced(Model):
    """An entity whose facts carry evidence; `unknown` names fields the sources did not give."""

    id: Annotated[
        Slug,
        Field(description="Stable slug id, unique across all types, e.g. `openai` or `foxconn-lordstown`."),
        Filter(),
        Order("ID"),
    ]
    evidence: Annotated[
        list[Evidence], Field(default_factory=list, description="Where the facts come from."), SOURCED_BY
    ]
    unknown: Annotated[list[str], Field(default_factory=list, description="Fields the sources did not give.")]
    synthetic: Annotated[bool, Field(description="True for generated test data."), Filter(), LoadOnly()] = (
        False
    )

    ordered_by: ClassVar[tuple[str, bool]] = ("ID", False)  # lists' default order: (member, descending)

    def all_evidence(self) -> list[Evidence]:
        """Evidence for the entity itself and for the link objects it owns (positions, facility
        ties, successions), in the order the graph keeps them."""
        found = list(self.evidence)
        for key, info in type(self).model_fields.items():
            if key != "evidence" and any(isinstance(marker, Link) for marker in info.metadata):
                for item in getattr(self, key):
                    found.extend(getattr(item, "evidence", None) or [])
        return found


class Company(Sourced):
    """A company, fund, joint venture or public body."""

    ordered_by: ClassVar[tuple[str, bool]] = ("NAME", False)  # lists' default order: (member, descending)

    name: Annotated[str, Field(min_length=1, description="Common name."), Filter(), Order("NAME", True)]
    kind: Annotated[CompanyKind, Field(description="What sort of organisation it is."), Filter()] = (
        CompanyKind.COMPANY
    )
    legal_name: Annotated[str | None, Field(description="Registered name, where the sources give it.")] = None
    aliases: Annotated[list[str], Field(default_factory=list, description="Other names it goes by.")]
    country: Annotated[
        Country | None, Field(description="ISO 3166-1 alpha-2 country code."), Filter(), Order("COUNTRY")
    ] = None
    ticker: Annotated[str | None, Field(description="Stock ticker.")] = None
    parent: Annotated[
        Slug | None,
        Field(description="Id of the company this one belongs to, if any."),
        Ref(
            "SUBSIDIARY_OF",
            "Company",
            shown=Relation("parent", "The company this one belongs to, if any.", Shape.ONE),
            inverse=Relation("subsidiaries", "Companies that belong to this one."),
        ),
    ] = None
    description: Annotated[str | None, Field(description="A short neutral description.")] = None
    founded: Annotated[
        PartialDate | None,
        Field(description="When it was founded, as the sources give it."),
        Filter(),
        Order("FOUNDED"),
    ] = None


class Person(Sourced):
    """A person named in the sources."""

    ordered_by: ClassVar[tuple[str, bool]] = ("NAME", False)  # lists' default order: (member, descending)

    name: Annotated[str, Field(min_length=1, description="Full name."), Filter(), Order("NAME", True)]
    aliases: Annotated[list[str], Field(default_factory=list, description="Other names.")]
    positions: Annotated[
        list[Position],
        Field(default_factory=list, description="Every title held (one item per title)."),
        Link(
            "HOLDS_POSITION",
            end="company",
            target="Company",
            owner_role="person",
            shown=Relation(
                "positions",
                "Positions this person holds or held (one item per title).",
                Shape.ITEMS,
                "Executive",
                filter=True,
                order_by=("since", True),
            ),
            inverse=Relation(
                "executives",
                "People holding positions at this company (one item per title).",
                Shape.ITEMS,
                "Executive",
                order_by=("since", True),
            ),
        ),
    ]


class Facility(Sourced):
    """A data centre, fab, factory or other site."""

    ordered_by: ClassVar[tuple[str, bool]] = ("NAME", False)  # lists' default order: (member, descending)

    name: Annotated[str, Field(min_length=1, description="Name."), Filter(), Order("NAME", True)]
    kind: Annotated[FacilityKind, Field(description="What it is."), Filter()]
    status: Annotated[FacilityStatus, Field(description="Where it stands (as of `statusAsOf`)."), Filter()]
    status_as_of: Annotated[
        PartialDate | None,
        Field(description="Date of the page the status comes from."),
        Stored("status_as_of_on"),
        StatusSince(),
        Order("STATUS_AS_OF"),
    ] = None
    aliases: Annotated[list[str], Field(default_factory=list, description="Other names.")]
    location: Annotated[
        Location,
        Field(description="Where it is."),
        Embed(),
        Filter({"country": "country", "region": "state", "city": "city"}),
    ]
    capacity: Annotated[
        list[Capacity],
        Field(default_factory=list, description="Stated capacities (power, GPUs, jobs, floor space...)."),
        Columns("capacity"),
    ]
    links: Annotated[
        list[FacilityLink],
        Field(default_factory=list, description="Companies that own, operate, develop or occupy it."),
        Link(
            None,
            end="company",
            target="Company",
            owner_role="facility",
            incoming=True,
            shown=Relation(
                "companies",
                "Companies that own, operate, develop or occupy it, with their roles.",
                Shape.GROUPED,
                "FacilityCompany",
                edge="roles",
                gather="type",
                filter=True,
            ),
            inverse=Relation(
                "facilities",
                "Facilities it owns, operates, develops or occupies, with its roles.",
                Shape.GROUPED,
                "CompanyFacility",
                edge="roles",
                gather="type",
                filter=True,
            ),
        ),
    ]
    part_of: Annotated[
        Slug | None,
        Field(description="Id of the larger site this one is part of."),
        Ref(
            "PART_OF",
            "Facility",
            shown=Relation("partOf", "The larger site this one is part of.", Shape.ONE),
            inverse=Relation("parts", "Buildings or phases that are part of this site."),
        ),
    ] = None
    succeeds: Annotated[
        list[Slug],
        Field(default_factory=list, description="Ids of earlier facilities whose site this one reuses."),
        Ref(
            "SUCCEEDS",
            "Facility",
            shown=Relation("succeeds", "Earlier facilities whose site this one reuses.", filter=True),
            inverse=Relation("succeededBy", "Later facilities built on this one's site.", filter=True),
        ),
    ]
    description: Annotated[str | None, Field(description="A short description from the sources.")] = None

    @derived("Largest stated power capacity, in MW.", float, filter=True, order="POWER_MW")
    def power_mw(self) -> float | None:
        return _largest_power(self.capacity)


class Partnership(Sourced):
    """A deal, agreement or collaboration between companies."""

    ordered_by: ClassVar[tuple[str, bool]] = (
        "ANNOUNCED_ON",
        True,
    )  # lists' default order: (member, descending)

    name: Annotated[str, Field(min_length=1, description="Descriptive name."), Filter(), Order("NAME", True)]
    kind: Annotated[PartnershipKind, Field(description="What it is about."), Filter()]
    status: Annotated[
        Status, Field(description="Where it stands, by the newest sourced information."), Filter()
    ]
    announced: Annotated[
        PartialDate | None,
        Field(description="Announcement date (first day of the period for partial dates)."),
        Stored("announced_on"),
        Named("announcedOn"),
        Valid("from"),
        Filter(),
        Order("ANNOUNCED_ON"),
    ] = None
    summary: Annotated[str | None, Field(description="One neutral sentence from the sources.")] = None
    parties: Annotated[
        list[Party],
        Field(min_length=2, description="Companies taking part and their roles (at least two companies)."),
        Link(
            "PARTY_TO",
            end="company",
            target="Company",
            owner_role="partnership",
            incoming=True,
            ordered=True,
            shown=Relation(
                "parties", "Companies taking part and their roles.", Shape.LIST, "Party", filter=True
            ),
            inverse=Relation(
                "partnerships",
                "Partnerships it is a party to, with its roles in each.",
                Shape.GROUPED,
                "CompanyPartnership",
                edge="roles",
                gather="role",
                filter=True,
            ),
            peers=Relation(
                "partners",
                "Companies that share at least one partnership with it.",
                Shape.GROUPED,
                "CompanyLink",
                edge="partnerships",
                gather="partnership",
            ),
        ),
    ]
    value: Annotated[
        Money | None,
        Field(description="Total value, with currency, USD value and exactness."),
        Embed(prefix="value", present="qualifier"),
        Filter({"usd": "valueUsd", "qualifier": "valueQualifier"}),
        Order("VALUE_USD", key="usd"),
    ] = None
    capacity: Annotated[
        list[Capacity],
        Field(default_factory=list, description="Non-money quantities (GW, GPUs, wafers per month...)."),
        Columns("capacity"),
    ]
    facilities: Annotated[
        list[Slug],
        Field(default_factory=list, description="Ids of the facilities it concerns."),
        Ref(
            "CONCERNS",
            "Facility",
            shown=Relation("facilities", "Facilities it concerns.", filter=True),
            inverse=Relation("partnerships", "Partnerships that concern it.", filter=True),
        ),
    ]
    products: Annotated[list[str], Field(default_factory=list, description="Products it concerns.")]
    part_of: Annotated[
        Slug | None,
        Field(description="Id of the larger agreement this one is a part or tranche of."),
        Ref(
            "PART_OF",
            "Partnership",
            shown=Relation("partOf", "The larger agreement this one is a part or tranche of.", Shape.ONE),
            inverse=Relation("parts", "Agreements that are parts or tranches of this one."),
        ),
    ] = None

    @derived("Largest stated power capacity, in MW.", float, hidden=True)
    def power_mw(self) -> float | None:
        return _largest_power(self.capacity)

    @model_validator(mode="after")
    def _distinct_parties(self) -> Self:
        seen = {(p.company, p.role) for p in self.parties}
        if len(seen) != len(self.parties):
            raise ValueError("a company is listed twice in the same role")
        if len({p.company for p in self.parties}) < 2:
            raise ValueError("a partnership needs at least two different companies")
        return self


class Event(Sourced):
    """A dated happening in the history of a facility, company or partnership."""

    ordered_by: ClassVar[tuple[str, bool]] = ("ON", False)  # lists' default order: (member, descending)

    on: Annotated[
        PartialDate,
        Field(description="When it happened (first day of the period for partial dates)."),
        Order("ON"),
        Valid("from"),
    ]
    kind: Annotated[EventKind, Field(description="What kind of happening it is."), Filter()]
    description: Annotated[str, Field(min_length=1, description="What happened.")]
    subjects: Annotated[
        list[Slug],
        Field(min_length=1, description="Ids of the entities it concerns."),
        Hidden(),
        Ref("ABOUT", "Entity", inverse=Relation("events", "Its history: dated events.")),
    ]
    facility_status: Annotated[
        FacilityStatus | None,
        Field(description="The status the facilities among its subjects took that day, as its sources say."),
        SetsStatus("Facility", "status", "replaced_status", FacilityStatus.UNKNOWN.value),
    ] = None
    partnership_status: Annotated[
        Status | None,
        Field(
            description="The status the partnerships among its subjects took that day, as its sources say."
        ),
        SetsStatus("Partnership", "status", "replaced_status", Status.ANNOUNCED.value),
    ] = None
    replaced_status: Annotated[
        str | None,
        Field(description="The status it replaced, when the API recorded the change (dates before it)."),
        Hidden(),
    ] = None


class Statement(Sourced):
    """Words a person or a company said, when, and about what, as a source quotes them."""

    ordered_by: ClassVar[tuple[str, bool]] = ("ON", True)  # lists' default order: (member, descending)

    speaker: Annotated[
        Slug,
        Field(description="Id of the person or company who said it."),
        Ref(
            "SAID_BY",
            ("Person", "Company"),
            shown=Relation(
                "speaker", "Who said it: a person or a company.", Shape.ONE, "Speaker", filter=True
            ),
            inverse=Relation("statements", "What it said: statements with the words and their sources."),
        ),
    ]
    on: Annotated[
        PartialDate,
        Field(description="When it was said (the page's date where the source gives no other)."),
        Filter(),
        Order("ON"),
        Valid("from"),
    ]
    about: Annotated[
        list[Slug],
        Field(min_length=1, description="Ids of the companies, people, facilities and deals it concerns."),
        Ref(
            "ABOUT",
            "Entity",
            shown=Relation(
                "about",
                "The companies, people, facilities and deals it concerns.",
                type_name="Subject",
                filter=True,
            ),
            inverse=Relation(
                "statementsAbout", "Statements about it, by anyone, with their sources.", filter=True
            ),
        ),
    ]
    text: Annotated[
        str,
        Field(min_length=1, description="The words said, verbatim: a part of one of its evidence quotes."),
        Verbatim(),
        Filter(),
    ]


class Figure(Sourced):
    """A number a company reported or a source gave about it (revenue, capacity, valuation...),
    as of a date. Figures of one metric compare only when qualifier, currency or unit and dates
    agree: nothing here adds them up."""

    ordered_by: ClassVar[tuple[str, bool]] = ("AS_OF", True)  # lists' default order: (member, descending)

    company: Annotated[
        Slug,
        Field(description="Id of the company the figure is about."),
        Ref(
            "FIGURE_OF",
            "Company",
            shown=Relation("company", "The company the figure is about.", Shape.ONE, filter=True),
            inverse=Relation("figures", "Its figures: dated, sourced numbers, by metric.", filter=True),
        ),
    ]
    metric: Annotated[FigureMetric, Field(description="What the figure measures."), Filter()]
    value: Annotated[
        Money | None,
        Field(description="The amount of money, for a money figure (else `quantity`)."),
        Embed(prefix="value", present="qualifier"),
        Filter({"usd": "valueUsd", "qualifier": "valueQualifier"}),
        Order("VALUE_USD", key="usd"),
    ] = None
    quantity: Annotated[
        Capacity | None,
        Field(description="The number with its unit, for any other figure (else `value`)."),
        Embed(prefix="quantity", present="unit"),
        Filter({"unit": "quantityUnit", "qualifier": "quantityQualifier"}),
    ] = None
    as_of: Annotated[
        PartialDate,
        Field(description="When the figure was stated or measured."),
        Filter(),
        Order("AS_OF"),
        Valid("from"),
    ]
    target: Annotated[
        PartialDate | None,
        Field(description="The period or date the figure refers to, when not `asOf` (a plan's horizon)."),
        Filter(),
    ] = None

    @model_validator(mode="after")
    def _one_number(self) -> Self:
        if (self.value is None) == (self.quantity is None):
            raise ValueError("a figure has either a value (money) or a quantity (with a unit)")
        return self


class Stake(Sourced):
    """A share of a company, a joint venture or a facility that a company holds (or held, or
    would hold by warrants), in percent, with the deal that gave, sold or stated it."""

    ordered_by: ClassVar[tuple[str, bool]] = ("PERCENT", True)  # lists' default order: (member, descending)

    holder: Annotated[
        Slug,
        Field(description="Id of the company that holds the stake."),
        Ref(
            "HOLDS_STAKE",
            "Company",
            shown=Relation("holder", "The company that holds the stake.", Shape.ONE, filter=True),
            inverse=Relation("stakes", "Stakes it holds, largest first, with their sources.", filter=True),
        ),
    ]
    held: Annotated[
        Slug,
        Field(description="Id of the company, joint venture or facility the stake is a share of."),
        Ref(
            "STAKE_IN",
            ("Company", "Facility"),
            shown=Relation(
                "held",
                "What the stake is a share of: a company or a facility.",
                Shape.ONE,
                "Holding",
                filter=True,
            ),
            inverse=Relation("stakeholders", "Stakes others hold in it, largest first.", filter=True),
        ),
    ]
    partnership: Annotated[
        Slug | None,
        Field(description="Id of the deal that gave, sold or stated the stake."),
        Ref(
            "STAKE_UNDER",
            "Partnership",
            shown=Relation(
                "partnership", "The deal that gave, sold or stated the stake.", Shape.ONE, filter=True
            ),
            inverse=Relation("stakes", "Stakes the deal gave, sold or stated.", filter=True),
        ),
    ] = None
    type: Annotated[StakeType, Field(description="What kind of stake it is."), Filter()]
    percent: Annotated[
        float,
        Field(gt=0, le=100, description="The share, in percent."),
        Filter(),
        Order("PERCENT"),
    ]
    qualifier: Annotated[
        MoneyQualifier, Field(description="How exact the percentage is (exact, approximately, up to).")
    ] = MoneyQualifier.EXACT


ENTRY_MODELS: tuple[type[Source | Sourced], ...] = (
    Source,
    Company,
    Person,
    Facility,
    Partnership,
    Event,
    Statement,
    Figure,
    Stake,
)
# The data files' sections, in load order (sources first: every other entity cites them).
SECTIONS: dict[str, type[Source | Sourced]] = {
    "sources": Source,
    "companies": Company,
    "people": Person,
    "facilities": Facility,
    "partnerships": Partnership,
    "events": Event,
    "statements": Statement,
    "figures": Figure,
    "stakes": Stake,
}
Entry = Source | Sourced


def _largest_power(items: list[Capacity]) -> float | None:
    power = [c.amount * (1000 if c.unit == "gw" else 1) for c in items if c.unit in {"gw", "mw"}]
    return max(power) if power else None

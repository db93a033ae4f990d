"""Closed vocabularies of the model, each value with its written definition.

The definitions are the contract: docs/model.md prints them, the GraphQL enums take the
class docstrings and these definitions as their descriptions, and the loader rejects any value
not listed here.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class CompanyKind(StrEnum):
    """What sort of organisation a company is."""

    COMPANY = "company"
    INVESTMENT_FUND = "investment_fund"
    JOINT_VENTURE = "joint_venture"
    GOVERNMENT_BODY = "government_body"
    NONPROFIT = "nonprofit"
    CONSORTIUM = "consortium"


COMPANY_KIND_DEFINITIONS: dict[CompanyKind, str] = {
    CompanyKind.COMPANY: "An operating business (listed or private), including subsidiaries.",
    CompanyKind.INVESTMENT_FUND: "A fund or sovereign vehicle that mainly invests (e.g. MGX).",
    CompanyKind.JOINT_VENTURE: "An entity owned by two or more others for one purpose (e.g. Stargate).",
    CompanyKind.GOVERNMENT_BODY: "A state, municipality or public agency (e.g. a village, WEDC).",
    CompanyKind.NONPROFIT: "A non-profit organisation (e.g. the OpenAI Foundation).",
    CompanyKind.CONSORTIUM: "A named group of companies acting together without a common entity.",
}


class PartnershipKind(StrEnum):
    """What a partnership is about."""

    SUPPLY = "supply"
    MANUFACTURING = "manufacturing"
    CLOUD_COMPUTE = "cloud_compute"
    INVESTMENT = "investment"
    JOINT_VENTURE = "joint_venture"
    LEASE = "lease"
    ACQUISITION = "acquisition"
    LOAN = "loan"
    LICENSING = "licensing"
    STRATEGIC = "strategic"
    CONSTRUCTION = "construction"
    POWER = "power"
    GRANT = "grant"


PARTNERSHIP_KIND_DEFINITIONS: dict[PartnershipKind, str] = {
    PartnershipKind.SUPPLY: "One party sells goods (chips, memory, racks, equipment) to another.",
    PartnershipKind.MANUFACTURING: "One party makes products to another's design (foundry, contract "
    "manufacturing, packaging, co-design and build).",
    PartnershipKind.CLOUD_COMPUTE: "One party buys or reserves computing capacity run by another.",
    PartnershipKind.INVESTMENT: "Equity, warrants or a funding round: money for ownership.",
    PartnershipKind.JOINT_VENTURE: "Parties create or hold a common entity together.",
    PartnershipKind.LEASE: "Use of land, buildings or data-centre capacity for rent.",
    PartnershipKind.ACQUISITION: "Purchase of a company, a plant or land.",
    PartnershipKind.LOAN: "Debt financing.",
    PartnershipKind.LICENSING: "Use of intellectual property for a fee.",
    PartnershipKind.STRATEGIC: "A collaboration with no stated money or goods changing hands.",
    PartnershipKind.CONSTRUCTION: "One party develops or builds a facility for another.",
    PartnershipKind.POWER: "Supply of electricity or powered infrastructure.",
    PartnershipKind.GRANT: "Public incentives, tax credits or approvals given to a company.",
}


class Status(StrEnum):
    """Where a partnership stands."""

    RUMORED = "rumored"
    ANNOUNCED = "announced"
    UNFINALIZED = "unfinalized"
    SIGNED = "signed"
    CLOSED = "closed"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    TERMINATED = "terminated"


STATUS_DEFINITIONS: dict[Status, str] = {
    Status.RUMORED: "Reported by third parties only; no party has confirmed it.",
    Status.ANNOUNCED: "A party has announced it publicly; terms may be partial.",
    Status.UNFINALIZED: "Announced as a letter of intent, memorandum, framework or 'up to' "
    "arrangement; the parties say definitive agreements are pending, or it is non-binding.",
    Status.SIGNED: "A definitive agreement has been executed.",
    Status.CLOSED: "The transaction has completed or been funded (investments, acquisitions).",
    Status.ACTIVE: "A supply or service term is running (e.g. chips are being delivered).",
    Status.COMPLETED: "The term has ended normally.",
    Status.CANCELLED: "Abandoned before signing or closing.",
    Status.TERMINATED: "Ended early after signing.",
}


class PartyRole(StrEnum):
    """A party's role in a partnership."""

    SUPPLIER = "supplier"
    CUSTOMER = "customer"
    MANUFACTURER = "manufacturer"
    INVESTOR = "investor"
    INVESTEE = "investee"
    LESSOR = "lessor"
    LESSEE = "lessee"
    LENDER = "lender"
    BORROWER = "borrower"
    BUYER = "buyer"
    SELLER = "seller"
    JV_PARTNER = "jv_partner"
    JV_ENTITY = "jv_entity"
    LICENSOR = "licensor"
    LICENSEE = "licensee"
    DEVELOPER = "developer"
    GRANTOR = "grantor"
    GRANTEE = "grantee"
    GUARANTOR = "guarantor"
    PARTNER = "partner"


PARTY_ROLE_DEFINITIONS: dict[PartyRole, str] = {
    PartyRole.SUPPLIER: "Delivers goods, capacity or power to the customers of the partnership.",
    PartyRole.CUSTOMER: "Receives goods, capacity or power and pays the suppliers.",
    PartyRole.MANUFACTURER: "Makes products for the customers (a supplier that builds to order).",
    PartyRole.INVESTOR: "Puts money into the investees for equity or warrants.",
    PartyRole.INVESTEE: "Receives the investors' money.",
    PartyRole.LESSOR: "Lets land, buildings or capacity to the lessees.",
    PartyRole.LESSEE: "Rents from the lessors.",
    PartyRole.LENDER: "Lends money to the borrowers.",
    PartyRole.BORROWER: "Receives the lenders' money and owes it back.",
    PartyRole.BUYER: "Acquires a company, a plant or land from the sellers.",
    PartyRole.SELLER: "Sells to the buyers.",
    PartyRole.JV_PARTNER: "Holds a share of the joint venture entity.",
    PartyRole.JV_ENTITY: "The joint venture entity itself.",
    PartyRole.LICENSOR: "Grants the use of intellectual property.",
    PartyRole.LICENSEE: "Pays for the use of intellectual property.",
    PartyRole.DEVELOPER: "Develops or builds a facility for the customers.",
    PartyRole.GRANTOR: "A public body giving incentives or approval.",
    PartyRole.GRANTEE: "Receives the incentives or approval.",
    PartyRole.GUARANTOR: "Backs another party's obligation (e.g. buys unsold capacity).",
    PartyRole.PARTNER: "Takes part without a direction of goods or money (strategic work).",
}


class MoneyQualifier(StrEnum):
    """How exact an amount is."""

    EXACT = "exact"
    UP_TO = "up_to"
    AT_LEAST = "at_least"
    APPROXIMATELY = "approximately"
    UNDISCLOSED = "undisclosed"
    ESTIMATED = "estimated"


MONEY_QUALIFIER_DEFINITIONS: dict[MoneyQualifier, str] = {
    MoneyQualifier.EXACT: "The amount as stated by a party or a filing.",
    MoneyQualifier.UP_TO: "A ceiling ('up to'); the money actually committed may be less.",
    MoneyQualifier.AT_LEAST: "A floor ('more than', 'at least').",
    MoneyQualifier.APPROXIMATELY: "Rounded by the source ('about', 'roughly', '~').",
    MoneyQualifier.UNDISCLOSED: "The parties did not disclose a value; amount is empty.",
    MoneyQualifier.ESTIMATED: "A third party's estimate (analysts, press), not the parties'.",
}


class ValueBasis(StrEnum):
    """Why a derived link (who pays or supplies whom in one deal) carries the amount it does."""

    PARTY = "party"
    DEAL = "deal"
    SHARED = "shared"
    OTHER_PAIRS = "other_pairs"
    NONE = "none"


VALUE_BASIS_DEFINITIONS: dict[ValueBasis, str] = {
    ValueBasis.PARTY: "The amount the facts attribute to this party's side of the deal.",
    ValueBasis.DEAL: "The deal's total, and the deal has no other pair of this kind.",
    ValueBasis.SHARED: "No amount: the deal's total covers several pairs and the facts do not "
    "split it (a programme across several partners).",
    ValueBasis.OTHER_PAIRS: "No amount: the facts attribute the deal's amounts to other parties.",
    ValueBasis.NONE: "No amount: the facts give none for the deal.",
}


class DatePrecision(StrEnum):
    """How precisely a date is known (a month is not a day)."""

    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


class FacilityKind(StrEnum):
    """What a facility is."""

    DATA_CENTER = "data_center"
    DATA_CENTER_CAMPUS = "data_center_campus"
    SEMICONDUCTOR_FAB = "semiconductor_fab"
    MEMORY_FAB = "memory_fab"
    ADVANCED_PACKAGING = "advanced_packaging"
    FACTORY = "factory"
    POWER_PLANT = "power_plant"
    SUPERCOMPUTER = "supercomputer"
    OFFICE = "office"
    LAND = "land"
    SITES = "sites"


FACILITY_KIND_DEFINITIONS: dict[FacilityKind, str] = {
    FacilityKind.DATA_CENTER: "A single data-centre building or cluster.",
    FacilityKind.DATA_CENTER_CAMPUS: "A site holding several data-centre buildings.",
    FacilityKind.SEMICONDUCTOR_FAB: "A wafer fabrication plant for logic chips.",
    FacilityKind.MEMORY_FAB: "A wafer fabrication plant for memory (DRAM, HBM, NAND).",
    FacilityKind.ADVANCED_PACKAGING: "Chip packaging and test.",
    FacilityKind.FACTORY: "Assembly or manufacturing of servers, racks or other equipment.",
    FacilityKind.POWER_PLANT: "Electricity generation or powered infrastructure.",
    FacilityKind.SUPERCOMPUTER: "A named computing cluster whose building is not separately known.",
    FacilityKind.OFFICE: "Offices or headquarters.",
    FacilityKind.LAND: "A plot of land without a stated building.",
    FacilityKind.SITES: "Several sites reported together (e.g. 'facilities in Virginia').",
}


class FacilityStatus(StrEnum):
    """Where a facility stands."""

    PROPOSED = "proposed"
    ANNOUNCED = "announced"
    APPROVED = "approved"
    CONSTRUCTION = "construction"
    OPERATING = "operating"
    REPURPOSED = "repurposed"
    SCALED_BACK = "scaled_back"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


FACILITY_STATUS_DEFINITIONS: dict[FacilityStatus, str] = {
    FacilityStatus.PROPOSED: "Under discussion or reported as planned; no formal announcement.",
    FacilityStatus.ANNOUNCED: "Publicly announced; construction has not started.",
    FacilityStatus.APPROVED: "Permits, incentives or board approval granted; not yet built.",
    FacilityStatus.CONSTRUCTION: "Being built or retrofitted.",
    FacilityStatus.OPERATING: "In use.",
    FacilityStatus.REPURPOSED: "Built or planned for one use, now used or being converted for another.",
    FacilityStatus.SCALED_BACK: "The plan was reduced well below what was announced.",
    FacilityStatus.CLOSED: "No longer in use.",
    FacilityStatus.CANCELLED: "Abandoned before it operated.",
    FacilityStatus.UNKNOWN: "No source gives the current status.",
}


class LocationPrecision(StrEnum):
    """How precisely a location is known."""

    EXACT = "exact"
    SITE = "site"
    CITY = "city"
    REGION = "region"
    COUNTRY = "country"


class FacilityRole(StrEnum):
    """How a company is tied to a facility."""

    OWNS = "owns"
    OPERATES = "operates"
    DEVELOPS = "develops"
    OCCUPIES = "occupies"


class PositionRole(StrEnum):
    """The kind of position an executive holds."""

    CEO = "ceo"
    CFO = "cfo"
    COO = "coo"
    CTO = "cto"
    CPO = "cpo"
    PRESIDENT = "president"
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    BOARD_MEMBER = "board_member"
    FOUNDER = "founder"
    EXECUTIVE = "executive"
    OTHER = "other"


class SourceTier(StrEnum):
    """How reliable a source is."""

    A = "A"
    B = "B"
    C = "C"


SOURCE_TIER_DEFINITIONS: dict[SourceTier, str] = {
    SourceTier.A: "Primary: a company or government release text.",
    SourceTier.B: "An established outlet, or a wire story reprinted in full.",
    SourceTier.C: "Aggregator, blog, AI-summary site or forum: a lead, to be confirmed before "
    "it is treated as fact.",
}


class EventKind(StrEnum):
    """What kind of happening an event records."""

    ANNOUNCEMENT = "announcement"
    REPORT = "report"
    DISCLOSURE = "disclosure"
    STATEMENT = "statement"
    AGREEMENT = "agreement"
    STATUS_CHANGE = "status_change"
    TRANSACTION = "transaction"
    FINANCING = "financing"
    COMMITMENT = "commitment"
    MILESTONE = "milestone"
    APPROVAL = "approval"
    REGULATORY_REVIEW = "regulatory_review"
    VOTE = "vote"
    GROUNDBREAKING = "groundbreaking"
    OPERATION_START = "operation_start"
    SCALE_BACK = "scale_back"
    PAUSE = "pause"
    SHUTDOWN = "shutdown"
    PERSONNEL = "personnel"


EVENT_KIND_DEFINITIONS: dict[EventKind, str] = {
    EventKind.ANNOUNCEMENT: "A party publicly announces a deal, facility or plan for the first time.",
    EventKind.REPORT: "A third party (press, analysts) reports a deal or figure that no party has confirmed.",
    EventKind.DISCLOSURE: "A filing or official document reveals a deal or term (e.g. an SEC filing).",
    EventKind.STATEMENT: "A party says something about a deal or entity that changes no status "
    "(a claim on a call).",
    EventKind.AGREEMENT: "Parties sign or agree terms (definitive agreement, land or development "
    "agreement, MoU).",
    EventKind.STATUS_CHANGE: "A deal's or facility's status changes (signed, closed, completed, "
    "terminated, not finalised).",
    EventKind.TRANSACTION: "Ownership of a company, plant or land changes hands (a sale or purchase).",
    EventKind.FINANCING: "Debt or equity is raised or lent for a company or project.",
    EventKind.COMMITMENT: "A party commits money or capacity to a plan (a pledge, an investment plan).",
    EventKind.MILESTONE: "A programme reaches a stated size (planned capacity, total investment).",
    EventKind.APPROVAL: "A regulator or public body grants, withholds or has pending an approval, "
    "licence or incentive.",
    EventKind.REGULATORY_REVIEW: "A regulator opens or extends a review of a deal.",
    EventKind.VOTE: "Shareholders or another body vote on a deal.",
    EventKind.GROUNDBREAKING: "Construction of a facility starts.",
    EventKind.OPERATION_START: "A facility, or its production, starts operating.",
    EventKind.SCALE_BACK: "A plan or facility is reduced well below what was announced.",
    EventKind.PAUSE: "A project is paused or put on hold.",
    EventKind.SHUTDOWN: "A facility stops operating.",
    EventKind.PERSONNEL: "People join, leave or change posts (hirings, appointments).",
}


class StakeType(StrEnum):
    """What a stake is a share of, and whether it is held yet."""

    EQUITY = "equity"
    JV_SHARE = "jv_share"
    WARRANT = "warrant"
    ASSET_INTEREST = "asset_interest"


STAKE_TYPE_DEFINITIONS: dict[StakeType, str] = {
    StakeType.EQUITY: "Shares held in a company (directly or through named funds or vehicles).",
    StakeType.JV_SHARE: "A partner's share of a joint-venture entity.",
    StakeType.WARRANT: "A right to acquire shares (held, not yet exercised); the percent is what it "
    "would give.",
    StakeType.ASSET_INTEREST: "A share of a facility or asset rather than of a company (e.g. 20% of "
    "Duane Arnold).",
}


class FigureMetric(StrEnum):
    """What a company figure measures. Figures of one metric are comparable only when their
    qualifier, currency or unit, and dates agree."""

    COMPUTE_COMMITMENT = "compute_commitment"
    REVENUE_RUN_RATE = "revenue_run_rate"
    REVENUE = "revenue"
    REVENUE_TARGET = "revenue_target"
    REVENUE_SHARE = "revenue_share"
    REVENUE_GROWTH = "revenue_growth"
    NET_LOSS = "net_loss"
    VALUATION = "valuation"
    EQUITY_VALUE = "equity_value"
    CAPEX_PLAN = "capex_plan"
    INVESTMENT_PLAN = "investment_plan"
    INVESTMENT_PLAN_PER_YEAR = "investment_plan_per_year"
    PRODUCTION_CAPACITY = "production_capacity"
    DATA_CENTER_CAPACITY = "data_center_capacity"
    FACILITY_COUNT = "facility_count"
    GPU_COUNT = "gpu_count"
    MARKET_SHARE = "market_share"
    REMAINING_PERFORMANCE_OBLIGATIONS = "remaining_performance_obligations"
    ORDER_BACKLOG = "order_backlog"
    AI_INFRASTRUCTURE_ORDERS = "ai_infrastructure_orders"
    ASSETS_UNDER_MANAGEMENT = "assets_under_management"
    CAPITAL_TARGET = "capital_target"
    CUSTOMER_COUNT = "customer_count"
    EMPLOYEES = "employees"


FIGURE_METRIC_DEFINITIONS: dict[FigureMetric, str] = {
    FigureMetric.COMPUTE_COMMITMENT: "Money or capacity a company has committed to buy or build in compute.",
    FigureMetric.REVENUE_RUN_RATE: "Annualised revenue at a point in time.",
    FigureMetric.REVENUE: "Revenue of a stated period (`target` is the period).",
    FigureMetric.REVENUE_TARGET: "Revenue a company aims at for a period.",
    FigureMetric.REVENUE_SHARE: "A segment's share of a company's revenue (percent).",
    FigureMetric.REVENUE_GROWTH: "Revenue change over a prior period (percent).",
    FigureMetric.NET_LOSS: "Loss of a stated period.",
    FigureMetric.VALUATION: "Value of the company in a funding round, or as reported.",
    FigureMetric.EQUITY_VALUE: "Value of a holder's equity in another company.",
    FigureMetric.CAPEX_PLAN: "Capital expenditure planned for a period.",
    FigureMetric.INVESTMENT_PLAN: "Money a company plans to invest (one-off; `target` is the horizon).",
    FigureMetric.INVESTMENT_PLAN_PER_YEAR: "Money a company plans to invest each year.",
    FigureMetric.PRODUCTION_CAPACITY: "Output a company can make per period (e.g. racks per week).",
    FigureMetric.DATA_CENTER_CAPACITY: "Power of the data centres it operates, has contracted or plans "
    "(MW, GW).",
    FigureMetric.FACILITY_COUNT: "Number of sites, campuses or data centres.",
    FigureMetric.GPU_COUNT: "Accelerators the company runs.",
    FigureMetric.MARKET_SHARE: "The company's share of a market (percent).",
    FigureMetric.REMAINING_PERFORMANCE_OBLIGATIONS: "Contracted revenue not yet recognised.",
    FigureMetric.ORDER_BACKLOG: "Orders booked and not yet delivered.",
    FigureMetric.AI_INFRASTRUCTURE_ORDERS: "AI-infrastructure orders booked in a period.",
    FigureMetric.ASSETS_UNDER_MANAGEMENT: "Assets a manager holds or operates.",
    FigureMetric.CAPITAL_TARGET: "Capital a fund aims to deploy.",
    FigureMetric.CUSTOMER_COUNT: "Number of customers.",
    FigureMetric.EMPLOYEES: "Staff (or a stated group of staff).",
}


class LinkKind(StrEnum):
    """Kinds of link a path may use."""

    SUPPLY = "SUPPLY"
    MONEY = "MONEY"
    OWNERSHIP = "OWNERSHIP"
    EXECUTIVE = "EXECUTIVE"
    FACILITY = "FACILITY"
    PARTNERSHIP = "PARTNERSHIP"
    HISTORY = "HISTORY"


LINK_TYPES: dict[LinkKind, tuple[str, ...]] = {
    LinkKind.SUPPLY: ("SUPPLIES",),
    LinkKind.MONEY: ("MONEY_FLOW",),
    LinkKind.OWNERSHIP: ("INVESTS_IN", "SUBSIDIARY_OF"),
    LinkKind.EXECUTIVE: ("HOLDS_POSITION",),
    LinkKind.FACILITY: ("OWNS", "OPERATES", "DEVELOPS", "OCCUPIES", "CONCERNS", "PART_OF"),
    LinkKind.PARTNERSHIP: ("PARTY_TO",),
    LinkKind.HISTORY: ("ABOUT",),
}
LINK_KIND_DEFINITIONS: dict[LinkKind, str] = {
    LinkKind.SUPPLY: "SUPPLIES: supplier to customer.",
    LinkKind.MONEY: "MONEY_FLOW: payer to payee.",
    LinkKind.OWNERSHIP: "INVESTS_IN and SUBSIDIARY_OF.",
    LinkKind.EXECUTIVE: "HOLDS_POSITION: a person's title.",
    LinkKind.FACILITY: "OWNS, OPERATES, DEVELOPS, OCCUPIES, CONCERNS and PART_OF.",
    LinkKind.PARTNERSHIP: "PARTY_TO: a company in a deal.",
    LinkKind.HISTORY: "ABOUT: a dated event or statement and what it concerns.",
}
DEFAULT_LINKS = tuple(kind for kind in LinkKind if kind is not LinkKind.HISTORY)


# Every vocabulary with written definitions, for the GraphQL enums' value descriptions.
DEFINITIONS: dict[type[StrEnum], Mapping[Any, str]] = {
    CompanyKind: COMPANY_KIND_DEFINITIONS,
    PartnershipKind: PARTNERSHIP_KIND_DEFINITIONS,
    Status: STATUS_DEFINITIONS,
    PartyRole: PARTY_ROLE_DEFINITIONS,
    MoneyQualifier: MONEY_QUALIFIER_DEFINITIONS,
    ValueBasis: VALUE_BASIS_DEFINITIONS,
    FacilityKind: FACILITY_KIND_DEFINITIONS,
    FacilityStatus: FACILITY_STATUS_DEFINITIONS,
    SourceTier: SOURCE_TIER_DEFINITIONS,
    LinkKind: LINK_KIND_DEFINITIONS,
    EventKind: EVENT_KIND_DEFINITIONS,
    StakeType: STAKE_TYPE_DEFINITIONS,
    FigureMetric: FIGURE_METRIC_DEFINITIONS,
}


class ChangeAction(StrEnum):
    """What a change did (`Change.action`)."""

    UPSERT = "upsert"
    EVIDENCE = "evidence"
    POSITION = "position"
    STATUS = "status"
    RETRACT = "retract"
    RETRACT_LINK = "retract_link"
    LOAD_CREATE = "load_create"
    LOAD_UPDATE = "load_update"
    LOAD_REMOVE = "load_remove"
    LOAD = "load"


CHANGE_ACTION_DEFINITIONS: dict[ChangeAction, str] = {
    ChangeAction.UPSERT: "An entity created or changed through the API.",
    ChangeAction.EVIDENCE: "Evidence (a source and a quote) attached through the API.",
    ChangeAction.POSITION: "A person's position added or replaced through the API.",
    ChangeAction.STATUS: "A partnership's or facility's status changed through the API.",
    ChangeAction.RETRACT: "An entity retracted by an admin.",
    ChangeAction.RETRACT_LINK: "One link of an entity retracted by an admin.",
    ChangeAction.LOAD_CREATE: "An entity created by a curated load.",
    ChangeAction.LOAD_UPDATE: "An entity changed by a curated load.",
    ChangeAction.LOAD_REMOVE: "An entity removed by a curated load.",
    ChangeAction.LOAD: "A staged or bulk load, as one summary event.",
}

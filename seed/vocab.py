"""Closed vocabularies of the model, each value with its written definition.

The definitions are the contract: schema/README.md prints them, the GraphQL enums reuse them as
descriptions, and the loader rejects any value not listed here.
"""

from enum import StrEnum


class CompanyKind(StrEnum):
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

# Derived edges come from these fixed tables, so "who supplies whom" and "where does money go"
# mean the same thing for every partnership.
SUPPLY_DIRECTIONS: tuple[tuple[PartyRole, PartyRole], ...] = (
    (PartyRole.SUPPLIER, PartyRole.CUSTOMER),
    (PartyRole.MANUFACTURER, PartyRole.CUSTOMER),
    (PartyRole.DEVELOPER, PartyRole.CUSTOMER),
    (PartyRole.LESSOR, PartyRole.LESSEE),
)
INVESTMENT_DIRECTIONS: tuple[tuple[PartyRole, PartyRole], ...] = (
    (PartyRole.INVESTOR, PartyRole.INVESTEE),
    (PartyRole.JV_PARTNER, PartyRole.JV_ENTITY),
)
MONEY_DIRECTIONS: tuple[tuple[PartyRole, PartyRole], ...] = (
    (PartyRole.CUSTOMER, PartyRole.SUPPLIER),
    (PartyRole.CUSTOMER, PartyRole.MANUFACTURER),
    (PartyRole.CUSTOMER, PartyRole.DEVELOPER),
    (PartyRole.INVESTOR, PartyRole.INVESTEE),
    (PartyRole.JV_PARTNER, PartyRole.JV_ENTITY),
    (PartyRole.LESSEE, PartyRole.LESSOR),
    (PartyRole.LENDER, PartyRole.BORROWER),
    (PartyRole.BUYER, PartyRole.SELLER),
    (PartyRole.LICENSEE, PartyRole.LICENSOR),
    (PartyRole.GRANTOR, PartyRole.GRANTEE),
)


class MoneyQualifier(StrEnum):
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


class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


class FacilityKind(StrEnum):
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
    EXACT = "exact"
    SITE = "site"
    CITY = "city"
    REGION = "region"
    COUNTRY = "country"


class FacilityLinkKind(StrEnum):
    OWNS = "owns"
    OPERATES = "operates"
    DEVELOPS = "develops"
    OCCUPIES = "occupies"


class PositionRole(StrEnum):
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
    A = "A"
    B = "B"
    C = "C"


SOURCE_TIER_DEFINITIONS: dict[SourceTier, str] = {
    SourceTier.A: "Primary: a company or government release text.",
    SourceTier.B: "An established outlet, or a wire story reprinted in full.",
    SourceTier.C: "Aggregator, blog, AI-summary site or forum: a lead, to be confirmed before "
    "it is treated as fact.",
}

/** The GraphQL documents the explorer sends, and the shapes of their answers. */

export type EntityType = "Company" | "Person" | "Facility" | "Partnership";

export interface Ref {
  id: string;
  name: string;
}
export interface CompanyRef extends Ref {
  kind?: string;
  country?: string | null;
}
export interface Money {
  amount?: number | null;
  currency?: string | null;
  usd?: number | null;
  qualifier: string;
}
export interface Evidence {
  quote: string | null;
  attribute: string | null;
  value: string | null;
  note: string | null;
  source: {
    id: string;
    title: string | null;
    publisher: string;
    url: string | null;
    publishedOn: string | null;
    tier: string;
  };
}
export interface Sources {
  totalCount: number;
  nodes: Evidence[];
}
export interface Party {
  role: string;
  value: { usd: number | null } | null;
  company: CompanyRef;
}
export interface PartnershipRef extends Ref {
  kind: string;
  status: string;
  announcedOn?: string | null;
  value: Money | null;
  parties?: Party[];
}
export interface Location {
  city: string | null;
  state: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  precision: string;
}
export interface FacilityRef extends Ref {
  kind: string;
  status: string;
  location?: Location;
}
export interface Capacity {
  amount: number;
  unit: string;
  qualifier: string;
}
interface Link {
  node: CompanyRef;
  partnerships: PartnershipRef[];
}
interface LinkPage {
  totalCount: number;
  edges: Link[];
}
export interface MoneyByStatus {
  status: string;
  qualifier: string | null;
  valueUsd: number | null;
  partnerships: number;
}

export interface Company extends CompanyRef {
  __typename: "Company";
  legalName: string | null;
  ticker: string | null;
  description: string | null;
  aliases: string[];
  stats: { suppliers: number; customers: number; moneyIn: MoneyByStatus[]; moneyOut: MoneyByStatus[] };
  sources: Sources;
  suppliers: LinkPage;
  customers: LinkPage;
  investors: LinkPage;
  investments: LinkPage;
  parent: CompanyRef | null;
  subsidiaries: { nodes: CompanyRef[] };
  executives: { nodes: { title: string; role: string; current: boolean; person: Ref }[] };
  facilities: { edges: { roles: string[]; node: FacilityRef }[] };
  partnerships: { totalCount: number; edges: { roles: string[]; node: PartnershipRef }[] };
}
export interface Person extends Ref {
  __typename: "Person";
  aliases: string[];
  sources: Sources;
  positions: {
    nodes: { title: string; role: string; current: boolean; since: string | null; company: CompanyRef }[];
  };
}
export interface Facility extends FacilityRef {
  __typename: "Facility";
  statusAsOf: string | null;
  description: string | null;
  powerMw: number | null;
  aliases: string[];
  location: Location;
  capacity: Capacity[];
  sources: Sources;
  companies: { edges: { roles: string[]; node: CompanyRef }[] };
  partnerships: { nodes: PartnershipRef[] };
  partOf: FacilityRef | null;
  parts: { nodes: FacilityRef[] };
}
export interface Partnership extends PartnershipRef {
  __typename: "Partnership";
  summary: string | null;
  announcedOn: string | null;
  products: string[];
  capacity: Capacity[];
  sources: Sources;
  parties: Party[];
  facilities: { nodes: FacilityRef[] };
  partOf: PartnershipRef | null;
}
export type Entity = Company | Person | Facility | Partnership;

const PAGE = 40; // neighbours per list: enough for the curated graph, small enough to read
const EVIDENCE = "quote attribute value note source { id title publisher url publishedOn tier }";
const SOURCES = `sources(first: 10) { totalCount nodes { ${EVIDENCE} } }`;
const MONEY = "value { amount currency usd qualifier }";
const PARTNERSHIP_REF = `id name kind status announcedOn ${MONEY}`;
const PARTIES = "parties { role value { usd } company { id name kind country } }";
const COMPANY_REF = "id name kind country";
const FACILITY_REF = "id name kind status location { city state country latitude longitude precision }";
const LINKS = `totalCount edges { node { ${COMPANY_REF} } partnerships { ${PARTNERSHIP_REF} } }`;
const BY_STATUS = "status qualifier valueUsd partnerships";

export const ENTITY_QUERIES: Record<EntityType, string> = {
  Company: `query ExploreCompany($id: ID!, $asOf: Date) { entity: company(id: $id, asOf: $asOf) {
    __typename ${COMPANY_REF} legalName ticker description aliases
    stats { suppliers customers moneyIn { ${BY_STATUS} } moneyOut { ${BY_STATUS} } }
    ${SOURCES}
    suppliers(first: ${PAGE}) { ${LINKS} }
    customers(first: ${PAGE}) { ${LINKS} }
    investors(first: ${PAGE}) { ${LINKS} }
    investments(first: ${PAGE}) { ${LINKS} }
    parent { ${COMPANY_REF} }
    subsidiaries(first: ${PAGE}) { nodes { ${COMPANY_REF} } }
    executives(first: ${PAGE}) { nodes { title role current person { id name } } }
    facilities(first: ${PAGE}) { edges { roles node { ${FACILITY_REF} } } }
    partnerships(first: ${PAGE}) { totalCount edges { roles node { ${PARTNERSHIP_REF} ${PARTIES} } } }
  } }`,
  Person: `query ExplorePerson($id: ID!, $asOf: Date) { entity: person(id: $id, asOf: $asOf) {
    __typename id name aliases ${SOURCES}
    positions(first: ${PAGE}) { nodes { title role current since company { ${COMPANY_REF} } } }
  } }`,
  Facility: `query ExploreFacility($id: ID!, $asOf: Date) { entity: facility(id: $id, asOf: $asOf) {
    __typename ${FACILITY_REF} statusAsOf description powerMw aliases
    capacity { amount unit qualifier } ${SOURCES}
    companies(first: ${PAGE}) { edges { roles node { ${COMPANY_REF} } } }
    partnerships(first: ${PAGE}) { nodes { ${PARTNERSHIP_REF} ${PARTIES} } }
    partOf { ${FACILITY_REF} }
    parts(first: ${PAGE}) { nodes { ${FACILITY_REF} } }
  } }`,
  Partnership: `query ExplorePartnership($id: ID!, $asOf: Date) { entity: partnership(id: $id, asOf: $asOf) {
    __typename ${PARTNERSHIP_REF} summary products capacity { amount unit qualifier } ${SOURCES}
    ${PARTIES}
    facilities(first: ${PAGE}) { nodes { ${FACILITY_REF} } }
    partOf { ${PARTNERSHIP_REF} }
  } }`,
};

export const TYPE_OF = `query ExploreTypeOf($id: ID!) { node(id: $id) { __typename id } }`;

export interface SearchHit {
  __typename: EntityType | "Source";
  id: string;
  name?: string;
  title?: string | null;
  country?: string | null;
}
// Union members may not select one field name with different types (Company.kind and
// Facility.kind), so each member asks only for what the list shows.
export const SEARCH = `query ExploreSearch($text: String!) { search(text: $text, first: 12) { nodes {
  __typename
  ... on Company { id name country }
  ... on Person { id name }
  ... on Facility { id name }
  ... on Partnership { id name }
} } }`;

export interface TierEntry {
  tier: number;
  company: CompanyRef;
  paths: PartnershipRef[][];
}
export interface Tiers {
  truncated: boolean;
  entries: TierEntry[];
}
const TIERS = `truncated entries { tier company { ${COMPANY_REF} } paths { ${PARTNERSHIP_REF} ${PARTIES} } }`;
export const SUPPLY_CHAIN = `query ExploreSupplyChain($id: ID!, $asOf: Date) {
  result: supplyChain(company: $id, direction: UPSTREAM, maxDepth: 3, asOf: $asOf) { ${TIERS} } }`;
export const EXPOSURE_OF_COMPANY = `query ExploreExposure($id: ID!, $asOf: Date) {
  result: exposure(company: $id, maxDepth: 2, asOf: $asOf) { ${TIERS} } }`;
export const EXPOSURE_OF_FACILITY = `query ExploreFacilityExposure($id: ID!, $asOf: Date) {
  result: exposure(facility: $id, maxDepth: 2, asOf: $asOf) { ${TIERS} } }`;

export interface FlowStep {
  from: CompanyRef;
  to: CompanyRef;
  status: string;
  valueUsd: number | null;
  partnership: Ref;
}
export interface Loop {
  length: number;
  valueUsd: number;
  minStepUsd: number | null;
  steps: FlowStep[];
}
export const MONEY_LOOPS = `query ExploreMoneyLoops($id: ID!, $asOf: Date) {
  result: circularFlows(involving: $id, maxLength: 4, first: 10, asOf: $asOf) {
  loops { length valueUsd minStepUsd steps {
    from { ${COMPANY_REF} } to { ${COMPANY_REF} } status valueUsd partnership { id name } } } } }`;

export interface FacilityPage {
  facilities: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: (FacilityRef & { location: Location; powerMw: number | null; companies: { nodes: Ref[] } })[];
  };
}
export const FACILITIES = `query ExploreFacilities($after: String) { facilities(first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { ${FACILITY_REF} powerMw companies(first: 5) { nodes { id name } } } } }`;

export interface TimelineEvent {
  id: string;
  on: string;
  onPrecision: string | null;
  kind: string;
  description: string;
  sources: { nodes: { quote: string | null; source: { url: string | null; title: string | null } }[] };
}
export const TIMELINE = `query ExploreTimeline($id: ID!, $asOf: Date) { timeline(id: $id, asOf: $asOf, first: 100) {
  totalCount nodes { id on onPrecision kind description sources { nodes { quote source { url title } } } } } }`;

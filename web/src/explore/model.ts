/**
 * The graph as the explorer draws it: entities as nodes, links by kind as edges.
 *
 * Supply and ownership links come from the API's own lists (suppliers, customers, investors,
 * investments, parent, subsidiaries). Money has no list of its own, so money links are derived
 * from each partnership's parties with the table the seed loader uses for MONEY_FLOW
 * (seed/vocab.py MONEY_DIRECTIONS, seed/rows.py _derived): payer role -> payee role, the party's
 * own amount if it has one, else the deal's total unless other parties carry their own amounts.
 */

import type {
  Company,
  CompanyRef,
  Entity,
  EntityType,
  Facility,
  FacilityRef,
  Party,
  Partnership,
  PartnershipRef,
  Person,
  Ref,
} from "./queries";

export type LinkKind = "supply" | "money" | "ownership" | "executive" | "facility" | "party";

export interface NodeData {
  id: string;
  label: string;
  type: EntityType;
  summary: string;
  status?: string;
}
export interface EdgeData {
  id: string;
  source: string;
  target: string;
  kind: LinkKind;
  label: string;
  partnerships: string[];
  /** Known USD values by partnership; `valueUsd` is their sum, absent when none is known. */
  values: Record<string, number>;
  valueUsd?: number;
}
export interface Elements {
  nodes: NodeData[];
  edges: EdgeData[];
}

/** Each kind of link: its name in the legend, and what an arrow means. */
export const LINK_KINDS: Record<LinkKind, [string, string]> = {
  supply: ["supply", "supplier → customer"],
  money: ["money", "payer → payee; thicker is more; dashed: value undisclosed"],
  ownership: ["ownership", "investor → investee, subsidiary → parent"],
  executive: ["executive", "person → company"],
  facility: ["facility", "company → site, deal → site, part → whole"],
  party: ["deal", "a company taking part in a deal"],
};
export const NODE_TYPES: Record<EntityType, string> = {
  Company: "Company",
  Person: "Person",
  Facility: "Facility",
  Partnership: "Partnership",
};

const MONEY_DIRECTIONS: [string, string][] = [
  ["CUSTOMER", "SUPPLIER"],
  ["CUSTOMER", "MANUFACTURER"],
  ["CUSTOMER", "DEVELOPER"],
  ["INVESTOR", "INVESTEE"],
  ["JV_PARTNER", "JV_ENTITY"],
  ["LESSEE", "LESSOR"],
  ["LENDER", "BORROWER"],
  ["BUYER", "SELLER"],
  ["LICENSEE", "LICENSOR"],
  ["GRANTOR", "GRANTEE"],
];
/** Roles on the giving side of a supply link (seed/vocab.py SUPPLY_DIRECTIONS), by receiving role. */
export const SUPPLY_DIRECTIONS: [string, string][] = [
  ["SUPPLIER", "CUSTOMER"],
  ["MANUFACTURER", "CUSTOMER"],
  ["DEVELOPER", "CUSTOMER"],
  ["LESSOR", "LESSEE"],
];

export function usd(value: number | null | undefined): string {
  if (value == null) return "value not disclosed";
  const units: [number, string][] = [
    [1e12, "T"],
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "K"],
  ];
  for (const [size, suffix] of units) {
    if (Math.abs(value) >= size) return `US$${+(value / size).toFixed(1)}${suffix}`;
  }
  return `US$${value}`;
}

const lower = (text: string): string => text.toLowerCase().replace(/_/g, " ");

export function companyNode(company: CompanyRef): NodeData {
  const kind = company.kind && company.kind !== "COMPANY" ? lower(company.kind) : "company";
  return {
    id: company.id,
    label: company.name,
    type: "Company",
    summary: [kind, company.country].filter(Boolean).join(" · "),
  };
}
export function personNode(person: Ref): NodeData {
  return { id: person.id, label: person.name, type: "Person", summary: "person" };
}
export function facilityNode(facility: FacilityRef): NodeData {
  const where = [facility.location?.city, facility.location?.state, facility.location?.country].filter(
    Boolean,
  );
  return {
    id: facility.id,
    label: facility.name,
    type: "Facility",
    status: facility.status,
    summary: [lower(facility.kind), lower(facility.status), where.join(", ")].filter(Boolean).join(" · "),
  };
}
export function partnershipNode(partnership: PartnershipRef): NodeData {
  const value = partnership.value?.usd != null ? usd(partnership.value.usd) : undefined;
  return {
    id: partnership.id,
    label: partnership.name,
    type: "Partnership",
    status: partnership.status,
    summary: [lower(partnership.kind), lower(partnership.status), value, partnership.announcedOn]
      .filter(Boolean)
      .join(" · "),
  };
}

/** Accumulates nodes and edges; edges of one kind between one pair merge, summing known values. */
export class Collector {
  readonly nodes = new Map<string, NodeData>();
  readonly edges = new Map<string, EdgeData>();

  node(data: NodeData): void {
    if (!this.nodes.has(data.id)) this.nodes.set(data.id, data);
  }

  edge(
    kind: LinkKind,
    source: string,
    target: string,
    label: string,
    partnership?: string,
    value?: number | null,
  ): string {
    const id = `${kind}:${source}->${target}`;
    const values: Record<string, number> = partnership && value != null ? { [partnership]: value } : {};
    const update: EdgeData = {
      id,
      source,
      target,
      kind,
      label,
      partnerships: partnership ? [partnership] : [],
      values,
    };
    const existing = this.edges.get(id);
    this.edges.set(id, existing ? mergeEdges(existing, update) : withTotal(update));
    return id;
  }

  elements(): Elements {
    return { nodes: [...this.nodes.values()], edges: [...this.edges.values()] };
  }
}

function withTotal(edge: EdgeData): EdgeData {
  const known = Object.values(edge.values);
  const { valueUsd: _, ...rest } = edge;
  return known.length ? { ...rest, valueUsd: known.reduce((a, b) => a + b, 0) } : rest;
}

/** One edge from two sightings of it: the union of their partnerships and known values. */
export function mergeEdges(old: EdgeData, update: EdgeData): EdgeData {
  const partnerships = [
    ...old.partnerships,
    ...update.partnerships.filter((id) => !old.partnerships.includes(id)),
  ];
  return withTotal({ ...old, partnerships, values: { ...old.values, ...update.values } });
}

/** The money flows of one deal between its parties, as the seed loader derives MONEY_FLOW. */
export function moneyFlows(partnership: PartnershipRef, parties: Party[], into: Collector): void {
  const split = parties.some((party) => party.value?.usd != null);
  const total = partnership.value?.usd ?? null;
  for (const [payerRole, payeeRole] of MONEY_DIRECTIONS) {
    for (const payer of parties.filter((party) => party.role === payerRole)) {
      for (const payee of parties.filter((party) => party.role === payeeRole)) {
        if (payer.company.id === payee.company.id) continue;
        const own = payer.value?.usd ?? payee.value?.usd ?? null;
        const value = own ?? (split ? null : total);
        into.node(companyNode(payer.company));
        into.node(companyNode(payee.company));
        into.edge("money", payer.company.id, payee.company.id, "pays", partnership.id, value);
      }
    }
  }
}

/** A deal as a node, its parties linked to it, and the money flows between them. */
export function dealElements(partnership: PartnershipRef, parties: Party[], into: Collector): void {
  into.node(partnershipNode(partnership));
  for (const party of parties) {
    into.node(companyNode(party.company));
    into.edge("party", party.company.id, partnership.id, lower(party.role));
  }
  moneyFlows(partnership, parties, into);
}

function company(entity: Company, into: Collector): void {
  into.node(companyNode(entity));
  const links = (page: Company["suppliers"], kind: LinkKind, label: string, outward: boolean): void => {
    for (const link of page.edges) {
      into.node(companyNode(link.node));
      const [source, target] = outward ? [entity.id, link.node.id] : [link.node.id, entity.id];
      for (const partnership of link.partnerships.length ? link.partnerships : [undefined]) {
        into.edge(kind, source, target, label, partnership?.id);
      }
    }
  };
  links(entity.suppliers, "supply", "supplies", false);
  links(entity.customers, "supply", "supplies", true);
  links(entity.investors, "ownership", "invests in", false);
  links(entity.investments, "ownership", "invests in", true);
  if (entity.parent) {
    into.node(companyNode(entity.parent));
    into.edge("ownership", entity.id, entity.parent.id, "subsidiary of");
  }
  for (const child of entity.subsidiaries.nodes) {
    into.node(companyNode(child));
    into.edge("ownership", child.id, entity.id, "subsidiary of");
  }
  for (const position of entity.executives.nodes) {
    into.node(personNode(position.person));
    into.edge("executive", position.person.id, entity.id, position.title);
  }
  for (const { roles, node } of entity.facilities.edges) {
    into.node(facilityNode(node));
    into.edge("facility", entity.id, node.id, roles.map(lower).join(", "));
  }
  for (const { node } of entity.partnerships.edges) dealElements(node, node.parties ?? [], into);
}

function person(entity: Person, into: Collector): void {
  into.node(personNode(entity));
  for (const position of entity.positions.nodes) {
    into.node(companyNode(position.company));
    into.edge("executive", entity.id, position.company.id, position.title);
  }
}

function facility(entity: Facility, into: Collector): void {
  into.node(facilityNode(entity));
  for (const { roles, node } of entity.companies.edges) {
    into.node(companyNode(node));
    into.edge("facility", node.id, entity.id, roles.map(lower).join(", "));
  }
  for (const partnership of entity.partnerships.nodes) {
    dealElements(partnership, partnership.parties ?? [], into);
    into.edge("facility", partnership.id, entity.id, "concerns");
  }
  if (entity.partOf) {
    into.node(facilityNode(entity.partOf));
    into.edge("facility", entity.id, entity.partOf.id, "part of");
  }
  for (const part of entity.parts.nodes) {
    into.node(facilityNode(part));
    into.edge("facility", part.id, entity.id, "part of");
  }
}

function partnership(entity: Partnership, into: Collector): void {
  dealElements(entity, entity.parties, into);
  for (const site of entity.facilities.nodes) {
    into.node(facilityNode(site));
    into.edge("facility", entity.id, site.id, "concerns");
  }
  if (entity.partOf) {
    into.node(partnershipNode(entity.partOf));
    into.edge("party", entity.id, entity.partOf.id, "part of");
  }
}

/** An entity and its neighbourhood as graph elements. */
export function neighbourhood(entity: Entity): Elements {
  const into = new Collector();
  switch (entity.__typename) {
    case "Company":
      company(entity, into);
      break;
    case "Person":
      person(entity, into);
      break;
    case "Facility":
      facility(entity, into);
      break;
    case "Partnership":
      partnership(entity, into);
      break;
  }
  return into.elements();
}

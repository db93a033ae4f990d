/**
 * A set of deals in the network view: those of one status (and qualifier), or those announced in
 * one month. The dashboard's money and month charts open them; the URL keeps the choice as
 * `deals=status:SIGNED`, `deals=status:SIGNED:UP_TO` or `deals=month:2025-09`.
 */

import type { OverlayResult } from "./analytics";
import { graphql } from "./api";
import { Collector, dealElements, usd } from "./model";
import type { Party, PartnershipRef } from "./queries";

export type DealSelection = { status: string; qualifier?: string } | { month: string };

const NAME = /^[A-Z_]{1,40}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MOST = 100; // the API's largest page

export function parseDeals(text: string | null): DealSelection | undefined {
  const [kind, first, second] = (text ?? "").split(":");
  if (kind === "month" && MONTH.test(first ?? "") && second === undefined) return { month: first };
  if (kind === "status" && NAME.test(first ?? "")) {
    if (second === undefined) return { status: first };
    if (NAME.test(second)) return { status: first, qualifier: second };
  }
  return undefined;
}

export function formatDeals(selection: DealSelection): string {
  if ("month" in selection) return `month:${selection.month}`;
  return ["status", selection.status, selection.qualifier].filter(Boolean).join(":");
}

const words = (text: string): string => text.toLowerCase().replace(/_/g, " ");

/** "September 2025" for "2025-09". */
export function monthName(month: string): string {
  const [year, number] = month.split("-").map(Number);
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleString("en", {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** What the selection is, in words: "status signed, amounts up to", "announced in May 2025". */
export function describeDeals(selection: DealSelection): string {
  if ("month" in selection) return `announced in ${monthName(selection.month)}`;
  const qualifier = selection.qualifier ? `, valued “${words(selection.qualifier)}”` : "";
  return `status ${words(selection.status)}${qualifier}`;
}

function where(selection: DealSelection): Record<string, unknown> {
  if ("month" in selection) {
    const [year, month] = selection.month.split("-").map(Number);
    const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, "0")}`;
    return { announcedOn: { gte: `${selection.month}-01`, lt: `${next}-01` } };
  }
  const status = { status: { eq: selection.status } };
  return selection.qualifier ? { ...status, valueQualifier: { eq: selection.qualifier } } : status;
}

type Deal = PartnershipRef & { announcedPrecision: string | null; parties: Party[] };
interface DealPage {
  partnerships: { totalCount: number; nodes: Deal[] };
}
const DEALS = `query ExploreDeals($where: PartnershipWhere, $asOf: Date) {
  partnerships(where: $where, asOf: $asOf, first: ${MOST}, orderBy: {field: VALUE_USD, direction: DESC}) {
    totalCount
    nodes { id name kind status announcedOn announcedPrecision value { amount currency usd qualifier }
      parties { role value { usd } company { id name kind country } } }
  }
}`;

/** The deals of a selection with their parties and money flows, to draw highlighted and list. */
export async function loadDeals(selection: DealSelection, asOf?: string): Promise<OverlayResult> {
  const data = await graphql<DealPage>(DEALS, { where: where(selection), asOf });
  // A month holds the deals dated to the day or the month, as the API's month grouping counts
  // them; a deal dated only to a quarter or a year starts on the month's first day but is in no month.
  const deals = data.partnerships.nodes.filter(
    (deal) =>
      !("month" in selection) || deal.announcedPrecision === "DAY" || deal.announcedPrecision === "MONTH",
  );
  const into = new Collector();
  for (const deal of deals) dealElements(deal, deal.parties, into);
  const elements = into.elements();
  const items = deals.map((deal) => ({
    text: `${deal.name}: ${deal.value?.usd != null ? usd(deal.value.usd) : "value not disclosed"}${
      deal.value && deal.value.usd != null && deal.value.qualifier !== "EXACT"
        ? ` (${words(deal.value.qualifier)})`
        : ""
    }`,
    detail: [
      words(deal.status),
      deal.announcedOn,
      [...new Set(deal.parties.map((p) => p.company.name))].join(", "),
    ]
      .filter(Boolean)
      .join(" · "),
    ids: [deal.id],
  }));
  const cut = data.partnerships.totalCount > MOST;
  return {
    title: "Deals",
    elements,
    highlight: new Set([...elements.nodes.map((n) => n.id), ...elements.edges.map((e) => e.id)]),
    items,
    count: `${deals.length} deal${deals.length === 1 ? "" : "s"}`,
    note: cut ? `The ${MOST} largest by US$ value of ${data.partnerships.totalCount}.` : undefined,
  };
}

/**
 * The three analytics buttons: each asks the API one question about the selected entity and
 * turns the answer into elements to draw (highlighted) and lines to list in the panel.
 *
 * supply    supplyChain(company, UPSTREAM, maxDepth 3): suppliers by tier.
 * loops     circularFlows(involving): money that comes back to where it started.
 * exposure  exposure(company | facility, maxDepth 2): who depends on it, by tier.
 */

import { graphql } from "./api";
import { Collector, companyNode, SUPPLY_DIRECTIONS, usd, type Elements } from "./model";
import {
  EXPOSURE_OF_COMPANY,
  EXPOSURE_OF_FACILITY,
  MONEY_LOOPS,
  SUPPLY_CHAIN,
  type EntityType,
  type Loop,
  type PartnershipRef,
  type Tiers,
} from "./queries";

export type Overlay = "supply" | "loops" | "exposure";
export const OVERLAYS: Record<Overlay, string> = {
  supply: "Supply chain",
  loops: "Money loops",
  exposure: "Exposure",
};

export interface OverlayResult {
  title: string;
  elements: Elements;
  /** Ids of the nodes and edges that make up the answer. */
  highlight: Set<string>;
  /** One line per tier, loop or dependent, each with the ids it draws. */
  items: { text: string; detail?: string; ids: string[] }[];
  /** What was found, in a few words. */
  count: string;
  note?: string;
}

/** Whether an overlay can be asked about an entity of this type. */
export function applies(overlay: Overlay, type: EntityType): boolean {
  return type === "Company" || (overlay === "exposure" && type === "Facility");
}

/**
 * The companies along a tier path: each partnership leads from the current company to the next
 * one, the last to the entry itself. `upstream` picks the party on the supplying side.
 */
function walk(start: string, end: string, path: PartnershipRef[], upstream: boolean): string[] {
  const chain = [start];
  path.forEach((partnership, index) => {
    const current = chain[chain.length - 1];
    if (index === path.length - 1) {
      chain.push(end);
      return;
    }
    const parties = partnership.parties ?? [];
    const mine = new Set(parties.filter((p) => p.company.id === current).map((p) => p.role));
    const next =
      parties.find(
        (p) =>
          p.company.id !== current &&
          SUPPLY_DIRECTIONS.some(([giver, taker]) =>
            upstream ? p.role === giver && mine.has(taker) : p.role === taker && mine.has(giver),
          ),
      ) ?? parties.find((p) => p.company.id !== current);
    if (next) chain.push(next.company.id);
  });
  return chain;
}

function tiers(
  result: Tiers,
  start: string,
  startType: EntityType,
  upstream: boolean,
  title: string,
): OverlayResult {
  const into = new Collector();
  const highlight = new Set<string>([start]);
  const byTier = new Map<number, string[]>();
  for (const entry of result.entries) {
    into.node(companyNode(entry.company));
    highlight.add(entry.company.id);
    byTier.set(entry.tier, [...(byTier.get(entry.tier) ?? []), entry.company.id]);
    const paths = entry.paths.length ? entry.paths : [[]];
    for (const path of paths.slice(0, 1)) {
      const chain = path.length ? walk(start, entry.company.id, path, upstream) : [start, entry.company.id];
      for (let i = 1; i < chain.length; i += 1) {
        const [from, to] = [chain[i - 1], chain[i]];
        const fromFacility = i === 1 && startType === "Facility";
        const kind = fromFacility ? "facility" : "supply";
        const [source, target] = fromFacility ? [to, from] : upstream ? [to, from] : [from, to];
        highlight.add(
          into.edge(kind, source, target, fromFacility ? "tied to" : "supplies", path[i - 1]?.id),
        );
        highlight.add(to);
      }
    }
  }
  const names = new Map(result.entries.map((entry) => [entry.company.id, entry.company.name]));
  const items = [...byTier.entries()]
    .sort(([a], [b]) => a - b)
    .map(([tier, ids]) => ({
      text: `Tier ${tier}: ${ids.map((id) => names.get(id)).join(", ")}`,
      ids,
    }));
  return {
    title,
    elements: into.elements(),
    highlight,
    items,
    count: `${result.entries.length} companies in ${items.length} tier${items.length === 1 ? "" : "s"}`,
    note: result.truncated ? "Cut short at the API's cap of 500 companies." : undefined,
  };
}

function loops(found: Loop[], start: string): OverlayResult {
  const into = new Collector();
  const highlight = new Set<string>([start]);
  const items = found.map((loop) => {
    const ids: string[] = [];
    for (const step of loop.steps) {
      into.node(companyNode(step.from));
      into.node(companyNode(step.to));
      ids.push(
        step.from.id,
        into.edge("money", step.from.id, step.to.id, "pays", step.partnership.id, step.valueUsd),
      );
    }
    ids.forEach((id) => highlight.add(id));
    const names = [...loop.steps.map((step) => step.from.name), loop.steps[0]?.from.name ?? ""];
    const smallest = loop.minStepUsd != null ? `, at most ${usd(loop.minStepUsd)} all the way round` : "";
    return {
      text: `${names.join(" → ")}: ${usd(loop.valueUsd)} in ${loop.length} steps${smallest}`,
      detail: `via ${loop.steps.map((step) => step.partnership.name).join("; ")}`,
      ids,
    };
  });
  const count = `${items.length} loop${items.length === 1 ? "" : "s"}`;
  return { title: "Money loops", elements: into.elements(), highlight, items, count };
}

/** Ask the API and shape the answer; null when the entity is unknown to the analytics. */
export async function runOverlay(
  overlay: Overlay,
  id: string,
  type: EntityType,
  asOf?: string,
): Promise<OverlayResult | null> {
  if (overlay === "loops") {
    const data = await graphql<{ result: { loops: Loop[] } }>(MONEY_LOOPS, { id, asOf });
    return loops(data.result.loops, id);
  }
  if (overlay === "supply") {
    const data = await graphql<{ result: Tiers | null }>(SUPPLY_CHAIN, { id, asOf });
    return data.result && tiers(data.result, id, type, true, "Supply chain (suppliers by tier)");
  }
  const query = type === "Facility" ? EXPOSURE_OF_FACILITY : EXPOSURE_OF_COMPANY;
  const data = await graphql<{ result: Tiers | null }>(query, { id, asOf });
  return data.result && tiers(data.result, id, type, false, "Exposure (who depends on it, by tier)");
}

/** The view's state in the URL, so that a link reproduces the view. */

import type { HubRanking } from "./aggregates";
import type { Overlay } from "./analytics";
import { OVERLAYS } from "./analytics";

export type View = "graph" | "facilities" | "dashboard";
const VIEWS: readonly string[] = ["graph", "facilities", "dashboard"];

export interface ViewState {
  /** The entity the view was opened on. */
  focus?: string;
  /** Entities expanded after it, in order. */
  expand: string[];
  /** The entity in the side panel (and the subject of the analytics). */
  select?: string;
  overlay?: Overlay;
  view: View;
  /** The part of the world the facility map shows (facilities.ts AREAS). */
  area: string;
  /** Link kinds and node types switched off in the legend. */
  hide: string[];
  /** The date the network is drawn as of (YYYY-MM-DD); none: today. */
  asOf?: string;
  /** Deals drawn in the network instead of one entity's neighbourhood (deals.ts parseDeals). */
  deals?: string;
  /** The facility map shows only this country's facilities (ISO code, as the data has it). */
  country?: string;
  /** The dashboard's deals per month start at this month (YYYY-MM). */
  since?: string;
  /** The dashboard's ranking of hubs. */
  ranking: HubRanking;
}

const list = (value: string | null): string[] => (value ? value.split(",").filter(Boolean) : []);

export function readState(search: string = window.location.search): ViewState {
  const params = new URLSearchParams(search);
  const overlay = params.get("overlay");
  return {
    focus: params.get("focus") ?? undefined,
    expand: list(params.get("expand")),
    select: params.get("select") ?? undefined,
    overlay: overlay && overlay in OVERLAYS ? (overlay as Overlay) : undefined,
    view: VIEWS.includes(params.get("view") ?? "") ? (params.get("view") as View) : "graph",
    area: params.get("area") ?? "all",
    hide: list(params.get("hide")),
    asOf: /^\d{4}-\d{2}-\d{2}$/.test(params.get("asOf") ?? "") ? (params.get("asOf") as string) : undefined,
    deals: params.get("deals") ?? undefined,
    country: /^[A-Za-z-]{2,8}$/.test(params.get("country") ?? "")
      ? (params.get("country") as string)
      : undefined,
    since: /^\d{4}-(0[1-9]|1[0-2])$/.test(params.get("since") ?? "")
      ? (params.get("since") as string)
      : undefined,
    ranking: params.get("hubs") === "suppliers" ? "MOST_DEPENDED_ON_SUPPLIERS" : "LARGEST_MONEY_HUBS",
  };
}

export function writeState(state: ViewState, push = false): void {
  const params = new URLSearchParams();
  if (state.focus) params.set("focus", state.focus);
  if (state.expand.length) params.set("expand", state.expand.join(","));
  if (state.select && state.select !== state.focus) params.set("select", state.select);
  if (state.overlay) params.set("overlay", state.overlay);
  if (state.view !== "graph") params.set("view", state.view);
  if (state.view === "facilities" && state.area !== "all") params.set("area", state.area);
  if (state.view === "graph" && state.deals) params.set("deals", state.deals);
  if (state.view === "facilities" && state.country) params.set("country", state.country);
  if (state.view === "dashboard" && state.since) params.set("since", state.since);
  if (state.view === "dashboard" && state.ranking !== "LARGEST_MONEY_HUBS") params.set("hubs", "suppliers");
  if (state.hide.length) params.set("hide", state.hide.join(","));
  if (state.asOf) params.set("asOf", state.asOf);
  const url = `${window.location.pathname}?${params.toString().replace(/%2C/g, ",").replace(/%3A/g, ":")}`;
  if (url === `${window.location.pathname}${window.location.search}`) return;
  if (push) window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

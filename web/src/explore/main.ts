/**
 * /explore: the graph as a network you can click through, and its facilities on a map.
 * Everything is read through POST /graphql; the URL keeps the state (state.ts), so a view can be
 * shared. This module holds the state and the actions; the others draw.
 */

import "./explore.css";

import { followChanges } from "./changes";
import { applies, OVERLAYS, runOverlay, type Overlay, type OverlayResult } from "./analytics";
import type { Dashboard, DashboardOptions } from "./dashboard";
import { describeDeals, formatDeals, loadDeals, parseDeals, type DealSelection } from "./deals";
import { byId, fill, h } from "./dom";
import { DATA_EXTENSIONS, type DataFormat, download, exportData, svgBlob, svgToPng } from "./export";
import { drawFacilities, loadFacilities, type FacilityItem, type FacilityMap } from "./facilities";
import { GraphView } from "./graph";
import { listFacilities, listNodes } from "./inview";
import { drawLegend } from "./legend";
import { LINK_KINDS, neighbourhood, NODE_TYPES, type LinkKind } from "./model";
import { details, overlayPanel } from "./panel";
import type { EntityType } from "./queries";
import { setUpSearch } from "./search";
import { readState, writeState, type View, type ViewState } from "./state";
import { busy, hover, say } from "./status";
import { Store } from "./store";
import { showTimeline } from "./timeline";

declare global {
  interface Window {
    /**
     * For the browser console and the browser tests: the cytoscape instance, the state and,
     * once the dashboard view has been opened, the dashboard.
     */
    supplygraph?: { cy: GraphView["cy"]; state: () => ViewState; dashboard?: Dashboard };
  }
}

const DEFAULT_FOCUS = "openai";
const store = new Store();
let state: ViewState = readState();
const expanded = new Set<string>();
let overlayResult: OverlayResult | null = null;
let facilityItems: FacilityItem[] | null = null;
let facilityMap: FacilityMap | null = null;
let dashboard: Dashboard | null = null;

const graph = new GraphView(byId("graph"), {
  select: (id) => void busy(() => select(id)),
  expand: (id) => void busy(() => expand(id)),
  hover,
});
window.supplygraph = { cy: graph.cy, state: () => state };

// ---- the network ------------------------------------------------------------------------

async function expand(id: string): Promise<void> {
  if (expanded.has(id)) return;
  const entity = await store.load(id);
  if (!entity) {
    say(missing(id));
    return;
  }
  expanded.add(id);
  const elements = neighbourhood(entity);
  elements.nodes.forEach((node) => store.know(node.id, node.type));
  graph.add(elements, id);
  graph.mark(id, "expanded");
  if (id !== state.focus && !state.expand.includes(id)) state.expand.push(id);
  applyFilters();
  if (overlayResult) graph.highlight(overlayResult.highlight);
  listInView();
  writeState(state);
  say(`${entity.name}: ${graph.nodes().length} entities in view.`);
}

async function select(id: string): Promise<void> {
  state.select = id;
  graph.select(id);
  const entity = await store.load(id);
  if (!entity) {
    fill(byId("details"), h("p", {}, missing(id)));
    byId("timeline").hidden = true;
    return;
  }
  const actions = {
    select: (other: string) => void busy(() => selectAndShow(other)),
    focus: (other: string) => void busy(() => focusOn(other, true)),
  };
  fill(byId("details"), details(entity, actions, id === state.focus));
  updateButtons(entity.__typename);
  writeState(state);
  await showTimeline(id, entity.name, state.asOf);
}

function missing(id: string): string {
  return state.asOf
    ? `“${id}” is not in the graph as of ${state.asOf} (not yet announced, or no such id).`
    : `Nothing in the graph has the id “${id}”.`;
}

/** Draw the network again as of another date (none: today), keeping what is in view. */
async function setDate(date: string | undefined): Promise<void> {
  state.asOf = date;
  writeState(state, true);
  await restore();
}

/** Select an entity named in the panel, bringing it into the network first. */
async function selectAndShow(id: string): Promise<void> {
  if (state.view === "graph" && !graph.has(id)) await expand(id);
  await select(id);
}

/** Start again from one entity (a search hit, or "Centre the view here"). */
async function focusOn(id: string, push: boolean): Promise<void> {
  graph.clear();
  expanded.clear();
  clearOverlay(false);
  state = { ...state, focus: id, expand: [], select: id, overlay: undefined, deals: undefined };
  if (state.view !== "graph") await setView("graph", false);
  writeState(state, push);
  await expand(id);
  graph.mark(id, "focus");
  await select(id);
}

/** Draw a set of deals chosen on the dashboard (a status, a status and qualifier, a month). */
async function showDeals(selection: DealSelection, push: boolean): Promise<void> {
  graph.clear();
  expanded.clear();
  clearOverlay(false);
  const deals = formatDeals(selection);
  state = { ...state, focus: undefined, expand: [], select: undefined, overlay: undefined, deals };
  if (state.view !== "graph") await setView("graph", false);
  writeState(state, push);
  const subject = describeDeals(selection);
  say(`Deals ${subject}: asking the API…`);
  const result = await loadDeals(selection, state.asOf);
  overlayResult = result;
  result.elements.nodes.forEach((node) => store.know(node.id, node.type));
  graph.add(result.elements);
  applyFilters();
  graph.highlight(result.highlight);
  graph.fit();
  listInView();
  const pick = (ids: string[]): void => {
    graph.highlight(new Set(ids));
    graph.fit(new Set(ids));
    if (ids[0]) void busy(() => select(ids[0]));
  };
  fill(
    byId("overlay"),
    overlayPanel(result, subject, pick, () => clearOverlay()),
  );
  fill(
    byId("details"),
    h(
      "p",
      {},
      `The deals ${subject}, with their parties and the money between them. Choose one for its details.`,
    ),
  );
  byId("timeline").hidden = true;
  say(`Deals ${subject}: ${result.count}, highlighted in the view.`);
}

function applyFilters(): void {
  const hidden = new Set(state.hide);
  graph.filter(
    new Set((Object.keys(LINK_KINDS) as LinkKind[]).filter((kind) => !hidden.has(kind))),
    new Set((Object.keys(NODE_TYPES) as EntityType[]).filter((type) => !hidden.has(type))),
  );
}

function listInView(): void {
  followChanges(
    graph.nodes().map((node) => node.id),
    (id) => void busy(() => selectAndShow(id)),
  );
  if (state.view === "dashboard") return;
  if (state.view === "facilities") {
    if (facilityMap) listFacilities(facilityMap, (id) => void busy(() => select(id)));
    return;
  }
  listNodes(
    graph.nodes(),
    expanded,
    (id) =>
      void busy(async () => {
        await select(id);
        await expand(id);
      }),
  );
}

// ---- analytics --------------------------------------------------------------------------

function updateButtons(type: EntityType | undefined): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>("[data-overlay]")) {
    const overlay = button.dataset.overlay as Overlay;
    const usable = type !== undefined && applies(overlay, type);
    const needs = overlay === "exposure" ? "a company or a facility" : "a company";
    button.disabled = !usable;
    button.title = usable ? "" : `${OVERLAYS[overlay]} needs ${needs}: select one`;
    button.setAttribute("aria-pressed", String(state.overlay === overlay));
  }
}

function clearOverlay(write = true): void {
  overlayResult = null;
  state.overlay = undefined;
  graph.highlight(null);
  byId("overlay").replaceChildren();
  updateButtons(state.select ? store.known(state.select) : undefined);
  if (write) writeState(state);
}

/** Ask one of the analytics about the selected entity and draw the answer, highlighted. */
async function showOverlay(overlay: Overlay): Promise<void> {
  const id = state.select ?? state.focus;
  if (!id) return;
  if (state.view !== "graph") await setView("graph", false);
  const type = await store.typeOf(id);
  if (!type || !applies(overlay, type)) {
    say(`${OVERLAYS[overlay]} needs a company${overlay === "exposure" ? " or a facility" : ""}: select one.`);
    return;
  }
  if (!graph.has(id)) await expand(id);
  say(`${OVERLAYS[overlay]}: asking the API…`);
  const result = await runOverlay(overlay, id, type, state.asOf);
  if (!result) {
    say(`${OVERLAYS[overlay]}: the API knows nothing about “${id}”.`);
    return;
  }
  overlayResult = result;
  state.overlay = overlay;
  result.elements.nodes.forEach((node) => store.know(node.id, node.type));
  graph.add(result.elements, id);
  applyFilters();
  graph.highlight(result.highlight);
  graph.fit(result.highlight);
  listInView();
  const name = graph.label(id) ?? id;
  const pick = (ids: string[]): void => {
    graph.highlight(new Set([id, ...ids]));
    graph.fit(new Set(ids));
  };
  fill(
    byId("overlay"),
    overlayPanel(result, name, pick, () => clearOverlay()),
  );
  say(`${result.title} for ${name}: ${result.count}, highlighted in the view.`);
  updateButtons(type);
  writeState(state);
}

// ---- views ------------------------------------------------------------------------------

const FACILITY_INTRO =
  "Each facility is drawn where the data places it, coloured by its status. The curated data has no " +
  "coordinates for most sites: those are drawn as rings at the centre of their state or country, so " +
  "their positions are approximate. Choose one for its details and sources.";

function facilityIntro(): HTMLElement[] {
  const country = state.country;
  if (!country) return [h("p", {}, FACILITY_INTRO)];
  const all = (): void =>
    void busy(async () => {
      state.country = undefined;
      fill(byId("details"), facilityIntro());
      await drawMap();
      writeState(state, true);
    });
  return [
    h(
      "p",
      {},
      `Only the facilities in ${country}, chosen on the dashboard. `,
      h("button", { type: "button", onclick: all }, "Show every country"),
    ),
    h("p", {}, FACILITY_INTRO),
  ];
}

async function drawMap(): Promise<void> {
  const everywhere = facilityItems ?? [];
  const items = state.country
    ? everywhere.filter((item) => item.location.country === state.country)
    : everywhere;
  facilityMap = await drawFacilities(
    byId("facilities"),
    items,
    state.area,
    (id) => void busy(() => select(id)),
    hover,
  );
  for (const item of items) store.know(item.id, "Facility");
  for (const button of document.querySelectorAll<HTMLButtonElement>("[data-area]")) {
    button.setAttribute("aria-pressed", String(button.dataset.area === state.area));
  }
  const approximate = facilityMap.placed.filter((p) => p.placement.kind === "approximate").length;
  const exact = facilityMap.placed.length - approximate;
  say(
    `${items.length} facilities${state.country ? ` in ${state.country}` : ""}: ${exact} placed by coordinates, ${approximate} approximately ` +
      `(centre of their state or country), ${facilityMap.unplaced.length} without a location.`,
  );
}

const DASHBOARD_INTRO =
  "Each chart is one GraphQL request to the API's aggregates or rankings, drawn as the API answers it. " +
  "Choose a bar to open it in the network: a status or a month shows those deals, a company its network, " +
  "a country its facilities on the map. Each chart's figures are also in a table under it.";

async function showDashboard(): Promise<void> {
  fill(byId("details"), h("p", {}, DASHBOARD_INTRO));
  byId("timeline").hidden = true;
  say("Loading the dashboard…");
  if (!dashboard) {
    const { Dashboard } = await import("./dashboard");
    dashboard = new Dashboard(byId("dashboard"), {
      hub: (id) => void busy(() => focusOn(id, true)),
      deals: (selection) => void busy(() => showDeals(selection, true)),
      country: (code) => void busy(() => showCountry(code)),
      options: (options) => {
        state.since = options.since;
        state.ranking = options.ranking;
        writeState(state);
      },
      run: (work) => void busy(work),
    });
    if (window.supplygraph) window.supplygraph.dashboard = dashboard;
  }
  const options: DashboardOptions = { asOf: state.asOf, since: state.since, ranking: state.ranking };
  await dashboard.show(options);
  say(
    state.asOf
      ? `The dashboard as of ${state.asOf}.`
      : "The dashboard: choose a bar to open it in the network.",
  );
}

/** The facility map with one country's facilities only (a country chosen on the dashboard). */
async function showCountry(code: string): Promise<void> {
  state.country = code;
  state.select = undefined;
  await setView("facilities", false);
  writeState(state, true);
}

async function setView(view: View, write = true): Promise<void> {
  state.view = view;
  for (const button of document.querySelectorAll<HTMLButtonElement>("[data-view]")) {
    button.setAttribute("aria-pressed", String(button.dataset.view === view));
  }
  byId("graph").hidden = view !== "graph";
  byId("legend-graph").hidden = view !== "graph";
  byId("overlay").hidden = view !== "graph";
  byId("facilities").hidden = view !== "facilities";
  byId("legend-facilities").hidden = view !== "facilities";
  byId("dashboard").hidden = view !== "dashboard";
  byId("legend").hidden = view === "dashboard";
  byId("in-view").hidden = view === "dashboard";
  for (const id of ["fit", "export-png", "export-svg"])
    byId<HTMLButtonElement>(id).disabled = view === "dashboard";
  if (view !== "facilities") state.country = undefined;
  if (view === "dashboard") {
    await showDashboard();
  } else if (view === "facilities") {
    if (!state.select) fill(byId("details"), facilityIntro());
    say("Loading the facilities…");
    facilityItems ??= await loadFacilities();
    await drawMap();
  } else if (write && !graph.nodes().length && !state.deals) {
    // Back from the dashboard to an empty network: start where the network starts.
    await focusOn(state.focus ?? DEFAULT_FOCUS, false);
  } else {
    graph.cy.resize();
    if (graph.nodes().length) graph.fit(overlayResult?.highlight);
  }
  listInView();
  if (write) writeState(state);
}

async function exportAs(format: "png" | "svg"): Promise<void> {
  const name = `supplygraph-${state.view === "graph" ? (state.focus ?? "graph") : "facilities"}.${format}`;
  if (state.view === "facilities") {
    if (!facilityMap) return;
    download(format === "svg" ? svgBlob(facilityMap.svg) : await svgToPng(facilityMap.svg), name);
  } else {
    download(format === "svg" ? svgBlob(graph.svg()) : graph.png(), name);
  }
  say(`Saved ${name}.`);
}

async function exportView(format: DataFormat): Promise<void> {
  const ids = graph.shownIds();
  if (!ids.length) {
    say("Nothing in view to export.");
    return;
  }
  const name = `supplygraph-${state.focus ?? "graph"}.${DATA_EXTENSIONS[format]}`;
  say(`Exporting ${ids.length} entities…`);
  download(await exportData(format, ids), name);
  say(`Saved ${name}: ${ids.length} entities and the links between them.`);
}

// ---- start ------------------------------------------------------------------------------

function legend(): void {
  drawLegend(state.hide, state.area, {
    toggle: (key, on) => {
      state.hide = on ? state.hide.filter((item) => item !== key) : [...new Set([...state.hide, key])];
      applyFilters();
      writeState(state);
    },
    area: (key) =>
      void busy(async () => {
        state.area = key;
        await drawMap();
        writeState(state);
      }),
  });
}

/** Draw what the URL describes (on load, and on the browser's back and forward). */
async function restore(): Promise<void> {
  const wanted = readState();
  state = { ...wanted, expand: [] };
  store.asOf = wanted.asOf;
  byId<HTMLInputElement>("as-of").value = wanted.asOf ?? "";
  legend();
  graph.clear();
  expanded.clear();
  clearOverlay(false);
  await setView(wanted.view, false);
  const deals = wanted.view === "graph" ? parseDeals(wanted.deals ?? null) : undefined;
  const focus = wanted.focus ?? (wanted.view === "graph" && !deals ? DEFAULT_FOCUS : undefined);
  if (deals) {
    await showDeals(deals, false);
    for (const id of wanted.expand) await expand(id);
    if (wanted.select) await select(wanted.select);
  } else if (focus) {
    state.focus = focus;
    await expand(focus);
    graph.mark(focus, "focus");
    for (const id of wanted.expand) await expand(id);
    await select(wanted.select ?? focus);
    if (wanted.overlay) await showOverlay(wanted.overlay);
  }
  writeState(state);
}

function start(): void {
  // On a phone the legend starts folded, leaving the network the screen.
  if (window.matchMedia("(max-width: 800px)").matches) byId<HTMLDetailsElement>("legend").open = false;
  setUpSearch((hit) => {
    store.know(hit.id, hit.__typename as EntityType);
    void busy(() => focusOn(hit.id, true));
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>("[data-view]")) {
    button.addEventListener("click", () => void busy(() => setView(button.dataset.view as View)));
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>("[data-overlay]")) {
    button.addEventListener("click", () => void busy(() => showOverlay(button.dataset.overlay as Overlay)));
  }
  byId("clear-overlay").addEventListener("click", () => clearOverlay());
  byId("export-png").addEventListener("click", () => void busy(() => exportAs("png")));
  byId("export-svg").addEventListener("click", () => void busy(() => exportAs("svg")));
  for (const format of Object.keys(DATA_EXTENSIONS) as DataFormat[]) {
    byId(`export-${format}`).addEventListener("click", () => void busy(() => exportView(format)));
  }
  byId("fit").addEventListener("click", () => graph.fit());
  const date = byId<HTMLInputElement>("as-of");
  date.addEventListener("change", () => {
    if (date.value === "" || /^\d{4}-\d{2}-\d{2}$/.test(date.value))
      void busy(() => setDate(date.value || undefined));
  });
  byId("as-of-clear").addEventListener("click", () => void busy(() => setDate(undefined)));
  window.addEventListener("popstate", () => void busy(restore));
  window.addEventListener("resize", () => {
    graph.cy.resize();
    dashboard?.resize();
  });
  byId("legend").addEventListener("toggle", () => graph.cy.resize());
  void busy(restore);
}

start();

/**
 * The facility view: every facility placed by its coordinates on a plain outline of the world
 * (world-atlas countries and us-atlas states, bundled from npm; no map tiles), coloured by status.
 *
 * The curated data has few or no coordinates, so most sites are placed by places.ts at the
 * centre of their state or country. Those are drawn as hollow rings and called approximate
 * wherever they appear; sites with no location at all are listed, not drawn.
 */

import { geoEquirectangular, geoGraticule10, geoPath } from "d3-geo";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import countriesUrl from "world-atlas/countries-110m.json?url";
import statesUrl from "us-atlas/states-10m.json?url";

import { graphql } from "./api";
import { place, type Placement } from "./places";
import { FACILITIES, type FacilityPage } from "./queries";

export type FacilityItem = FacilityPage["facilities"]["nodes"][number];

export const STATUS_COLOURS: Record<string, string> = {
  PROPOSED: "#a78bfa",
  ANNOUNCED: "#3b82f6",
  APPROVED: "#06b6d4",
  CONSTRUCTION: "#f59e0b",
  OPERATING: "#16a34a",
  REPURPOSED: "#0d9488",
  SCALED_BACK: "#ea580c",
  CLOSED: "#4b5563",
  CANCELLED: "#dc2626",
  UNKNOWN: "#9ca3af",
};

const SVG = "http://www.w3.org/2000/svg";

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  parent?.append(element);
  return element;
}

let atlas: Promise<[Topology, Topology]> | undefined;
function loadAtlas(): Promise<[Topology, Topology]> {
  atlas ??= Promise.all(
    [countriesUrl, statesUrl].map(async (url) => (await (await fetch(url)).json()) as Topology),
  ) as Promise<[Topology, Topology]>;
  return atlas;
}

/** Parts of the world the map can zoom to: west, south, east, north in degrees. */
export const AREAS: Record<string, { label: string; box?: [number, number, number, number] }> = {
  all: { label: "All" },
  americas: { label: "North America", box: [-126, 14, -60, 52] },
  europe: { label: "Europe", box: [-12, 34, 35, 72] },
  gulf: { label: "Middle East", box: [30, 10, 62, 40] },
  asia: { label: "East Asia", box: [95, -5, 150, 50] },
};

export interface Placed {
  item: FacilityItem;
  placement: Exclude<Placement, { kind: "none" }>;
}

export interface FacilityMap {
  svg: SVGSVGElement;
  placed: Placed[];
  unplaced: { item: FacilityItem; label: string }[];
}

/** Every facility, a page of 100 at a time, at most 1,000. */
export async function loadFacilities(): Promise<FacilityItem[]> {
  const items: FacilityItem[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10; page += 1) {
    const data: FacilityPage = await graphql<FacilityPage>(FACILITIES, { after });
    items.push(...data.facilities.nodes);
    if (!data.facilities.pageInfo.hasNextPage) break;
    after = data.facilities.pageInfo.endCursor;
  }
  return items;
}

/** One line for a facility: name, status, where, and how it was placed. */
export function describe(item: FacilityItem, placement: Placement): string {
  const how =
    placement.kind === "exact"
      ? "placed by its coordinates"
      : placement.kind === "approximate"
        ? `approximate: placed at the ${placement.label} (no coordinates in the data)`
        : "not placed: no location in the data";
  const status = item.status.toLowerCase().replace(/_/g, " ");
  const where = [item.location.city, item.location.state, item.location.country].filter(Boolean).join(", ");
  return `${item.name} · ${status} · ${where} · ${how}`;
}

/** Draw the facilities into `container`; `select` is called with a facility's id on click or Enter. */
export async function drawFacilities(
  container: HTMLElement,
  items: FacilityItem[],
  area: string,
  select: (id: string) => void,
  hover: (text: string | null, x: number, y: number) => void,
): Promise<FacilityMap> {
  const [countries, states] = await loadAtlas();
  const placed: Placed[] = [];
  const unplaced: FacilityMap["unplaced"] = [];
  for (const item of items) {
    const placement = place(item.location);
    if (placement.kind === "none") unplaced.push({ item, label: placement.label });
    else placed.push({ item, placement });
  }

  const width = Math.max(container.clientWidth, 320);
  const height = Math.max(container.clientHeight, 240);
  // Fit the map to the chosen area, or to where the facilities are with a margin of 12 degrees.
  const lons = placed.map((p) => p.placement.lon);
  const lats = placed.map((p) => p.placement.lat);
  const [west, south, east, north] = AREAS[area]?.box ?? [
    lons.length ? Math.min(...lons) - 12 : -170,
    lats.length ? Math.min(...lats) - 12 : -60,
    lons.length ? Math.max(...lons) + 12 : 170,
    lats.length ? Math.max(...lats) + 12 : 80,
  ];
  const projection = geoEquirectangular().fitExtent(
    [
      [16, 16],
      [width - 16, height - 16],
    ],
    {
      type: "MultiPoint",
      coordinates: [
        [Math.max(west, -180), Math.max(south, -85)],
        [Math.min(east, 180), Math.min(north, 85)],
      ],
    },
  );
  const path = geoPath(projection);

  const svg = el("svg", {
    xmlns: SVG,
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-labelledby": "facility-map-title",
    "font-family": "system-ui, sans-serif",
  });
  el("title", { id: "facility-map-title" }, svg).textContent =
    "Facilities by location, coloured by status; hollow rings are approximate";
  el("rect", { x: 0, y: 0, width, height, fill: "#f0f6fb" }, svg);
  el("path", { d: path(geoGraticule10()) ?? "", fill: "none", stroke: "#dbe7f0", "stroke-width": 0.5 }, svg);
  const land = feature(countries, countries.objects.countries as GeometryCollection);
  el("path", { d: path(land) ?? "", fill: "#ffffff", stroke: "#b8c4cf", "stroke-width": 0.6 }, svg);
  const borders = mesh(states, states.objects.states as GeometryCollection, (a, b) => a !== b);
  el("path", { d: path(borders) ?? "", fill: "none", stroke: "#d3dbe2", "stroke-width": 0.5 }, svg);

  // Sites that share a point (the same state centre) are spread on a small spiral around it.
  const seen = new Map<string, number>();
  const markers = el("g", { class: "markers" }, svg);
  for (const { item, placement } of placed) {
    const [x0, y0] = projection([placement.lon, placement.lat]) ?? [0, 0];
    const key = `${Math.round(x0)},${Math.round(y0)}`;
    const index = seen.get(key) ?? 0;
    seen.set(key, index + 1);
    const [x, y] = [
      x0 + 9 * Math.sqrt(index) * Math.cos(index * 2.4),
      y0 + 9 * Math.sqrt(index) * Math.sin(index * 2.4),
    ];
    const colour = STATUS_COLOURS[item.status] ?? STATUS_COLOURS.UNKNOWN;
    const text = describe(item, placement);
    const marker = el(
      "g",
      { tabindex: 0, role: "button", "aria-label": text, "data-id": item.id, class: "marker" },
      markers,
    );
    el("title", {}, marker).textContent = text;
    const exact = placement.kind === "exact";
    el(
      "circle",
      {
        cx: x.toFixed(1),
        cy: y.toFixed(1),
        r: exact ? 6 : 5.5,
        fill: exact ? colour : "#ffffff",
        stroke: colour,
        "stroke-width": exact ? 1.5 : 3,
      },
      marker,
    );
    marker.addEventListener("click", () => select(item.id));
    marker.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        select(item.id);
      }
    });
    marker.addEventListener("mouseenter", () => hover(text, x, y));
    marker.addEventListener("mouseleave", () => hover(null, 0, 0));
  }
  container.replaceChildren(svg);
  return { svg, placed, unplaced };
}

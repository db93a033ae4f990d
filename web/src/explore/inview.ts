/**
 * The panel's list of what is in view: every drawn entity (or every facility) as a button, which
 * is the keyboard's way into a drawing that is otherwise only clickable.
 */

import { byId, fill, h } from "./dom";
import type { FacilityMap } from "./facilities";
import { NODE_TYPES, type NodeData } from "./model";
import type { EntityType } from "./queries";

const button = (id: string, label: string, open: (id: string) => void): HTMLElement =>
  h("button", { type: "button", class: "link", "data-id": id, onclick: () => open(id) }, label);

/** The network's entities by type and name; `open` selects and expands one. */
export function listNodes(nodes: NodeData[], expanded: Set<string>, open: (id: string) => void): void {
  byId("in-view-count").textContent = `Entities in view (${nodes.length})`;
  fill(
    byId("in-view-list"),
    (Object.keys(NODE_TYPES) as EntityType[]).flatMap((type) => {
      const ofType = nodes
        .filter((node) => node.type === type)
        .sort((a, b) => a.label.localeCompare(b.label));
      if (!ofType.length) return [];
      return [
        h("h3", {}, `${NODE_TYPES[type]} (${ofType.length})`),
        h(
          "ul",
          { "data-type": type },
          ofType.map((node) =>
            h(
              "li",
              {},
              button(node.id, node.label, open),
              expanded.has(node.id) ? h("span", { class: "meta" }, " · expanded") : null,
            ),
          ),
        ),
      ];
    }),
  );
}

/** The facilities on the map (and how each is placed), then those without a location. */
export function listFacilities(map: FacilityMap, open: (id: string) => void): void {
  byId("in-view-count").textContent = `Facilities (${map.placed.length + map.unplaced.length})`;
  const placed = map.placed.map(({ item, placement }) =>
    h(
      "li",
      {},
      button(item.id, item.name, open),
      h("span", { class: "meta" }, placement.kind === "exact" ? " · coordinates" : ` · ≈ ${placement.label}`),
    ),
  );
  const unplaced = map.unplaced.map(({ item }) => h("li", {}, button(item.id, item.name, open)));
  fill(
    byId("in-view-list"),
    h("h3", {}, "On the map"),
    h("ul", {}, placed),
    unplaced.length ? h("h3", {}, "Not on the map (no location in the data)") : null,
    unplaced.length ? h("ul", {}, unplaced) : null,
  );
}

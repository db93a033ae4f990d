/**
 * The legend under the drawing: what each colour and line means. In the network its entries are
 * switches (show or hide a type or a kind of link); on the facility map it also picks the area.
 */

import { byId, h } from "./dom";
import { AREAS, STATUS_COLOURS } from "./facilities";
import { EDGE_COLOURS, NODE_COLOURS } from "./graph";
import { LINK_KINDS, NODE_TYPES, type LinkKind } from "./model";
import type { EntityType } from "./queries";

export interface LegendActions {
  /** Show (true) or hide a node type or link kind. */
  toggle(key: string, on: boolean): void;
  /** Show an area of the facility map. */
  area(key: string): void;
}

function swatch(colour: string, shape: "dot" | "line" | "ring", dashed = false): HTMLElement {
  return h("span", {
    class: `swatch swatch-${shape}${dashed ? " dashed" : ""}`,
    style: shape === "line" ? `border-top-color: ${colour}` : `--colour: ${colour}`,
    "aria-hidden": "true",
  });
}

/** Draw both legends; `hidden` lists the switched-off keys, `area` the map's current area. */
export function drawLegend(hidden: string[], area: string, actions: LegendActions): void {
  const check = (key: string, label: string, mark: HTMLElement, meaning?: string): HTMLElement =>
    h(
      "label",
      { title: meaning },
      h("input", {
        type: "checkbox",
        checked: !hidden.includes(key),
        "data-key": key,
        onchange: (event: Event) => actions.toggle(key, (event.target as HTMLInputElement).checked),
      }),
      mark,
      label,
      meaning ? h("span", { class: "visually-hidden" }, `: ${meaning}`) : null,
    );
  const types = Object.keys(NODE_TYPES) as EntityType[];
  const kinds = Object.keys(LINK_KINDS) as LinkKind[];
  byId("legend-graph").replaceChildren(
    h(
      "fieldset",
      {},
      h("legend", {}, "Entities"),
      types.map((type) => check(type, NODE_TYPES[type], swatch(NODE_COLOURS[type], "dot"))),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Links"),
      kinds.map((kind) => {
        const [label, meaning] = LINK_KINDS[kind];
        const dashed = kind === "ownership" || kind === "facility";
        return check(kind, label, swatch(EDGE_COLOURS[kind], "line", dashed), meaning);
      }),
    ),
  );
  byId("legend-facilities").replaceChildren(
    h(
      "fieldset",
      {},
      h("legend", {}, "Show"),
      Object.entries(AREAS).map(([key, { label }]) =>
        h(
          "button",
          {
            type: "button",
            "data-area": key,
            "aria-pressed": String(area === key),
            onclick: () => actions.area(key),
          },
          label,
        ),
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Status"),
      Object.entries(STATUS_COLOURS).map(([status, colour]) =>
        h("span", { class: "key" }, swatch(colour, "dot"), status.toLowerCase().replace(/_/g, " ")),
      ),
    ),
    h(
      "p",
      { class: "key-note" },
      swatch("#374151", "dot"),
      "placed by coordinates from the sources ",
      swatch("#374151", "ring"),
      "approximate: at the centre of the state or country (the data has no coordinates)",
    ),
  );
}

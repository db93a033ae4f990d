/** The network view: cytoscape draws the elements, colours nodes by type and edges by kind. */

import cytoscape, { type Core, type EdgeSingular, type NodeSingular } from "cytoscape";
import svgExport from "cytoscape-svg";

import type { EntityType } from "./queries";
import type { EdgeData, Elements, LinkKind, NodeData } from "./model";
import { mergeEdges, usd } from "./model";

cytoscape.use(svgExport);

export const NODE_COLOURS: Record<EntityType, string> = {
  Company: "#2563eb",
  Person: "#db2777",
  Facility: "#059669",
  Partnership: "#7c3aed",
};
const NODE_SHAPES: Record<EntityType, string> = {
  Company: "ellipse",
  Person: "round-triangle",
  Facility: "round-rectangle",
  Partnership: "diamond",
};
export const EDGE_COLOURS: Record<LinkKind, string> = {
  supply: "#0284c7",
  money: "#ca8a04",
  ownership: "#b91c1c",
  executive: "#db2777",
  facility: "#059669",
  party: "#a1a1aa",
};
const EDGE_LINES: Record<LinkKind, string> = {
  supply: "solid",
  money: "solid",
  ownership: "dashed",
  executive: "dotted",
  facility: "dashed",
  party: "solid",
};

/** Money edges grow with the logarithm of their value: US$100M is 1.5px, US$1T is 10px. */
function moneyWidth(value: number | undefined): number {
  if (value == null || value <= 0) return 1.5;
  return Math.min(10, Math.max(1.5, 1.5 + 2.1 * Math.log10(value / 1e8)));
}

export interface GraphEvents {
  select(id: string): void;
  expand(id: string): void;
  hover(text: string | null, x: number, y: number): void;
}

type Style = cytoscape.StylesheetJson;

const STYLE: Style = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "font-size": 11,
      "font-family": "system-ui, sans-serif",
      color: "#1f2937",
      "text-valign": "bottom",
      "text-margin-y": 4,
      "text-wrap": "ellipsis",
      "text-max-width": "120px",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.7,
      "text-background-padding": "1px",
      "min-zoomed-font-size": 7,
      width: "data(size)",
      height: "data(size)",
      "border-width": 1,
      "border-color": "#ffffff",
    },
  },
  ...(Object.keys(NODE_COLOURS) as EntityType[]).map((type) => ({
    selector: `node[type = "${type}"]`,
    style: { "background-color": NODE_COLOURS[type], shape: NODE_SHAPES[type] as cytoscape.Css.NodeShape },
  })),
  // Deals are many: their names show on hover (tooltip), when selected or when highlighted.
  { selector: 'node[type = "Partnership"]', style: { label: "", "font-size": 9, color: "#4c1d95" } },
  {
    selector: 'node[type = "Partnership"]:selected, node[type = "Partnership"].hl',
    style: { label: "data(label)" },
  },
  { selector: "node.expanded", style: { "border-width": 3, "border-color": "#111827" } },
  { selector: "node.focus", style: { "font-weight": "bold", "font-size": 13 } },
  {
    selector: "node:selected",
    style: { "overlay-color": "#111827", "overlay-opacity": 0.15, "overlay-padding": 6 },
  },
  {
    selector: "edge",
    style: {
      width: "data(width)",
      "curve-style": "bezier",
      "arrow-scale": 0.8,
      opacity: 0.85,
    },
  },
  ...(Object.keys(EDGE_COLOURS) as LinkKind[]).map((kind) => ({
    selector: `edge[kind = "${kind}"]`,
    style: {
      "line-color": EDGE_COLOURS[kind],
      "target-arrow-color": EDGE_COLOURS[kind],
      "line-style": EDGE_LINES[kind] as cytoscape.Css.LineStyle,
      "target-arrow-shape": kind === "party" ? "none" : "triangle",
    } as cytoscape.Css.Edge,
  })),
  { selector: 'edge[kind = "money"][!known]', style: { "line-style": "dashed" } },
  { selector: ".dim", style: { opacity: 0.12 } },
  {
    selector: "node.hl",
    style: { "underlay-color": "#facc15", "underlay-opacity": 0.6, "underlay-padding": 6 },
  },
  {
    selector: "edge.hl",
    style: {
      opacity: 1,
      "z-index": 10,
      "underlay-color": "#facc15",
      "underlay-opacity": 0.6,
      "underlay-padding": 3,
    },
  },
  { selector: ".off", style: { display: "none" } },
];

function nodeTip(data: NodeData): string {
  return `${data.label}\n${data.type}${data.summary ? ` · ${data.summary}` : ""}\nClick to open and expand`;
}
function edgeTip(edge: EdgeSingular): string {
  const data = edge.data() as EdgeData;
  const [from, to] = [edge.source().data("label") as string, edge.target().data("label") as string];
  const lines = [`${from} → ${to}`, `${data.kind}: ${data.label}`];
  if (data.kind === "money") lines.push(usd(data.valueUsd));
  if (data.partnerships.length)
    lines.push(`${data.partnerships.length} partnership(s): ${data.partnerships.join(", ")}`);
  return lines.join("\n");
}

export class GraphView {
  readonly cy: Core;

  constructor(container: HTMLElement, events: GraphEvents) {
    this.cy = cytoscape({
      container,
      style: STYLE,
      minZoom: 0.1,
      maxZoom: 4,
      selectionType: "single",
      boxSelectionEnabled: false,
    });
    this.cy.on("tap", "node", (event) => {
      const id = (event.target as NodeSingular).id();
      events.select(id);
      events.expand(id);
    });
    const tip = (text: string, event: cytoscape.EventObject): void => {
      const point = event.renderedPosition ?? { x: 0, y: 0 };
      events.hover(text, point.x, point.y);
      container.style.cursor = "pointer";
    };
    this.cy.on("mouseover", "node", (event) =>
      tip(nodeTip((event.target as NodeSingular).data() as NodeData), event),
    );
    this.cy.on("mouseover", "edge", (event) => tip(edgeTip(event.target as EdgeSingular), event));
    this.cy.on("mouseout", "node, edge", () => {
      events.hover(null, 0, 0);
      container.style.cursor = "";
    });
  }

  has(id: string): boolean {
    return this.cy.getElementById(id).nonempty();
  }

  label(id: string): string | undefined {
    const node = this.cy.getElementById(id);
    return node.nonempty() ? (node.data("label") as string) : undefined;
  }

  nodes(): NodeData[] {
    return this.cy.nodes().map((node) => node.data() as NodeData);
  }

  /** Ids of the nodes drawn and not hidden by the legend's filters. */
  shownIds(): string[] {
    return this.cy
      .nodes()
      .not(".off")
      .map((node) => node.id());
  }

  clear(): void {
    this.cy.elements().remove();
  }

  /** Add what is new (around `near`, the node being expanded) and lay the graph out again. */
  add(elements: Elements, near?: string): void {
    const anchor = near && this.has(near) ? this.cy.getElementById(near).position() : { x: 0, y: 0 };
    const fresh = elements.nodes.filter((node) => !this.has(node.id));
    const first = this.cy.nodes().empty();
    this.cy.batch(() => {
      fresh.forEach((node, index) => {
        const angle = (2 * Math.PI * index) / Math.max(fresh.length, 1);
        const radius = near || !first ? 120 : 200;
        this.cy.add({
          group: "nodes",
          data: { ...node, size: 24 },
          position:
            node.id === near
              ? anchor
              : { x: anchor.x + radius * Math.cos(angle), y: anchor.y + radius * Math.sin(angle) },
        });
      });
      for (const edge of elements.edges) {
        if (!this.has(edge.source) || !this.has(edge.target)) continue;
        const existing = this.cy.getElementById(edge.id);
        const data = existing.nonempty() ? mergeEdges(existing.data() as EdgeData, edge) : edge;
        const width = edge.kind === "money" ? moneyWidth(data.valueUsd) : edge.kind === "party" ? 1 : 2;
        const decorated = { ...data, width, known: data.valueUsd != null ? true : undefined };
        if (existing.nonempty()) existing.data(decorated);
        else this.cy.add({ group: "edges", data: decorated });
      }
      // Bigger nodes for more links: who is at the centre shows at a glance.
      this.cy.nodes().forEach((node) => {
        const size = node.data("type") === "Partnership" ? 14 : 18 + 3.5 * Math.sqrt(node.degree(false));
        node.data("size", Math.min(size, 56));
      });
    });
    if (fresh.length) this.layout(first);
  }

  layout(randomize: boolean): void {
    this.cy
      .layout({
        name: "cose",
        animate: false,
        randomize,
        fit: true,
        padding: 30,
        nodeRepulsion: () => 9000,
        idealEdgeLength: () => 90,
        nodeOverlap: 12,
        numIter: 800,
      } as cytoscape.LayoutOptions)
      .run();
  }

  mark(id: string, className: string): void {
    this.cy.getElementById(id).addClass(className);
  }

  select(id: string | undefined): void {
    this.cy.$(":selected").unselect();
    if (id && this.has(id)) this.cy.getElementById(id).select();
  }

  /** Highlight these ids and dim the rest; null clears. */
  highlight(ids: Set<string> | null): void {
    this.cy.batch(() => {
      this.cy.elements().removeClass("hl dim");
      if (!ids) return;
      this.cy.elements().forEach((element) => {
        element.addClass(ids.has(element.id()) ? "hl" : "dim");
      });
    });
  }

  /** Show only these link kinds and node types. */
  filter(kinds: Set<LinkKind>, types: Set<EntityType>): void {
    this.cy.batch(() => {
      this.cy.nodes().forEach((node) => {
        node.toggleClass("off", !types.has(node.data("type") as EntityType));
      });
      this.cy.edges().forEach((edge) => {
        edge.toggleClass("off", !kinds.has(edge.data("kind") as LinkKind));
      });
    });
  }

  fit(ids?: Set<string>): void {
    const target = ids ? this.cy.elements().filter((element) => ids.has(element.id())) : this.cy.elements();
    this.cy.fit(target.nonempty() ? target : undefined, 50);
  }

  png(): Blob {
    return this.cy.png({ full: true, scale: 2, bg: "#ffffff", output: "blob" });
  }

  svg(): string {
    return (this.cy as Core & { svg(options: object): string }).svg({ full: true, bg: "#ffffff" });
  }
}

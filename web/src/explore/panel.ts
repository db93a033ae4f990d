/** The side panel: the selected entity's details and its sources (links and quotes). */

import type { OverlayResult } from "./analytics";
import { h } from "./dom";
import { usd } from "./model";
import type { Capacity, Company, Entity, Evidence, Facility, Partnership, Person, Sources } from "./queries";

export interface PanelActions {
  select(id: string): void;
  focus(id: string): void;
}

const words = (text: string): string => text.toLowerCase().replace(/_/g, " ");

type Fact = string | number | HTMLElement | null | undefined;

function facts(rows: [string, Fact][]): HTMLElement {
  return h(
    "dl",
    { class: "facts" },
    rows
      .filter(([, value]) => value !== null && value !== undefined && value !== "")
      .flatMap(([term, value]) => [
        h("dt", {}, term),
        h("dd", {}, value instanceof HTMLElement ? value : String(value)),
      ]),
  );
}

function link(actions: PanelActions, id: string, name: string): HTMLElement {
  return h("button", { type: "button", class: "link", onclick: () => actions.select(id) }, name);
}

function capacity(items: Capacity[]): string {
  return items
    .map((item) => `${item.amount.toLocaleString("en")} ${item.unit.replace(/_/g, " ")}`)
    .join("; ");
}

function evidence(item: Evidence): HTMLElement {
  const source = item.source;
  const title = source.title || source.publisher;
  const meta = [
    source.publisher !== title ? source.publisher : null,
    source.publishedOn,
    `tier ${source.tier}`,
  ]
    .filter(Boolean)
    .join(" · ");
  return h(
    "li",
    { class: "source" },
    item.quote ? h("blockquote", {}, `“${item.quote}”`) : null,
    item.attribute
      ? h("p", { class: "about" }, `On ${item.attribute}${item.value ? `: ${item.value}` : ""}`)
      : null,
    source.url
      ? h("a", { href: source.url, target: "_blank", rel: "noopener noreferrer" }, title)
      : h("span", {}, title),
    h("span", { class: "meta" }, ` ${meta}`),
    item.note ? h("p", { class: "note" }, item.note) : null,
  );
}

function sources(list: Sources): HTMLElement {
  const more =
    list.totalCount > list.nodes.length ? ` (first ${list.nodes.length} of ${list.totalCount})` : "";
  return h(
    "section",
    { class: "sources", "aria-label": "Sources" },
    h("h3", {}, `Sources${more}`),
    list.nodes.length ? h("ul", {}, list.nodes.map(evidence)) : h("p", {}, "No source is recorded."),
  );
}

function company(entity: Company, actions: PanelActions): HTMLElement[] {
  const flows = (rows: Company["stats"]["moneyIn"]): HTMLElement | null =>
    rows.length
      ? h(
          "ul",
          { class: "flows" },
          rows.map((row) => {
            const deals = `${row.partnerships} ${words(row.status)} deal${row.partnerships === 1 ? "" : "s"}`;
            const value = row.valueUsd
              ? `${usd(row.valueUsd)}${row.qualifier ? ` (${words(row.qualifier)})` : ""}`
              : "value undisclosed";
            return h("li", {}, `${deals}: ${value}`);
          }),
        )
      : null;
  return [
    entity.description ? h("p", {}, entity.description) : null,
    facts([
      ["Kind", words(entity.kind ?? "")],
      ["Legal name", entity.legalName],
      ["Country", entity.country],
      ["Ticker", entity.ticker],
      ["Also", entity.aliases.join(", ")],
      ["Suppliers", entity.stats.suppliers],
      ["Customers", entity.stats.customers],
      ["Money in", flows(entity.stats.moneyIn)],
      ["Money out", flows(entity.stats.moneyOut)],
      ["Deals", entity.partnerships.totalCount],
    ]),
    entity.parent ? h("p", {}, "Part of ", link(actions, entity.parent.id, entity.parent.name)) : null,
  ].filter((x): x is HTMLElement => x !== null);
}

function person(entity: Person, actions: PanelActions): HTMLElement[] {
  return [
    facts([["Also", entity.aliases.join(", ")]]),
    h("h3", {}, "Positions"),
    h(
      "ul",
      {},
      entity.positions.nodes.map((position) =>
        h(
          "li",
          {},
          `${position.title}${position.current ? "" : " (former)"}, `,
          link(actions, position.company.id, position.company.name),
        ),
      ),
    ),
  ];
}

function facility(entity: Facility, actions: PanelActions): HTMLElement[] {
  const where = [entity.location.city, entity.location.state, entity.location.country]
    .filter(Boolean)
    .join(", ");
  const coordinates =
    entity.location.latitude != null && entity.location.longitude != null
      ? `${entity.location.latitude.toFixed(3)}, ${entity.location.longitude.toFixed(3)}`
      : "not in the data";
  return [
    entity.description ? h("p", {}, entity.description) : null,
    facts([
      ["Kind", words(entity.kind)],
      ["Status", `${words(entity.status)}${entity.statusAsOf ? ` (as of ${entity.statusAsOf})` : ""}`],
      ["Where", `${where} (${words(entity.location.precision)})`],
      ["Coordinates", coordinates],
      ["Power", entity.powerMw != null ? `${entity.powerMw} MW` : null],
      ["Capacity", capacity(entity.capacity)],
    ]),
    entity.partOf ? h("p", {}, "Part of ", link(actions, entity.partOf.id, entity.partOf.name)) : null,
    entity.companies.edges.length
      ? h(
          "p",
          {},
          "Companies: ",
          entity.companies.edges.flatMap(({ roles, node }, index) => [
            index ? ", " : "",
            link(actions, node.id, node.name),
            ` (${roles.map(words).join(", ")})`,
          ]),
        )
      : null,
  ].filter((x): x is HTMLElement => x !== null);
}

function partnership(entity: Partnership, actions: PanelActions): HTMLElement[] {
  const value = entity.value
    ? `${entity.value.amount != null ? `${entity.value.amount.toLocaleString("en")} ${entity.value.currency ?? ""}` : "undisclosed"} (${words(entity.value.qualifier)})`
    : null;
  return [
    entity.summary ? h("p", {}, entity.summary) : null,
    facts([
      ["Kind", words(entity.kind)],
      ["Status", words(entity.status)],
      ["Announced", entity.announcedOn],
      ["Value", value],
      ["In USD", entity.value?.usd != null ? usd(entity.value.usd) : null],
      ["Capacity", capacity(entity.capacity)],
      ["Products", entity.products.join(", ")],
    ]),
    h("h3", {}, "Parties"),
    h(
      "ul",
      {},
      entity.parties.map((party) =>
        h("li", {}, link(actions, party.company.id, party.company.name), ` (${words(party.role)})`),
      ),
    ),
  ].filter((x): x is HTMLElement => x !== null);
}

/** The details of one entity, with buttons to re-centre the view on it. */
export function details(entity: Entity, actions: PanelActions, isFocus: boolean): HTMLElement {
  const body =
    entity.__typename === "Company"
      ? company(entity, actions)
      : entity.__typename === "Person"
        ? person(entity, actions)
        : entity.__typename === "Facility"
          ? facility(entity, actions)
          : partnership(entity, actions);
  return h(
    "article",
    { class: "entity", "data-id": entity.id },
    h("p", { class: `badge badge-${entity.__typename.toLowerCase()}` }, entity.__typename),
    h("h2", { id: "details-title" }, entity.name),
    isFocus
      ? null
      : h("button", { type: "button", onclick: () => actions.focus(entity.id) }, "Centre the view here"),
    body,
    sources(entity.sources),
  );
}

/** An analytics result: one line per tier or loop (choosing one highlights it alone). */
export function overlayPanel(
  result: OverlayResult,
  subject: string,
  pick: (ids: string[]) => void,
  clear: () => void,
): HTMLElement[] {
  const line = (item: OverlayResult["items"][number]): HTMLElement =>
    h(
      "li",
      {},
      h("button", { type: "button", class: "link", onclick: () => pick(item.ids) }, item.text),
      item.detail ? h("p", { class: "meta" }, item.detail) : null,
    );
  const parts: (HTMLElement | null)[] = [
    h("h2", {}, `${result.title}: ${subject}`),
    result.items.length ? h("ol", {}, result.items.map(line)) : h("p", {}, "None found."),
    result.note ? h("p", { class: "note" }, result.note) : null,
    h("p", { class: "meta" }, "Choose a line to highlight it alone."),
    h("button", { type: "button", onclick: clear }, "Clear the highlight"),
  ];
  return parts.filter((x): x is HTMLElement => x !== null);
}

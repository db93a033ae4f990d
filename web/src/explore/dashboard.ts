/**
 * The dashboard view of /explore (`?view=dashboard`): four charts, each drawn from one GraphQL
 * request (aggregates.ts), each bar a way into the network view. main.ts loads this module (and
 * ECharts with it) only when the view is opened, so the network alone stays light.
 *
 * money     deals grouped by status, each qualifier's amounts a bar of its own
 * months    deals grouped by month of announcement, since a chosen month
 * hubs      the API's company rankings: money moving through them, or companies they supply
 * capacity  facilities grouped by country, by the sum of their power capacity
 */

import {
  capacityByCountry,
  dealsPerMonth,
  HUB_RANKINGS,
  hubs,
  moneyByStatus,
  type HubRanking,
} from "./aggregates";
import { BarChart, type BarSpec, type Drawn } from "./charts";
import { monthName, type DealSelection } from "./deals";
import { fill, h } from "./dom";
import { usd } from "./model";

export interface DashboardActions {
  hub(id: string): void;
  deals(selection: DealSelection): void;
  country(code: string): void;
  /** The month or ranking changed: keep it in the URL. */
  options(options: DashboardOptions): void;
  /** Run some work as a user action (busy meanwhile, failures reported). */
  run(work: () => Promise<void>): void;
}
export interface DashboardOptions {
  asOf?: string;
  /** Deals per month from this month on (YYYY-MM); none: all. */
  since?: string;
  ranking: HubRanking;
}
export type ChartId = "money" | "months" | "hubs" | "capacity";

// Money qualifiers in the API's order (MoneyQualifier), each with a name and a colour.
const QUALIFIERS: [string, string, string][] = [
  ["EXACT", "exact", "#2563eb"],
  ["UP_TO", "up to", "#f59e0b"],
  ["AT_LEAST", "at least", "#16a34a"],
  ["APPROXIMATELY", "approximately", "#7c3aed"],
  ["ESTIMATED", "estimated", "#db2777"],
];
const words = (text: string): string => text.toLowerCase().replace(/_/g, " ");
const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
const megawatts = (value: number): string => `${Math.round(value).toLocaleString("en")} MW`;
const WINDOW = 24; // months shown when no start is chosen
const count = (value: number): string => Math.round(value).toLocaleString("en");

interface Card {
  section: HTMLElement;
  chart: BarChart;
  status: HTMLElement;
  note: HTMLElement;
  choose: (category: number, series: number | null) => void;
}

export class Dashboard {
  private readonly cards = new Map<ChartId, Card>();
  private options: DashboardOptions = { ranking: "LARGEST_MONEY_HUBS" };
  private readonly since: HTMLInputElement;
  private readonly ranking: HTMLSelectElement;

  constructor(
    container: HTMLElement,
    private readonly actions: DashboardActions,
  ) {
    this.since = h("input", { type: "month", id: "since", min: "2000-01", max: "2100-12" });
    this.since.addEventListener("change", () => {
      if (this.since.value === "" || /^\d{4}-\d{2}$/.test(this.since.value))
        this.change({ since: this.since.value || undefined });
    });
    this.ranking = h(
      "select",
      { id: "ranking" },
      Object.entries(HUB_RANKINGS).map(([value, label]) => h("option", { value }, label)),
    );
    this.ranking.addEventListener("change", () => this.change({ ranking: this.ranking.value as HubRanking }));
    const latest = h(
      "button",
      { type: "button", onclick: () => this.change({ since: undefined }) },
      "Latest 24 months",
    );
    fill(
      container,
      this.card(
        "money",
        "Money by deal status and qualifier",
        "Each qualifier is a bar of its own: exact amounts, “up to” ceilings, floors and estimates are " +
          "not added together. Choose a bar for those deals in the network, or a status for all of its deals.",
      ),
      this.card(
        "months",
        "Deals per month of announcement",
        "Choose a month for its deals in the network.",
        h("label", { for: "since" }, "Since "),
        this.since,
        latest,
      ),
      this.card(
        "hubs",
        "The largest hubs",
        "The API's company rankings. Choose a company for its network.",
        h("label", { for: "ranking" }, "Ranked by "),
        this.ranking,
      ),
      this.card(
        "capacity",
        "Facility power capacity by country",
        "Sum of each facility's largest stated power capacity. Choose a country for its facilities on the map.",
      ),
    );
  }

  private card(id: ChartId, title: string, about: string, ...controls: (Node | string)[]): HTMLElement {
    const plot = h("div", { class: "chart", id: `chart-${id}` });
    const table = h("table", { class: "figures" });
    const status = h("p", { class: "chart-status", role: "status" }, "Loading…");
    const note = h("p", { class: "note" });
    const section = h(
      "section",
      { class: "card", "data-chart": id, "data-state": "loading", "aria-labelledby": `chart-${id}-title` },
      h("h2", { id: `chart-${id}-title` }, title),
      h("p", { class: "meta" }, about),
      controls.length ? h("div", { class: "controls" }, controls) : null,
      plot,
      status,
      note,
      h("details", {}, h("summary", {}, "The figures as a table"), table),
    );
    const card: Card = {
      section,
      status,
      note,
      chart: new BarChart(plot, table, (c, s) => card.choose(c, s)),
      choose: () => undefined,
    };
    this.cards.set(id, card);
    return section;
  }

  private change(options: Partial<DashboardOptions>): void {
    const next = { ...this.options, ...options };
    this.actions.options(next);
    this.actions.run(() => this.show(next, "since" in options ? ["months"] : ["hubs"]));
  }

  /** Ask for the charts' figures (all of them, or the ones named) and draw them. */
  async show(options: DashboardOptions, only?: ChartId[]): Promise<void> {
    const changedDate = options.asOf !== this.options.asOf;
    this.options = options;
    this.since.value = options.since ?? "";
    this.ranking.value = options.ranking;
    const loaders: Record<ChartId, () => Promise<void>> = {
      money: () => this.money(),
      months: () => this.months(),
      hubs: () => this.hubs(),
      capacity: () => this.capacity(),
    };
    const wanted = only && !changedDate ? only : (Object.keys(loaders) as ChartId[]);
    await Promise.all(wanted.map((id) => this.load(id, loaders[id])));
  }

  private async load(id: ChartId, work: () => Promise<void>): Promise<void> {
    const card = this.cards.get(id);
    if (!card) return;
    card.section.dataset.state = "loading";
    card.status.textContent = "Loading…";
    try {
      await work();
      card.section.dataset.state = "ready";
    } catch (error) {
      card.section.dataset.state = "error";
      fill(
        card.status,
        `Could not load this chart: ${error instanceof Error ? error.message : String(error)} `,
        h(
          "button",
          { type: "button", onclick: () => this.actions.run(() => this.load(id, work)) },
          "Try again",
        ),
      );
    }
  }

  private draw(
    id: ChartId,
    spec: BarSpec,
    status: string,
    note: string | (Node | string)[],
    choose: Card["choose"],
  ): void {
    const card = this.cards.get(id);
    if (!card) return;
    card.choose = choose;
    card.chart.draw(spec);
    card.status.textContent = status;
    fill(card.note, note);
  }

  private async money(): Promise<void> {
    const { partnerships } = await moneyByStatus(this.options.asOf);
    const groups = partnerships.groupBy;
    const present = QUALIFIERS.filter(([q]) =>
      groups.some((g) => g.valueUsd.byQualifier.some((b) => b.qualifier === q && b.sum != null)),
    );
    const statuses = groups.map((g) => g.key.status);
    const figures = (index: number, qualifier: string) =>
      groups[index].valueUsd.byQualifier.find((b) => b.qualifier === qualifier);
    const undisclosed = groups.map((_, i) => figures(i, "UNDISCLOSED")?.items ?? 0);
    this.draw(
      "money",
      {
        categories: statuses.map((s) => (s ? words(s) : "no status")),
        series: present.map(([q, name, colour]) => ({
          name,
          colour,
          values: groups.map((_, i) => figures(i, q)?.sum ?? null),
        })),
        axisName: "US$ (each qualifier apart)",
        format: (v) => usd(v).replace("US$", "$"),
        description:
          "Deals by status: the US dollar amounts of each qualifier, side by side, never added together.",
        tooltip: (i) => [
          `${statuses[i] ? words(statuses[i]) : "no status"}: ${plural(groups[i].count, "deal")}`,
          ...groups[i].valueUsd.byQualifier.map((b) =>
            b.sum != null
              ? `${words(b.qualifier)}: ${usd(b.sum)} over ${plural(b.count, "deal")}`
              : `${words(b.qualifier)}: ${plural(b.items, "deal")}, no amount`,
          ),
        ],
        extra: [
          { name: "Deals", values: groups.map((g) => count(g.count)) },
          { name: "Value undisclosed", values: undisclosed.map(count) },
        ],
      },
      `${plural(partnerships.totalCount, "deal")} in ${plural(groups.length, "status", "statuses")}.`,
      "Not added together: every total you see is of one qualifier. Undisclosed values have no bar (see the table).",
      (i, s) => {
        const status = statuses[i];
        if (status) this.actions.deals({ status, qualifier: s == null ? undefined : present[s]?.[0] });
      },
    );
  }

  private async months(): Promise<void> {
    const chosen = this.options.since;
    const { partnerships } = await dealsPerMonth(chosen, this.options.asOf);
    const counts = new Map<string, number>();
    for (const g of partnerships.groupBy) {
      if (g.key.announcedOnMonth) counts.set(g.key.announcedOnMonth, g.count);
    }
    const every = monthsBetween([...counts.keys()].sort());
    // Without a chosen month, the last two years with deals: a few old deals would otherwise
    // thin every bar. The note says what is left of the window, and offers it.
    const months = chosen ? every : every.slice(-WINDOW);
    const shown = months.reduce((sum, m) => sum + (counts.get(m) ?? 0), 0);
    const earlier = every.length - months.length;
    const inMonths = [...counts.values()].reduce((a, b) => a + b, 0);
    const cut = partnerships.groupBy.length >= 100;
    const undated = partnerships.totalCount - inMonths;
    const since = chosen ? ` since ${monthName(chosen)}` : "";
    const notes: (Node | string)[] = [];
    if (earlier > 0) {
      notes.push(
        `${plural(inMonths - shown, "deal")} announced from ${monthName(every[0])} to ${monthName(every[earlier - 1])} ${
          inMonths - shown === 1 ? "is" : "are"
        } left of this window. `,
        h(
          "button",
          { type: "button", class: "link", onclick: () => this.change({ since: every[0] }) },
          `Show from ${monthName(every[0])}`,
        ),
        h("br"),
      );
    }
    if (!cut && undated > 0) {
      notes.push(
        `${plural(undated, "deal")}${since} ${undated === 1 ? "is" : "are"} dated only to a quarter, half or year, or undated, so in no month.`,
      );
    }
    this.draw(
      "months",
      {
        categories: months,
        series: [{ name: "Deals", colour: "#2563eb", values: months.map((m) => counts.get(m) ?? 0) }],
        axisName: "Deals announced",
        format: count,
        description: `Deals announced per month${since}.`,
        tooltip: (i) => [`${monthName(months[i])}: ${plural(counts.get(months[i]) ?? 0, "deal")} announced`],
      },
      `${plural(shown, "deal")} over ${plural(months.length, "month")}${since}${cut ? " (the latest 100 months with deals)" : ""}.`,
      notes,
      (i) => {
        if (months[i]) this.actions.deals({ month: months[i] });
      },
    );
  }

  private async hubs(): Promise<void> {
    const by = this.options.ranking;
    const { rankings } = await hubs(by, this.options.asOf);
    const money = by === "LARGEST_MONEY_HUBS";
    const format = money ? (v: number) => usd(v).replace("US$", "$") : count;
    this.draw(
      "hubs",
      {
        categories: rankings.map((r) => r.company.name),
        series: [{ name: HUB_RANKINGS[by], colour: "#0d9488", values: rankings.map((r) => r.score) }],
        horizontal: true,
        axisName: HUB_RANKINGS[by],
        format,
        description: `The top companies by ${HUB_RANKINGS[by].toLowerCase()}.`,
        tooltip: (i) => [
          `${rankings[i].rank}. ${rankings[i].company.name}: ${money ? usd(rankings[i].score) : plural(rankings[i].score, "company", "companies")}`,
        ],
      },
      `The top ${rankings.length}.`,
      money
        ? "The ranking adds the US$ values on the money links of each company's deals, whatever their qualifier: “up to” ceilings count in full."
        : "Distinct companies each one supplies, through any deal.",
      (i) => {
        const company = rankings[i]?.company;
        if (company) this.actions.hub(company.id);
      },
    );
  }

  private async capacity(): Promise<void> {
    const { facilities } = await capacityByCountry(this.options.asOf);
    const groups = facilities.groupBy;
    const countries = groups.map((g) => g.key.country);
    this.draw(
      "capacity",
      {
        categories: countries.map((c) => c ?? "no country"),
        series: [{ name: "Power capacity", colour: "#16a34a", values: groups.map((g) => g.powerMw.sum) }],
        axisName: "MW",
        format: megawatts,
        description: "Countries by the summed power capacity of their facilities, largest first.",
        tooltip: (i) => [
          `${countries[i] ?? "no country"}: ${groups[i].powerMw.sum != null ? megawatts(groups[i].powerMw.sum) : "no stated power"}`,
          `${plural(groups[i].count, "facility", "facilities")}, ${groups[i].powerMw.count} stating a power`,
        ],
        extra: [
          { name: "Facilities", values: groups.map((g) => count(g.count)) },
          { name: "Stating a power", values: groups.map((g) => count(g.powerMw.count)) },
        ],
      },
      `${plural(facilities.totalCount, "facility", "facilities")}, ${facilities.aggregate.powerMw.count} stating a power capacity; the top ${groups.length} countries.`,
      "Facilities without a stated power count for nothing here.",
      (i) => {
        const country = countries[i];
        if (country) this.actions.country(country);
      },
    );
  }

  /** What each chart draws, read back from ECharts. */
  drawn(): Record<string, Drawn> {
    return Object.fromEntries([...this.cards].map(([id, card]) => [id, card.chart.drawn()]));
  }

  point(id: ChartId, category: number, series = 0): { x: number; y: number } | null {
    return this.cards.get(id)?.chart.point(category, series) ?? null;
  }

  resize(): void {
    for (const card of this.cards.values()) card.chart.resize();
  }
}

/** Every month from the first to the last of `sorted` (YYYY-MM), the empty ones too. */
export function monthsBetween(sorted: string[]): string[] {
  if (!sorted.length) return [];
  const out: string[] = [];
  let [year, month] = sorted[0].split("-").map(Number);
  const last = sorted[sorted.length - 1];
  for (let guard = 0; guard < 1200; guard += 1) {
    const key = `${year}-${String(month).padStart(2, "0")}`;
    out.push(key);
    if (key >= last) break;
    month = month === 12 ? 1 : month + 1;
    if (month === 1) year += 1;
  }
  return out;
}

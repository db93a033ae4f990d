/**
 * The dashboard view of /explore (`?view=dashboard`): four charts, each drawn from one GraphQL
 * request (aggregates.ts asks, figures.ts shapes the answer, charts.ts draws), each bar a way
 * into the network view. This module lays them out, with their controls, loading and errors. main.ts loads this module (and
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
import { BarChart, type Drawn } from "./charts";
import type { DealSelection } from "./deals";
import { fill, h } from "./dom";
import { capacityFigure, hubsFigure, moneyFigure, monthsFigure, type Choice, type Figure } from "./figures";

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
  /** Deals per month from this month on (YYYY-MM); none: the latest 24 months with deals. */
  since?: string;
  ranking: HubRanking;
}
export type ChartId = "money" | "months" | "hubs" | "capacity";

interface Card {
  section: HTMLElement;
  chart: BarChart;
  status: HTMLElement;
  note: HTMLElement;
  choose: Figure["choose"];
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
      chart: new BarChart(plot, table, (c, s) => this.open(card.choose(c, s))),
      choose: () => null,
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
    const { asOf, since, ranking } = options;
    const showFrom = (month: string): void => this.change({ since: month });
    const loaders: Record<ChartId, () => Promise<Figure>> = {
      money: async () => moneyFigure(await moneyByStatus(asOf)),
      months: async () => monthsFigure(await dealsPerMonth(since, asOf), since, showFrom),
      hubs: async () => hubsFigure(await hubs(ranking, asOf), ranking),
      capacity: async () => capacityFigure(await capacityByCountry(asOf)),
    };
    const wanted = only && !changedDate ? only : (Object.keys(loaders) as ChartId[]);
    await Promise.all(wanted.map((id) => this.load(id, loaders[id])));
  }

  private async load(id: ChartId, work: () => Promise<Figure>): Promise<void> {
    const card = this.cards.get(id);
    if (!card) return;
    card.section.dataset.state = "loading";
    card.status.textContent = "Loading…";
    try {
      const figure = await work();
      card.choose = figure.choose;
      card.chart.draw(figure.spec);
      card.status.textContent = figure.status;
      fill(card.note, figure.note);
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

  /** Open what a bar stands for. */
  private open(choice: Choice | null): void {
    if (!choice) return;
    if ("deals" in choice) this.actions.deals(choice.deals);
    else if ("hub" in choice) this.actions.hub(choice.hub);
    else this.actions.country(choice.country);
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

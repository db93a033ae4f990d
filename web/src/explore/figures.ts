/**
 * Each chart's figures from its GraphQL answer: the bars, the lines under the chart, and what
 * choosing a bar opens. Nothing is added up here beyond counting what the chart leaves out.
 */

import {
  HUB_RANKINGS,
  type CapacityByCountry,
  type DealsPerMonth,
  type HubRanking,
  type Hubs,
  type MoneyByStatus,
} from "./aggregates";
import type { BarSpec } from "./charts";
import { monthName, type DealSelection } from "./deals";
import { h } from "./dom";
import { usd } from "./model";

/** What choosing a bar opens. */
export type Choice = { deals: DealSelection } | { hub: string } | { country: string };

export interface Figure {
  spec: BarSpec;
  /** One line: what the chart shows. */
  status: string;
  /** What it leaves out or must not be read as. */
  note: string | (Node | string)[];
  /** A bar (category, series) or a whole category (series null). */
  choose: (category: number, series: number | null) => Choice | null;
}

// Money qualifiers in the API's order (MoneyQualifier), each with a name and a colour.
const QUALIFIERS: [string, string, string][] = [
  ["EXACT", "exact", "#2563eb"],
  ["UP_TO", "up to", "#f59e0b"],
  ["AT_LEAST", "at least", "#16a34a"],
  ["APPROXIMATELY", "approximately", "#7c3aed"],
  ["ESTIMATED", "estimated", "#db2777"],
];
const WINDOW = 24; // months shown when no start is chosen
const words = (text: string): string => text.toLowerCase().replace(/_/g, " ");
const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
const megawatts = (value: number): string => `${Math.round(value).toLocaleString("en")} MW`;
const count = (value: number): string => Math.round(value).toLocaleString("en");

/** Money by status: one series per qualifier present, never summed across qualifiers. */
export function moneyFigure({ partnerships }: MoneyByStatus): Figure {
  const groups = partnerships.groupBy;
  const present = QUALIFIERS.filter(([q]) =>
    groups.some((g) => g.valueUsd.byQualifier.some((b) => b.qualifier === q && b.sum != null)),
  );
  const statuses = groups.map((g) => g.key.status);
  const figures = (index: number, qualifier: string) =>
    groups[index].valueUsd.byQualifier.find((b) => b.qualifier === qualifier);
  const undisclosed = groups.map((_, i) => figures(i, "UNDISCLOSED")?.items ?? 0);
  return {
    spec: {
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
    status: `${plural(partnerships.totalCount, "deal")} in ${plural(groups.length, "status", "statuses")}.`,
    note: "Not added together: every total you see is of one qualifier. Undisclosed values have no bar (see the table).",
    choose: (i, s) => {
      const status = statuses[i];
      if (status) return { deals: { status, qualifier: s == null ? undefined : present[s]?.[0] } };
      return null;
    },
  };
}

/** Deals per month: every month between the first and the last, the latest 24 unless `chosen`. */
export function monthsFigure(
  { partnerships }: DealsPerMonth,
  chosen: string | undefined,
  showFrom: (month: string) => void,
): Figure {
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
        { type: "button", class: "link", onclick: () => showFrom(every[0]) },
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
  return {
    spec: {
      categories: months,
      series: [{ name: "Deals", colour: "#2563eb", values: months.map((m) => counts.get(m) ?? 0) }],
      axisName: "Deals announced",
      format: count,
      description: `Deals announced per month${since}.`,
      tooltip: (i) => [`${monthName(months[i])}: ${plural(counts.get(months[i]) ?? 0, "deal")} announced`],
    },
    status: `${plural(shown, "deal")} over ${plural(months.length, "month")}${since}${cut ? " (the latest 100 months with deals)" : ""}.`,
    note: notes,
    choose: (i) => {
      return months[i] ? { deals: { month: months[i] } } : null;
    },
  };
}

/** The API's ranking, top first. */
export function hubsFigure({ rankings }: Hubs, by: HubRanking): Figure {
  const money = by === "LARGEST_MONEY_HUBS";
  const format = money ? (v: number) => usd(v).replace("US$", "$") : count;
  return {
    spec: {
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
    status: `The top ${rankings.length}.`,
    note: money
      ? "The ranking adds the US$ values on the money links of each company's deals, whatever their qualifier: “up to” ceilings count in full."
      : "Distinct companies each one supplies, through any deal.",
    choose: (i) => {
      const company = rankings[i]?.company;
      return company ? { hub: company.id } : null;
    },
  };
}

/** Countries by summed facility power, largest first. */
export function capacityFigure({ facilities }: CapacityByCountry): Figure {
  const groups = facilities.groupBy;
  const countries = groups.map((g) => g.key.country);
  return {
    spec: {
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
    status: `${plural(facilities.totalCount, "facility", "facilities")}, ${facilities.aggregate.powerMw.count} stating a power capacity; the top ${groups.length} countries.`,
    note: "Facilities without a stated power count for nothing here.",
    choose: (i) => {
      const country = countries[i];
      return country ? { country } : null;
    },
  };
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

/**
 * Bar charts for the dashboard, drawn by Apache ECharts (npm `echarts`, bundled by Vite into the
 * dashboard's own chunk; only the bar chart, its axes, tooltip, legend, the aria module and the
 * SVG renderer are imported). Each chart also writes its figures as a table, which is the
 * keyboard's and the screen reader's way to the same numbers and the same clicks.
 */

import { BarChart as Bars } from "echarts/charts";
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";

import { fill, h } from "./dom";

const BAR_GAP = 0.2; // between the bars of one category, as a share of a bar's width

echarts.use([Bars, GridComponent, LegendComponent, TooltipComponent, AriaComponent, SVGRenderer]);

export interface Series {
  name: string;
  values: (number | null)[];
  colour: string;
}

export interface BarSpec {
  /** Labels along the category axis, one per bar (or group of bars). */
  categories: string[];
  series: Series[];
  /** Bars grow rightwards, categories top to bottom (long names read better). */
  horizontal?: boolean;
  /** The value axis's name and how a value is written. */
  axisName: string;
  format: (value: number) => string;
  /** What the chart shows, for screen readers (ECharts' aria module adds the figures). */
  description: string;
  /** The tooltip of a category: plain text lines. */
  tooltip: (category: number) => string[];
  /** More columns for the table, after the series. */
  extra?: { name: string; values: string[] }[];
}

/** What a chart draws, as read back from ECharts (for the browser tests and the console). */
export interface Drawn {
  categories: string[];
  series: { name: string; values: (number | null)[] }[];
}

export class BarChart {
  private readonly chart: echarts.ECharts;
  private spec: BarSpec | null = null;
  private width = 0;

  constructor(
    private readonly element: HTMLElement,
    private readonly table: HTMLElement,
    /** A bar chosen (series index) or a category chosen as a whole (its axis label: null). */
    private readonly choose: (category: number, series: number | null) => void,
  ) {
    this.chart = echarts.init(element, null, { renderer: "svg" });
    this.chart.on("click", (event) => {
      if (event.componentType === "series" && typeof event.dataIndex === "number") {
        choose(event.dataIndex, event.seriesIndex ?? 0);
      } else if (this.spec && (event.componentType === "xAxis" || event.componentType === "yAxis")) {
        const index = this.spec.categories.indexOf(String(event.value));
        if (index >= 0) choose(index, null);
      }
    });
  }

  draw(spec: BarSpec): void {
    this.spec = spec;
    this.chart.resize(); // the element may have been sized (or attached) since the last draw
    const [left, right] = [spec.horizontal ? 150 : 76, 20];
    const top = spec.series.length > 1 ? 36 : 16;
    const count = spec.series.length;
    const vertical = this.element.clientWidth - left - right;
    // Labels turn when they would not fit side by side, and thin out when there are many.
    const longest = Math.max(0, ...spec.categories.map((c) => c.length));
    const rotate = !spec.horizontal && longest * 7 * spec.categories.length > vertical ? 40 : 0;
    const grid = { left, right, top, bottom: spec.horizontal ? 44 : rotate ? 72 : 40 };
    // A fixed bar width, so that a bar's place is known (point()): 70% of a category's band.
    const along = spec.horizontal ? this.element.clientHeight - top - grid.bottom : vertical;
    const band = along / Math.max(spec.categories.length, 1);
    this.width = Math.max(2, Math.min(36, (band * 0.7) / (count + (count - 1) * BAR_GAP)));
    const categoryAxis = {
      type: "category" as const,
      data: spec.categories,
      inverse: spec.horizontal,
      triggerEvent: true,
      axisLabel: { interval: spec.categories.length > 16 ? ("auto" as const) : 0, rotate },
    };
    const valueAxis = {
      type: "value" as const,
      name: spec.axisName,
      nameLocation: "middle" as const,
      nameGap: spec.horizontal ? 28 : 62,
      axisLabel: { formatter: (value: number) => spec.format(value) },
    };
    this.chart.setOption(
      {
        animation: false,
        aria: { enabled: true, label: { description: spec.description } },
        grid,
        // One line, scrolled on a narrow screen, so that it never covers the plot.
        legend:
          spec.series.length > 1
            ? { type: "scroll", top: 0, data: spec.series.map((s) => s.name) }
            : { show: false },
        tooltip: {
          trigger: "axis",
          axisPointer: { type: "shadow" },
          // Plain text, escaped: names come from the data.
          formatter: (params: unknown) => {
            const first = (Array.isArray(params) ? params[0] : params) as { dataIndex?: number };
            const lines = spec.tooltip(first?.dataIndex ?? 0);
            return lines.map((line) => echarts.format.encodeHTML(line)).join("<br>");
          },
        },
        xAxis: spec.horizontal ? valueAxis : categoryAxis,
        yAxis: spec.horizontal ? categoryAxis : valueAxis,
        series: spec.series.map((s) => ({
          type: "bar" as const,
          name: s.name,
          data: s.values,
          itemStyle: { color: s.colour },
          cursor: "pointer",
          barWidth: this.width,
          barGap: `${BAR_GAP * 100}%`,
        })),
      },
      { notMerge: true },
    );
    this.writeTable(spec);
  }

  private writeTable(spec: BarSpec): void {
    const extra = spec.extra ?? [];
    const head = h(
      "tr",
      {},
      h("th", { scope: "col" }, ""),
      spec.series.map((s) => h("th", { scope: "col" }, s.name)),
      extra.map((column) => h("th", { scope: "col" }, column.name)),
    );
    const rows = spec.categories.map((category, index) =>
      h(
        "tr",
        {},
        h(
          "th",
          { scope: "row" },
          h("button", { type: "button", class: "link", onclick: () => this.choose(index, null) }, category),
        ),
        spec.series.map((s) => {
          const value = s.values[index];
          return h("td", {}, value == null ? "–" : spec.format(value));
        }),
        extra.map((column) => h("td", {}, column.values[index] ?? "")),
      ),
    );
    fill(this.table, h("thead", {}, head), h("tbody", {}, rows));
  }

  /** The categories and values ECharts holds now. */
  drawn(): Drawn {
    const option = this.chart.getOption() as {
      xAxis: { data?: string[] }[];
      yAxis: { data?: string[] }[];
      series: { name: string; data: (number | null)[] }[];
    };
    const axis = this.spec?.horizontal ? option.yAxis[0] : option.xAxis[0];
    return {
      categories: axis?.data ?? [],
      series: option.series.map((s) => ({ name: s.name, values: s.data })),
    };
  }

  /** Where a bar's middle is, in page coordinates (for a click). */
  point(category: number, series: number): { x: number; y: number } {
    const spec = this.spec;
    if (!spec) return { x: 0, y: 0 };
    const value = spec.series[series]?.values[category] ?? 0;
    const pair = spec.horizontal ? [value / 2, category] : [category, value / 2];
    const [x, y] = this.chart.convertToPixel({ seriesIndex: series }, pair);
    // Bars of one category sit side by side, each `width` wide with a fifth of it between them.
    const count = spec.series.length;
    const offset = (series - (count - 1) / 2) * this.width * (1 + BAR_GAP);
    const box = this.element.getBoundingClientRect();
    return spec.horizontal
      ? { x: box.left + x, y: box.top + y + offset }
      : { x: box.left + x + offset, y: box.top + y };
  }

  resize(): void {
    this.chart.resize();
    if (this.spec) this.draw(this.spec);
  }

  dispose(): void {
    this.chart.dispose();
  }
}

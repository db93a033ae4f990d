/** The timeline panel: the dated events of the selected entity and of its deals, oldest first,
 * each with its sources and quotes, as of the view's date. */

import { graphql } from "./api";
import { byId, fill, h } from "./dom";
import { TIMELINE, type TimelineEvent } from "./queries";

const label = (kind: string): string => kind.toLowerCase().replace(/_/g, " ");

function item(event: TimelineEvent): HTMLElement {
  return h(
    "li",
    { "data-event": event.id },
    h("time", { datetime: event.on }, event.on),
    " ",
    h("span", { class: "badge" }, label(event.kind)),
    " ",
    event.description,
    h(
      "ul",
      { class: "quotes" },
      event.sources.nodes.map((evidence) =>
        h(
          "li",
          {},
          evidence.quote ? `“${evidence.quote}” ` : null,
          evidence.source.url
            ? h("a", { href: evidence.source.url, rel: "noopener noreferrer", target: "_blank" }, "source")
            : null,
        ),
      ),
    ),
  );
}

/** Fill #timeline for the entity `id` (named `name`), as of `asOf` (none: today). */
export async function showTimeline(id: string, name: string, asOf?: string): Promise<void> {
  const section = byId("timeline");
  const data = await graphql<{ timeline: { totalCount: number; nodes: TimelineEvent[] } }>(TIMELINE, {
    id,
    asOf,
  });
  const events = data.timeline.nodes;
  section.hidden = false;
  fill(
    section,
    h("h2", {}, "Timeline"),
    h(
      "p",
      { class: "meta" },
      `Dated events of ${name} and its deals, oldest first${asOf ? `, up to ${asOf}` : ""}: ` +
        `${data.timeline.totalCount}${data.timeline.totalCount > events.length ? ` (first ${events.length})` : ""}.`,
    ),
    events.length ? h("ol", { id: "timeline-list" }, events.map(item)) : h("p", {}, "No dated events."),
  );
}

/**
 * The panel's "Recent changes": what is committed to the entities in view while the page is
 * open, live, from the same subscription other services use (`subscription { changes }` over
 * Server-Sent Events, docs/changes.md). When the view changes, the stream is replaced by one
 * for the new set, resuming after the last change shown, so nothing is missed in between.
 */

import { byId, h } from "./dom";

const FOLLOW = `subscription Follow($ids: [ID!]!, $after: Int) {
  changes(where: { entity: { in: $ids } }, afterSeq: $after) { seq entity type action keyName at fields }
}`;
const MAX_IDS = 500; // the filter's `in` takes at most 1,000 values
const SHOWN = 20;
const RETRY_MS = 1000;

interface Change {
  seq: number;
  entity: string;
  type: string;
  action: string;
  keyName: string;
  at: string;
  fields: string[];
}

let following = "";
let stream: AbortController | null = null;
let last: number | null = null;

/** Follow the changes of these entities (a no-op when the set is the one followed already). */
export function followChanges(ids: string[], open: (id: string) => void): void {
  const wanted = [...new Set(ids)].sort().slice(0, MAX_IDS);
  const key = wanted.join(" ");
  if (key === following) return;
  following = key;
  stream?.abort();
  stream = null;
  if (!wanted.length) return;
  const controller = new AbortController();
  stream = controller;
  void run(wanted, controller, open);
}

async function run(ids: string[], controller: AbortController, open: (id: string) => void): Promise<void> {
  while (!controller.signal.aborted) {
    try {
      const response = await fetch("/graphql", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ query: FOLLOW, variables: { ids, after: last } }),
        signal: controller.signal,
      });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const line of message.split("\n")) {
            if (!line.startsWith("data: ")) continue;
            const change = (JSON.parse(line.slice(6)) as { data?: { changes?: Change } }).data?.changes;
            if (change) show(change, open);
          }
        }
      }
    } catch {
      if (controller.signal.aborted) return;
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

function show(change: Change, open: (id: string) => void): void {
  last = Math.max(last ?? 0, change.seq);
  const list = byId("changes-list");
  byId("changes").hidden = false;
  const what = change.fields.length ? `: ${change.fields.join(", ")}` : "";
  list.prepend(
    h(
      "li",
      { "data-seq": change.seq, "data-entity": change.entity },
      h("button", { type: "button", class: "link", onclick: () => open(change.entity) }, change.entity),
      ` ${change.action}${what}`,
      h("span", { class: "meta" }, ` · ${change.keyName} · ${change.at.slice(0, 19).replace("T", " ")}`),
    ),
  );
  while (list.children.length > SHOWN) list.lastElementChild?.remove();
}

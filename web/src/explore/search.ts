/** The search box: a combobox over `search(text:)`, driven by the keyboard or the mouse. */

import { graphql } from "./api";
import { byId, h } from "./dom";
import { SEARCH, type SearchHit } from "./queries";
import { busy } from "./status";

/** Wire the search box; `choose` gets the hit the user picks (companies, people, sites, deals). */
export function setUpSearch(choose: (hit: SearchHit) => void): void {
  const input = byId<HTMLInputElement>("search");
  const results = byId<HTMLUListElement>("search-results");
  let hits: SearchHit[] = [];
  let active = -1;
  let timer: number | undefined;
  let asked = 0;

  const close = (): void => {
    results.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const mark = (index: number): void => {
    active = index;
    results.querySelectorAll("li").forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) input.setAttribute("aria-activedescendant", `hit-${index}`);
  };
  const pick = (hit: SearchHit): void => {
    close();
    input.value = hit.name ?? hit.id;
    choose(hit);
  };
  const option = (hit: SearchHit, index: number): HTMLElement =>
    h(
      "li",
      {
        id: `hit-${index}`,
        role: "option",
        "aria-selected": "false",
        onmousedown: (event: Event) => {
          event.preventDefault(); // keep the focus in the box
          pick(hit);
        },
      },
      h("span", { class: `badge badge-${hit.__typename.toLowerCase()}` }, hit.__typename),
      ` ${hit.name ?? hit.id}`,
      hit.country ? h("span", { class: "meta" }, ` ${hit.country}`) : null,
    );
  const show = (): void => {
    results.replaceChildren(...(hits.length ? hits.map(option) : [h("li", { class: "empty" }, "No match")]));
    results.hidden = false;
    input.setAttribute("aria-expanded", "true");
  };

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) {
      close();
      return;
    }
    timer = window.setTimeout(async () => {
      const ask = ++asked;
      const data = await busy(() => graphql<{ search: { nodes: SearchHit[] } }>(SEARCH, { text }));
      if (!data || ask !== asked) return; // a newer search is on its way
      hits = data.search.nodes.filter((hit) => hit.__typename !== "Source" && hit.id);
      show();
      mark(hits.length ? 0 : -1);
    }, 200);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && hits.length) {
      event.preventDefault();
      if (results.hidden) show();
      mark(Math.min(active + 1, hits.length - 1));
    } else if (event.key === "ArrowUp" && hits.length) {
      event.preventDefault();
      mark(Math.max(active - 1, 0));
    } else if (event.key === "Enter") {
      event.preventDefault();
      const hit = hits[active] ?? hits[0];
      if (hit && !results.hidden) pick(hit);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => window.setTimeout(close, 150));
}

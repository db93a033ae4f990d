/**
 * GraphiQL for the Supplygraph API, served at /graphql, built from npm packages (no CDN).
 *
 * It opens with one tab per example in ./examples (the same files the browser tests run against
 * the seeded API) and has the explorer plugin for building queries by clicking.
 */

import { explorerPlugin } from "@graphiql/plugin-explorer";
import { GraphiQL, type GraphiQLProps } from "graphiql";
import { Kind, parse } from "graphql";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

import "graphiql/style.css";
import "@graphiql/plugin-explorer/style.css";
import "./graphiql.css";

const files = import.meta.glob<string>("./examples/*.graphql", {
  query: "?raw",
  import: "default",
  eager: true,
});
/** The example queries, in file-name order (1-…, 2-…). */
const examples = Object.keys(files)
  .sort()
  .map((name) => ({ query: files[name] }));

/** The operations a document defines, by name. */
function operationNames(query: string): string[] {
  try {
    return parse(query).definitions.flatMap((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION && definition.name ? [definition.name.value] : [],
    );
  } catch {
    return [];
  }
}

const fetcher: GraphiQLProps["fetcher"] = async (params, options) => {
  // Right after a tab switch GraphiQL can still send the previous tab's operation name; the
  // server would refuse the request ("Unknown operation named ..."), so send the one it defines.
  const names = operationNames(params.query);
  const operationName =
    params.operationName && !names.includes(params.operationName)
      ? names.length === 1
        ? names[0]
        : null
      : params.operationName;
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", ...options?.headers },
    body: JSON.stringify({ ...params, operationName }),
  });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text}` }] };
  }
};

/**
 * localStorage under our own prefix: GraphiQL keeps its tabs there, and another GraphiQL once
 * served from this origin (strawberry's) must not hide the examples behind its saved tabs.
 */
const PREFIX = "supplygraph:";
const ownKeys = (): string[] => Object.keys(localStorage).filter((key) => key.startsWith(PREFIX));
const storage = {
  getItem: (key: string) => localStorage.getItem(PREFIX + key),
  setItem: (key: string, value: string) => localStorage.setItem(PREFIX + key, value),
  removeItem: (key: string) => localStorage.removeItem(PREFIX + key),
  clear: () => ownKeys().forEach((key) => localStorage.removeItem(key)),
  get length() {
    return ownKeys().length;
  },
};

const logo = createElement(
  GraphiQL.Logo,
  null,
  "Supplygraph ",
  createElement("a", { href: "/explore", className: "supplygraph-explore-link" }, "Explore the network"),
);

const root = document.getElementById("graphiql");
if (root) {
  createRoot(root).render(
    createElement(
      GraphiQL,
      {
        fetcher,
        defaultTabs: examples,
        plugins: [explorerPlugin()],
        storage,
        defaultEditorToolsVisibility: false,
      },
      logo,
    ),
  );
}

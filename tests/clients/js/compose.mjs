// Composes subgraph SDLs into a supergraph with @apollo/composition, as Apollo's tools do:
//   node compose.mjs [--out supergraph.graphql] name=url=path.graphql ...
// Prints one JSON object: {ok, errors, hints, supergraphSdl}; with --out, also writes the SDL.
import { readFileSync, writeFileSync } from "node:fs";

import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

import { finish } from "./common.mjs";

const args = process.argv.slice(2);
const outAt = args.indexOf("--out");
const out = outAt >= 0 ? args.splice(outAt, 2)[1] : null;
const services = args.map((arg) => {
  const [name, url, ...path] = arg.split("=");
  return { name, url, typeDefs: parse(readFileSync(path.join("="), "utf8")) };
});

const result = composeServices(services);
if (result.errors) {
  finish({ ok: false, errors: result.errors.map((e) => ({ code: e.extensions?.code ?? null, message: e.message })) });
} else {
  if (out) writeFileSync(out, result.supergraphSdl);
  finish({
    ok: true,
    errors: [],
    hints: result.hints.map((h) => ({ code: h.definition?.code ?? null, message: h.message })),
    supergraphSdl: result.supergraphSdl,
  });
}

// A federated supergraph in one process, against the real server: the markets subgraph
// (markets.mjs) and @apollo/gateway composing it with ours by introspection (IntrospectAndCompose):
//   node federation.mjs <our graphql url>
// Prints one JSON object: {ok, checks: {companyToMarkets, marketsToPartnership, list}}; each
// check carries the gateway's answer for the pytest side to compare with the curated graph.
import { ApolloGateway, IntrospectAndCompose } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

import { endpoint, runChecks } from "./common.mjs";
import { seen, startMarkets } from "./markets.mjs";

const ours = endpoint();
const markets = await startMarkets();
const gateway = new ApolloGateway({
  supergraphSdl: new IntrospectAndCompose({
    subgraphs: [
      { name: "supplygraph", url: ours },
      { name: "markets", url: markets.url },
    ],
  }),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: 0 } });

// The gateway's answer, with the ids the markets subgraph was asked to resolve for it.
async function ask(query) {
  seen.length = 0;
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = await response.json();
  return { ok: response.status === 200 && !body.errors, status: response.status, ...body, marketsResolved: [...seen] };
}

// Our Company, then the markets subgraph's field on it (one `_entities` call to markets).
async function companyToMarkets() {
  return ask(`query FoxconnPrice { company(id: "foxconn") { id name sharePrice } }`);
}

// The markets subgraph's type, then our Partnership with its parties (one `_entities` call to
// us for all the deals), then back to markets for each party's share price.
async function marketsToPartnership() {
  const query = `query Moves {
    marketMoves {
      id headline
      partnership { id name status parties { role company { id name sharePrice } } }
    }
  }`;
  return ask(query);
}

// A page of ours, each item completed by markets in one batch.
async function list() {
  return ask(`query Prices {
    companies(first: 3, where: {id: {in: ["foxconn", "nvidia", "openai"]}}, orderBy: {field: ID, direction: ASC}) {
      nodes { id sharePrice }
    }
  }`);
}

try {
  await runChecks({ companyToMarkets, marketsToPartnership, list });
} finally {
  await server.stop();
  await markets.stop();
}

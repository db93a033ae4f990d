// The test's second subgraph, written with @apollo/subgraph: its schema is markets.graphql and
// every value here is made-up test data (no real share prices).
import { readFileSync } from "node:fs";

import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

export const MARKETS_SDL = readFileSync(new URL("./markets.graphql", import.meta.url), "utf8");

export const SHARE_PRICES = { foxconn: 7.25, nvidia: 181.5 };
export const MOVES = [
  { id: "move-1", headline: "Foxconn up on OpenAI rack deal", partnership: { id: "openai-foxconn-us-hardware" } },
  { id: "move-2", headline: "A deal nobody has heard of", partnership: { id: "no-such-deal" } },
];

// Every `_entities` call the gateway makes to this subgraph, to show which way a query went.
export const seen = [];

const resolvers = {
  Query: { marketMoves: () => MOVES },
  Company: {
    __resolveReference: (reference) => {
      seen.push(reference.id);
      return { id: reference.id };
    },
    sharePrice: (company) => SHARE_PRICES[company.id] ?? null,
  },
};

export async function startMarkets() {
  const server = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs: parse(MARKETS_SDL), resolvers }) });
  const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: 0 } });
  return { url, stop: () => server.stop() };
}

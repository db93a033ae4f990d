// The benchmark peer: the official Neo4j GraphQL Library (@neo4j/graphql) over the Supplygraph
// database, served by GraphQL Yoga on POST /graphql.
//
// Environment: NEO4J_URI (required), NEO4J_USER (neo4j), NEO4J_PASSWORD, NEO4J_DATABASE (neo4j),
// PEER_PORT (4000), PEER_HOST (127.0.0.1).
//
// Read-only: it never calls assertIndexesAndConstraints or anything else that changes the
// database schema (the Supplygraph loader owns it), and typeDefs.graphql disables mutations.

import { readFileSync } from "node:fs";
import { createServer } from "node:http";

import { Neo4jGraphQL } from "@neo4j/graphql";
import { createYoga } from "graphql-yoga";
import neo4j from "neo4j-driver";

const env = process.env;
if (!env.NEO4J_URI) {
    console.error("peer: NEO4J_URI is required (e.g. bolt://127.0.0.1:7687)");
    process.exit(2);
}
const host = env.PEER_HOST || "127.0.0.1";
const port = Number.parseInt(env.PEER_PORT || "4000", 10);
const database = env.NEO4J_DATABASE || "neo4j";

const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf8");
const driver = neo4j.driver(env.NEO4J_URI, neo4j.auth.basic(env.NEO4J_USER || "neo4j", env.NEO4J_PASSWORD || ""));

const neoSchema = new Neo4jGraphQL({ typeDefs, driver });
// A Federation subgraph's schema: the library's own, plus `_entities` and `_service`.
const schema = await neoSchema.getSubgraphSchema();
await driver.verifyConnectivity({ database });

const yoga = createYoga({
    schema,
    graphqlEndpoint: "/graphql",
    graphiql: false,
    landingPage: false,
    logging: false,
    // Errors come back in `errors` as they are (no "Unexpected error." masking).
    maskedErrors: false,
    // No multipart uploads, no batched requests.
    multipart: false,
    batching: false,
    // The library takes the session's database from the context (it runs on the driver above).
    context: () => ({ sessionConfig: { database } }),
});

// One read before listening: the library checks the server's version on its first request, and
// that one-off query should not land in the first measured request.
const warmUp = await yoga.fetch("http://peer/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "query WarmUp { companies(limit: 1) { id } }" }),
});
const warmUpBody = await warmUp.json();
if (warmUpBody.errors) {
    console.error("peer: warm-up query failed:", JSON.stringify(warmUpBody.errors));
    await driver.close();
    process.exit(1);
}

// POST /graphql with a JSON body is what the benchmark sends; Yoga also answers GET
// /graphql?query=... for queries (the runner's readiness probe uses `{__typename}`).
const server = createServer(yoga);
server.keepAliveTimeout = 65_000;

// SIGTERM (and Ctrl-C): stop accepting, drop idle keep-alive connections, close the driver, exit 0.
let stopping = false;
async function stop() {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    try {
        await driver.close();
    } catch (error) {
        console.error("peer: closing the driver failed:", error);
    }
    process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

server.listen(port, host, () => {
    console.log(`peer listening on http://${host}:${port}/graphql`);
});

// Subscriptions through the two libraries clients use: graphql-ws (the graphql-transport-ws
// protocol, over the `ws` package's WebSocket) and graphql-sse (Server-Sent Events, distinct
// connections mode). Each check subscribes to the change feed, writes through POST /graphql,
// and checks what arrives; then it disconnects, writes while away, and resumes with afterSeq.
import { createClient as createWsClient } from "graphql-ws";
import { createClient as createSseClient } from "graphql-sse";
import WebSocket from "ws";
import { apiKey, endpoint, runChecks } from "./common.mjs";

const url = endpoint();
const key = apiKey();
const prefix = `test-sub-${process.pid}-`;
// Companies written through the API; the collector keeps only this run's (by id prefix).
const MINE = `subscription Mine($after: Int) {
  changes(where: { action: { eq: "upsert" }, type: { eq: "Company" } }, afterSeq: $after) { seq entity action keyName } }`;
const UPSERT = `mutation($input: CompanyInput!) { upsertCompany(input: $input) { __typename } }`;

async function write(id) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({
      query: UPSERT,
      variables: {
        input: {
          id,
          name: `Subscription test ${id}`,
          country: "US",
          evidence: [{ source: "s74", quote: "The company says it makes artificial intelligence servers in Mount Pleasant." }],
        },
      },
    }),
  });
  const body = await response.json();
  if (body.errors || body.data.upsertCompany.__typename !== "Written") throw new Error(JSON.stringify(body));
}

// Collects events of this run's entities until `count` have come, or fails after a timeout.
function collector(subscribe, count, after) {
  return new Promise((resolve, reject) => {
    const events = [];
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out with ${JSON.stringify(events)}`));
    }, 20000);
    const stop = subscribe(
      { query: MINE, variables: after === undefined ? {} : { after } },
      {
        next: (result) => {
          if (result.errors) {
            clearTimeout(timer);
            stop();
            reject(new Error(JSON.stringify(result.errors)));
            return;
          }
          const change = result.data.changes;
          if (!change.entity.startsWith(prefix)) return;
          events.push(change);
          if (events.length === count) {
            clearTimeout(timer);
            stop();
            resolve(events);
          }
        },
        error: (error) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => {},
      },
    );
  });
}

async function followAndResume(client, name) {
  const subscribe = (payload, sink) => client.subscribe(payload, sink);
  // Live: subscribe, then write two companies.
  const live = collector(subscribe, 2);
  await new Promise((r) => setTimeout(r, 500)); // the stream is open before the writes
  await write(`${prefix}${name}-1`);
  await write(`${prefix}${name}-2`);
  const first = await live;
  // Away: three writes while no one listens; resuming after the last seq seen gets exactly them.
  const last = first[first.length - 1].seq;
  for (const n of [3, 4, 5]) await write(`${prefix}${name}-${n}`);
  const resumed = await collector(subscribe, 3, last);
  return {
    ok: true,
    live: first.map((e) => e.entity),
    resumed: resumed.map((e) => e.entity),
    seqs: [...first, ...resumed].map((e) => e.seq),
    keyNames: [...new Set([...first, ...resumed].map((e) => e.keyName))],
  };
}

await runChecks({
  async websocket() {
    const client = createWsClient({
      url: url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${key}` },
      retryAttempts: 0,
    });
    try {
      return await followAndResume(client, "ws");
    } finally {
      await client.dispose();
    }
  },
  async sse() {
    const client = createSseClient({ url, headers: { authorization: `Bearer ${key}` }, retryAttempts: 0 });
    try {
      return await followAndResume(client, "sse");
    } finally {
      client.dispose();
    }
  },
});

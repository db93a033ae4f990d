// graphql-http's GraphQL-over-HTTP conformance audit against the real server:
//   node audit.mjs <graphql url>   (or SUPPLYGRAPH_URL)
// Prints {ok, counts: {ok, notice, warn, error}, results: [{id, name, status, reason, response}]};
// ok (and exit code 0) means no error and no warning.
import { auditServer } from "graphql-http";

import { describeError, endpoint, finish } from "./common.mjs";

// What the server answered, so a failing audit can be understood from the JSON alone.
async function answered(response) {
  if (!response) return null;
  let body = null;
  try {
    body = (await response.clone().text()).slice(0, 300);
  } catch {
    // The audit may have read the body already; the status and type still tell most of it.
  }
  return { status: response.status, contentType: response.headers.get("content-type"), body };
}

try {
  const results = await auditServer({ url: endpoint(), fetchFn: fetch });
  const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
  const described = [];
  for (const result of results) {
    counts[result.status] += 1;
    described.push({
      id: result.id,
      name: result.name,
      status: result.status,
      reason: result.reason ?? null,
      response: result.status === "ok" ? null : await answered(result.response),
    });
  }
  finish({ ok: counts.warn === 0 && counts.error === 0, counts, results: described });
} catch (error) {
  finish({ ok: false, error: describeError(error) });
}

// Apollo Client 4 with its persisted-queries link against the real server:
//   node persisted.mjs <graphql url>   (SUPPLYGRAPH_MANIFEST: the manifest for the safelist checks)
// Every request the client makes goes through a recording fetch, so a check can say what was sent
// (GET or POST, with or without the query text) and what came back (status, code, ETag).
// Prints one JSON object: {ok, checks: {apq, apqGet, safelist, safelistRefused}}.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { generatePersistedQueryIdsFromManifest } from "@apollo/persisted-query-lists";

import { describeError, endpoint, runChecks } from "./common.mjs";

const url = endpoint();
const sha256 = (text) => createHash("sha256").update(text).digest("hex");

function recorder() {
  const sent = [];
  async function recordingFetch(input, init = {}) {
    const method = init.method ?? "GET";
    const target = new URL(typeof input === "string" ? input : input.url);
    const body = typeof init.body === "string" ? JSON.parse(init.body) : null;
    const params = body ?? {
      query: target.searchParams.get("query") ?? undefined,
      extensions: JSON.parse(target.searchParams.get("extensions") ?? "null"),
    };
    const response = await fetch(input, init);
    const text = await response.clone().text();
    let code = null;
    try {
      code = JSON.parse(text).errors?.[0]?.extensions?.code ?? null;
    } catch {}
    sent.push({
      method,
      url: target.toString(),
      withQuery: typeof params.query === "string",
      hash: params.extensions?.persistedQuery?.sha256Hash ?? null,
      status: response.status,
      code,
      etag: response.headers.get("etag"),
      accept: new Headers(init.headers).get("accept"),
    });
    return response;
  }
  return { sent, fetch: recordingFetch };
}

function client(linkOptions, record) {
  return new ApolloClient({
    link: new PersistedQueryLink(linkOptions).concat(new HttpLink({ uri: url, fetch: record.fetch })),
    cache: new InMemoryCache(),
  });
}

// A name no earlier run used, so the server has not seen this document yet.
function freshQuery() {
  const name = `Apq${Date.now()}x${process.pid}x${Math.floor(Math.random() * 1e6)}`;
  return gql(`query ${name} { company(id: "openai") { id name } }`);
}

const shape = (sent) => sent.map((r) => `${r.method}:${r.withQuery ? "query" : "hash"}:${r.code ?? r.status}`);

// First request: the hash alone, PersistedQueryNotFound; the link retries with the text (POST);
// from then on the hash alone is enough.
async function apq() {
  const record = recorder();
  const apollo = client({ sha256 }, record);
  const query = freshQuery();
  const first = await apollo.query({ query, fetchPolicy: "network-only" });
  const second = await apollo.query({ query, fetchPolicy: "network-only" });
  const expected = ["POST:hash:PERSISTED_QUERY_NOT_FOUND", "POST:query:200", "POST:hash:200"];
  return {
    ok:
      JSON.stringify(shape(record.sent)) === JSON.stringify(expected) &&
      first.data?.company?.name === "OpenAI" &&
      second.data?.company?.name === "OpenAI",
    requests: shape(record.sent),
    expected,
  };
}

// useGETForHashedQueries: the hash goes in the URL; the registration is still a POST. The hashed
// GET's answer carries an ETag, and asking for the same URL with it gets 304.
async function apqGet() {
  const record = recorder();
  const apollo = client({ sha256, useGETForHashedQueries: true }, record);
  const query = freshQuery();
  await apollo.query({ query, fetchPolicy: "network-only" });
  const again = await apollo.query({ query, fetchPolicy: "network-only" });
  const expected = ["GET:hash:PERSISTED_QUERY_NOT_FOUND", "POST:query:200", "GET:hash:200"];
  const last = record.sent.at(-1);
  const revalidated = last?.etag
    ? await fetch(last.url, { headers: { "If-None-Match": last.etag, Accept: last.accept } })
    : null;
  return {
    ok:
      JSON.stringify(shape(record.sent)) === JSON.stringify(expected) &&
      again.data?.company?.id === "openai" &&
      Boolean(last?.etag) &&
      revalidated?.status === 304,
    requests: shape(record.sent),
    expected,
    etag: last?.etag ?? null,
    revalidated: revalidated?.status ?? null,
  };
}

function manifestLink(record) {
  const manifest = JSON.parse(readFileSync(process.env.SUPPLYGRAPH_MANIFEST, "utf8"));
  return client(generatePersistedQueryIdsFromManifest({ loadManifest: () => manifest }), record);
}

const operation = (file) => gql(readFileSync(new URL(`../operations/${file}`, import.meta.url), "utf8"));

// The manifest's ids, as an app built with generate-persisted-query-manifest sends them: one
// request each, the hash only, never the text.
async function safelist() {
  const record = recorder();
  const apollo = manifestLink(record);
  const company = await apollo.query({ query: operation("company_by_id.graphql"), variables: { id: "openai" } });
  const page = await apollo.query({ query: operation("companies_page.graphql"), variables: { first: 3 } });
  return {
    ok:
      JSON.stringify(shape(record.sent)) === JSON.stringify(["POST:hash:200", "POST:hash:200"]) &&
      company.data?.company?.name === "OpenAI" &&
      page.data?.companies?.nodes?.length === 3,
    requests: shape(record.sent),
  };
}

// A document the manifest does not list: as text, 403 QUERY_NOT_IN_SAFELIST; by its own hash,
// PERSISTED_QUERY_NOT_IN_LIST, on which the link does not retry with the text.
async function safelistRefused() {
  const asText = recorder();
  const plain = new ApolloClient({ link: new HttpLink({ uri: url, fetch: asText.fetch }), cache: new InMemoryCache() });
  const byHash = recorder();
  const hashed = client({ sha256 }, byHash);
  const query = gql`
    query NotListed {
      company(id: "openai") {
        id
        kind
      }
    }
  `;
  const outcomes = [];
  for (const apollo of [plain, hashed]) {
    try {
      const result = await apollo.query({ query, errorPolicy: "none" });
      outcomes.push({ data: result.data ?? null });
    } catch (error) {
      outcomes.push(describeError(error));
    }
  }
  const text = shape(asText.sent);
  const hash = shape(byHash.sent);
  return {
    ok:
      JSON.stringify(text) === JSON.stringify(["POST:query:QUERY_NOT_IN_SAFELIST"]) &&
      asText.sent[0]?.status === 403 &&
      JSON.stringify(hash) === JSON.stringify(["POST:hash:PERSISTED_QUERY_NOT_IN_LIST"]) &&
      outcomes.every((o) => !("data" in o)),
    text,
    hash,
    outcomes,
  };
}

await runChecks({ apq, apqGet, safelist, safelistRefused });

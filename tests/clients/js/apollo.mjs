// Apollo Client 4 as an application would set it up, against the real server:
//   node apollo.mjs <graphql url> [editor api key]   (or SUPPLYGRAPH_URL / SUPPLYGRAPH_API_KEY)
// Prints one JSON object: {ok, checks: {paging, normalisation, omittedVariables, mutation}}.
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { relayStylePagination } from "@apollo/client/utilities";

import { apiKey, endpoint, runChecks } from "./common.mjs";

const url = endpoint();
const key = apiKey();
const PAGE_SIZE = 7; // small, so the seed's ~100 companies take many pages

function client(headers = {}) {
  return new ApolloClient({
    link: new HttpLink({ uri: url, headers }),
    cache: new InMemoryCache({
      typePolicies: {
        Query: { fields: { companies: relayStylePagination(["where", "orderBy"]) } },
      },
    }),
  });
}

const PAGE = gql`
  query CompaniesPage($first: Int!, $after: String, $orderBy: CompanyOrder) {
    companies(first: $first, after: $after, orderBy: $orderBy) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          name
        }
      }
    }
  }
`;

// The first page's variables carry no `after`: Apollo leaves an unset nullable variable out of the
// request, so the server must treat it as "not provided".
async function paging() {
  const apollo = client();
  const variables = { first: PAGE_SIZE, orderBy: { field: "NAME", direction: "ASC" } };
  const watched = apollo.watchQuery({ query: PAGE, variables });
  const first = await new Promise((resolve, reject) => {
    const subscription = watched.subscribe({
      next: (result) => {
        if (result.loading) return;
        subscription.unsubscribe();
        if (result.error) reject(result.error);
        else resolve(result.data);
      },
      error: reject,
    });
  });
  let pageInfo = first.companies.pageInfo;
  let requests = 1;
  // Bounded: a server that never says hasNextPage=false must not hang the test.
  while (pageInfo.hasNextPage && requests < 100) {
    const more = await watched.fetchMore({ variables: { after: pageInfo.endCursor } });
    pageInfo = more.data.companies.pageInfo;
    requests += 1;
  }
  const merged = apollo.readQuery({ query: PAGE, variables }).companies;
  const ids = merged.edges.map((edge) => edge.node.id);
  const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
  const totalCount = merged.totalCount;
  return {
    ok: !pageInfo.hasNextPage && duplicates.length === 0 && ids.length === totalCount && requests > 1,
    requests,
    edges: ids.length,
    totalCount,
    duplicates,
    hasNextPage: pageInfo.hasNextPage,
  };
}

const BY_ID = gql`
  query CompanyById {
    company(id: "openai") {
      id
      name
    }
  }
`;
const BY_FILTER = gql`
  query CompanyByFilter {
    companies(where: { id: { eq: "openai" } }, first: 1) {
      nodes {
        id
        kind
      }
    }
  }
`;

// Two differently shaped queries for one company must land in one cache entry, merged by id.
async function normalisation() {
  const apollo = client();
  await apollo.query({ query: BY_ID });
  await apollo.query({ query: BY_FILTER });
  const cacheId = apollo.cache.identify({ __typename: "Company", id: "openai" });
  const entries = Object.keys(apollo.cache.extract()).filter((k) => k.startsWith("Company:"));
  const fragment = apollo.readFragment({
    id: cacheId,
    fragment: gql`
      fragment Merged on Company {
        id
        name
        kind
      }
    `,
  });
  return {
    ok:
      cacheId === "Company:openai" &&
      entries.length === 1 &&
      fragment?.name === "OpenAI" &&
      fragment?.kind === "COMPANY",
    cacheId,
    entries,
    fragment,
  };
}

const OMITTED = gql`
  query Omitted($first: Int, $after: String, $where: CompanyWhere) {
    companies(first: $first, after: $after, where: $where) {
      totalCount
      nodes {
        id
      }
    }
  }
`;

// None of the declared variables is sent: every argument takes its schema default (first: 20).
async function omittedVariables() {
  const result = await client().query({ query: OMITTED, variables: {}, errorPolicy: "all" });
  const companies = result.data?.companies;
  const expected = companies ? Math.min(20, companies.totalCount) : null;
  return {
    ok: result.error === undefined && companies?.nodes.length === expected,
    nodes: companies?.nodes.length ?? null,
    totalCount: companies?.totalCount ?? null,
    errors: result.error?.errors?.map((e) => ({ message: e.message, code: e.extensions?.code })) ?? [],
  };
}

const WRITTEN = `
  __typename
  ... on Written { id created version changed }
  ... on ValidationError { message errors { path message } }
  ... on NotFound { message }
  ... on Conflict { message currentVersion }
`;
const UPSERT_SOURCE = gql`
  mutation UpsertSource($input: SourceInput!) {
    upsertSource(input: $input) { ${WRITTEN} }
  }
`;
const UPSERT_COMPANY = gql`
  mutation UpsertCompany($input: CompanyInput!) {
    upsertCompany(input: $input) { ${WRITTEN} }
  }
`;

// An editor's key in the Authorization header; ids are unique per run so reruns create again.
async function mutation() {
  const apollo = client({ Authorization: `Bearer ${key}` });
  const suffix = `${Date.now()}-${process.pid}`;
  const sourceId = `apollo-client-test-source-${suffix}`;
  const source = await apollo.mutate({
    mutation: UPSERT_SOURCE,
    variables: {
      input: {
        id: sourceId,
        url: `https://example.com/apollo-client-test/${suffix}`,
        title: "Apollo client test page",
        publisher: "Example",
        tier: "C",
      },
    },
  });
  const company = await apollo.mutate({
    mutation: UPSERT_COMPANY,
    variables: {
      input: {
        id: `apollo-client-test-company-${suffix}`,
        name: `Apollo Client Test Co ${suffix}`,
        evidence: [{ source: sourceId, quote: "Apollo Client Test Co makes test fixtures." }],
      },
    },
  });
  const written = [source.data?.upsertSource, company.data?.upsertCompany];
  return {
    ok: written.every((w) => w?.__typename === "Written" && w.created === true),
    upsertSource: written[0] ?? null,
    upsertCompany: written[1] ?? null,
  };
}

await runChecks({ paging, normalisation, omittedVariables, mutation });

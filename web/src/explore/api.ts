/** The explorer's only way to the data: POST /graphql on this origin. */

export class GraphQLError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

interface Response<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** The `data` of a query, or a GraphQLError with the first error's message and code. */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  let body: Response<T>;
  try {
    body = (await response.json()) as Response<T>;
  } catch {
    throw new GraphQLError(`The API answered ${response.status} without JSON.`);
  }
  const error = body.errors?.[0];
  if (error) throw new GraphQLError(error.message, error.extensions?.code);
  if (!body.data) throw new GraphQLError(`The API answered ${response.status} without data.`);
  return body.data;
}

// What every client script shares: where the server is, how a failure is described, and the one
// JSON object a script prints (the pytest side reads only that, so a crash must still print it).

export function endpoint() {
  const url = process.argv[2] ?? process.env.SUPPLYGRAPH_URL;
  if (!url) {
    console.log(JSON.stringify({ ok: false, error: "usage: node <script> <graphql url> [api key]" }));
    process.exit(2);
  }
  return url;
}

export function apiKey() {
  return process.argv[3] ?? process.env.SUPPLYGRAPH_API_KEY ?? "";
}

// Apollo's error classes keep the server's errors (or the raw body) in different properties.
export function describeError(error) {
  const described = { name: error?.name ?? typeof error, message: String(error?.message ?? error) };
  if (Array.isArray(error?.errors)) {
    described.errors = error.errors.map((e) => ({
      message: e.message,
      code: e.extensions?.code ?? null,
      path: e.path ?? null,
    }));
  }
  if (error?.cause) described.cause = String(error.cause.message ?? error.cause);
  if (error?.statusCode !== undefined) described.statusCode = error.statusCode;
  if (typeof error?.bodyText === "string") described.bodyText = error.bodyText.slice(0, 500);
  return described;
}

// Runs each named check on its own, so one failure still lets the others report.
// SUPPLYGRAPH_CHECKS (comma-separated names) picks some, so each pytest test runs only its own.
export async function runChecks(checks) {
  const wanted = process.env.SUPPLYGRAPH_CHECKS?.split(",").filter(Boolean) ?? Object.keys(checks);
  const unknown = wanted.filter((name) => !(name in checks));
  if (unknown.length > 0) {
    finish({ ok: false, error: `unknown checks: ${unknown.join(", ")}` });
    return;
  }
  const results = {};
  for (const [name, check] of Object.entries(checks).filter(([name]) => wanted.includes(name))) {
    try {
      results[name] = await check();
    } catch (error) {
      results[name] = { ok: false, error: describeError(error) };
    }
  }
  const ok = Object.values(results).every((result) => result.ok === true);
  finish({ ok, checks: results });
}

export function finish(report) {
  process.stdout.write(JSON.stringify(report) + "\n", () => process.exit(report.ok ? 0 : 1));
}

process.on("unhandledRejection", (error) => finish({ ok: false, error: describeError(error) }));

"""graphql-http's GraphQL-over-HTTP audit (auditServer) against the real server: no error and no
warning; the notices (MAY items) are printed, since the README has to explain any that remain."""

import json

from neo4j import Driver

from tests.clients.node import run_script
from tests.support import ApiProcess


def test_graphql_over_http_audit(api: ApiProcess, seeded: Driver) -> None:
    report = run_script("audit.mjs", f"{api.url}/graphql")
    assert "results" in report, report
    for result in report["results"]:
        if result["status"] == "notice":
            print(f"notice {result['id']} {result['name']}: {result['reason']}")
    failed = [r for r in report["results"] if r["status"] in ("warn", "error")]
    assert report["counts"]["error"] == 0 and report["counts"]["warn"] == 0, (
        f"audit: {report['counts']}\n" + "\n".join(json.dumps(r) for r in failed)
    )
